"""Seeds 000 and 001: the co-design notices of the Ambito di Seregno (CUP B24H22000190001), as they read."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from demo import targets as demo_targets
from equipes.models import FundingSource, Project, TargetKind, TargetScope, User
from families.models import ENDED_STATES, Family, Member, ProjectTakeover, State, TransitionLog
from interventions import services
from interventions.models import BudgetLine, CostItem, TimeEntry, Timesheet
from interventions.selectors import project_budget
from reporting.models import ReportRun
from reporting.targets import project_target_progress
from tests import factories as f

# --- TestTargets (issue 13 §2: targets are minimums, and each project has its own) ------------------------------

SEREGNO = "B24H22000190001"


def seregno_targets():
    project = Project.objects.get(cup=SEREGNO)
    return project, {(p.kind, p.scope): p for p in project_target_progress([project])[project.pk]}


@pytest.mark.demo_seed
@pytest.mark.django_db
class TestTargets:
    """ "I sopra elencati servizi si dovranno realizzare attraverso quattro principali tipologie di azione: forme di
    collaborazione tra scuole-famiglie e servizi; [...] attivazione di gruppi per genitori e, laddove possibile, di
    gruppi per i bambini; attivazione di famiglie d'appoggio per ogni famiglia target". The notice gives no number
    of families."""

    def test_a_support_family_for_every_target_family(self, seeded_demo):
        project, targets = seregno_targets()
        (check,) = targets[TargetKind.FAMIGLIE_CON_APPOGGIO, TargetScope.PROGETTO].checks
        families = Family.objects.filter(implementation__project=project, transitions__to_state=State.INCLUSA)
        families = families.distinct()
        paired = families.filter(pairings__isnull=False).distinct().count()
        assert (check.minimum, check.numerator, check.denominator) == (100, paired, families.count())
        assert check.missing == families.count() - paired
        assert bool(check.warning) == (paired < families.count())

    def test_groups_for_parents_and_for_children_only_where_possible(self, seeded_demo):
        _project, targets = seregno_targets()
        parents = targets[TargetKind.GRUPPI_GENITORI, TargetScope.PROGETTO]
        assert parents.minimum == 1 and parents.met  # the demo has the parents' modules "Crescere insieme"
        assert not any(kind == TargetKind.GRUPPI_BAMBINI for kind, _scope in targets)  # "laddove possibile"

    def test_forms_of_collaboration_between_schools_families_and_services(self, seeded_demo):
        _project, targets = seregno_targets()
        assert targets[TargetKind.COLLABORAZIONI_SCUOLE, TargetScope.PROGETTO].minimum == 1

    def test_the_families_of_an_implementation_are_the_programmes_standard_not_the_notices(self, seeded_demo):
        _project, targets = seregno_targets()
        families = targets[TargetKind.FAMIGLIE_INCLUSE, TargetScope.IMPLEMENTAZIONE]
        assert "non indica un numero" in families.note
        assert families.minimum == 10

    def test_seeding_the_demo_again_changes_no_target(self, seeded_demo):
        project, before = seregno_targets()
        demo_targets.seed()
        assert project.targets.count() == len(before)


# The co-design notice of the Ambito di Seregno (`001_…`), commitment by commitment.


class TestProjectRules:
    """The rules that the notice sets, as settings of the project with the notice's value as default:

    "I singoli interventi educativi non possono essere inferiori ad otto ore settimanali comprendente la
    disponibilità alla partecipazione, se prevista, all'équipe multidimensionale."
    "Gli educatori individuati tra i partner dovranno [...] essere preventivamente formati seguendo la formazione
    online MOOC."
    "L'attività dei gruppi viene organizzata in cicli di incontri ripetuti nel tempo ("moduli" da 6/8 incontri)."
    "famiglie per le quali è in corso un progetto di allontanamento dei figli [...] (queste famiglie possono
    costituire mediamente il 20% delle famiglie incluse in ogni AT); famiglie con figli da 11 a 14 anni (queste
    famiglie possono costituire mediamente il 20% delle famiglie incluse in ogni ATS)."
    """

    @staticmethod
    def sedt_data(world, hours: str, **extra) -> dict:
        from interventions.models import InterventionType

        return {
            "type": InterventionType.objects.get(code="sedt", ambito__isnull=True).pk,
            "start_date": "2024-03-18",
            "planned_hours_per_week": hours,
            "assigned_users": [world.users.operatore.pk],
            **extra,
        }

    def sedt_form(self, world, family, hours: str, **extra):
        from interventions.forms import InterventionForm

        return InterventionForm(self.sedt_data(world, hours, **extra), family=family, user=world.users.case_manager)

    def test_sedt_hours_below_eight_a_week_are_refused(self, world, family):
        assert world.project.sedt_minimum_weekly_hours == Decimal("8")
        form = self.sedt_form(world, family, "7,5")
        assert not form.is_valid()
        assert "almeno 8 ore settimanali" in form.errors["planned_hours_per_week"][0]
        assert self.sedt_form(world, family, "8").is_valid()

    def test_a_reason_does_not_let_fewer_hours_pass_unless_the_project_allows_exceptions(self, world, family):
        assert not self.sedt_form(world, family, "6", sedt_exception_reason="Turni della madre").is_valid()
        world.project.sedt_exception_allowed = True
        world.project.save()
        assert not self.sedt_form(world, family, "6").is_valid()
        assert self.sedt_form(world, family, "6", sedt_exception_reason="Turni della madre").is_valid()

    def test_a_project_with_a_six_hour_minimum_accepts_six_hours(self, world, family):
        world.project.sedt_minimum_weekly_hours = Decimal("6")
        world.project.save()
        assert self.sedt_form(world, family, "6").is_valid()
        form = self.sedt_form(world, family, "5")
        assert not form.is_valid()
        assert "almeno 6 ore settimanali" in form.errors["planned_hours_per_week"][0]

    def test_delivered_weeks_are_checked_against_the_projects_minimum(self, world, family, advance):
        from interventions import services
        from interventions.models import Intervention, InterventionType
        from interventions.selectors import sedt_weeks

        family = advance(family, State.IN_CORSO)
        monday = datetime.date(2024, 3, 18)
        Intervention.objects.create(
            family=family,
            type=InterventionType.objects.get(code="sedt", ambito__isnull=True),
            start_date=monday,
            planned_hours_per_week=Decimal("8"),
        ).assigned_users.add(world.users.operatore)
        for offset in (0, 2):  # six hours in the week
            services.time_entry_set(
                user=world.users.operatore,
                day=monday + datetime.timedelta(days=offset),
                activity="diretta_famiglia",
                minutes=180,
                family=family,
            )
        today = monday + datetime.timedelta(days=8)
        assert [w.below_minimum for w in sedt_weeks(family, today=today)] == [True]
        world.project.sedt_minimum_weekly_hours = Decimal("6")
        world.project.save()
        family.refresh_from_db()
        assert [w.below_minimum for w in sedt_weeks(family, today=today)] == [False]

    @staticmethod
    def group_data(world, sessions: int) -> dict:
        from interventions.models import InterventionType

        return {
            "type": InterventionType.objects.get(code="gruppo_genitori").pk,
            "module_number": "1",
            "name": "Genitori insieme",
            "implementation": world.implementation.pk,
            "venue": "Sala civica",
            "planned_sessions": str(sessions),
            "frequency": "quindicinale",
            "start_date": "2024-04-03",
            "facilitators": [world.users.operatore.pk],
        }

    def test_a_group_module_has_six_to_eight_sessions(self, world):
        from interventions.forms import GroupForm

        def valid(sessions: int) -> bool:
            return GroupForm(self.group_data(world, sessions), user=world.users.ufficio_piano).is_valid()

        assert [valid(n) for n in (5, 6, 8, 9)] == [False, True, True, False]
        world.project.group_module_min_sessions, world.project.group_module_max_sessions = 4, 10
        world.project.save()
        assert [valid(n) for n in (3, 4, 10, 11)] == [False, True, True, False]

    @staticmethod
    def include_four_families(world, advance, **first_family_fields):
        """Four included families; the first with a child of 13 at the referral (or the given fields)."""
        from tests import factories as f

        families = [advance(f.make_family(world, **first_family_fields), State.INCLUSA)]
        families += [advance(f.make_family(world), State.INCLUSA) for _ in range(3)]
        return families

    def test_about_a_fifth_of_families_with_children_of_11_to_14_is_the_projects_share(self, world, advance):
        from families.selectors import implementation_stats

        (first, *_rest) = self.include_four_families(world, advance)
        Member.objects.create(
            family=first,
            kind="minore",
            first_name="Grande",
            last_name="X",
            birth_date=datetime.date(2011, 1, 1),
            sex="M",
        )
        (stats,) = implementation_stats([world.implementation])  # 1 of 4 = 25 % > 20 %
        assert any("sopra gli 11 anni (oltre il 20% circa)" in w for w in stats.warnings)
        world.project.older_children_share_percent = 30
        world.project.save()
        world.implementation.refresh_from_db()
        (stats,) = implementation_stats([world.implementation])
        assert not any("11 anni" in w for w in stats.warnings)

    def test_about_a_fifth_of_reunifications_is_the_projects_share(self, world, advance):
        from families.selectors import implementation_stats

        self.include_four_families(world, advance, reunification=True)
        (stats,) = implementation_stats([world.implementation])
        assert any("riunificazione" in w and "20%" in w for w in stats.warnings)
        world.project.reunification_share_percent = 25
        world.project.save()
        world.implementation.refresh_from_db()
        (stats,) = implementation_stats([world.implementation])
        assert not any("riunificazione" in w for w in stats.warnings)

    def test_families_with_a_removal_in_progress_are_not_called_non_target(self, world, client_for):
        from tests import factories as f

        family = f.make_family(world, under_judicial_authority=True, reunification=True)
        page = client_for(world.users.case_manager).get(family.get_absolute_url()).content.decode()
        assert "non è un target del finanziamento PNRR" not in page
        world.project.judicial_authority_warning = True
        world.project.save()
        page = client_for(world.users.case_manager).get(family.get_absolute_url()).content.decode()
        assert "non è un target del finanziamento PNRR" in page

    def test_the_age_bands_of_the_reports_are_the_projects(self, world, advance):
        from reporting.indicators.path_figures import children_by_age_band
        from tests import factories as f

        advance(f.make_family(world), State.INCLUSA)  # a child of 7 at inclusion
        end = datetime.date(2024, 12, 31)
        assert children_by_age_band(world.project, end) == {"7-11": 1}
        world.project.report_age_bands = "0-11, 12-17"
        world.project.save()
        assert children_by_age_band(world.project, end) == {"0-11": 1}

    def test_age_bands_must_cover_the_ages_of_the_programme_without_gaps(self, world):
        from equipes.forms import ProjectForm
        from equipes.tests.test_forms import project_data

        def errors(bands: str) -> list[str]:
            form = ProjectForm(project_data(world.project, report_age_bands=bands), instance=world.project)
            return [] if form.is_valid() else form.errors.get("report_age_bands", ["altro errore"])

        assert errors("0-11,12-17") == []
        assert "senza buchi" in errors("0-3, 5-17")[0]
        assert "arrivare a 17" in errors("0-3, 4-11")[0]
        assert "non è una fascia" in errors("zero-tre")[0]

    def test_the_survey_scale_is_the_projects(self, world, client_for):
        from reporting.forms import PaperResponseForm
        from reporting.tests.conftest import answer, make_survey

        survey = make_survey(world.project, world.users.ufficio_piano)
        item = survey.items.order_by("order").first()
        form = PaperResponseForm(survey=survey)
        assert [value for value, _label in form.fields[f"item_{item.pk}"].choices] == [1, 2, 3, 4, 5]
        world.project.likert_points = 4
        world.project.save()
        survey.refresh_from_db()
        form = PaperResponseForm({"submitted_on": "2024-04-10", f"item_{item.pk}": "5"}, survey=survey)
        assert not form.is_valid()
        answer(survey, world.users.ufficio_piano, [4, 3, 1])
        page = client_for(world.users.ufficio_piano).get(reverse("reporting:survey-results", args=[survey.pk]))
        assert "… 4 del tutto d'accordo" in page.content.decode().replace("&#x27;", "'")
        assert [cell["score"] for cell in page.context["results"]["items"][0]["distribution"]] == [1, 2, 3, 4]

    def test_the_scale_cannot_shrink_below_answers_already_given(self, world):
        from equipes.forms import ProjectForm
        from equipes.tests.test_forms import project_data
        from reporting.tests.conftest import answer, make_survey

        survey = make_survey(world.project, world.users.ufficio_piano)
        answer(survey, world.users.ufficio_piano, [5, 4, 3])
        form = ProjectForm(project_data(world.project, likert_points="4"), instance=world.project)
        assert not form.is_valid()
        assert "già risposte oltre il punto 4" in form.errors["likert_points"][0]

    def test_the_deadline_window_of_the_dashboards_is_the_projects(self, world, advance):
        from families.models import Family
        from families.tests.test_selectors import families_by_deadline

        overdue, upcoming, later = families_by_deadline(world, advance)
        assert set(Family.objects.due_within()) == {overdue, upcoming}
        # The window is each project's: `later` was referred after the world's project ended, on a running one.
        later.implementation.project.deadline_window_days = 400
        later.implementation.project.save()
        assert set(Family.objects.due_within()) == {overdue, upcoming, later}

    def test_an_educator_without_the_mooc_is_flagged_when_assigned(self, world, client_for, family):
        from equipes.models import StaffTraining

        url = reverse("interventions:intervention-create", args=[family.pk])
        response = client_for(world.users.case_manager).post(url, self.sedt_data(world, "8"))
        assert response.status_code == 302
        warnings = [str(m) for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]
        assert warnings and "formazione MOOC del programma" in warnings[0]
        assert str(world.users.operatore) in warnings[0]
        assert family.interventions.count() == 1  # a warning, not a refusal
        page = client_for(world.users.case_manager).get(reverse("interventions:family", args=[family.pk]))
        assert "senza la formazione MOOC del programma" in page.content.decode()

        StaffTraining.objects.create(
            user=world.users.operatore,
            course="MOOC Vicinanza solidale",
            is_programme_mooc=True,
            hours=Decimal("12"),
            completed_on=datetime.date(2024, 2, 28),
        )
        response = client_for(world.users.case_manager).post(url, self.sedt_data(world, "8", start_date="2024-04-01"))
        assert not [m for m in get_messages(response.wsgi_request) if m.level_tag == "warning"]

    def test_the_mooc_counts_only_if_done_before_the_educator_starts(self, world):
        from equipes.models import StaffTraining, User

        StaffTraining.objects.create(
            user=world.users.operatore,
            course="MOOC Vicinanza solidale",
            is_programme_mooc=True,
            hours=Decimal("12"),
            completed_on=datetime.date(2024, 5, 1),
        )
        late = User.objects.filter(pk=world.users.operatore.pk).without_programme_mooc(datetime.date(2024, 3, 18))
        assert list(late) == [world.users.operatore]
        assert not User.objects.filter(pk=world.users.operatore.pk).without_programme_mooc(datetime.date(2024, 5, 2))

    def test_an_educator_without_the_mooc_is_flagged_when_added_to_the_family_equipe(self, world, client_for):
        from tests import factories as f

        family = f.make_family(world)
        url = reverse("families:team", args=[family.pk])
        response = client_for(world.users.case_manager).post(
            url, {"user": world.users.operatore.pk, "role": "Educatore"}, follow=True
        )
        assert "formazione MOOC del programma" in response.content.decode()
        assert family.team.filter(user=world.users.operatore).exists()

    def test_the_staff_register_shows_who_lacks_the_mooc(self, world, client_for):
        page = client_for(world.users.ufficio_piano).get(reverse("equipes:staff-list")).content.decode()
        assert "MOOC del programma" in page
        assert "manca: serve prima dell'educativa domiciliare" in page.replace("&#x27;", "'")


# The Seregno co-design notice (`001_…`) as the portal keeps it, on the demo data and on factories.

SEREGNO_CUP = "B24H22000190001"
PNRR_END = datetime.date(2026, 5, 31)


@pytest.mark.demo_seed
class TestProjectLifecycle:
    """Issue 13 §5 on `001_…`: the PNRR funds are "pari ad € 211.500,00 per il triennio: giugno 2023 – maggio
    2026", for P.I.P.P.I. "considerato un LEPS"; the programme goes on in the ambito with the national funds for
    the LEPS. The demo shows Seregno today: the PNRR project concluded on 31/05/2026 with its final report approved,
    a follow-on project running since 01/06/2026 with the families that carried over and current hours."""

    @pytest.fixture(autouse=True)
    def _demo(self, db, seeded_demo):
        self.pnrr = Project.objects.get(cup=SEREGNO_CUP)
        self.follow_on = Project.objects.get(predecessor=self.pnrr)

    def test_a_concluded_project_takes_no_new_hours(self):
        assert (self.pnrr.concluded_on, self.pnrr.funding_source) == (PNRR_END, FundingSource.PNRR)
        assert not TimeEntry.objects.filter(timesheet__project=self.pnrr, date__gt=PNRR_END).exists()
        current = TimeEntry.objects.filter(timesheet__project=self.follow_on)
        assert current.exists()
        assert current.earliest("date").date >= datetime.date(2026, 6, 1)
        entry = current.filter(family__isnull=False).first()
        sheet = Timesheet.objects.create(user=User.objects.get(username="pedagogista"), month=datetime.date(2026, 6, 1))
        Timesheet.objects.filter(pk=sheet.pk).update(project=self.pnrr)
        with pytest.raises(IntegrityError), transaction.atomic():
            TimeEntry.objects.create(
                timesheet=sheet, user=sheet.user, date=datetime.date(2026, 6, 2), minutes=60, activity="coordinamento"
            )
        # A family that stayed with the concluded project (its path ended there) takes no hours after it either.
        stayed = Family.objects.filter(implementation__project=self.pnrr, state="conclusa").first()
        with pytest.raises(IntegrityError), transaction.atomic():
            TimeEntry.objects.create(
                timesheet=entry.timesheet,
                user=entry.user,
                date=entry.date,
                minutes=30,
                activity="riunione_em",
                family=stayed,
            )

    def test_the_families_on_their_path_carry_over_to_the_follow_on_project_with_their_history(self):
        assert (self.follow_on.cup, self.follow_on.funding_source) == ("", FundingSource.LEPS)
        assert self.follow_on.start_date == datetime.date(2026, 6, 1)
        still_on_path = Family.objects.filter(ambito__code="SER").exclude(state__in=ENDED_STATES)
        assert still_on_path.exists()
        assert set(still_on_path.values_list("implementation__project", flat=True)) == {self.follow_on.pk}
        assert not Family.objects.filter(implementation__project=self.pnrr).exclude(state__in=ENDED_STATES).exists()
        for family in still_on_path:
            takeover = ProjectTakeover.objects.get(family=family)
            assert takeover.from_implementation.project == self.pnrr
            assert takeover.state == family.state
            assert takeover.effective_on == datetime.date(2026, 6, 1)
        carried = still_on_path.filter(assessments__time_point="T0").distinct().first()
        assert TransitionLog.objects.filter(family=carried, effective_on__lte=PNRR_END).exists()
        client = Client()
        client.force_login(carried.case_manager)
        page = client.get(carried.get_absolute_url()).content.decode()
        assert "Passaggio al progetto successivo" in page
        # The interventions still running go on under the new project, with its hours.
        assert TimeEntry.objects.filter(family__in=still_on_path, timesheet__project=self.follow_on).exists()

    def test_the_final_report_covers_the_whole_duration(self):
        final = ReportRun.objects.get(project=self.pnrr, kind=ReportRun.Kind.FINAL)
        assert final.state == ReportRun.State.APPROVATO
        assert (final.period_start, final.period_end) == (datetime.date(2023, 6, 1), PNRR_END)
        assert final.snapshot_sha256 and final.pdf_sha256
        rows = final.snapshot["physical"]["families"]["rows"]
        assert [row["implementation"] for row in rows] == ["P.I.P.P.I. 11", "P.I.P.P.I. 12", "P.I.P.P.I. 13"]
        # Frozen before the families left: it counts those that passed to the follow-on project too.
        included = (
            Family.objects.filter(transitions__to_state="inclusa").filter(implementation__project=self.pnrr).count()
            + ProjectTakeover.objects.filter(
                from_implementation__project=self.pnrr, family__transitions__to_state="inclusa"
            ).count()
        )
        assert sum(row["included"]["cumulative"] for row in rows) == included


# The Ambito di Seregno's co-design notice (`001_…`), commitment by commitment, on the demo data and on small
# factories.

pytestmark = pytest.mark.demo_seed


@pytest.fixture
def seregno(db, seeded_demo):
    """The Seregno project of the demo, seeded once for the module."""
    return Project.objects.get(cup="B24H22000190001")


class TestBudget:
    """ "… con un monte ore non inferiore a n. 6.000 ore per la figura professionale dell'educatore, n. 1.400 ore per
    la figura professionale di psicologo/a e n. 900 ore per la figura professionale di pedagogo, n. 100 ore per la
    figura professionale di mediatore culturale, nel limite delle somme massime a disposizione dall'Ambito
    Territoriale, coincidenti con il finanziamento ottenuto dal Ministero del Lavoro e delle Politiche Sociali pari
    ad € 211.500,00" (001_…, the interventions). The notice gives no hourly cost: the demo's are invented."""

    def test_seregnos_budget_lines_are_the_documents(self, seregno):
        assert seregno.amount == Decimal("211500.00")
        lines = {line.profile: line.minimum_hours for line in BudgetLine.objects.filter(project=seregno)}
        assert lines == {"educatore": 6000, "psicologo": 1400, "pedagogista": 900, "mediatore_culturale": 100}

    def test_the_lines_cannot_pass_the_financed_211500(self, seregno):
        budget = project_budget(seregno)
        assert budget.planned_total <= Decimal("211500.00")
        # Whatever is left free, one cent more is refused, in Italian, naming the excess.
        extra = CostItem(
            project=seregno,
            description="Supervisione esterna",
            category="formazione",
            amount=budget.available + Decimal("0.01"),
            date=seregno.start_date,
        )
        udp = User.objects.get(username="udp")
        with pytest.raises(services.BudgetRefused, match="supererebbe l'importo finanziato di € 0,01"):
            services.cost_item_save(item=extra, by=udp)
        more_hours = BudgetLine.objects.get(project=seregno, profile="educatore")
        more_hours.minimum_hours += 100
        with pytest.raises(services.BudgetRefused, match="su € 211.500,00 finanziati"):
            services.budget_line_save(line=more_hours, by=udp)

    def test_the_ufficio_di_piano_sees_each_line_and_cost_item_against_the_financed_amount(self, seregno):
        udp = User.objects.get(username="udp")
        client = Client()
        client.force_login(udp)
        page = client.get(reverse("interventions:budget", args=[seregno.pk])).content.decode()
        for text in ["€ 132.000,00", "€ 49.000,00", "€ 27.000,00", "€ 2.500,00", "€ 211.500,00"]:
            assert text in page, text
        for item in CostItem.objects.filter(project=seregno):
            assert reverse("interventions:cost-item-edit", args=[item.pk]) in page

    def test_the_final_report_sets_staff_and_other_costs_against_the_financed_211500(self, seregno):
        """The notice names no cost other than the professionals' hours; the demo's one (invented) reaches the
        final report with its document, beside the staff costs, against the whole financed amount."""
        finance = ReportRun.objects.get(project=seregno, kind=ReportRun.Kind.FINAL).snapshot["finance"]
        items = CostItem.objects.filter(project=seregno)
        assert [(i["description"], i["amount"]) for i in finance["cost_items"]] == [
            (item.description, str(item.amount)) for item in items
        ]
        assert all(i["document_reference"] and i["document_attached"] for i in finance["cost_items"])
        other = sum(item.amount for item in items)
        assert Decimal(finance["other_costs"]["cumulative"]) == other
        assert Decimal(finance["total_spent"]) == Decimal(finance["spent"]) + other
        assert finance["amount"] == "211500.00"


# Seed 001 (Ambito di Seregno, co-design notice of P.I.P.P.I.), commitment by commitment.


class TestPartnerDuties:
    """001, "Oneri a carico del soggetto partner" and "Rendicontazioni, dati e relazioni": the partner ensures
    "la trasmissione e l'aggiornamento costante dell'elenco del personale impiegato comprensivo di curriculum
    formativo - professionale" and "un'adeguata attività formativa"; for the satisfaction survey it must "redigere
    relazione degli esiti, condividendola con gli operatori" and "inviare la relazione all'Ufficio di Piano";
    "Il Soggetto partner aggiudicatario è tenuta ad inviare all'Ufficio di Piano [...] la rendicontazione
    semestrale [...] una sintesi annuale". The Ufficio di Piano reviews and approves."""

    TEXTS = {
        "critical_issues": "Turn over di un'educatrice nel secondo trimestre.",
        "corrective_actions": "Affiancamento della nuova educatrice da parte del coach.",
        "overall_evaluation": "Il progetto procede secondo il cronoprogramma.",
    }

    @pytest.mark.django_db
    def test_the_partner_drafts_the_semester_reports_narrative_and_the_ufficio_di_piano_approves_it(
        self, world, client_for
    ):
        from reporting import reports
        from reporting.models import ReportRun

        udp, partner = world.users.ufficio_piano, world.users.referente_ente
        run = reports.report_start(project=world.project, kind="semester", label="2024-S1", by=udp)
        partner_client = client_for(partner)
        response = partner_client.post(reverse("reporting:report-narrative", args=[run.pk]), self.TEXTS)
        assert response.status_code == 302
        reports.run_report(run.pk)  # the worker renders the PDF with the partner's texts
        # The partner neither sends the run into review nor approves it...
        assert partner_client.post(reverse("reporting:report-submit", args=[run.pk])).status_code == 403
        # ...the Ufficio di Piano does, after reading the partner's texts.
        udp_client = client_for(udp)
        assert self.TEXTS["corrective_actions"] in udp_client.get(run.get_absolute_url()).content.decode()
        udp_client.post(reverse("reporting:report-submit", args=[run.pk]))
        reports.run_report(run.pk)
        udp_client.post(reverse("reporting:report-approve", args=[run.pk]))
        approved = ReportRun.objects.get(pk=run.pk)
        assert (approved.state, approved.approved_by, approved.narrative_by) == ("approvato", udp, partner)
        assert approved.critical_issues == self.TEXTS["critical_issues"]

    @pytest.mark.django_db
    def test_the_partner_drafts_the_annual_synthesis_too(self, world, client_for):
        from reporting import reports
        from reporting.models import ReportRun

        run = reports.report_start(project=world.project, kind="annual", label="2024", by=world.users.ufficio_piano)
        response = client_for(world.users.referente_ente).post(
            reverse("reporting:report-narrative", args=[run.pk]), self.TEXTS
        )
        assert response.status_code == 302
        assert ReportRun.objects.get(pk=run.pk).narrative_by == world.users.referente_ente

    @pytest.mark.django_db
    def test_the_partner_uploads_its_staffs_cvs(self, world, client_for, signed_pdf, settings, tmp_path):
        from equipes.models import User

        settings.MEDIA_ROOT = tmp_path
        client = client_for(world.users.referente_ente)
        for member in (world.users.operatore, world.users.referente_ente):  # its educator, and its own CV
            upload = SimpleUploadedFile("cv.pdf", signed_pdf, content_type="application/pdf")
            assert client.post(reverse("equipes:staff-cv-upload", args=[member.pk]), {"cv": upload}).status_code == 302
            assert User.objects.get(pk=member.pk).cv
        # Not the Comune's staff: they are not in its register.
        upload = SimpleUploadedFile("cv.pdf", signed_pdf, content_type="application/pdf")
        url = reverse("equipes:staff-cv-upload", args=[world.users.case_manager.pk])
        assert client.post(url, {"cv": upload}).status_code == 404

    @pytest.mark.django_db
    def test_the_partner_documents_its_staffs_training(self, world, client_for):
        from equipes.models import StaffTraining

        response = client_for(world.users.referente_ente).post(
            reverse("equipes:training-create", args=[world.users.operatore.pk]),
            {
                "course": "MOOC Vicinanza solidale",
                "provider": "Università di Padova",
                "hours": "12",
                "completed_on": "2024-02-28",
            },
        )
        assert response.status_code == 302
        assert StaffTraining.objects.filter(user=world.users.operatore, course="MOOC Vicinanza solidale").exists()

    @pytest.mark.django_db
    def test_the_partner_writes_the_survey_results_report_and_the_ufficio_di_piano_approves_it(self, world, client_for):
        from reporting import services
        from reporting.models import SatisfactionSurvey, SurveyResultsReport

        udp, partner = world.users.ufficio_piano, world.users.referente_ente
        survey = services.survey_create(
            survey=SatisfactionSurvey(
                project=world.project,
                audience="beneficiari",
                title="Soddisfazione delle famiglie 2024",
                period_start="2024-04-15",
                period_end="2024-05-31",
            ),
            statements=["Mi sono sentito/a ascoltato/a dagli operatori."],
            by=udp,
        )
        partner_client = client_for(partner)
        url = reverse("reporting:survey-report", args=[survey.pk])
        partner_client.post(
            url,
            {
                "findings": "Famiglie soddisfatte dell'ascolto.",
                "improvements": "",
                "shared_with_operators_on": "2024-06-18",
            },
        )
        partner_client.post(reverse("reporting:survey-report-submit", args=[survey.pk]))
        assert partner_client.post(reverse("reporting:survey-report-approve", args=[survey.pk])).status_code == 403
        client_for(udp).post(reverse("reporting:survey-report-approve", args=[survey.pk]))
        report = SurveyResultsReport.objects.get(survey=survey)
        assert (report.written_by, report.state, report.approved_by) == (partner, "approvata", udp)
        assert str(report.shared_with_operators_on) == "2024-06-18"

    @pytest.mark.django_db
    def test_the_partner_works_only_on_the_projects_it_is_a_partner_of(self, world, client_for):
        from reporting import reports

        project = f.make_project(world.ambito)  # the cooperative is not among its partners
        run = reports.report_start(project=project, kind="semester", label="2024-S1", by=world.users.ufficio_piano)
        response = client_for(world.users.referente_ente).post(
            reverse("reporting:report-narrative", args=[run.pk]), self.TEXTS
        )
        assert response.status_code == 404

    @pytest.mark.django_db
    def test_the_partner_runs_its_staffs_groups(self, world, client_for):
        """ "Per queste ragioni sono richiesti i seguenti ulteriori servizi e competenze: [...] 2. Gestione di gruppi
        genitori di auto-mutuo aiuto affiancati da facilitatori; 3. Gestione di gruppi di bambini [...]; 4. Gestione
        di gruppi di genitori e bambini affiancati da facilitatori", with "l'impiego del personale in numero
        sufficiente": the partner's referent sets up the group with its own staff as facilitators and records its
        sessions; the Ufficio di Piano still sees and changes it."""
        from interventions.models import Group, InterventionType

        partner = client_for(world.users.referente_ente)
        data = {
            "type": InterventionType.objects.get(code="gruppo_genitori", ambito__isnull=True).pk,
            "module_number": "1",
            "name": "Genitori in cammino",
            "implementation": world.implementation.pk,
            "venue": "Centro per le famiglie",
            "planned_sessions": "8",
            "frequency": "quindicinale",
            "start_date": "2024-04-10",
            "facilitators": [world.users.case_manager.pk],  # the Comune's social worker: not the partner's staff
        }
        response = partner.post(reverse("interventions:group-create"), data)
        assert "I facilitatori si scelgono tra il personale di Cooperativa Beta." in response.content.decode()
        response = partner.post(
            reverse("interventions:group-create"), {**data, "facilitators": [world.users.operatore.pk]}
        )
        group = Group.objects.get(name="Genitori in cammino")
        assert response.status_code == 302 and list(group.facilitators.all()) == [world.users.operatore]
        session = {"date": "2024-04-10", "duration_minutes": "120", "topic": "Presentazioni"}
        assert partner.post(reverse("interventions:session-create", args=[group.pk]), session).status_code == 302
        assert group.sessions.count() == 1
        udp = client_for(world.users.ufficio_piano)
        assert group in udp.get(reverse("interventions:group-list")).context["page"]
        edit = reverse("interventions:group-edit", args=[group.pk])
        assert udp.post(edit, {**data, "name": "Genitori insieme"}).status_code == 302
        assert set(Group.objects.get(pk=group.pk).facilitators.all()) == {world.users.case_manager}

    @pytest.mark.django_db
    def test_the_partner_holds_the_parenting_events_of_its_projects(self, world, client_for):
        """ "5. Realizzazione momenti formativi sul tema della genitorialità": the partner's referent records the
        events of the projects its organisation is a partner of, and no other project's."""
        from interventions.models import ParentingEvent

        event = {
            "date": "2024-05-18",
            "topic": "Regole e affetto",
            "venue": "Auditorium",
            "participants_count": "30",
            "programme_families": "6",
            "project": world.project.pk,
        }
        partner = client_for(world.users.referente_ente)
        assert partner.post(reverse("interventions:event-create"), event).status_code == 302
        assert ParentingEvent.objects.get(topic="Regole e affetto").project == world.project
        other = f.make_project(world.ambito, cup="B24H22000190999")  # the cooperative is not among its partners
        response = partner.post(reverse("interventions:event-create"), {**event, "project": other.pk})
        assert response.status_code == 200 and response.context["form"].errors["project"]

    @pytest.mark.demo_seed
    def test_in_the_demo_the_cooperatives_referent_runs_seregnos_groups(self, seeded_demo):
        """The demo's groups of Seregno are facilitated by the cooperative's educator and psychologist: its
        referent finds every one of them in its list, and may run each."""
        from interventions.models import Group

        referente = User.objects.get(username="referente_coop")
        groups = Group.objects.visible_to(referente)
        seregno = Group.objects.filter(project__cup=SEREGNO)
        assert seregno.exists() and set(seregno) <= set(groups)
        assert not groups.exclude(facilitators__organisation=referente.organisation).exists()
        assert all(referente.has_perm("interventions.run_group", group) for group in groups)

    @pytest.mark.demo_seed
    def test_in_the_demo_the_cooperatives_referent_drafted_the_semester_reports(self, seeded_demo):
        from reporting.models import ReportRun

        semester = ReportRun.objects.filter(project__cup="B24H22000190001", kind="semester")
        assert semester.exists()
        assert set(semester.values_list("narrative_by__username", flat=True)) == {"referente_coop"}

    @pytest.mark.demo_seed
    def test_in_the_demo_the_cooperatives_referent_wrote_the_survey_results_reports(self, seeded_demo):
        from reporting.models import SurveyResultsReport

        reports = SurveyResultsReport.objects.filter(survey__project__cup="B24H22000190001")
        assert set(reports.values_list("written_by__username", flat=True)) == {"referente_coop"}
        assert {"approvata", "inviata"} == set(reports.values_list("state", flat=True))

    @pytest.mark.demo_seed
    def test_in_the_demo_the_cooperatives_staff_have_cvs_and_training(self, seeded_demo):
        from equipes.models import StaffTraining, User

        staff = User.objects.filter(organisation__name="Cooperativa sociale Aquilone (demo)")
        assert staff.exists() and not staff.filter(cv="").exists()
        assert StaffTraining.objects.filter(user__in=staff).exists()
