"""The demo and the scale seed make the same data as the figures recorded in `same_data.json`: the rows each
adds to every table (history and event tables included) and a digest of the family paths and the hours.

Both seeds anchor their dates to today, so they run here on a frozen day; and the demo halves some families'
visits by the parity of their id, so new rows are numbered from where a fresh database would number them
(earlier tests have moved the sequences on). A change that is meant to alter the
synthetic data records the new figures with `PIPPI_RECORD_SAME_DATA=1` set for one run of this module, and
the diff of the JSON shows in review what changed.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection
from freezegun import freeze_time

from families.models import Assessment, Family, TransitionLog
from interventions.models import TimeEntry

pytestmark = pytest.mark.demo_seed

EXPECTED = Path(__file__).with_name("same_data.json")
# A working day of the first recording; 10:00 in Rome. Every date of both seeds follows from it.
FROZEN_AT = "2026-12-02 09:00:00"
SCALE_ARGS = ["--ambiti", "2", "--families-per-ambito", "3", "--project-sizes", "4", "--no-vacuum"]


def table_counts() -> dict[str, int]:
    """Rows per model, many-to-many tables included."""
    return {model._meta.label: model.objects.count() for model in apps.get_models(include_auto_created=True)}


def number_rows_as_a_fresh_database() -> None:
    """Every table's id sequence set to follow its largest id, as after the migrations of an empty database."""
    models = apps.get_models(include_auto_created=True)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)


def rows_made(seed) -> dict[str, int]:
    """The rows `seed()` adds, per table that it adds to (reference data and content types are not the seed's,
    and an empty table may move to another app without changing the data)."""
    number_rows_as_a_fresh_database()
    before = table_counts()
    seed()
    after = table_counts()
    return {label: after[label] - before.get(label, 0) for label in after if after[label] != before.get(label, 0)}


def digest(rows) -> str:
    return hashlib.sha256(json.dumps(sorted(map(list, rows)), default=str).encode()).hexdigest()[:16]


def content_digests() -> dict[str, str]:
    """What the counts alone would not see: where each family stands, the steps of its path with their days,
    its assessment dates, and every time entry."""
    return {
        "families": digest(Family.objects.values_list("code", "state")),
        "transitions": digest(
            TransitionLog.objects.values_list("family__code", "from_state", "to_state", "effective_on")
        ),
        "assessments": digest(Assessment.objects.values_list("family__code", "time_point", "date")),
        "time entries": digest(
            TimeEntry.objects.values_list("user__username", "date", "minutes", "activity", "family__code")
        ),
    }


def figures(seed) -> dict:
    return {"rows": rows_made(seed), "content": content_digests()}


def check(name: str, found: dict) -> None:
    recorded = json.loads(EXPECTED.read_text()) if EXPECTED.exists() else {}
    if os.environ.get("PIPPI_RECORD_SAME_DATA"):
        recorded[name] = found
        EXPECTED.write_text(json.dumps(recorded, indent=1, sort_keys=True) + "\n")
        return
    expected = recorded[name]
    changed = {
        label: (expected["rows"].get(label), found["rows"].get(label))
        for label in found["rows"].keys() | expected["rows"].keys()
        if expected["rows"].get(label) != found["rows"].get(label)
    }
    assert not changed, f"{name}: rows (recorded, now) differ: {dict(sorted(changed.items()))}"
    assert found["content"] == expected["content"]


@pytest.mark.django_db
@freeze_time(FROZEN_AT)
def test_the_demo_makes_the_recorded_data():
    check("seed_demo", figures(lambda: call_command("seed_demo", verbosity=0)))


@pytest.mark.django_db
@freeze_time(FROZEN_AT)
def test_the_scale_seed_makes_the_recorded_data():
    check("seed_scale", figures(lambda: call_command("seed_scale", *SCALE_ARGS, stdout=io.StringIO())))
