"""Which days take hours (not before the first project or the configured earliest date, not in the future),
the week navigation kept inside them, and bad input to the grid answered with a message or a 400, never a
500, with nothing written (issue 11, §3)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from interventions import services
from interventions.models import TimeEntry, Timesheet
from interventions.selectors import week_start
from tests import factories as f

from .conftest import SEDT_START

DAY = SEDT_START + datetime.timedelta(days=1)
PROJECT_START = datetime.date(2023, 6, 1)  # the world's project (tests/factories.py), a Thursday


def set_general(user, day, minutes=60, activity="coordinamento"):
    return services.time_entry_set(user=user, day=day, activity=activity, minutes=minutes)


def nothing_written():
    return not TimeEntry.objects.exists() and not Timesheet.objects.exists()


# --- Which days take hours -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day",
    [
        datetime.date(1, 1, 1),
        datetime.date(1900, 1, 1),
        datetime.date(2021, 1, 1),
        PROJECT_START - datetime.timedelta(days=1),
    ],
)
def test_no_hours_before_the_first_project_of_the_ambito(world, day):
    with pytest.raises(services.HoursRefused) as refused:
        set_general(world.users.operatore, day)
    assert str(refused.value) == "Le ore si registrano dal 01/06/2023 in poi."
    assert nothing_written(), "not even the month's timesheet"
    set_general(world.users.operatore, PROJECT_START)
    assert TimeEntry.objects.get().date == PROJECT_START


def test_no_hours_before_the_configured_earliest_date(world, settings):
    settings.HOURS_EARLIEST_DATE = datetime.date(2024, 1, 1)
    with pytest.raises(services.HoursRefused, match="dal 01/01/2024 in poi"):
        set_general(world.users.operatore, datetime.date(2023, 12, 31))
    assert nothing_written()


def test_without_a_project_the_earliest_date_is_the_bound(world):
    lonely = f.make_ambito("SOL")
    user = f.make_user(lonely, "operatore", f.make_organisation(lonely, "Coop Sola"))
    with pytest.raises(services.HoursRefused, match="dal 01/01/2021 in poi"):
        set_general(user, datetime.date(2020, 12, 31))
    set_general(user, datetime.date(2021, 1, 1))


def test_no_hours_in_the_future(world):
    with pytest.raises(services.HoursRefused, match="giorni futuri"):
        set_general(world.users.operatore, timezone.localdate() + datetime.timedelta(days=1))
    assert nothing_written()
    set_general(world.users.operatore, timezone.localdate())


def test_a_day_out_of_bounds_through_the_cell_is_an_italian_error_and_writes_nothing(world, client_for):
    client = client_for(world.users.operatore)
    for day in ["0001-01-01", "1900-01-01"]:
        response = client.post(
            reverse("interventions:cell-save"),
            {"row": "coordinamento:", "date": day, "value": "2"},
            HTTP_HX_REQUEST="true",
        )
        assert response.status_code == 200
        assert "Le ore si registrano dal 01/06/2023 in poi." in response.content.decode()
    assert nothing_written()


# --- The week's navigation -------------------------------------------------------------------------------------


def grid_start(response) -> datetime.date:
    return response.context["start"]


@pytest.mark.parametrize(
    ("asked", "shown"),
    [
        ("0001-01-01", week_start(PROJECT_START)),
        ("1900-01-01", week_start(PROJECT_START)),
        ("9999-12-31", None),  # this week
        ("2999-01-01", None),
    ],
)
def test_the_week_asked_for_is_kept_between_the_first_day_and_this_week(world, client_for, asked, shown):
    response = client_for(world.users.operatore).get(reverse("interventions:week"), {"settimana": asked})
    assert response.status_code == 200
    assert grid_start(response) == (shown or week_start(timezone.localdate()))
    assert "ecco la settimana più vicina" in response.content.decode()


def test_the_first_week_has_no_previous_link_and_its_days_before_the_project_are_locked(world, client_for):
    response = client_for(world.users.operatore).get(
        reverse("interventions:week"), {"settimana": PROJECT_START.isoformat()}
    )
    assert response.context["previous"] is None
    cells = {cell["date"]: cell["locked"] for cell in response.context["rows"][0].cells}
    assert [cells[week_start(PROJECT_START) + datetime.timedelta(days=i)] for i in range(7)] == [
        True,
        True,
        True,
        False,
        False,
        False,
        False,
    ]
    assert "ecco la settimana più vicina" not in response.content.decode()


def test_an_unreadable_week_is_this_week(world, client_for):
    for asked in ["", "domani", "2024-02-30", "0000-00-00", "10000-01-01", "\x00", "x" * 5000]:
        response = client_for(world.users.operatore).get(reverse("interventions:week"), {"settimana": asked})
        assert response.status_code == 200, asked
        assert grid_start(response) == week_start(timezone.localdate())


@pytest.mark.parametrize(("year", "month"), [(0, 1), (10000, 1), (2024, 13), (99999999999, 1), (2024, 10**20)])
def test_a_month_out_of_the_calendar_is_not_found(world, client_for, year, month):
    response = client_for(world.users.operatore).get(f"/interventi/ore/{year}/{month}/")
    assert response.status_code == 404


# --- Bad input to the grid --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "date"),
    [
        ("diretta_famiglia:abc", DAY.isoformat()),
        ("diretta_famiglia:", DAY.isoformat()),
        ("riunione_em:1.0", DAY.isoformat()),
        ("gruppo:-1", DAY.isoformat()),
        ("diretta_famiglia:1\x00", DAY.isoformat()),
        ("diretta_famiglia:١", DAY.isoformat()),
        ("sconosciuta:", DAY.isoformat()),
        ("", DAY.isoformat()),
        ("coordinamento:5", DAY.isoformat()),
        ("<script>alert(1)</script>", DAY.isoformat()),
        ("coordinamento:", ""),
        ("coordinamento:", "abc"),
        ("coordinamento:", "2024-02-30"),
        ("coordinamento:", "10000-01-01"),
        ("coordinamento:", "\x00"),
    ],
)
def test_a_cell_the_grid_never_makes_is_a_400_with_the_message_in_the_cell(world, client_for, row, date):
    client = client_for(world.users.operatore)
    data = {"row": row, "date": date, "value": "2"}
    response = client.post(reverse("interventions:cell-save"), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 400
    body = response.content.decode()
    assert "Casella non valida: ricarica la pagina delle ore." in body
    assert "<script>alert(1)</script>" not in body
    assert "disabled" in body  # the broken cell is not posted again
    plain = client.post(reverse("interventions:cell-save"), data)
    assert plain.status_code == 400
    assert "Casella non valida" in plain.content.decode()
    assert nothing_written()


def test_a_family_of_another_ambito_in_the_cell_is_not_found(world, client_for, other_family):
    response = client_for(world.users.operatore).post(
        reverse("interventions:cell-save"),
        {"row": f"diretta_famiglia:{other_family.pk}", "date": DAY.isoformat(), "value": "2"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 404
    assert nothing_written()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("1000000000", "vanno da 0 a 24"),
        ("99999999999999999999:00", "vanno da 0 a 24"),
        ("25", "vanno da 0 a 24"),
        ("24:01", "vanno da 0 a 24"),
        ("25:00", "vanno da 0 a 24"),
        ("-1", "vanno da 0 a 24"),
        ("-0:30", "Scrivi le ore come"),
        ("1e309", "Scrivi le ore come"),
        ("+1:30", "Scrivi le ore come"),
        ("1e999999999999", "Scrivi le ore come"),
        ("NaN", "Scrivi le ore come"),
        ("inf", "Scrivi le ore come"),
        ("-Infinity", "Scrivi le ore come"),
        ("1:75", "Scrivi le ore come"),
        ("1:-5", "Scrivi le ore come"),
        ("\x00", "Scrivi le ore come"),
        ("²", "Scrivi le ore come"),
    ],
)
def test_absurd_hours_are_an_italian_error_in_the_cell(world, client_for, value, message):
    response = client_for(world.users.operatore).post(
        reverse("interventions:cell-save"),
        {"row": "coordinamento:", "date": DAY.isoformat(), "value": value},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert nothing_written()


def test_the_whole_week_form_ignores_cells_it_does_not_show_and_refuses_bad_values(world, client_for):
    client = client_for(world.users.operatore)
    response = client.post(
        reverse("interventions:week-save"),
        {
            "settimana": SEDT_START.isoformat(),
            "cell-diretta_famiglia:abc-2024-03-19": "2",
            "cell-coordinamento:-0001-01-01": "2",
            "cell-coordinamento:-9999-12-31": "2",
            "cell-coordinamento:-2024-03-19": "25",
            "cell-documentazione:-2024-03-20": "NaN",
            "cell-formazione:-2024-03-21\x00": "2",
        },
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "vanno da 0 a 24" in page and "Scrivi le ore come" in page
    assert nothing_written()


@pytest.mark.parametrize("week", ["0001-01-01", "9999-12-31", "garbage"])
def test_the_whole_week_form_out_of_range_saves_the_nearest_week_only(world, client_for, week):
    response = client_for(world.users.operatore).post(
        reverse("interventions:week-save"), {"settimana": week, "cell-coordinamento:-0001-01-01": "2"}
    )
    assert response.status_code == 302
    assert nothing_written()


def test_an_operator_of_an_ambito_without_projects_sees_the_grid(world, client_for):
    """The bound then comes from the settings alone."""
    lonely = f.make_ambito("SOL")
    user = f.make_user(lonely, "operatore", f.make_organisation(lonely, "Coop Sola"))
    response = client_for(user).get(reverse("interventions:week"), {"settimana": "1900-01-01"})
    assert response.status_code == 200
    assert grid_start(response) == week_start(datetime.date(2021, 1, 1))
