"""The hours of one scale ambito (about 380 time entries per family over the last 130 weeks, in monthly
timesheets) and, once every ambito is written, the validation of the timesheets."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable

from django.utils import timezone

from interventions.models import (
    DAY_CEILING_MINUTES,
    Activity,
    Timesheet,
    TimesheetLog,
)

from .history import BATCH, bulk_update
from .plan import Reference
from .rows import Counts, Rows


class HoursRows(Rows):
    """The hours part of `AmbitoSeeder`: the entries go to the shared COPY stream."""

    def hours(self, project, staff, families, plans, interventions, groups) -> None:
        """The weekly hours of every intervention, EM meetings, groups, coordination and documentation, in
        monthly timesheets (validated but for the last two months)."""
        ref, rng = self.ref, self.rng
        first, last = ref.hours_from, ref.last_week_end
        entries: list[tuple] = []  # (user_id, date, minutes, activity, family_id, intervention_id, group_id)
        day_minutes: dict[tuple[int, datetime.date], int] = defaultdict(int)

        def add(entry: tuple) -> None:
            # A person's day stays within the ceiling the database enforces: what would pass it is left out
            # (a psychologist or pedagogist with many families could otherwise stack them on one weekday).
            day = (entry[0], entry[1])
            if day_minutes[day] + entry[2] <= DAY_CEILING_MINUTES:
                day_minutes[day] += entry[2]
                entries.append(entry)

        diretta, em = Activity.DIRETTA_FAMIGLIA.value, Activity.RIUNIONE_EM.value
        # Days of the week (0 = Monday) and minutes of each device; the pedagogical consultation is fortnightly.
        schedule = {
            ref.types["sedt"].pk: [(k, 84) for k in range(5)],
            ref.types["psicologico"].pk: [(1, 45), (3, 45)],
            ref.types["pedagogico"].pk: [(2, 60)],
            ref.types["mediazione_culturale"].pk: [(2, 60)],
        }
        pedagogy = ref.types["pedagogico"].pk
        holiday_weeks = set()
        monday = first
        while monday <= last:
            if (monday.month == 8 and 7 <= monday.day <= 21) or (monday.month == 12 and monday.day >= 22):
                holiday_weeks.add(monday)
            monday += datetime.timedelta(days=7)
        for family, plan in zip(families, plans, strict=True):
            if not plan.t0:
                continue
            for intervention, user in interventions.get(family.pk, []):
                start = max(intervention.start_date, first)
                end = min(intervention.end_date or last, last, plan.suspended or last)
                monday = start - datetime.timedelta(days=start.weekday())
                days_of_week = schedule[intervention.type_id]
                sedt = intervention.type_id == ref.types["sedt"].pk
                while monday <= end:
                    even = monday.isocalendar().week % 2 == 0
                    if monday not in holiday_weeks:
                        days = days_of_week if even or intervention.type_id != pedagogy else []
                        for offset, minutes in days:
                            day = monday + datetime.timedelta(days=offset)
                            if start <= day <= end:
                                add(
                                    (
                                        user.pk,
                                        day,
                                        minutes + rng.choice((0, 0, 6, -6)),
                                        diretta,
                                        family.pk,
                                        intervention.pk,
                                        None,
                                    )
                                )
                        if sedt:
                            thursday = monday + datetime.timedelta(days=3)
                            if start <= thursday <= end:
                                add((user.pk, thursday, 60, em, family.pk, None, None))
                                add((family.case_manager_id, thursday, 45 if even else 30, em, family.pk, None, None))
                    monday += datetime.timedelta(days=7)
        for group in groups:
            for session in group.scale_sessions:
                if first <= session.date <= last:
                    for user in group.scale_facilitators:
                        add(
                            (
                                user.pk,
                                session.date,
                                session.duration_minutes + 60,
                                Activity.GRUPPO.value,
                                None,
                                None,
                                group.pk,
                            )
                        )
        monday = first
        while monday <= last:
            if monday not in holiday_weeks:
                friday, tuesday = monday + datetime.timedelta(days=4), monday + datetime.timedelta(days=1)
                for user in staff.educators:
                    add((user.pk, friday, 90, Activity.DOCUMENTAZIONE.value, None, None, None))
                    if monday.day <= 7:
                        add(
                            (
                                user.pk,
                                monday + datetime.timedelta(days=2),
                                120,
                                Activity.SUPERVISIONE.value,
                                None,
                                None,
                                None,
                            )
                        )
                thursday = monday + datetime.timedelta(days=3)
                for user in staff.pedagogists:
                    add((user.pk, tuesday, 150, Activity.COORDINAMENTO.value, None, None, None))
                    add((user.pk, thursday, 90, Activity.COORDINAMENTO.value, None, None, None))
                for user in staff.case_managers:
                    add((user.pk, monday, 60, Activity.COORDINAMENTO.value, None, None, None))
            monday += datetime.timedelta(days=7)

        # One timesheet per user and month, drafts while the entries go in.
        months = sorted({(e[0], e[1].replace(day=1)) for e in entries}, key=lambda k: (k[1], k[0]))
        sheets = self.bulk(
            Timesheet,
            [
                Timesheet(
                    user_id=user_id,
                    month=month,
                    project=project if project.start_date <= month <= project.end_date else None,
                )
                for user_id, month in months
            ],
        )
        sheet_of = {(s.user_id, s.month): s for s in sheets}
        self.entries.write(entries, sheet_of)
        self.counts.add("interventions.TimeEntry", len(entries))
        self.timesheets.append((sheets, staff))


def validate_timesheets(batches: list, ref: Reference, counts: Counts) -> None:
    """Confirm the month before the current one and validate the earlier ones, as the referent of the
    cooperative (its staff) or the Ufficio di Piano (the municipality's) would."""
    this_month = ref.today.replace(day=1)
    previous = (this_month - datetime.timedelta(days=1)).replace(day=1)
    now = timezone.now()
    confirmed, validated, logs = [], defaultdict(list), []
    for sheets, staff in batches:
        coop_staff = {u.pk for u in staff.partner_staff}
        for sheet in sheets:
            if sheet.month >= this_month:
                continue
            confirmed.append(sheet.pk)
            logs.append(TimesheetLog(timesheet_id=sheet.pk, kind=TimesheetLog.Kind.CONFERMA, by_id=sheet.user_id))
            if sheet.month < previous:
                validator = staff.referente if sheet.user_id in coop_staff else staff.udp
                validated[validator.pk].append(sheet.pk)
                logs.append(TimesheetLog(timesheet_id=sheet.pk, kind=TimesheetLog.Kind.VALIDAZIONE, by_id=validator.pk))
    for chunk in _chunks(confirmed, 20_000):
        bulk_update(Timesheet, chunk, state=Timesheet.State.CONFERMATO, confirmed_at=now)
    for validator_id, ids in validated.items():
        for chunk in _chunks(ids, 20_000):
            bulk_update(
                Timesheet, chunk, state=Timesheet.State.VALIDATO, validated_by_id=validator_id, validated_at=now
            )
    TimesheetLog.objects.bulk_create(logs, batch_size=BATCH)
    counts.add("interventions.TimesheetLog", len(logs))


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]
