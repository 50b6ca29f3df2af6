"""The time entries, streamed into PostgreSQL with COPY (millions of rows: much faster than INSERT), with
their history rows written right after each batch."""

from __future__ import annotations

import datetime
import io
import time
from collections.abc import Iterable

from django.db import connection
from django.utils import timezone

from interventions.models import (
    TimeEntry,
    Timesheet,
)

from .history import history_sql, history_trigger

COPY_BATCH = 200_000
NULL = "\\N"  # NULL in COPY's text format


class TimeEntryStream:
    """Time entries written with COPY, in batches: much faster than INSERT for millions of rows."""

    COLUMNS = (
        "timesheet_id",
        "user_id",
        "date",
        "minutes",
        "activity",
        "family_id",
        "intervention_id",
        "group_id",
        "eligible",
        "note",
        "updated_at",
    )

    def __init__(self):
        self.buffer = io.StringIO()
        self.pending = 0
        self.seconds = 0.0
        self.now = timezone.now().isoformat()
        self.dates: dict[datetime.date, str] = {}

    def write(self, entries: Iterable[tuple], sheet_of: dict) -> None:
        out, now, dates = self.buffer.write, self.now, self.dates
        for user_id, day, minutes, activity, family_id, intervention_id, group_id in entries:
            sheet = sheet_of[(user_id, day.replace(day=1))]
            text = dates.get(day)
            if text is None:
                text = dates[day] = day.isoformat()
            out(
                f"{sheet.pk}\t{user_id}\t{text}\t{minutes}\t{activity}\t{family_id or NULL}\t"
                f"{intervention_id or NULL}\t{group_id or NULL}\t{'t' if sheet.project_id else 'f'}\t\t{now}\n"
            )
            self.pending += 1
        if self.pending >= COPY_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        started = time.perf_counter()
        self.buffer.seek(0)
        table = TimeEntry._meta.db_table
        with connection.cursor() as cursor:
            # The trigger that locks validated months looks each entry's timesheet up: without statistics
            # on the timesheets just inserted, its cached plan would scan the whole table for every row.
            cursor.execute(f"ANALYZE {Timesheet._meta.db_table}")
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            last_id = cursor.fetchone()[0]
            # COPY does not go through Django's execute wrappers: name the ignored trigger for this
            # transaction by hand, as pgtrigger.ignore() does, and write its history rows right after.
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + history_trigger(TimeEntry) + "}"])
            cursor.copy_expert(f"COPY {table} ({', '.join(self.COLUMNS)}) FROM STDIN", self.buffer)
            cursor.execute("SELECT set_config('pgtrigger.ignore', NULL, true)")
            cursor.execute(history_sql(TimeEntry, "insert", where="id > %s"), [last_id])
        self.buffer = io.StringIO()
        self.pending = 0
        self.seconds += time.perf_counter() - started
