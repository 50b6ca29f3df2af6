"""The impact indicators that the portal computes from its own data (`ImpactIndicator.formula`).

A computed indicator has no typed values: its value for a period is read from the records of the project's
families, so that the figure beside the target is the one the data tell.

- `famiglie_solidali`: the support families paired with a family of the project at some time in the period
  (distinct support families; a pairing counts when it started by the end of the period and had not ended
  before its start);
- `esiti_positivi`: of the paths closed from the project's start to the end of the period, the share (%) closed
  with outcome A or B (interrupted paths have no closure and are not counted);
- `bambini_a_casa`: of the same closures, the share (%) whose child still lives in the family.

A share over no closure has no value (None). The periods of an indicator are the semesters of its project
(S1 = January–June, S2 = July–December), cut to the project's dates and to today.

Every computation is one aggregate query per kind of record (pairings, closures) for any number of periods
and projects: `values_for` takes them all at once.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q
from django.utils import timezone

from equipes.models import Project
from families.models import Closure
from interventions.models import Pairing
from pippi_portal import compiled

from .models import Formula

#: Closure outcomes that count as positive: A (the family goes on without intensive support) and B (it goes on
#: with the ordinary services); C means a protection path is needed.
POSITIVE_OUTCOMES = ("A", "B")


@dataclass(frozen=True)
class Period:
    project_id: int
    start: datetime.date
    end: datetime.date


def semesters(project: Project, today: datetime.date | None = None) -> list[Period]:
    """The semesters of the project from its start to its end or to today, whichever comes first, each cut to
    those dates; empty before the project starts."""
    today = today or timezone.localdate()
    last = min(project.end_date, today) if project.end_date else today
    periods = []
    start = project.start_date
    while start <= last:
        semester_end = datetime.date(start.year, 6, 30) if start.month <= 6 else datetime.date(start.year, 12, 31)
        periods.append(Period(project.pk, start, min(semester_end, last)))
        start = semester_end + datetime.timedelta(days=1)
    return periods


def current_period(project: Project, today: datetime.date | None = None) -> Period | None:
    """The last of the project's semesters to date (the one in progress, or the last one of an ended project)."""
    periods = semesters(project, today)
    return periods[-1] if periods else None


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def values_for(formulas: Iterable[str], periods: Iterable[Period]) -> dict[tuple[str, Period], Decimal | None]:
    """The value of each formula over each period: two queries whenever there is one formula, whatever the
    number of formulas and periods (every formula is computed, so the count does not depend on which)."""
    formulas, periods = set(formulas), list(dict.fromkeys(periods))
    result: dict[tuple[str, Period], Decimal | None] = {}
    if not formulas or not periods:
        return result
    # Compiled once per process for each number of periods: the periods' ids and dates are the arguments.
    args = [value for p in periods for value in (p.project_id, p.start, p.end)]
    counts = compiled.aggregate(("impact.pairings", len(periods)), _pairing_counts, *args)
    for i, p in enumerate(periods):
        result[(Formula.FAMIGLIE_SOLIDALI, p)] = Decimal(counts[f"p{i}"])
    # The closures count from the project's start: a period's start is not among their arguments.
    ends = [value for p in periods for value in (p.project_id, p.end)]
    counts = compiled.aggregate(("impact.closures", len(periods)), _closure_counts, *ends)
    for i, p in enumerate(periods):
        result[(Formula.ESITI_POSITIVI, p)] = _percent(counts[f"positive{i}"], counts[f"all{i}"])
        result[(Formula.BAMBINI_A_CASA, p)] = _percent(counts[f"home{i}"], counts[f"all{i}"])
    return result


def _periods_of(args: tuple) -> list[Period]:
    return [Period(*args[i : i + 3]) for i in range(0, len(args), 3)]


def _pairing_counts(*args):
    return Pairing.objects.all(), {
        f"p{i}": Count(
            "support_family",
            distinct=True,
            filter=Q(family__implementation__project_id=p.project_id, start_date__lte=p.end)
            & (Q(end_date__isnull=True) | Q(end_date__gte=p.start)),
        )
        for i, p in enumerate(_periods_of(args))
    }


def _closure_counts(*ends):
    aggregates = {}
    for i in range(len(ends) // 2):
        project_id, end = ends[2 * i : 2 * i + 2]
        closed = Q(family__implementation__project_id=project_id, date__lte=end)
        aggregates[f"all{i}"] = Count("pk", filter=closed)
        aggregates[f"positive{i}"] = Count("pk", filter=closed & Q(outcome__code__in=POSITIVE_OUTCOMES))
        aggregates[f"home{i}"] = Count("pk", filter=closed & Q(child_at_home=True))
    return Closure.objects.all(), aggregates


def value_for(formula: str, project: Project, start: datetime.date, end: datetime.date) -> Decimal | None:
    """The value of one formula for one project over one period."""
    period = Period(project.pk, start, end)
    return values_for([formula], [period])[(formula, period)]
