"""Hours and interventions at the end of a project (issue 13 §5): a concluded project takes no hours after its
conclusion, in the service and in the database; after the takeover the hours go to the follow-on by date."""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from freezegun import freeze_time
from pypdf import PdfReader

from equipes import services as project_services
from equipes.models import FundingSource
from families import services as family_services
from interventions import services
from interventions.forms import InterventionForm
from interventions.models import InterventionType, TimeEntry, Timesheet
from interventions.selectors import project_budget
from tests.factories import running_implementation

END = datetime.date(2026, 5, 31)
AFTER = datetime.date(2026, 6, 3)
BEFORE = datetime.date(2026, 5, 29)


def set_hours(world, family, day):
    return services.time_entry_set(
        user=world.users.operatore, day=day, activity="diretta_famiglia", minutes=120, family=family
    )


def conclude(world):
    project_services.project_conclude(project=world.project, on=END, by=world.users.ufficio_piano)


def follow_on(world):
    return project_services.project_start_follow_on(
        predecessor=world.project,
        by=world.users.ufficio_piano,
        title="P.I.P.P.I. LEPS",
        funding_source=FundingSource.LEPS,
        cup="",
        amount=Decimal("90000"),
        start_date=END + datetime.timedelta(days=1),
        end_date=datetime.date(2027, 12, 31),
        implementation_number=14,
    )


def test_a_concluded_project_takes_no_hours_after_its_end(world, sedt):
    conclude(world)
    with pytest.raises(services.HoursRefused, match="si è concluso il 31/05/2026"):
        set_hours(world, sedt.family, AFTER)
    assert not TimeEntry.objects.filter(date=AFTER).exists()


def test_hours_up_to_the_conclusion_are_still_the_projects(world, sedt):
    conclude(world)
    entry = set_hours(world, sedt.family, BEFORE)
    assert entry.timesheet.project == world.project


def test_the_database_refuses_hours_after_the_conclusion(world, sedt):
    conclude(world)
    timesheet = Timesheet.objects.create(user=world.users.operatore, month=AFTER.replace(day=1), project=world.project)
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.create(
            timesheet=timesheet,
            user=world.users.operatore,
            date=AFTER,
            minutes=60,
            activity="coordinamento",
        )


def test_the_database_refuses_hours_for_a_family_of_a_concluded_project(world, sedt):
    conclude(world)
    timesheet = Timesheet.objects.create(user=world.users.operatore, month=AFTER.replace(day=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        TimeEntry.objects.create(
            timesheet=timesheet,
            user=world.users.operatore,
            date=AFTER,
            minutes=60,
            activity="diretta_famiglia",
            family=sedt.family,
        )


def test_after_the_takeover_the_running_intervention_takes_hours_for_the_follow_on(world, sedt):
    conclude(world)
    project = follow_on(world)
    family_services.families_take_over(implementation=project.implementations.get(), by=world.users.ufficio_piano)
    before = set_hours(world, sedt.family, BEFORE)
    after = set_hours(world, sedt.family, AFTER)
    assert (before.timesheet.project, after.timesheet.project) == (world.project, project)
    assert after.intervention == sedt


def test_a_concluded_project_activates_no_new_intervention(world, sedt):
    conclude(world)
    form = InterventionForm(
        {
            "type": InterventionType.objects.get(code="psicologico", ambito__isnull=True).pk,
            "start_date": "2026-06-02",
            "planned_hours_per_week": "2",
        },
        family=sedt.family,
        user=world.users.case_manager,
    )
    assert not form.is_valid()
    assert "non si attivano nuovi interventi" in str(form.errors)


# --- Hours dated after a project's end date, before (or without) its formal conclusion (issue 14 §5) ----------
# The issue saw hours typed in November 2026 marked eligible for a project that ended on 31/05/2026. They are
# kept (the person did the work), and not charged to the project; today is the real calendar's, 02/12/2026.

NOVEMBER = datetime.date(2026, 11, 16)  # a Monday


def test_hours_after_the_projects_end_date_are_kept_and_not_charged(world, sedt):
    with freeze_time("2026-12-02"):
        family_hours = set_hours(world, sedt.family, NOVEMBER)
        general = services.time_entry_set(
            user=world.users.operatore, day=NOVEMBER, activity="coordinamento", minutes=60
        )
    assert not world.project.is_concluded
    assert family_hours.timesheet.project is None  # no project of the ambito covers November 2026
    assert (family_hours.eligible, general.eligible) == (False, False)
    assert not family_hours.is_pnrr_eligible


def test_in_the_month_the_project_ends_only_the_days_up_to_its_end_are_charged(world, sedt, budget_lines):
    world.project.end_date = datetime.date(2026, 5, 20)
    world.project.save()
    with freeze_time("2026-12-02"):
        inside = set_hours(world, sedt.family, datetime.date(2026, 5, 18))
        outside = set_hours(world, sedt.family, datetime.date(2026, 5, 25))
        assert inside.timesheet == outside.timesheet and inside.timesheet.project == world.project
        assert (inside.eligible, outside.eligible) == (True, False)
        services.timesheet_confirm(timesheet=inside.timesheet, by=world.users.operatore)
        services.timesheet_validate(timesheet=inside.timesheet, by=world.users.referente_ente)
        line = next(b for b in project_budget(world.project).lines if b.profile == "educatore")
    assert line.delivered_hours == Decimal("2.0")  # the 18th only


def test_hours_for_a_family_of_an_ended_project_are_not_charged_to_the_project_running_now(world, sedt):
    """Another project of the ambito runs in November, and the family was not carried over into it: its hours
    go on the running project's timesheet, and are not charged to it; the general activities are."""
    running = running_implementation(world.ambito)
    with freeze_time("2026-12-02"):
        family_hours = set_hours(world, sedt.family, NOVEMBER)
        general = services.time_entry_set(
            user=world.users.operatore, day=NOVEMBER, activity="coordinamento", minutes=60
        )
    assert family_hours.timesheet.project == running.project
    assert (family_hours.eligible, general.eligible) == (False, True)


def test_hours_within_the_project_are_charged_as_before(world, sedt):
    with freeze_time("2026-12-02"):
        entry = set_hours(world, sedt.family, BEFORE)
    assert entry.timesheet.project == world.project and entry.eligible


def test_the_timesheet_names_the_charged_hours_by_the_projects_funding(world, sedt, client_for):
    """A month of the PNRR project reads "Rendicontabile PNRR"; a month of the LEPS follow-on never says PNRR."""
    conclude(world)
    project = follow_on(world)
    family_services.families_take_over(implementation=project.implementations.get(), by=world.users.ufficio_piano)
    before, after = (
        services.time_entry_set(user=world.users.operatore, day=day, activity="coordinamento", minutes=120)
        for day in (BEFORE, AFTER)
    )
    client = client_for(world.users.operatore)
    pnrr = client.get(before.timesheet.get_absolute_url()).content.decode()
    leps = client.get(after.timesheet.get_absolute_url()).content.decode()
    assert '<th scope="col">Rendicontabile PNRR</th>' in pnrr and "di cui rendicontabili PNRR: 2:00" in pnrr
    assert '<th scope="col">Imputata al progetto</th>' in leps and "di cui imputate al progetto: 2:00" in leps
    assert "PNRR" not in leps.split("<main", 1)[1].split("</main>")[0]

    def pdf_text(timesheet) -> str:
        pdf = client.get(reverse("interventions:timesheet-pdf", args=[timesheet.pk])).getvalue()
        return " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)

    assert "Rendicontabile PNRR" in pdf_text(before.timesheet)
    leps_pdf = pdf_text(after.timesheet)
    assert "Imputata al progetto" in leps_pdf and "di cui imputate al progetto: 2:00" in leps_pdf
    assert "PNRR" not in leps_pdf
