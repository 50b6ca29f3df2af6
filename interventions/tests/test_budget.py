"""Validated hours flow into the budget page; the forecast is checked against a hand computation."""

import datetime
from decimal import Decimal

from django.urls import reverse

from equipes.models import Profile, Role
from interventions import services
from interventions.models import Intervention, InterventionType, TimeEntry, Timesheet
from interventions.selectors import (
    Window,
    ambito_budgets_for,
    delivered_minutes_by_ambito,
    delivered_minutes_in,
    project_budget,
)
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


def test_the_windows_of_one_pass_are_the_sums_of_their_own_queries(world, budget_lines, sedt, count_queries):
    """10 h on SEDT in March 2024 and 20 h of coordination in April, both validated; 5 h in May not validated.
    Each window of `delivered_minutes_in` is what its own query gives, and all of them cost one query."""
    educator, referent, ambito = world.users.operatore, world.users.referente_ente, world.ambito.pk
    services.time_entry_set(
        user=educator, day=datetime.date(2024, 3, 19), activity="diretta_famiglia", minutes=600, family=sedt.family
    )
    services.time_entry_set(user=educator, day=datetime.date(2024, 4, 16), activity="coordinamento", minutes=1200)
    services.time_entry_set(user=educator, day=datetime.date(2024, 5, 7), activity="coordinamento", minutes=300)
    validate_month(educator, referent, datetime.date(2024, 3, 1))
    validate_month(educator, referent, datetime.date(2024, 4, 1))
    windows = {
        "all": Window(),
        "april": Window(since=datetime.date(2024, 4, 1)),
        "march": Window(until=datetime.date(2024, 3, 31)),
        "sedt": Window(type_code="sedt"),
        "sedt_march": Window(until=datetime.date(2024, 3, 31), type_code="sedt"),
        "sedt_april": Window(since=datetime.date(2024, 4, 1), type_code="sedt"),
        "may": Window(since=datetime.date(2024, 5, 1)),
    }
    found = {}
    assert count_queries(lambda: found.update(delivered_minutes_in(world.project, windows))) == 1
    assert found == {
        "all": {(ambito, "educatore"): 1800},
        "april": {(ambito, "educatore"): 1200},
        "march": {(ambito, "educatore"): 600},
        "sedt": {(ambito, "educatore"): 600},
        "sedt_march": {(ambito, "educatore"): 600},
        "sedt_april": {},
        "may": {},
    }
    assert found["all"] == delivered_minutes_by_ambito(world.project)
    assert found["april"] == delivered_minutes_by_ambito(world.project, since=datetime.date(2024, 4, 1))


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


# --- A project of several ambiti ----------------------------------------------------------------------------------


def log_validated(user, validator, day, hours):
    services.time_entry_set(user=user, day=day, activity="coordinamento", minutes=int(hours * 60))
    validate_month(user, validator, day.replace(day=1))


def shared_project_with_hours(world, budget_lines):
    """The world's project with its associated ambito ("ASC"): the lead's educator has 10 validated hours in March
    2024, the associated ambito's educator 4 and a half, and an ASC psychologist 2."""
    associated = f.add_associated_ambito(world)
    psychologist = f.make_user(associated.ambito, Role.OPERATORE, associated.organisation, profile=Profile.PSICOLOGO)
    log_validated(world.users.operatore, world.users.referente_ente, SEDT_START, 10)
    log_validated(associated.users.operatore, associated.users.ufficio_piano, SEDT_START, 4.5)
    log_validated(psychologist, associated.users.ufficio_piano, SEDT_START, 2)
    return associated


def test_a_shared_projects_budget_counts_each_ambitos_hours_at_the_lines_costs(world, budget_lines):
    """Educators € 22, psychologists € 35: the lead ambito 10 h × 22 = € 220; the associated ambito 4,5 h × 22 +
    2 h × 35 = € 99 + € 70 = € 169; the project 16,5 h and € 389."""
    associated = shared_project_with_hours(world, budget_lines)
    budget = project_budget(world.project)
    rows = ambito_budgets_for(world.users.ufficio_piano, budget)
    assert [(r.code, r.lead) for r in rows] == [("TST", True), ("ASC", False)]
    lead, other = rows
    assert [(line.label, line.delivered_hours, line.spent) for line in other.lines] == [
        ("Educatore", Decimal("4.5"), Decimal("99.00")),
        ("Psicologo", Decimal("2.0"), Decimal("70.00")),
    ]
    assert (lead.delivered_hours, lead.spent) == (Decimal("10.0"), Decimal("220.00"))
    assert (other.delivered_hours, other.spent) == (Decimal("6.5"), Decimal("169.00"))
    assert (budget.delivered_hours, budget.total_spent) == (Decimal("16.5"), Decimal("389.00"))
    assert other.name == associated.ambito.name


def test_the_lead_sees_every_ambito_and_an_associated_ambito_its_own_beside_the_projects_total(world, budget_lines):
    associated = shared_project_with_hours(world, budget_lines)
    budget = project_budget(world.project)
    every = ["TST", "ASC"]
    for user in (world.users.ufficio_piano, world.users.coordinatore, world.users.referente_ente, world.users.admin):
        assert [r.code for r in ambito_budgets_for(user, budget)] == every
    for user in (associated.users.ufficio_piano, associated.users.coordinatore):
        assert [r.code for r in ambito_budgets_for(user, budget)] == ["ASC"]


def test_the_budget_page_shows_the_table_per_ambito(world, client_for, budget_lines):
    associated = shared_project_with_hours(world, budget_lines)
    url = reverse("interventions:budget", args=[world.project.pk])
    lead = client_for(world.users.ufficio_piano).get(url)
    page = lead.content.decode()
    assert "Ore e spesa del personale per ambito" in page
    assert world.ambito.name in page and associated.ambito.name in page
    assert "€ 220,00" in page and "€ 169,00" in page and "€ 389,00" in page
    assert "Totale del progetto" in page
    mine = client_for(associated.users.ufficio_piano).get(url)
    assert [r.code for r in mine.context["ambiti"]] == ["ASC"]
    page = mine.content.decode()
    assert "€ 169,00" in page and "€ 389,00" in page and "€ 220,00" not in page
    assert "quelle di ogni ambito le vede l'Ufficio di Piano capofila" in page


def test_a_single_ambito_projects_budget_has_no_table_per_ambito(world, client_for, budget_lines):
    log_validated(world.users.operatore, world.users.referente_ente, SEDT_START, 10)
    assert ambito_budgets_for(world.users.ufficio_piano, project_budget(world.project)) == []
    page = client_for(world.users.ufficio_piano).get(reverse("interventions:budget", args=[world.project.pk]))
    assert "per ambito" not in page.content.decode()
