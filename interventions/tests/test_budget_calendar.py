"""The budget page counts the days to the project's end from today, not from the last validated month, and says
when the project has ended (issue 14 §5). The world's project runs from 01/06/2023 to 31/05/2026; the portal's
real calendar is 02/12/2026."""

import datetime

import pytest
from django.urls import reverse
from freezegun import freeze_time

from equipes import services as project_services
from interventions import services
from interventions.models import Timesheet
from interventions.selectors import project_budget

END = datetime.date(2026, 5, 31)


def budget_text(world, client_for) -> str:
    page = client_for(world.users.ufficio_piano).get(reverse("interventions:budget", args=[world.project.pk]))
    assert page.status_code == 200
    return page.content.decode()


@pytest.mark.parametrize(
    ("today", "days"),
    [("2026-04-01", 60), ("2026-05-30", 1), ("2026-05-31", 0), ("2023-06-01", 1095)],
)
def test_days_to_the_end_are_counted_from_today(world, today, days):
    budget = project_budget(world.project, today=datetime.date.fromisoformat(today))
    assert (budget.days_to_end, budget.ended_on) == (days, None)


def test_the_countdown_ignores_the_last_validated_month(world, sedt, client_for):
    """March 2024 validated: the forecast still runs from its end, the page's countdown from today."""
    educator = world.users.operatore
    with freeze_time("2026-04-01"):
        services.time_entry_set(
            user=educator, day=datetime.date(2024, 3, 19), activity="diretta_famiglia", minutes=60, family=sedt.family
        )
        sheet = Timesheet.objects.get(user=educator)
        services.timesheet_confirm(timesheet=sheet, by=educator)
        services.timesheet_validate(timesheet=sheet, by=world.users.referente_ente)
        budget = project_budget(world.project)
        assert budget.observed_until == datetime.date(2024, 3, 31)
        assert budget.remaining_days == 791  # the forecast's days: 01/04/2024–31/05/2026
        assert budget.days_to_end == 60
        html = budget_text(world, client_for)
    assert "Mancano 60 giorni alla fine del progetto (31/05/2026)" in html
    assert "791" not in html


def test_the_page_says_one_day_in_the_singular_and_the_last_day(world, client_for):
    with freeze_time("2026-05-30"):
        assert "Manca 1 giorno alla fine del progetto (31/05/2026)" in budget_text(world, client_for)
    with freeze_time("2026-05-31"):
        assert "Il progetto termina oggi" in budget_text(world, client_for)


def test_a_project_past_its_end_date_is_said_ended(world, client_for):
    with freeze_time("2026-12-02"):
        budget = project_budget(world.project)
        html = budget_text(world, client_for)
    assert (budget.days_to_end, budget.ended_on) == (0, END)
    assert "Progetto terminato il 31/05/2026" in html
    assert "giorni alla fine del progetto" not in html


def test_a_concluded_project_is_said_concluded_on_its_conclusion_day(world, client_for):
    with freeze_time("2026-12-02"):
        project_services.project_conclude(
            project=world.project, on=datetime.date(2026, 4, 30), by=world.users.ufficio_piano
        )
        html = budget_text(world, client_for)
    assert "Progetto concluso il 30/04/2026" in html
    assert "terminato" not in html
