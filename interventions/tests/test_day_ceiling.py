"""One person's hours on one day: at most 24 in total (service, database trigger, two concurrent saves), and
days above the warning threshold flagged on the grid and on the timesheet (issue 11, §3)."""

import datetime
import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from interventions import services
from interventions.models import TimeEntry, Timesheet

from .conftest import SEDT_START

DAY = SEDT_START + datetime.timedelta(days=1)  # Tuesday 19/03/2024
GENERAL = ["coordinamento", "documentazione", "formazione", "supervisione"]
CEILING = "time_entry_day_at_most_24_hours"  # the name the database's refusal carries


def set_general(user, activity, minutes, day=DAY):
    return services.time_entry_set(user=user, day=day, activity=activity, minutes=minutes)


def day_minutes(user, day=DAY) -> int:
    return sum(TimeEntry.objects.filter(user=user, date=day).values_list("minutes", flat=True))


def raw_entry(user, minutes, activity="formazione", day=DAY, timesheet=None):
    """A row written straight through the ORM, as the admin, a script or a bug would."""
    timesheet = timesheet or Timesheet.objects.get_or_create(user=user, month=day.replace(day=1))[0]
    return TimeEntry.objects.create(timesheet=timesheet, user=user, date=day, activity=activity, minutes=minutes)


# --- The service -----------------------------------------------------------------------------------------------


def test_four_cells_of_24_hours_on_one_day_are_refused_after_the_first(world):
    """The issue's case: coordinamento, documentazione, formazione and supervisione at 24 h each."""
    educator = world.users.operatore
    set_general(educator, "coordinamento", 24 * 60)
    for activity in GENERAL[1:]:
        with pytest.raises(services.HoursRefused) as refused:
            set_general(educator, activity, 24 * 60)
        assert str(refused.value) == (
            "In un giorno non si possono registrare più di 24 ore: il totale del 19/03 sarebbe 48:00 h."
        )
    assert list(TimeEntry.objects.values_list("activity", "minutes")) == [("coordinamento", 1440)]


def test_a_day_may_reach_24_hours_exactly_and_a_cell_may_be_lowered_or_changed_within_it(world):
    educator = world.users.operatore
    for activity in GENERAL:
        set_general(educator, activity, 6 * 60)
    with pytest.raises(services.HoursRefused, match="sarebbe 24:30 h"):
        set_general(educator, "formazione", 6 * 60 + 30)
    set_general(educator, "formazione", 5 * 60)  # lowering is fine
    set_general(educator, "supervisione", 7 * 60)  # and so is raising another within the 24 hours
    assert day_minutes(educator) == 24 * 60
    # Another day and another person are separate.
    set_general(educator, "coordinamento", 24 * 60, day=DAY + datetime.timedelta(days=1))
    set_general(world.users.case_manager, "coordinamento", 24 * 60)


def test_the_ceiling_refusal_is_shown_in_the_cell(world, client_for):
    educator = world.users.operatore
    set_general(educator, "coordinamento", 20 * 60)
    response = client_for(educator).post(
        reverse("interventions:cell-save"),
        {"row": "documentazione:", "date": DAY.isoformat(), "value": "5"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    body = response.content.decode().replace("&#x27;", "'")
    assert "is-invalid" in body
    assert "In un giorno non si possono registrare più di 24 ore: il totale del 19/03 sarebbe 25:00 h." in body
    assert TimeEntry.objects.count() == 1


def test_the_whole_week_form_lowers_before_it_raises(world, client_for, settings):
    """Moving hours from one activity to another of a full day, in one submission of the grid."""
    # One service call per changed cell, by design (each checks the day under the lock): not an N+1 to fix.
    settings.ZEAL_ALLOWLIST = [{"model": "interventions.TimeEntry", "field": "get()"}]
    educator = world.users.operatore
    set_general(educator, "coordinamento", 20 * 60)
    set_general(educator, "documentazione", 4 * 60)
    response = client_for(educator).post(
        reverse("interventions:week-save"),
        {
            "settimana": SEDT_START.isoformat(),
            f"cell-coordinamento:-{DAY.isoformat()}": "10",
            f"cell-documentazione:-{DAY.isoformat()}": "14",
        },
    )
    assert response.status_code == 302
    assert dict(TimeEntry.objects.values_list("activity", "minutes")) == {"coordinamento": 600, "documentazione": 840}


# --- The database --------------------------------------------------------------------------------------------------


OVER = "more than 24 hours on one day"


def test_the_database_refuses_a_day_above_24_hours_whatever_the_code_path(world):
    educator = world.users.operatore
    set_general(educator, "coordinamento", 20 * 60)
    with pytest.raises(IntegrityError, match=OVER) as refused, transaction.atomic():
        raw_entry(educator, 5 * 60)
    assert refused.value.__cause__.diag.constraint_name == CEILING
    with pytest.raises(IntegrityError, match=OVER), transaction.atomic():
        sheet = Timesheet.objects.get()
        TimeEntry.objects.bulk_create(
            [
                TimeEntry(timesheet=sheet, user=educator, date=DAY, activity=activity, minutes=120)
                for activity in GENERAL[1:]
            ]
        )
    entry = raw_entry(educator, 4 * 60)  # exactly 24 hours
    with pytest.raises(IntegrityError, match=OVER), transaction.atomic():
        TimeEntry.objects.filter(pk=entry.pk).update(minutes=4 * 60 + 1)
    with (
        pytest.raises(IntegrityError, match=OVER),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Moving another day's hours onto the full day.
        other = raw_entry(educator, 60, activity="supervisione", day=DAY + datetime.timedelta(days=1))
        cursor.execute("UPDATE interventions_timeentry SET date = %s WHERE id = %s", [DAY, other.pk])
    assert day_minutes(educator) == 24 * 60


def test_the_database_refusal_reaches_the_person_in_italian(world, monkeypatch):
    """If a write ever passes the service's check (a writer that did not take the lock), the trigger's refusal
    comes back as the same Italian message, and nothing is written."""
    educator = world.users.operatore
    set_general(educator, "coordinamento", 20 * 60)
    monkeypatch.setattr(services, "DAY_CEILING_MINUTES", 10**6)  # the service's own check let through
    with pytest.raises(services.HoursRefused, match="il totale del 19/03 sarebbe 26:00 h"):
        set_general(educator, "documentazione", 6 * 60)
    assert TimeEntry.objects.count() == 1


def test_the_admin_form_refuses_a_day_above_24_hours(world):
    educator = world.users.operatore
    set_general(educator, "coordinamento", 20 * 60)
    entry = TimeEntry(timesheet=Timesheet.objects.get(), user=educator, date=DAY, activity="formazione", minutes=300)
    with pytest.raises(ValidationError) as error:
        entry.full_clean()
    assert "sarebbe 25:00 h" in str(error.value.message_dict["minutes"])
    existing = TimeEntry.objects.get()
    existing.minutes = 23 * 60
    existing.full_clean()  # its own minutes are not counted twice


# --- Two saves at the same time ------------------------------------------------------------------------------------


def run_in_thread(target):
    """Run `target` in a thread with its own database connection; returns the thread and a dict that gets the
    target's "result" or "error"."""
    outcome = {}

    def body():
        try:
            outcome["result"] = target()
        except Exception as error:  # handed to the test
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=body)
    thread.start()
    return thread, outcome


def interleave(first, second):
    """`first` writes in a transaction kept open; `second` starts meanwhile and must wait for the first to
    commit (it still runs after half a second), then finishes. Returns both outcomes."""
    written, release = threading.Event(), threading.Event()

    def hold():
        with transaction.atomic():
            result = first()
            written.set()
            assert release.wait(10)
        return result

    thread_a, a = run_in_thread(hold)
    assert written.wait(10), a
    thread_b, b = run_in_thread(second)
    thread_b.join(0.5)
    waited = thread_b.is_alive()
    release.set()
    thread_a.join(10)
    thread_b.join(10)
    return a, b, waited


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_saves_of_the_same_day_cannot_both_pass(world):
    educator = world.users.operatore
    a, b, waited = interleave(
        lambda: set_general(educator, "coordinamento", 14 * 60),
        lambda: set_general(educator, "documentazione", 14 * 60),
    )
    assert "error" not in a, a
    assert waited, "the second save did not wait for the first"
    assert isinstance(b.get("error"), services.HoursRefused), b
    assert "sarebbe 28:00 h" in str(b["error"])
    assert list(TimeEntry.objects.values_list("activity", flat=True)) == ["coordinamento"]
    assert Timesheet.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_writes_bypassing_the_service_cannot_both_pass(world):
    educator = world.users.operatore
    sheet = Timesheet.objects.create(user=educator, month=DAY.replace(day=1))
    a, b, waited = interleave(
        lambda: raw_entry(educator, 14 * 60, activity="coordinamento", timesheet=sheet),
        lambda: raw_entry(educator, 14 * 60, activity="documentazione", timesheet=sheet),
    )
    assert "error" not in a, a
    assert waited, "the second write did not wait for the first"
    assert isinstance(b.get("error"), IntegrityError), b
    assert list(TimeEntry.objects.values_list("activity", flat=True)) == ["coordinamento"]


# --- The warning threshold ----------------------------------------------------------------------------------------


def week_page(client, day=DAY):
    return client.get(reverse("interventions:week"), {"settimana": day.isoformat()}).content.decode()


def test_days_above_the_warning_are_flagged_on_the_grid_not_refused(world, client_for):
    educator = world.users.operatore
    set_general(educator, "coordinamento", 6 * 60)
    set_general(educator, "documentazione", 5 * 60)  # 11 h: accepted
    set_general(educator, "coordinamento", 9 * 60, day=DAY + datetime.timedelta(days=1))  # 9 h
    page = week_page(client_for(educator))
    assert page.count("giornata oltre 10:00 h") == 1
    assert page.index("giornata oltre 10:00 h") > page.index(">11:00<")


def test_the_warning_threshold_comes_from_the_settings(world, client_for, settings):
    settings.HOURS_DAY_WARNING = 8.5
    educator = world.users.operatore
    set_general(educator, "coordinamento", 9 * 60)
    assert "giornata oltre 8:30 h" in week_page(client_for(educator))


def test_the_validator_sees_the_long_days_before_validating(world, client_for):
    educator = world.users.operatore
    set_general(educator, "coordinamento", 8 * 60)
    set_general(educator, "documentazione", 4 * 60 + 30)
    set_general(educator, "formazione", 11 * 60, day=DAY + datetime.timedelta(days=2))
    set_general(educator, "formazione", 10 * 60, day=DAY + datetime.timedelta(days=3))  # not above 10
    sheet = services.timesheet_confirm(timesheet=Timesheet.objects.get(), by=educator)
    page = client_for(world.users.referente_ente).get(sheet.get_absolute_url()).content.decode()
    alert = page[page.index('id="long-days"') : page.index("</div>", page.index('id="long-days"'))]
    assert "2 giornate oltre 10:00 h" in alert
    assert "19/03 (12:30 h), 21/03 (11:00 h)" in alert
    assert "Controllale prima di validare" in alert
    assert page.index('id="long-days"') < page.index("Ore registrate")  # above the entries
    assert page.count('class="table-warning"') == 3  # the entries of the two long days
    # The owner sees the same list, without the validator's hint.
    own = client_for(educator).get(sheet.get_absolute_url()).content.decode()
    assert "2 giornate oltre 10:00 h" in own and "Controllale prima di validare" not in own
