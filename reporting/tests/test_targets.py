"""The progress of a project's targets (`reporting.targets`), on small factories: targets are minimums, each is
checked where its scope says, a check below its minimum says what is missing, and the queries do not grow with the
number of targets, ambiti and implementations."""

import datetime
import random
from decimal import Decimal

import pytest
from django.urls import reverse

from equipes import services as project_services
from equipes.models import StaffTraining, TargetKind, TargetScope
from families.models import State
from interventions.models import Intervention, InterventionType, SchoolPartnership
from reporting import indicators, reports
from reporting.targets import project_target_progress
from tests import factories as f

from .test_report_runs import pdf_text

pytestmark = pytest.mark.django_db

D = datetime.date
K, S = TargetKind, TargetScope


def included(world, walk, **kwargs):
    family = f.make_family(world, **kwargs)
    return walk(family, State.INCLUSA, by=family.case_manager, operator=world.users.operatore, t0=D(2024, 3, 1))


def progress_of(target):
    (progress,) = [p for p in project_target_progress([target.project])[target.project_id] if p.target_id == target.pk]
    return progress


def test_fewer_families_than_the_minimum_of_an_implementation_is_a_shortfall(world, walk):
    target = f.make_target(world.project, K.FAMIGLIE_INCLUSE, 3, S.IMPLEMENTAZIONE)
    included(world, walk)
    included(world, walk)
    f.make_family(world)  # referred, not included: does not count
    (check,) = progress_of(target).checks
    assert (check.where, check.value, check.minimum, check.missing) == ("P.I.P.P.I. 11", 2, 3, 1)
    assert "mancano 1 famiglie incluse" in check.warning


def test_more_families_than_the_minimum_is_met_and_warns_of_nothing(world, walk):
    target = f.make_target(world.project, K.FAMIGLIE_INCLUSE, 1, S.IMPLEMENTAZIONE)
    included(world, walk)
    included(world, walk)
    progress = progress_of(target)
    assert progress.met and progress.warnings == []
    assert progress.checks[0].value == 2


def test_a_missing_childrens_group_in_an_implementation_of_an_ambito_is_a_shortfall(world):
    project, other = world.project, world.other.ambito
    project.associated_ambiti.add(other)
    target = f.make_target(project, K.GRUPPI_BAMBINI, 1, S.IMPLEMENTAZIONE_AMBITO)
    second = f.make_implementation(project, 12)
    for implementation in (world.implementation, second):
        f.make_group(implementation, code="gruppo_bambini")
    f.make_group(world.implementation, code="gruppo_bambini", ambito=other)
    f.make_group(second, code="gruppo_genitori", ambito=other)  # a parents' group is no children's group
    checks = {c.where: c.missing for c in progress_of(target).checks}
    assert checks == {
        f"P.I.P.P.I. 11 · {world.ambito.name}": 0,
        f"P.I.P.P.I. 12 · {world.ambito.name}": 0,
        f"P.I.P.P.I. 11 · {other.name}": 0,
        f"P.I.P.P.I. 12 · {other.name}": 1,
    }


def test_a_group_counts_only_for_the_implementation_it_serves(world):
    target = f.make_target(world.project, K.GRUPPI_GENITORI, 1, S.IMPLEMENTAZIONE)
    f.make_implementation(world.project, 12)
    f.make_group(world.implementation)
    assert [c.missing for c in progress_of(target).checks] == [0, 1]


def test_a_home_educational_project_for_every_family_is_a_share_of_the_included_families(world, walk):
    target = f.make_target(world.project, K.FAMIGLIE_CON_SEDT, 100, S.PROGETTO)
    with_sedt, without = included(world, walk), included(world, walk)
    Intervention.objects.create(
        family=with_sedt,
        type=InterventionType.objects.get(code="sedt", ambito__isnull=True),
        start_date=D(2024, 3, 15),
        planned_hours_per_week=Decimal(8),
    )
    (check,) = progress_of(target).checks
    assert (check.value, check.numerator, check.denominator, check.missing) == (50, 1, 2, 1)
    assert "sotto il minimo" in check.warning and without.pk


def test_positive_outcomes_are_a_share_of_the_ended_paths(world, walk):
    target = f.make_target(world.project, K.ESITI_POSITIVI, 50, S.IMPLEMENTAZIONE)
    assert progress_of(target).checks[0].value is None  # nothing ended yet: not measurable, no shortfall
    for outcome in ("A", "C", "C"):
        family = f.make_family(world, referral_date=D(2023, 6, 1))
        walk(
            family,
            State.CONCLUSA,
            by=family.case_manager,
            operator=world.users.operatore,
            t0=D(2023, 7, 1),
            rng=random.Random(1),
            outcome=outcome,
        )
    (check,) = progress_of(target).checks
    assert (check.numerator, check.denominator, check.value, check.missing) == (1, 3, 33, 1)


def test_operators_trained_are_the_staff_of_the_project_ambiti_trained_within_its_period(world):
    target = f.make_target(world.project, K.OPERATORI_FORMATI, 2, S.PROGETTO)
    operatore, case_manager = world.users.operatore, world.users.case_manager
    for user, day in ((operatore, D(2024, 1, 1)), (operatore, D(2024, 5, 1)), (case_manager, D(2020, 1, 1))):
        StaffTraining.objects.create(user=user, course=f"Corso {day}", hours=4, completed_on=day)
    StaffTraining.objects.create(user=world.other.outsider, course="MOOC", hours=4, completed_on=D(2024, 1, 1))
    (check,) = progress_of(target).checks
    assert (check.value, check.missing) == (1, 1)  # the operator once; not before the project, not another ambito


def test_school_collaborations_are_counted_per_project_and_only_when_structured(world):
    target = f.make_target(world.project, K.COLLABORAZIONI_SCUOLE, 1, S.PROGETTO)
    second_project = f.make_project(world.ambito)
    for project, kind in ((second_project, "protocollo"), (world.project, "informale")):
        SchoolPartnership.objects.create(
            ambito=world.ambito, project=project, school="IC Alfa", kind=kind, signed_on=D(2024, 1, 1)
        )
    assert progress_of(target).checks[0].missing == 1


def test_the_semester_report_freezes_the_targets_at_the_end_of_the_period(world, walk):
    f.make_target(world.project, K.FAMIGLIE_INCLUSE, 10, S.IMPLEMENTAZIONE, note="almeno 10 famiglie")
    included(world, walk)
    snapshot = indicators.compute(world.project, D(2024, 1, 1), D(2024, 6, 30))
    (target,) = snapshot["targets"]
    assert target["note"] == "almeno 10 famiglie" and target["met"] is False
    assert target["checks"][0]["value"] == 1 and target["checks"][0]["missing"] == 9
    before = indicators.compute(world.project, D(2023, 7, 1), D(2023, 12, 31))["targets"][0]
    assert before["checks"][0]["value"] == 0  # included in 2024: not yet at the end of 2023


def start_run(world, kind, label, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        started = reports.report_start(project=world.project, kind=kind, label=label, by=world.users.ufficio_piano)
    return reports.run_report(started.pk)


def test_the_annual_synthesis_shows_the_targets_progress_at_the_end_of_the_year(
    world, walk, django_capture_on_commit_callbacks
):
    f.make_target(world.project, K.FAMIGLIE_INCLUSE, 10, S.IMPLEMENTAZIONE, note="almeno 10 famiglie")
    f.make_target(world.project, K.GRUPPI_GENITORI, 1, S.PROGETTO)
    f.make_group(world.implementation, start_date=D(2025, 2, 1))  # after the year: not yet there at its end
    included(world, walk)
    run = start_run(world, "annual", "2024", django_capture_on_commit_callbacks)
    families, groups = run.snapshot["targets"]
    assert families["checks"][0]["value"] == 1 and families["checks"][0]["missing"] == 9
    assert groups["checks"][0]["value"] == 0 and groups["met"] is False
    with run.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Obiettivi del progetto (minimi) alla fine dell'anno" in text
    assert "Famiglie incluse nel programma" in text and "almeno 10 famiglie" in text
    assert "mancano 9" in text and "manca 1" in text


def test_the_final_report_shows_the_targets_progress_at_the_conclusion(world, walk, django_capture_on_commit_callbacks):
    f.make_target(world.project, K.FAMIGLIE_INCLUSE, 1, S.IMPLEMENTAZIONE)
    f.make_target(world.project, K.GRUPPI_BAMBINI, 1, S.PROGETTO)
    included(world, walk)
    project_services.project_conclude(project=world.project, on=D(2026, 5, 31), by=world.users.ufficio_piano)
    run = start_run(world, "final", "", django_capture_on_commit_callbacks)
    families, groups = run.snapshot["targets"]
    assert families["met"] is True and groups["checks"][0]["missing"] == 1
    with run.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Obiettivi del progetto (minimi) alla fine del periodo" in text
    assert "raggiunto" in text and "Gruppi di bambini" in text and "manca 1" in text


def test_report_counts_groups_of_the_project_not_of_its_ambito(world):
    second = f.make_implementation(f.make_project(world.ambito), 11)
    group = f.make_group(second, start_date=D(2024, 2, 1))
    group.sessions.create(date=D(2024, 2, 1), duration_minutes=90)
    assert indicators.compute(world.project, D(2024, 1, 1), D(2024, 6, 30))["physical"]["groups"]["sessions"] == 0


def test_the_dashboard_and_the_project_page_show_the_shortfall(world, client_for):
    f.make_target(world.project, K.GRUPPI_GENITORI, 1, S.PROGETTO)
    client = client_for(world.users.ufficio_piano)
    dashboard = client.get(reverse("dashboard")).content.decode()
    assert "Gruppi di genitori" in dashboard and "manca 1" in dashboard
    page = client.get(reverse("reporting:project-targets", args=[world.project.pk])).content.decode()
    assert "manca 1" in page
    fragment = client.get(reverse("reporting:project-targets", args=[world.project.pk]), HTTP_HX_REQUEST="true")
    assert "<html" not in fragment.content.decode() and "manca 1" in fragment.content.decode()
    project_page = client.get(reverse("equipes:project-detail", args=[world.project.pk])).content.decode()
    assert reverse("reporting:project-targets", args=[world.project.pk]) in project_page


def test_the_case_manager_dashboard_has_no_targets(world, client_for):
    f.make_target(world.project, K.GRUPPI_GENITORI, 1, S.PROGETTO)
    assert "Obiettivi (minimi)" not in client_for(world.users.case_manager).get(reverse("dashboard")).content.decode()


def _grow(world, n):
    """`n` more implementations, associated ambiti, targets, families' groups."""
    kinds = [k for k in K if S.IMPLEMENTAZIONE_AMBITO in k.allowed_scopes]
    for i in range(n):
        implementation = f.make_implementation(world.project, 20 + i)
        ambito = f.make_ambito(f"Z{chr(65 + i)}")
        world.project.associated_ambiti.add(ambito)
        f.make_group(implementation, code="gruppo_bambini", ambito=ambito)
    for kind in kinds:
        for scope in (S.IMPLEMENTAZIONE, S.IMPLEMENTAZIONE_AMBITO, S.AMBITO):
            f.make_target(world.project, kind, 1, scope)
    f.make_target(world.project, K.OPERATORI_FORMATI, 3, S.AMBITO)


def test_progress_runs_the_same_queries_whatever_the_number_of_targets(world, walk, count_queries):
    f.make_target(world.project, K.FAMIGLIE_INCLUSE, 10, S.PROGETTO)
    included(world, walk)
    small = count_queries(lambda: project_target_progress([world.project]))
    _grow(world, 5)
    large = count_queries(lambda: project_target_progress([world.project, world.other.project]))
    assert small == large <= 8


def test_the_targets_page_keeps_its_queries(world, walk, client_for, count_queries):
    f.make_target(world.project, K.FAMIGLIE_INCLUSE, 10, S.PROGETTO)
    client = client_for(world.users.ufficio_piano)
    url = reverse("reporting:project-targets", args=[world.project.pk])
    client.get(url)
    small = count_queries(lambda: client.get(url))
    _grow(world, 5)
    assert count_queries(lambda: client.get(url)) == small


def test_report_counts_the_meetings_and_training_of_the_project_not_of_its_ambito(world):
    from equipes.models import GovernanceMeeting

    second = f.make_project(world.ambito)
    for project, day in ((world.project, D(2024, 2, 1)), (second, D(2024, 2, 2)), (None, D(2024, 2, 3))):
        GovernanceMeeting.objects.create(ambito=world.ambito, project=project, date=day, kind="tecnico_mensile")
    GovernanceMeeting.objects.create(ambito=world.ambito, date=D(2020, 1, 1), kind="tecnico_mensile")
    for day in (D(2020, 1, 1), D(2024, 1, 1)):
        StaffTraining.objects.create(user=world.users.operatore, course=f"Corso {day}", hours=4, completed_on=day)
    procedural = indicators.compute(world.project, D(2024, 1, 1), D(2024, 6, 30))["procedural"]
    (meetings,) = procedural["governance_meetings"]
    assert meetings["cumulative"] == 2  # the project's and the ambito's one without a project in its period
    assert procedural["staff"]["training_hours"] == 4.0  # the 2020 course is before the project


def test_the_dashboard_keeps_its_queries_with_targets_on_every_project(world, client_for, count_queries):
    def add_projects(n):
        for _ in range(n):
            project = f.make_project(world.ambito)
            f.make_implementation(project, 11)
            f.make_target(project, K.FAMIGLIE_INCLUSE, 10, S.IMPLEMENTAZIONE)
            f.make_target(project, K.OPERATORI_FORMATI, 10, S.PROGETTO)

    client = client_for(world.users.ufficio_piano)
    add_projects(1)
    client.get(reverse("dashboard"))
    with_one = count_queries(lambda: client.get(reverse("dashboard")))
    add_projects(29)
    assert count_queries(lambda: client.get(reverse("dashboard"))) == with_one
