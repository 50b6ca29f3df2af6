"""The report's figure reads are compiled once per process (`pippi_portal.compiled`, issue 16): each one passes
the module's checks and is kept (a read that failed them would silently be built every time, slow but right),
and a second computation compiles none of them again and gives the same figures."""

import datetime
from collections import OrderedDict

from django.db.models.sql.compiler import SQLCompiler

from equipes.models import TargetKind, TargetScope
from pippi_portal import compiled
from reporting.indicators import compute
from reporting.models import Formula
from tests import factories as f

from .conftest import make_indicator

#: The names of the kept reads of one report (a project of one ambito, with a target and a computed indicator).
REPORT_READS = {
    "budget.lines",
    "budget.last_month",
    "budget.cost_items",
    "report.implementations",
    "report.associated",
    "report.associated_ids",
    "report.comuni",
    "report.partners",
    "report.trained",
    "report.equipes",
    "report.staff",
    "report.meetings",
    "path.referred",
    "path.preassessed",
    "path.steps",
    "path.minors",
    "path.inclusions",
    "work.by_type",
    "work.groups",
    "work.pairings",
    "work.schools",
    "work.parenting",
    "outcome.objectives",
    "outcome.t0_t2",
    "outcome.sdq",
    "outcome.closures",
    "quality.complaints",
    "quality.surveys",
    "quality.survey_scores",
    "quality.survey_items",
    "quality.controls",
    "quality.indicators",
    "impact.pairings",
    "impact.closures",
    "targets.targets",
    "targets.projects",
    "targets.links",
    "targets.implementations",
    "targets.steps",
    "targets.with_sedt",
    "targets.with_pairing",
    "targets.groups",
    "targets.schools",
    "targets.trained",
}


def name_of(key) -> str:
    """The caller's name inside a kept key: (key, *argument types), the key a name or a tuple starting with one."""
    while not isinstance(key, str):
        key = key[0]
    return key


def without_time(figures: dict) -> dict:
    return {**figures, "meta": {k: v for k, v in figures["meta"].items() if k != "computed_at"}}


def test_every_figure_read_is_kept_and_compiled_once(world, monkeypatch):
    monkeypatch.setattr(compiled, "_compiled", OrderedDict())
    f.make_family(world, children=2)
    f.make_target(world.project, TargetKind.FAMIGLIE_INCLUSE, 1, TargetScope.PROGETTO)
    make_indicator(world.project, formula=Formula.ESITI_POSITIVI)
    start, end = datetime.date(2024, 1, 1), datetime.date(2024, 6, 30)
    first = compute(world.project, start, end)
    kept = dict(compiled._compiled)
    assert [key for key, entry in kept.items() if entry is None] == []
    assert {name_of(key) for key in kept} >= REPORT_READS
    made = []
    original = SQLCompiler.as_sql

    def compiling(self, *args, **kwargs):
        made.append(self.query.model)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SQLCompiler, "as_sql", compiling)
    second = compute(world.project, start, end)
    assert without_time(second) == without_time(first)
    assert set(compiled._compiled) == set(kept)
    # Built anew each time: the Mondo del Bambino's means over the families' ids (a list), the finance's
    # redactor and the budget's pass over the hours (its own SQL).
    assert len(made) <= 4, made
