"""The project of the Unione della Romagna Faentina with the Unione dei Comuni della Bassa Romagna
(`/work/shared/seeds/003_…`), one test per commitment of the document."""

import datetime
import random
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from demo.path import walk
from equipes.models import Implementation, Project, TargetKind, TargetScope, User
from families.forms import FamilyForm
from families.models import ENDED_STATES, Family, State
from interventions import services
from interventions.models import BudgetLine, Group, InterventionType, SchoolPartnership
from interventions.selectors import project_for
from reporting import exports, indicators, reports
from reporting.models import FINAL_REPORT_LABEL, ReportRun
from reporting.report_forms import ReportStartForm
from reporting.targets import project_target_progress
from tests import factories as f

# --- Issue 13 §1: a project of more than one ambito --------------------------------------------------------


@pytest.mark.django_db
class TestMultiAmbitoProject:
    """ "Progetto presentato dall'Unione della Romagna Faentina in associazione con l'Unione dei Comuni della Bassa
    Romagna" (CUP F14H22000020006); P.I.P.P.I. 11, 12 e 13 si svolgono in entrambi gli ambiti: "almeno n. 10
    famiglie target in ciascuna implementazione", "in ciascun Ambito Territoriale Sociale, almeno 1 gruppo di
    genitori e 1 di bambini per ogni implementazione".

    On the factories: the world's project (lead "TST", the Romagna Faentina) with the associated ambito "ASC" (the
    Bassa Romagna, `world.associated`); "OTH" is a third ambito outside the project."""

    S1 = (datetime.date(2024, 1, 1), datetime.date(2024, 6, 30))

    @pytest.fixture
    def scene(self, world):
        associated = f.add_associated_ambito(world)
        lead_family = f.make_family(world, referral_date=datetime.date(2024, 1, 10))
        associated_family = f.make_family(
            world,
            case_manager=associated.users.case_manager,
            comune=associated.comune,
            equipe=associated.equipe,
            referral_date=datetime.date(2024, 2, 12),
        )
        return world, associated, lead_family, associated_family

    def test_the_implementations_are_the_projects_and_run_in_every_ambito_of_it(self, scene):
        world, associated, *_ = scene
        assert set(Implementation.objects.visible_to(associated.users.case_manager)) == {world.implementation}
        assert set(Project.objects.visible_to(associated.users.ufficio_piano)) == {world.project}
        assert world.project.ambito_ids == [world.ambito.pk, associated.ambito.pk]
        assert not Project.objects.visible_to(world.other.ufficio_piano).filter(pk=world.project.pk).exists()

    def test_a_bassa_romagna_case_manager_registers_a_family_under_the_romagna_project(self, scene):
        world, associated, _lead, associated_family = scene
        form = FamilyForm(user=associated.users.case_manager)
        offered = set(form.fields["implementation"].queryset)
        assert world.implementation in offered
        assert world.other.implementation not in offered
        assert associated_family.ambito == associated.ambito
        assert associated_family.implementation.project == world.project

    def test_an_implementation_of_a_project_the_ambito_is_not_part_of_is_refused_in_italian(self, scene):
        world, associated, _lead, associated_family = scene
        associated_family.implementation = world.other.implementation
        with pytest.raises(ValidationError) as refused:
            associated_family.full_clean()
        assert "di cui l'ambito della famiglia non fa parte" in str(refused.value)
        form = FamilyForm(
            data={
                "comune": associated.comune.pk,
                "equipe": associated.equipe.pk,
                "implementation": world.other.implementation.pk,
                "case_manager": associated.users.case_manager.pk,
            },
            user=associated.users.case_manager,
        )
        assert not form.is_valid()
        assert "implementation" in form.errors

    def test_a_bassa_romagna_case_manager_does_not_see_faenzas_families(self, scene, client):
        world, associated, lead_family, associated_family = scene
        case_manager = associated.users.case_manager
        assert set(Family.objects.visible_to(case_manager)) == {associated_family}
        client.force_login(case_manager)
        assert client.get(lead_family.get_absolute_url()).status_code == 404
        assert client.get(associated_family.get_absolute_url()).status_code == 200

    def test_a_bassa_romagna_group_serves_the_plans_of_its_own_families(self, scene):
        """ "strutturare e consolidare strumenti e dispositivi, individuali e di gruppo, adeguati a sostenere la
        genitorialità e lo sviluppo del bambino": a group of the Bassa Romagna serves the Progetto Quadro objectives
        of the Bassa Romagna's families taking part, not those of a Faenza family at the same group."""
        world, associated, lead_family, associated_family = scene
        for family, users in ((lead_family, world.users), (associated_family, associated.users)):
            walk(family, State.IN_CORSO, by=users.case_manager, operator=users.operatore, t0=datetime.date(2024, 3, 1))
        group = f.make_group(world.implementation, ambito=associated.ambito)
        group.participants.set([*associated_family.members.all(), *lead_family.members.all()])
        ours = list(associated_family.plans.get().objectives.all())
        assert ours and set(group.objective_choices()) == set(ours)
        services.group_set_objectives(group=group, objectives=ours, by=associated.users.case_manager)
        theirs = lead_family.plans.get().objectives.first()
        with pytest.raises(services.GroupRefused, match="nell'ambito del gruppo"):
            services.group_set_objectives(group=group, objectives=[theirs], by=world.users.case_manager)
        assert set(group.objectives.all()) == set(ours)

    def test_each_ambitos_staff_keep_seeing_only_their_own_families(self, scene, client):
        world, associated, lead_family, associated_family = scene
        for user in (world.users.ufficio_piano, world.users.coordinatore, world.users.case_manager):
            assert associated_family not in Family.objects.visible_to(user)
        assert set(Family.objects.visible_to(associated.users.ufficio_piano)) == {associated_family}
        client.force_login(world.users.ufficio_piano)
        assert client.get(associated_family.get_absolute_url()).status_code == 404

    def test_bassa_romagna_staff_record_hours_on_the_romagna_project(self, scene):
        world, associated, *_ = scene
        assert project_for(associated.users.operatore, datetime.date(2024, 3, 4)) == world.project
        assert project_for(world.other.outsider, datetime.date(2024, 3, 4)) == world.other.project

    def test_bassa_romagna_families_are_reported_under_the_romagna_project(self, scene, walk):
        world, associated, lead_family, associated_family = scene
        walk(
            associated_family,
            State.IN_CORSO,
            by=associated.users.case_manager,
            operator=associated.users.operatore,
            t0=datetime.date(2024, 3, 11),
            rng=random.Random(3),
        )
        figures = indicators.compute(world.project, *self.S1)
        (row,) = figures["physical"]["families"]["rows"]
        assert row["referred"]["cumulative"] == 2
        assert row["included"]["cumulative"] == 1
        by_code = {r["code"]: r for r in figures["ambiti"]["rows"]}
        assert by_code["ASC"]["included"] == {"period": 1, "cumulative": 1}
        assert by_code["ASC"]["referred"] == {"period": 1, "cumulative": 1}
        assert by_code["TST"]["included"] == {"period": 0, "cumulative": 0}

    def test_the_lead_ufficio_di_piano_reports_both_ambiti_per_ambito_and_in_total(self, scene):
        world, associated, *_ = scene
        run = reports.report_start(
            project=world.project, kind="semester", label="2024-S1", by=world.users.ufficio_piano
        )
        run = reports.run_report(run.pk)
        snapshot = run.snapshot
        assert snapshot["cover"]["associated_ambiti"] == [associated.ambito.name]
        rows = snapshot["ambiti"]["rows"]
        assert [(r["code"], r["lead"]) for r in rows] == [("TST", True), ("ASC", False)]
        assert [r["referred"]["cumulative"] for r in rows] == [1, 1]
        assert snapshot["ambiti"]["totals"]["referred"] == {"period": 2, "cumulative": 2}
        assert snapshot["physical"]["families"]["totals"]["referred"]["cumulative"] == 2
        csv = exports.to_csv(snapshot).decode("utf-8")
        assert "Per ambito" in csv and associated.ambito.name in csv
        annual = reports.compute_snapshot(world.project, ReportRun.Kind.ANNUAL, *indicators.year_bounds(2024))
        assert [r["code"] for r in annual["ambiti"]["rows"]] == ["TST", "ASC"]

    def test_the_associated_ufficio_di_piano_reads_the_report_but_does_not_start_or_approve_it(self, scene, client):
        world, associated, *_ = scene
        udp = associated.users.ufficio_piano
        assert world.project not in ReportStartForm(user=udp).fields["project"].queryset
        with pytest.raises(reports.ReportRefused):
            reports.report_start(project=world.project, kind="semester", label="2024-S1", by=udp)
        run = reports.report_start(
            project=world.project, kind="semester", label="2024-S1", by=world.users.ufficio_piano
        )
        reports.run_report(run.pk)
        client.force_login(udp)
        assert client.get(run.get_absolute_url()).status_code == 200
        assert client.post(reverse("reporting:report-approve", args=[run.pk])).status_code == 403
        assert client.post(reverse("reporting:report-submit", args=[run.pk])).status_code == 403
        assert ReportRun.objects.get(pk=run.pk).state == ReportRun.State.BOZZA
        client.force_login(world.other.ufficio_piano)
        assert client.get(run.get_absolute_url()).status_code == 404

    def test_the_associated_ufficio_di_piano_sees_its_own_ambitos_figures_and_the_projects(self, scene, client):
        world, associated, *_ = scene
        client.force_login(associated.users.ufficio_piano)
        page = client.get(reverse("reporting:indicators"), {"progetto": world.project.pk, "periodo": "2024-S1"})
        assert page.status_code == 200
        table = page.context["s"]["ambiti"]
        assert [r["code"] for r in table["rows"]] == ["ASC"]
        assert table["totals"]["referred"]["cumulative"] == 2
        client.force_login(world.users.ufficio_piano)
        page = client.get(reverse("reporting:indicators"), {"progetto": world.project.pk, "periodo": "2024-S1"})
        assert [r["code"] for r in page.context["s"]["ambiti"]["rows"]] == ["TST", "ASC"]

    def test_the_lead_and_the_associated_ufficio_di_piano_see_the_projects_page_and_budget(self, scene, client):
        world, associated, *_ = scene
        pages = [
            reverse("equipes:project-detail", args=[world.project.pk]),
            reverse("interventions:budget", args=[world.project.pk]),
        ]
        for user in (world.users.ufficio_piano, associated.users.ufficio_piano):
            client.force_login(user)
            assert [client.get(url).status_code for url in pages] == [200, 200]
        client.force_login(associated.users.ufficio_piano)
        assert associated.ambito.name in client.get(pages[0]).content.decode()
        edit = reverse("equipes:project-edit", args=[world.project.pk])
        assert client.get(edit).status_code == 403
        client.force_login(world.other.ufficio_piano)
        assert [client.get(url).status_code for url in pages] == [404, 404]

    def test_a_single_ambito_project_reports_as_before(self, scene):
        world, *_ = scene
        figures = indicators.compute(world.other.project, *self.S1)
        assert "ambiti" not in figures
        assert "associated_ambiti" not in figures["cover"]
        assert "Per ambito" not in exports.to_csv(figures).decode("utf-8")

    def test_the_per_ambito_figures_take_no_query_per_ambito(self, scene):
        world, *_ = scene
        with CaptureQueriesContext(connection) as two:
            indicators.ambiti(world.project, *self.S1)
        for code in ("ASD", "ASE"):
            third = f.make_ambito(code)
            world.project.associated_ambiti.add(third)
            f.make_family(
                world,
                case_manager=f.make_user(third, f.Role.CASE_MANAGER),
                comune=f.make_comune(third),
                equipe=f.make_equipe(third),
            )
        with CaptureQueriesContext(connection) as four:
            figures = indicators.ambiti(world.project, *self.S1)
        assert len(figures["rows"]) == 4
        assert len(four) == len(two)

    def test_bassa_romagnas_staff_see_and_act_only_on_their_own_ambitos_groups_and_hours(self, scene, client):
        """Groups and hours belong to an ambito inside the project: each ambito's staff open and run their own and
        get 404 on the other ambito's, the lead's Ufficio di Piano included."""
        world, associated, *_ = scene
        lead_group = f.make_group(world.implementation, ambito=world.ambito)
        bassa_group = f.make_group(world.implementation, ambito=associated.ambito)
        sheets = {}
        for educator in (world.users.operatore, associated.users.operatore):
            services.time_entry_set(user=educator, day=datetime.date(2024, 3, 4), activity="coordinamento", minutes=120)
            sheets[educator.ambito_id] = services.timesheet_confirm(timesheet=educator.timesheets.get(), by=educator)
        assert {sheet.project for sheet in sheets.values()} == {world.project}
        lead_sheet, bassa_sheet = sheets[world.ambito.pk], sheets[associated.ambito.pk]

        def statuses(user, *urls):
            client.force_login(user)
            return [client.get(url).status_code for url in urls]

        groups = [bassa_group.get_absolute_url(), lead_group.get_absolute_url()]
        timesheets = [bassa_sheet.get_absolute_url(), lead_sheet.get_absolute_url()]
        assert statuses(associated.users.case_manager, *groups) == [200, 404]
        assert statuses(world.users.case_manager, *groups) == [404, 200]
        assert statuses(associated.users.ufficio_piano, *timesheets) == [200, 404]
        assert statuses(world.users.ufficio_piano, *timesheets) == [404, 200]
        queue = client.get(reverse("interventions:timesheet-list")).context["page"]
        assert [sheet.pk for sheet in queue] == [lead_sheet.pk]
        client.force_login(associated.users.ufficio_piano)
        validate = reverse("interventions:timesheet-validate", args=[lead_sheet.pk])
        assert client.post(validate).status_code == 404
        client.post(reverse("interventions:timesheet-validate", args=[bassa_sheet.pk]))
        bassa_sheet.refresh_from_db()
        lead_sheet.refresh_from_db()
        assert (bassa_sheet.state, lead_sheet.state) == ("validato", "confermato")

    def test_the_budget_of_211500_euros_shows_each_ambitos_hours_and_spending_and_the_projects(self, scene, client):
        """ "Totale finanziamento € 211.500,00" for the whole project: the lead's Ufficio di Piano sees every
        ambito's validated hours and spending beside the project's total; Bassa Romagna's sees its own row beside
        the same total."""
        world, associated, *_ = scene
        BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=6000, hourly_cost=22)
        for educator, validator, hours in [
            (world.users.operatore, world.users.ufficio_piano, 10),
            (associated.users.operatore, associated.users.ufficio_piano, 5),
        ]:
            services.time_entry_set(
                user=educator, day=datetime.date(2024, 3, 4), activity="coordinamento", minutes=hours * 60
            )
            sheet = services.timesheet_confirm(timesheet=educator.timesheets.get(), by=educator)
            services.timesheet_validate(timesheet=sheet, by=validator)
        url = reverse("interventions:budget", args=[world.project.pk])
        client.force_login(world.users.ufficio_piano)
        lead = client.get(url)
        assert [(r.code, r.delivered_hours, r.spent) for r in lead.context["ambiti"]] == [
            ("TST", Decimal("10.0"), Decimal("220.00")),
            ("ASC", Decimal("5.0"), Decimal("110.00")),
        ]
        assert lead.context["budget"].total_spent == Decimal("330.00")
        assert "€ 211.500,00" in lead.content.decode()
        client.force_login(associated.users.ufficio_piano)
        bassa = client.get(url)
        assert [r.code for r in bassa.context["ambiti"]] == ["ASC"]
        assert bassa.context["budget"].total_spent == Decimal("330.00")
        assert "€ 220,00" not in bassa.content.decode()

    def test_bassa_romagnas_ufficio_di_piano_reads_that_the_lead_starts_and_approves_the_reports(self, scene, client):
        """ "Il progetto è stato presentato dall'Unione della Romagna Faentina, in forma associata con Unione dei
        Comuni della Bassa Romagna": the lead's Ufficio di Piano starts and approves the reports; the associated
        one's list says so instead of an empty start form, and lists the reports it reads."""
        world, associated, *_ = scene
        run = reports.report_start(
            project=world.project, kind="semester", label="2024-S1", by=world.users.ufficio_piano
        )
        client.force_login(associated.users.ufficio_piano)
        response = client.get(reverse("reporting:report-list"))
        page = response.content.decode()
        assert response.context["form"] is None
        assert "Avvia una rendicontazione" not in page
        assert (
            f"I rapporti del progetto sono avviati e approvati dall'Ufficio di Piano capofila: {world.ambito.name}."
            in page
        )
        assert run.get_absolute_url() in page

    @pytest.mark.demo_seed
    def test_the_demo_has_people_and_families_in_both_ambiti_of_the_romagna_project(self, db, seeded_demo, client):
        romagna = Project.objects.get(cup="F14H22000020006")
        families = Family.objects.filter(implementation__project=romagna)
        assert set(families.values_list("ambito__code", flat=True)) == {"URF", "UBR"}
        users = {name: User.objects.get(username=name) for name in ("udp_faenza", "udp_bassa", "assistente_bassa")}
        for name in ("udp_faenza", "udp_bassa", "coordinatore_bassa", "assistente_bassa", "educatore_bassa"):
            assert User.objects.get(username=name).check_password("demo-pippi-2026"), name
        bassa = Family.objects.visible_to(users["assistente_bassa"])
        assert bassa.exists() and set(bassa.values_list("ambito__code", flat=True)) == {"UBR"}
        faenza_family = families.filter(ambito__code="URF").first()
        client.force_login(users["assistente_bassa"])
        assert client.get(faenza_family.get_absolute_url()).status_code == 404
        client.force_login(users["udp_faenza"])
        page = client.get(reverse("reporting:indicators"), {"progetto": romagna.pk, "periodo": "2025-S1"})
        rows = page.context["s"]["ambiti"]["rows"]
        assert [(r["code"], r["lead"]) for r in rows] == [("URF", True), ("UBR", False)]
        assert all(r["referred"]["cumulative"] > 0 for r in rows)


# Seed 003: the project of the Unione della Romagna Faentina with the Unione dei Comuni della Bassa Romagna
# (CUP F14H22000020006), as its document reads.

# --- TestTargets (issue 13 §2: targets are minimums, and each project has its own) ------------------------------

ROMAGNA = "F14H22000020006"


def romagna_progress(kind, scope):
    project = Project.objects.get(cup=ROMAGNA)
    (progress,) = [p for p in project_target_progress([project])[project.pk] if (p.kind, p.scope) == (kind, scope)]
    return project, progress


def included_in(**filters) -> int:
    return Family.objects.filter(transitions__to_state=State.INCLUSA, **filters).distinct().count()


@pytest.mark.demo_seed
@pytest.mark.django_db
class TestTargets:
    """RISULTATI ATTESI: "individuare e portare a termine gli obiettivi di lavoro condivisi con le Equipe
    Multidisciplinari [...] per almeno n. 10 famiglie target in ciascuna implementazione"; "costituzione, in
    ciascun Ambito Territoriale Sociale, di almeno 1 gruppo di genitori e 1 di bambini per ogni implementazione";
    "realizzare almeno una modalità strutturata di collaborazione con le scuole"; "Famiglie target beneficiarie:
    n.30"."""

    def test_at_least_10_target_families_in_each_implementation(self, seeded_demo):
        project, progress = romagna_progress(TargetKind.FAMIGLIE_INCLUSE, TargetScope.IMPLEMENTAZIONE)
        assert progress.minimum == 10 and "almeno n. 10 famiglie target" in progress.note
        implementations = list(project.implementations.order_by("number"))
        assert [c.where for c in progress.checks] == [str(i) for i in implementations]
        for check, implementation in zip(progress.checks, implementations, strict=True):
            assert check.value == included_in(implementation=implementation)
            assert check.missing == max(0, 10 - check.value)
            assert bool(check.warning) == (check.value < 10)

    def test_30_target_families_in_all(self, seeded_demo):
        project, progress = romagna_progress(TargetKind.FAMIGLIE_INCLUSE, TargetScope.PROGETTO)
        (check,) = progress.checks
        assert check.minimum == 30
        assert check.value == included_in(implementation__project=project)

    def test_a_parents_and_a_childrens_group_per_implementation_in_each_ambito(self, seeded_demo):
        for kind in (TargetKind.GRUPPI_GENITORI, TargetKind.GRUPPI_BAMBINI):
            project, progress = romagna_progress(kind, TargetScope.IMPLEMENTAZIONE_AMBITO)
            assert progress.minimum == 1
            wheres = [c.where for c in progress.checks]
            assert len(wheres) == project.implementations.count() * len(project.ambito_ids)
            assert any("Bassa Romagna" in w for w in wheres) and any("Romagna Faentina" in w for w in wheres)

    def test_a_missing_childrens_group_in_an_implementation_of_an_ambito_is_a_shortfall(self, seeded_demo):
        project = Project.objects.get(cup=ROMAGNA)
        children = InterventionType.objects.get(code="gruppo_bambini", ambito__isnull=True)
        implementations = list(project.implementations.order_by("number"))
        ambiti = [project.ambito, *project.associated_ambiti.all()]
        bassa = next(a for a in ambiti if "Bassa" in a.name)
        last = implementations[-1]
        for n, implementation in enumerate(implementations):
            for ambito in ambiti:
                if (implementation, ambito) == (last, bassa):
                    Group.objects.filter(implementation=last, ambito=bassa, type=children).delete()
                    continue
                Group.objects.create(
                    ambito=ambito,
                    project=project,
                    implementation=implementation,
                    type=children,
                    module_number=900 + n,
                    name="Gruppo bambini di prova",
                    venue="Sala",
                    frequency="settimanale",
                    start_date=implementation.start_date,
                )
        _project, progress = romagna_progress(TargetKind.GRUPPI_BAMBINI, TargetScope.IMPLEMENTAZIONE_AMBITO)
        short = [c for c in progress.checks if c.missing]
        assert [c.where for c in short] == [f"{last} · {bassa.name}"]
        assert "mancano 1 gruppi di bambini" in short[0].warning

    def test_at_least_one_structured_collaboration_with_the_schools(self, seeded_demo):
        project, progress = romagna_progress(TargetKind.COLLABORAZIONI_SCUOLE, TargetScope.PROGETTO)
        structured = (
            SchoolPartnership.objects.filter(project=project, signed_on__lte=timezone.localdate())
            .exclude(kind=SchoolPartnership.Kind.INFORMALE)
            .count()
        )
        assert progress.minimum == 1 and progress.checks[0].value == structured

    def test_the_semester_report_shows_the_progress_of_every_target(self, seeded_demo):
        project = Project.objects.get(cup=ROMAGNA)
        snapshot = indicators.compute(project, project.start_date, project.end_date)
        assert {(t["kind"], t["scope"]) for t in snapshot["targets"]} == {
            (TargetKind.FAMIGLIE_INCLUSE, TargetScope.IMPLEMENTAZIONE),
            (TargetKind.FAMIGLIE_INCLUSE, TargetScope.PROGETTO),
            (TargetKind.GRUPPI_GENITORI, TargetScope.IMPLEMENTAZIONE_AMBITO),
            (TargetKind.GRUPPI_BAMBINI, TargetScope.IMPLEMENTAZIONE_AMBITO),
            (TargetKind.COLLABORAZIONI_SCUOLE, TargetScope.PROGETTO),
        }

    def test_the_annual_synthesis_shows_the_progress_of_every_target_at_the_end_of_the_year(self, seeded_demo):
        project = Project.objects.get(cup=ROMAGNA)
        start, end = indicators.year_bounds(2025)
        annual = reports.compute_snapshot(project, ReportRun.Kind.ANNUAL, start, end)
        semester = indicators.compute(project, datetime.date(2025, 7, 1), end)
        assert annual["targets"] == semester["targets"]  # the same progress, at the same day
        wanted = (TargetKind.FAMIGLIE_INCLUSE, TargetScope.PROGETTO)
        (families,) = [t for t in annual["targets"] if (t["kind"], t["scope"]) == wanted]
        assert families["checks"][0]["value"] == included_in(
            implementation__project=project, transitions__effective_on__lte=end
        )


# The Romagna project (`003_…`: Unione della Romagna Faentina with the Bassa Romagna) as the portal keeps it.


@pytest.mark.demo_seed
class TestProjectLifecycle:
    """Issue 13 §5 on `003_…`: "DATA FINE ATTIVITA' PREVISTA: 31 MARZO 2026" (CUP F14H22000020006); the demo keeps
    the project concluded on that day, so that it takes no new families or hours."""

    def test_the_romagna_project_is_concluded_on_its_end_date(self, db, seeded_demo):
        romagna = Project.objects.get(cup="F14H22000020006")
        assert romagna.concluded_on == datetime.date(2026, 3, 31)
        assert not romagna.implementations.filter(project__concluded_on__isnull=True).exists()

    def test_a_concluded_project_has_no_family_still_on_its_path_without_a_following_project(self, db, seeded_demo):
        """ "avviare e portare a termine tre implementazioni": the project ended with no project after it to take
        its families over, so every family of it, those of the last implementation included, had ended its path
        (closed or interrupted, T2 and closure within the implementation) by the project's end. The same holds
        for every concluded project of the demo that nothing follows (Somma Lombardo's too)."""
        concluded = Project.objects.filter(concluded_on__isnull=False, successors__isnull=True)
        assert set(concluded.values_list("cup", flat=True)) >= {ROMAGNA, "B24H22000050006"}
        for project in concluded:
            families = Family.objects.filter(implementation__project=project)
            assert families.exists(), project
            assert not families.exclude(state__in=ENDED_STATES).exists(), project
            for family in families.select_related("implementation"):
                ended = family.transitions.get(to_state=family.state).effective_on
                assert ended <= family.implementation.end_date <= project.concluded_on, family
        last = Project.objects.get(cup=ROMAGNA).implementations.order_by("number").last()
        assert set(Family.objects.filter(implementation=last).values_list("state", flat=True)) == {State.CONCLUSA}

    def test_romagnas_final_report_is_approved_by_the_lead_ufficio_di_piano(self, db, seeded_demo, client):
        """The concluded project's final report, over its whole duration, approved by the lead ambito's Ufficio di
        Piano (demo login udp_faenza); the associated ambito's (udp_bassa) reads it."""
        romagna = Project.objects.get(cup=ROMAGNA)
        run = ReportRun.objects.get(project=romagna, kind=ReportRun.Kind.FINAL)
        assert run.state == ReportRun.State.APPROVATO
        assert run.approved_by.username == "udp_faenza"
        assert (run.period_start, run.period_end) == (romagna.start_date, romagna.concluded_on)
        assert run.approved_at.date() > romagna.concluded_on
        snapshot = run.snapshot
        assert snapshot["cover"]["concluded_on"] == "2026-03-31"
        assert [r["code"] for r in snapshot["ambiti"]["rows"]] == ["URF", "UBR"]
        assert snapshot["physical"]["families"]["totals"]["included"]["cumulative"] == 30
        assert snapshot["targets"], "the final report shows the progress of the project's targets"
        client.force_login(User.objects.get(username="udp_bassa"))
        assert client.get(run.get_absolute_url()).status_code == 200


# Seed `003_…`: the project of the Unione della Romagna Faentina with the Unione dei Comuni della Bassa Romagna
# (CUP F14H22000020006), as the portal and its demo hold it.


@pytest.mark.demo_seed
class TestDemoRecords:
    """003: "costituzione, in ciascun Ambito Territoriale Sociale, di almeno 1 gruppo di genitori e 1 di bambini
    per ogni implementazione; realizzare almeno una modalità strutturata di collaborazione con le scuole; […]
    ampliare la rete di supporto e riferimento, anche informale, alle famiglie […] promozione della vicinanza
    solidale; […] perfezionare e rendere efficace la collaborazione con il servizio sanitario (NPI) […]
    DATA INIZIO ATTIVITA': 11 OTTOBRE 2022 — DATA FINE ATTIVITA' PREVISTA: 31 MARZO 2026" — and the training,
    budget and quality records the demo gives the project (demo/programmes.py)."""

    @pytest.fixture
    def romagna(self, db, seeded_demo):
        from equipes.models import Project

        return Project.objects.get(cup="F14H22000020006")

    @pytest.fixture
    def ambiti(self, romagna):
        from equipes.models import Ambito

        return [Ambito.objects.get(code="URF"), Ambito.objects.get(code="UBR")]

    def test_each_romagna_ambito_has_parents_and_childrens_groups_in_every_implementation(self, romagna, ambiti):
        from interventions.models import Group

        for ambito in ambiti:
            groups = Group.objects.filter(project=romagna, ambito=ambito)
            for implementation in romagna.implementations.all():
                edition = f"P.I.P.P.I. {implementation.number}"
                assert groups.filter(type__code="gruppo_genitori", name__endswith=edition).exists()
                assert groups.filter(type__code="gruppo_bambini", name__endswith=edition).exists()

    def test_a_group_takes_the_families_of_its_own_ambito_and_meets_only_with_them(self, romagna, ambiti):
        from families.models import Member
        from interventions.models import Group

        for ambito in ambiti:
            groups = Group.objects.filter(project=romagna, ambito=ambito)
            assert not Member.objects.filter(groups__in=groups).exclude(family__ambito=ambito).exists()
            assert not groups.filter(participants__isnull=True, sessions__isnull=False).exists()
        faentina = Group.objects.filter(project=romagna, ambito=ambiti[0], participants__isnull=False).distinct()
        assert faentina.filter(sessions__attendances__present=True).exists()

    def test_ten_target_families_in_each_implementation_thirty_in_all_from_both_ambiti(self, romagna, ambiti):
        """ "almeno n. 10 famiglie target in ciascuna implementazione" and "Famiglie target beneficiarie: n.30": the
        demo has ten per implementation, six of the Romagna Faentina and four of the Bassa Romagna (an invented
        split), so neither target shows a shortfall."""
        for implementation in romagna.implementations.all():
            per_ambito = [included_in(implementation=implementation, ambito=ambito) for ambito in ambiti]
            assert per_ambito == [6, 4], implementation
        for scope in (TargetScope.IMPLEMENTAZIONE, TargetScope.PROGETTO):
            _project, progress = romagna_progress(TargetKind.FAMIGLIE_INCLUSE, scope)
            assert not any(c.missing for c in progress.checks), scope
        assert included_in(implementation__project=romagna) == 30

    def test_the_families_of_every_implementation_ended_their_path_within_it(self, romagna, ambiti):
        """ "avviare e portare a termine tre implementazioni adottando fin dalla seconda il modulo BASE": the three
        implementations are over, the project ended on 31/03/2026 and none follows it. In both ambiti the families
        of each were referred and ended their path between the implementation's first and last day; those that
        closed it had their T2 assessment in it too."""
        assert [i.module for i in romagna.implementations.order_by("number")][1:] == ["BASE", "BASE"]
        for implementation in romagna.implementations.order_by("number"):
            for ambito in ambiti:
                families = Family.objects.filter(implementation=implementation, ambito=ambito)
                assert families.exists()
                assert set(families.values_list("state", flat=True)) <= {State.CONCLUSA, State.INTERROTTA}
                for family in families.select_related("referral"):
                    ended = family.transitions.get(to_state=family.state).effective_on
                    assert implementation.start_date <= family.referral.date < ended <= implementation.end_date
                    if family.state == State.CONCLUSA:
                        t2 = family.assessments.get(time_point="T2").date
                        assert t2 < ended, family

    def test_every_group_of_every_implementation_meets_with_its_ambitos_families(self, romagna, ambiti):
        """ "almeno 1 gruppo di genitori e 1 di bambini per ogni implementazione" in each ambito: with the
        families there, every module has participants and sessions."""
        from interventions.models import Group

        groups = Group.objects.filter(project=romagna)
        assert groups.count() == 2 * romagna.implementations.count() * len(ambiti)
        assert not groups.filter(participants__isnull=True).exists()
        assert not groups.filter(sessions__isnull=True).exists()

    def test_each_ambito_has_a_structured_collaboration_with_the_schools(self, romagna, ambiti):
        from interventions.models import SchoolPartnership

        for ambito in ambiti:
            partnership = SchoolPartnership.objects.get(project=romagna, ambito=ambito)
            assert partnership.kind == SchoolPartnership.Kind.PROTOCOLLO
            assert partnership.meetings.exists()

    def test_each_ambito_promotes_solidarity_between_families(self, romagna, ambiti):
        from interventions.models import Pairing, SupportFamily

        for ambito in ambiti:
            assert SupportFamily.objects.filter(ambito=ambito).count() >= 2
        assert Pairing.objects.filter(family__ambito=ambiti[0], family__implementation__project=romagna).exists()

    def test_the_operators_of_both_ambiti_are_trained(self, romagna, ambiti):
        from equipes.models import StaffTraining

        for ambito in ambiti:
            assert StaffTraining.objects.filter(user__ambito=ambito, course__icontains="P.I.P.P.I.").count() >= 3

    def test_the_health_service_npi_takes_part(self, romagna, ambiti):
        from equipes.models import GovernanceMeeting, Organisation

        for ambito in ambiti:
            assert Organisation.objects.filter(ambito=ambito, kind=Organisation.Kind.SANITA).exists()
            meetings = GovernanceMeeting.objects.filter(project=romagna, ambito=ambito)
            assert meetings.filter(external_participants__icontains="Neuropsichiatria").exists()

    def test_activities_start_on_11_october_2022_and_end_by_31_march_2026(self, romagna):
        from equipes.models import GovernanceMeeting

        assert (romagna.start_date, romagna.end_date) == (datetime.date(2022, 10, 11), datetime.date(2026, 3, 31))
        meetings = GovernanceMeeting.objects.filter(project=romagna).order_by("date")
        assert meetings.first().date == datetime.date(2022, 10, 11)
        assert meetings.last().date <= datetime.date(2026, 3, 31)

    def test_the_budget_lines_stay_within_the_financed_amount(self, romagna):
        lines = list(romagna.budget_lines.all())
        assert lines
        assert sum(line.minimum_hours * line.hourly_cost for line in lines) <= romagna.amount == 211500

    def test_the_project_keeps_quality_records(self, romagna):
        from reporting.models import Audience, Complaint, QualityControl, SatisfactionSurvey

        surveys = SatisfactionSurvey.objects.filter(project=romagna)
        assert set(surveys.values_list("audience", flat=True)) == {Audience.BENEFICIARI, Audience.OPERATORI}
        assert Complaint.objects.filter(project=romagna).exists()
        assert QualityControl.objects.filter(project=romagna).exists()

    def test_the_support_families_indicator_equals_the_support_families_in_the_data(self, romagna):
        from interventions.models import Pairing
        from reporting import impact
        from reporting.models import Formula, ImpactIndicator

        assert ImpactIndicator.objects.filter(project=romagna, formula=Formula.FAMIGLIE_SOLIDALI).exists()
        for period in impact.semesters(romagna):
            paired = (
                Pairing.objects.active_between(period.start, period.end)
                .filter(family__implementation__project=romagna)
                .values("support_family")
                .distinct()
                .count()
            )
            assert impact.value_for(Formula.FAMIGLIE_SOLIDALI, romagna, period.start, period.end) == paired


@pytest.mark.demo_seed
class TestSharedProjectPagesOnTheDemo:
    """ "Il progetto è stato presentato dall'Unione della Romagna Faentina, in forma associata con Unione dei Comuni
    della Bassa Romagna" — "Totale finanziamento € 211.500,00": the demo's two Uffici di Piano on the project's
    reports and budget (logins udp_faenza, the lead, and udp_bassa, the associated ambito)."""

    @pytest.fixture
    def romagna(self, db, seeded_demo):
        return Project.objects.get(cup=ROMAGNA)

    def login(self, client, username):
        client.force_login(User.objects.get(username=username))
        return client

    def test_udp_bassa_reads_that_the_faentina_starts_and_approves_the_reports_and_reads_them(self, romagna, client):
        # The demo records the project's final report, approved by udp_faenza; udp_faenza starts a semester report
        # too, as the lead does.
        reports.report_start(
            project=romagna, kind="semester", label="2025-S1", by=User.objects.get(username="udp_faenza")
        )
        response = self.login(client, "udp_bassa").get(reverse("reporting:report-list"))
        page = response.content.decode()
        assert response.context["form"] is None
        assert response.context["reported_by_lead"] == [romagna]
        assert (
            "I rapporti del progetto sono avviati e approvati dall'Ufficio di Piano capofila: "
            "Unione della Romagna Faentina." in page
        )
        runs = {run.label: run for run in response.context["page"]}
        assert set(runs) == {FINAL_REPORT_LABEL, "2025-S1"}
        assert runs[FINAL_REPORT_LABEL].state == ReportRun.State.APPROVATO
        for run in runs.values():
            assert run.project == romagna and run.get_absolute_url() in page

    def test_udp_faenza_starts_the_reports_of_the_project(self, romagna, client):
        response = self.login(client, "udp_faenza").get(reverse("reporting:report-list"))
        assert romagna in response.context["form"].fields["project"].queryset
        assert response.context["reported_by_lead"] == []

    def test_the_budget_shows_udp_faenza_both_ambiti_and_udp_bassa_its_own(self, romagna, client):
        url = reverse("interventions:budget", args=[romagna.pk])
        lead = self.login(client, "udp_faenza").get(url)
        rows = lead.context["ambiti"]
        assert [(r.code, r.lead) for r in rows] == [("URF", True), ("UBR", False)]
        assert sum(r.spent for r in rows) == pytest.approx(lead.context["budget"].total_spent, abs=Decimal("0.05"))
        bassa = self.login(client, "udp_bassa").get(url)
        assert [r.code for r in bassa.context["ambiti"]] == ["UBR"]
        assert bassa.context["ambiti"][0].spent == rows[1].spent
