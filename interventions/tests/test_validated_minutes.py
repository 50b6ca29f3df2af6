"""The summary of the validated months (`ValidatedMinutes`): kept by the database as timesheets are validated,
reopened and moved between projects, and read by `delivered_minutes_in` with the same figures as the entries
themselves, for windows that hold whole months, cut them, or fit inside one."""

import datetime

from interventions import services
from interventions.models import Intervention, InterventionType, TimeEntry, Timesheet, ValidatedMinutes
from interventions.selectors import Window, delivered_minutes_by_ambito, delivered_minutes_in

from .conftest import SEDT_START
from .test_budget import validate_month


def summary_of(sheet: Timesheet) -> set[tuple]:
    return set(
        ValidatedMinutes.objects.filter(timesheet=sheet).values_list(
            "project", "month", "user", "intervention", "minutes"
        )
    )


def entries_of(sheet: Timesheet) -> set[tuple]:
    """What the summary of `sheet` must hold: its eligible entries added up per month, person and intervention."""
    sums: dict[tuple, int] = {}
    for entry in TimeEntry.objects.filter(timesheet=sheet, eligible=True):
        key = (sheet.project_id, entry.date.replace(day=1), entry.user_id, entry.intervention_id)
        sums[key] = sums.get(key, 0) + entry.minutes
    return {(*key, minutes) for key, minutes in sums.items()}


def record_march(world, sedt):
    """The educator's March 2024: SEDT hours on two days, coordination on one, one documentation hour not
    eligible."""
    educator = world.users.operatore
    for day, activity, minutes in [
        (datetime.date(2024, 3, 4), "coordinamento", 90),
        (datetime.date(2024, 3, 19), "diretta_famiglia", 120),
        (datetime.date(2024, 3, 20), "diretta_famiglia", 45),
        (datetime.date(2024, 3, 21), "documentazione", 60),
    ]:
        family = sedt.family if activity == "diretta_famiglia" else None
        services.time_entry_set(user=educator, day=day, activity=activity, minutes=minutes, family=family)
    TimeEntry.objects.filter(activity="documentazione").update(eligible=False)
    return Timesheet.objects.get(user=educator, month=datetime.date(2024, 3, 1))


def test_validating_writes_the_summary_and_reopening_removes_it(world, budget_lines, sedt):
    sheet = record_march(world, sedt)
    assert not summary_of(sheet)  # a draft has none
    services.timesheet_confirm(timesheet=sheet, by=world.users.operatore)
    assert not summary_of(sheet)
    services.timesheet_validate(timesheet=sheet, by=world.users.referente_ente)
    march = datetime.date(2024, 3, 1)
    educator = world.users.operatore.pk
    assert (
        summary_of(sheet)
        == entries_of(sheet)
        == {
            (world.project.pk, march, educator, None, 90),
            (world.project.pk, march, educator, sedt.pk, 165),
        }
    )
    services.timesheet_reopen(timesheet=sheet, by=world.users.referente_ente, reason="Ore da correggere")
    assert not summary_of(sheet)
    # Corrected and validated again: the summary is the new one.
    services.time_entry_set(
        user=world.users.operatore, day=datetime.date(2024, 3, 19), activity="diretta_famiglia", minutes=30,
        family=sedt.family,
    )  # fmt: skip
    validate_month(world.users.operatore, world.users.referente_ente, march)
    assert (
        summary_of(sheet)
        == entries_of(sheet)
        == {
            (world.project.pk, march, educator, None, 90),
            (world.project.pk, march, educator, sedt.pk, 75),
        }
    )


def test_a_statement_on_many_timesheets_and_other_changes(world, budget_lines, sedt):
    """A bulk update validates several sheets at once; an update that changes neither state nor project (a
    note of the validator, here the validation time) leaves the summary alone; a sheet without a project has
    none."""
    sheet = record_march(world, sedt)
    services.time_entry_set(
        user=world.users.operatore, day=datetime.date(2024, 4, 2), activity="coordinamento", minutes=50
    )
    april = Timesheet.objects.get(user=world.users.operatore, month=datetime.date(2024, 4, 1))
    Timesheet.objects.filter(pk__in=[sheet.pk, april.pk]).update(
        state=Timesheet.State.VALIDATO,
        validated_by=world.users.referente_ente,
        validated_at=datetime.datetime.now(datetime.UTC),
    )
    assert summary_of(sheet) == entries_of(sheet) and summary_of(april) == entries_of(april) != set()
    before = set(ValidatedMinutes.objects.values_list("pk", flat=True))
    Timesheet.objects.filter(pk=sheet.pk).update(validated_at=datetime.datetime.now(datetime.UTC))
    assert set(ValidatedMinutes.objects.values_list("pk", flat=True)) == before
    Timesheet.objects.filter(pk=april.pk).update(project=None)
    assert not summary_of(april)
    Timesheet.objects.filter(pk=april.pk).update(project=world.project)
    assert summary_of(april) == entries_of(april)


def test_the_windows_read_the_same_figures_as_the_entries(world, budget_lines, sedt, count_queries):
    """Validated hours across three months, one of them on a child-protection service (never counted): every
    window, whole months, cut months at either end, inside one month, across two months without a whole one,
    open at either end, SEDT only, gives in one query what the entries give."""
    educator = world.users.operatore
    protection = Intervention.objects.create(
        family=sedt.family,
        type=InterventionType.objects.filter(child_protection=True).first(),
        start_date=SEDT_START,
        planned_hours_per_week=1,
    )
    assert protection.type is not None
    days = [datetime.date(2024, 3, 18) + datetime.timedelta(days=n) for n in range(0, 70, 3)]
    for n, day in enumerate(days):
        if day.weekday() >= 5:
            continue
        services.time_entry_set(user=educator, day=day, activity="diretta_famiglia", minutes=30 + n, family=sedt.family)
        services.time_entry_set(user=educator, day=day, activity="coordinamento", minutes=15 + n)
    # The child-protection service's hours go on the family's entry of one day (the grid's cell carries the
    # intervention it was recorded for).
    TimeEntry.objects.filter(date=days[1], activity="diretta_famiglia").update(intervention=protection)
    for month in (3, 4, 5):
        validate_month(educator, world.users.referente_ente, datetime.date(2024, month, 1))
    d = datetime.date
    ranges = [
        (None, None),
        (d(2024, 3, 1), d(2024, 5, 31)),
        (d(2024, 4, 1), None),
        (None, d(2024, 4, 30)),
        (d(2024, 3, 20), d(2024, 5, 10)),  # cuts March and May, holds April
        (d(2024, 4, 5), d(2024, 4, 25)),  # inside April
        (d(2024, 3, 25), d(2024, 4, 10)),  # across two months, neither whole
        (d(2024, 4, 1), d(2024, 4, 1)),  # one day
        (d(2024, 5, 15), None),
        (None, d(2024, 3, 28)),
        (d(2024, 6, 1), None),  # nothing validated there
    ]
    windows = {}
    for since, until in ranges:
        windows[f"{since}–{until}"] = Window(since, until)
        windows[f"sedt {since}–{until}"] = Window(since, until, type_code="sedt")
    found = {}
    assert count_queries(lambda: found.update(delivered_minutes_in(world.project, windows))) == 1
    for since, until in ranges:
        expected = delivered_minutes_by_ambito(world.project, since, until)
        assert found[f"{since}–{until}"] == expected, (since, until)
        sedt_entries = TimeEntry.objects.delivered().filter(
            timesheet__project=world.project, intervention__type__code="sedt"
        )
        if since:
            sedt_entries = sedt_entries.filter(date__gte=since)
        if until:
            sedt_entries = sedt_entries.filter(date__lte=until)
        total = sum(sedt_entries.values_list("minutes", flat=True))
        assert sum(found[f"sedt {since}–{until}"].values()) == total, (since, until)
    assert found["None–None"] == {(world.ambito.pk, "educatore"): sum(
        TimeEntry.objects.delivered().filter(timesheet__project=world.project).values_list("minutes", flat=True)
    )}  # fmt: skip
    assert found["2024-06-01–None"] == {}


def test_window_months_and_cut_days():
    d = datetime.date
    assert Window().whole_months() == (None, None) and Window().cut_days() == []
    assert Window(d(2024, 3, 1), d(2024, 5, 31)).whole_months() == (d(2024, 3, 1), d(2024, 5, 1))
    assert Window(d(2024, 3, 1), d(2024, 5, 31)).cut_days() == []
    assert Window(d(2024, 3, 20), d(2024, 5, 10)).whole_months() == (d(2024, 4, 1), d(2024, 4, 1))
    assert Window(d(2024, 3, 20), d(2024, 5, 10)).cut_days() == [
        (d(2024, 3, 20), d(2024, 3, 31)),
        (d(2024, 5, 1), d(2024, 5, 10)),
    ]
    assert Window(d(2024, 4, 5), d(2024, 4, 25)).whole_months() is None
    assert Window(d(2024, 4, 5), d(2024, 4, 25)).cut_days() == [(d(2024, 4, 5), d(2024, 4, 25))]
    assert Window(d(2024, 2, 10), None).cut_days() == [(d(2024, 2, 10), d(2024, 2, 29))]
    assert Window(None, d(2024, 2, 28)).whole_months() == (None, d(2024, 1, 1))
    assert Window(None, d(2024, 2, 28)).cut_days() == [(d(2024, 2, 1), d(2024, 2, 28))]
    assert Window(None, d(2024, 12, 31)).whole_months() == (None, d(2024, 12, 1))
