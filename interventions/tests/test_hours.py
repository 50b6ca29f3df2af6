import datetime

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from equipes.models import Role
from interventions import services
from interventions.models import TimeEntry, Timesheet, TimesheetLog
from interventions.selectors import parse_hours
from tests import factories as f

from .conftest import SEDT_START

DAY = SEDT_START + datetime.timedelta(days=1)


def set_hours(user, family, minutes, day=DAY, activity="diretta_famiglia"):
    return services.time_entry_set(user=user, day=day, activity=activity, minutes=minutes, family=family)


def test_saving_the_same_cell_twice_keeps_one_row(world, sedt):
    educator = world.users.operatore
    set_hours(educator, sedt.family, 120)
    set_hours(educator, sedt.family, 150)
    entry = TimeEntry.objects.get()
    assert (entry.minutes, entry.intervention, entry.timesheet.month) == (150, sedt, DAY.replace(day=1))
    set_hours(educator, sedt.family, 0)
    assert not TimeEntry.objects.exists()


def test_the_database_refuses_a_second_row_for_the_same_cell(world, sedt):
    set_hours(world.users.operatore, sedt.family, 60)
    first = TimeEntry.objects.get()
    with pytest.raises(IntegrityError, match="time_entry_one_per_cell"), transaction.atomic():
        TimeEntry.objects.create(
            timesheet=first.timesheet,
            user=first.user,
            date=first.date,
            activity=first.activity,
            family=first.family,
            minutes=30,
        )


def test_a_double_submitted_cell_through_the_page_creates_one_row(world, client_for, sedt):
    client = client_for(world.users.operatore)
    data = {"row": f"diretta_famiglia:{sedt.family.pk}", "date": DAY.isoformat(), "value": "2,5"}
    for _ in range(2):
        response = client.post(reverse("interventions:cell-save"), data, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    assert TimeEntry.objects.get().minutes == 150


def test_operators_log_hours_only_for_families_they_are_assigned_to(world, sedt):
    other = f.make_user(world.ambito, Role.OPERATORE, world.coop)
    with pytest.raises(services.HoursRefused, match="famiglie a cui sei assegnato"):
        set_hours(other, sedt.family, 60)
    assert not TimeEntry.objects.exists()


def test_hours_for_a_group_need_to_lead_it(world, sedt):
    from interventions.models import Group, InterventionType

    group = Group.objects.create(
        ambito=world.ambito,
        type=InterventionType.objects.get(code="gruppo_genitori"),
        module_number=1,
        name="Genitori",
        venue="Sala",
        frequency="settimanale",
        start_date=DAY,
    )
    with pytest.raises(services.HoursRefused, match="gruppi che conduci"):
        services.time_entry_set(user=world.users.operatore, day=DAY, activity="gruppo", minutes=60, group=group)
    group.facilitators.add(world.users.operatore)
    services.time_entry_set(user=world.users.operatore, day=DAY, activity="gruppo", minutes=60, group=group)
    assert TimeEntry.objects.get().group == group


@pytest.fixture
def validated(world, sedt):
    educator = world.users.operatore
    set_hours(educator, sedt.family, 120)
    sheet = Timesheet.objects.get()
    services.timesheet_confirm(timesheet=sheet, by=educator)
    return services.timesheet_validate(timesheet=sheet, by=world.users.referente_ente)


def test_a_validated_month_refuses_edits_with_a_message(world, validated, sedt):
    with pytest.raises(services.HoursRefused, match="è validato"):
        set_hours(world.users.operatore, sedt.family, 60)
    assert TimeEntry.objects.get().minutes == 120


def test_the_database_itself_refuses_changes_to_a_validated_month(validated):
    entry = TimeEntry.objects.get()
    with pytest.raises(IntegrityError, match="time entries are locked"), transaction.atomic():
        TimeEntry.objects.filter(pk=entry.pk).update(minutes=1)
    with (
        pytest.raises(IntegrityError, match="time entries are locked"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        cursor.execute("DELETE FROM interventions_timeentry WHERE id = %s", [entry.pk])
    assert TimeEntry.objects.get().minutes == 120


def test_a_confirmed_month_refuses_edits_until_the_confirmation_is_withdrawn(world, sedt):
    educator = world.users.operatore
    set_hours(educator, sedt.family, 60)
    sheet = services.timesheet_confirm(timesheet=Timesheet.objects.get(), by=educator)
    with pytest.raises(services.HoursRefused, match="annulla la conferma"):
        set_hours(educator, sedt.family, 90)
    services.timesheet_withdraw(timesheet=sheet, by=educator)
    set_hours(educator, sedt.family, 90)
    assert TimeEntry.objects.get().minutes == 90


def test_reopening_needs_a_reason_and_is_logged(world, validated, sedt):
    with pytest.raises(services.HoursRefused, match="motivo"):
        services.timesheet_reopen(timesheet=validated, by=world.users.referente_ente, reason=" ")
    sheet = services.timesheet_reopen(timesheet=validated, by=world.users.referente_ente, reason="Ore del 19 errate")
    assert sheet.state == Timesheet.State.BOZZA and sheet.validated_by is None
    log = TimesheetLog.objects.filter(timesheet=sheet).order_by("pk").last()
    assert (log.kind, log.by, log.reason) == ("riapertura", world.users.referente_ente, "Ore del 19 errate")
    set_hours(world.users.operatore, sedt.family, 60)
    assert TimeEntry.objects.get().minutes == 60


def test_only_the_owner_confirms(world, sedt):
    set_hours(world.users.operatore, sedt.family, 60)
    with pytest.raises(services.HoursRefused):
        services.timesheet_confirm(timesheet=Timesheet.objects.get(), by=world.users.referente_ente)


def test_referente_validates_only_its_organisations_staff(world, sedt):
    educator = world.users.operatore
    set_hours(educator, sedt.family, 60)
    sheet = services.timesheet_confirm(timesheet=Timesheet.objects.get(), by=educator)
    other_referent = f.make_user(world.ambito, Role.REFERENTE_ENTE, world.other_coop)
    with pytest.raises(services.HoursRefused, match="Non puoi validare"):
        services.timesheet_validate(timesheet=sheet, by=other_referent)
    with pytest.raises(services.HoursRefused, match="Non puoi validare"):
        services.timesheet_validate(timesheet=sheet, by=educator)
    assert services.timesheet_validate(timesheet=sheet, by=world.users.ufficio_piano).state == "validato"


def test_nobody_edits_anothers_entries(world, client_for, sedt):
    set_hours(world.users.operatore, sedt.family, 60)
    # The case manager posting the same cell writes its own row, if allowed at all — never the educator's.
    client_for(world.users.case_manager).post(
        reverse("interventions:cell-save"),
        {"row": f"diretta_famiglia:{sedt.family.pk}", "date": DAY.isoformat(), "value": "5"},
        HTTP_HX_REQUEST="true",
    )
    assert TimeEntry.objects.get(user=world.users.operatore).minutes == 60


def test_validation_queue_and_timesheet_pages(world, client_for, sedt):
    educator = world.users.operatore
    set_hours(educator, sedt.family, 60)
    sheet = Timesheet.objects.get()
    client_for(educator).post(reverse("interventions:timesheet-confirm", args=[sheet.pk]))
    queue = client_for(world.users.referente_ente).get(reverse("interventions:timesheet-list")).content.decode()
    assert str(educator) in queue
    response = client_for(world.users.referente_ente).post(reverse("interventions:timesheet-validate", args=[sheet.pk]))
    assert response.status_code == 302
    sheet.refresh_from_db()
    assert sheet.state == "validato"
    # The other ambito does not even see it.
    assert client_for(world.other.ufficio_piano).get(sheet.get_absolute_url()).status_code == 404


@pytest.mark.parametrize(
    ("text", "minutes"), [("1,5", 90), ("1.5", 90), ("1:30", 90), ("2", 120), ("", 0), ("0,25", 15)]
)
def test_hours_are_typed_the_italian_way(text, minutes):
    assert parse_hours(text) == minutes


@pytest.mark.parametrize("text", ["abc", "25", "1:75", "-1"])
def test_bad_hours_get_an_italian_message(text):
    with pytest.raises(ValueError) as error:
        parse_hours(text)
    assert "ore" in str(error.value)


def test_a_bad_value_in_the_grid_is_refused_and_shown_in_the_cell(world, client_for, sedt):
    response = client_for(world.users.operatore).post(
        reverse("interventions:cell-save"),
        {"row": f"diretta_famiglia:{sedt.family.pk}", "date": DAY.isoformat(), "value": "tre"},
        HTTP_HX_REQUEST="true",
    )
    assert "Scrivi le ore come 1,5" in response.content.decode()
    assert not TimeEntry.objects.exists()
