"""Validated hours flow into the budget page; the forecast is checked against a hand computation."""

import datetime
from decimal import Decimal

from django.urls import reverse

from equipes.models import Profile, Role
from interventions import services
from interventions.models import Intervention, InterventionType, TimeEntry, Timesheet
from interventions.selectors import project_budget
from tests import factories as f

from .conftest import SEDT_START


def validate_month(user, validator, month):
    sheet = Timesheet.objects.get(user=user, month=month)
    services.timesheet_confirm(timesheet=sheet, by=user)
    return services.timesheet_validate(timesheet=sheet, by=validator)


def test_forecast_on_a_hand_computed_fixture(world, budget_lines, sedt):
    """Project 01/06/2023–31/05/2026. The educator logs 10 h in March 2024 and 20 h in April 2024, both
    validated; 5 h in May 2024 stay unvalidated.

    Observed until 30/04/2024 (end of the last validated month). Six-month pace window: 01/11/2023–30/04/2024
    = 182 days, with 30 h in it → 30/182 h a day. Days left: 01/05/2024–31/05/2026 = 761.
    Forecast = 30 + 30 × 761 / 182 = 30 + 125.439… = 155.4 h. Spending = 30 h × € 22 = € 660.00."""
    educator, referent = world.users.operatore, world.users.referente_ente
    family = sedt.family
    for day, hours in [
        (datetime.date(2024, 3, 19), 10),
        (datetime.date(2024, 4, 16), 20),
        (datetime.date(2024, 5, 7), 5),
    ]:
        services.time_entry_set(user=educator, day=day, activity="diretta_famiglia", minutes=hours * 60, family=family)
    validate_month(educator, referent, datetime.date(2024, 3, 1))
    validate_month(educator, referent, datetime.date(2024, 4, 1))
    budget = project_budget(world.project)
    assert budget.observed_until == datetime.date(2024, 4, 30)
    assert (budget.pace_days, budget.remaining_days) == (182, 761)
    line = next(b for b in budget.lines if b.profile == "educatore")
    assert line.delivered_hours == Decimal("30.0")
    assert line.forecast_hours == Decimal("155.4")
    assert line.spent == Decimal("660.00")
    assert line.percent == Decimal("0.5")
    assert line.will_miss_minimum
    assert budget.total_spent == Decimal("660.00")
    assert budget.spent_percent == Decimal("0.3")  # 660 / 211.500 = 0.31 %


def test_only_eligible_hours_of_validated_timesheets_count(world, budget_lines, sedt):
    educator = world.users.operatore
    services.time_entry_set(user=educator, day=SEDT_START, activity="diretta_famiglia", minutes=120, family=sedt.family)
    services.time_entry_set(user=educator, day=SEDT_START, activity="documentazione", minutes=60)
    assert project_budget(world.project).lines[0].delivered_hours == 0
    TimeEntry.objects.filter(activity="documentazione").update(eligible=False)
    validate_month(educator, world.users.referente_ente, SEDT_START.replace(day=1))
    line = next(b for b in project_budget(world.project).lines if b.profile == "educatore")
    assert line.delivered_hours == Decimal("2.0")


def test_hours_count_under_the_professionals_profile(world, budget_lines, sedt):
    psychologist = f.make_user(world.ambito, Role.OPERATORE, world.coop, profile=Profile.PSICOLOGO)
    psy = Intervention.objects.create(
        family=sedt.family,
        type=InterventionType.objects.get(code="psicologico"),
        start_date=SEDT_START,
        planned_hours_per_week=1,
    )
    psy.assigned_users.add(psychologist)
    services.time_entry_set(
        user=psychologist, day=SEDT_START, activity="diretta_famiglia", minutes=90, family=sedt.family
    )
    validate_month(psychologist, world.users.ufficio_piano, SEDT_START.replace(day=1))
    lines = {b.profile: b.delivered_hours for b in project_budget(world.project).lines}
    assert lines == {"educatore": Decimal("0.0"), "psicologo": Decimal("1.5")}


def test_budget_page_shows_the_figures_and_is_scoped(world, client_for, budget_lines, sedt):
    url = reverse("interventions:budget", args=[world.project.pk])
    page = client_for(world.users.ufficio_piano).get(url)
    assert page.status_code == 200
    assert "6.000" in page.content.decode() and "€ 22,00" in page.content.decode()
    assert client_for(world.users.operatore).get(url).status_code == 403
    assert client_for(world.other.ufficio_piano).get(url).status_code == 404
