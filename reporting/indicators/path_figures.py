"""Figures of the families' path for a project: how many were referred, pre-assessed, included, closed,
interrupted and are active, per implementation; the children reached; the reunification paths.

Each function reads in one round trip: an aggregate query, or the project's rows per family or per child (a few
hundred, summed here); none reads the other ambiti's rows. They return raw counts; `report.physical` labels and
suppresses them."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import Count, Min, Q, QuerySet

from equipes.models import Project
from families.models import ENDED_STATES, Family, Member, Preassessment, Referral, State, TransitionLog
from pippi_portal import compiled
from pippi_portal.query_batch import gather

#: A period and a cumulative count, as the report's family table shows them.
Counts = dict[str, int]


def project_families(project: Project | int) -> QuerySet[Family]:
    """The families of the project's implementations (a subquery, not a query); `project`: one, or its id."""
    return Family.objects.filter(implementation__project=project)


def _dated_per_implementation(model) -> Callable:
    """The read of the rows of a family with a `date` (a referral, a pre-assessment) of a project, counted per
    implementation: in the period and from the start to `end` (its arguments: the project's id, start, end)."""

    def build(project_id: int, start: datetime.date, end: datetime.date):
        return (
            model.objects.filter(family__in=project_families(project_id))
            .values("family__implementation")
            .annotate(
                period=Count("pk", filter=Q(date__gte=start, date__lte=end)),
                cumulative=Count("pk", filter=Q(date__lte=end)),
            )
        )

    return build


_referred_rows = _dated_per_implementation(Referral)
_preassessed_rows = _dated_per_implementation(Preassessment)


def _per_implementation(rows: list[dict]) -> dict[int, Counts]:
    return {r["family__implementation"]: {"period": r["period"], "cumulative": r["cumulative"]} for r in rows}


def families_referred(project: Project, start: datetime.date, end: datetime.date) -> dict[int, Counts]:
    """Families referred (by the referral's date), per implementation id."""
    return _per_implementation(compiled.rows("path.referred", _referred_rows, project.pk, start, end))


def families_preassessed(project: Project, start: datetime.date, end: datetime.date) -> dict[int, Counts]:
    """Families pre-assessed (by the pre-assessment's date), per implementation id."""
    return _per_implementation(compiled.rows("path.preassessed", _preassessed_rows, project.pk, start, end))


def families_by_step(project: Project, start: datetime.date, end: datetime.date) -> dict[tuple[int, str], Counts]:
    """Families that reached each state (by the day of the step), per (implementation id, state): included,
    closed and interrupted are read from here. A family that reached a state twice counts once."""
    return families_at(project, end, start=start).by_step


@dataclass
class FamiliesAt:
    """Where the project's families stand at a day: on their path per implementation id (`active`), interrupted
    per reason (`interrupted_by_reason`, the codes of `Family.InterruptionReason`), included on a
    reunification path (`reunification`) and, with a period, how many reached each state in it and by its end
    per (implementation id, state) (`by_step`)."""

    active: dict[int, int]
    interrupted_by_reason: dict[str, int]
    reunification: int
    by_step: dict[tuple[int, str], Counts]


def families_at(project: Project, end: datetime.date, *, start: datetime.date | None = None) -> FamiliesAt:
    """The project's families at `end` (and their steps in the period from `start`), in one query: the steps
    of the project's families counted per family and state (in the period and by its end), a few hundred rows
    summed here into the figures. The steps are read through the project's families (not every ambito's steps
    of a state: a cost that would grow with the other ambiti's data)."""
    rows = compiled.rows("path.steps", _step_rows, project.pk, start or end, end)
    reached: dict[int, set[str]] = {}
    about: dict[int, tuple[int, str, bool]] = {}
    by_step: dict[tuple[int, str], Counts] = {}
    for family, implementation, reason, reunites, state, period, by_end in rows:
        about[family] = (implementation, reason, reunites)
        counts = by_step.setdefault((implementation, state), {"period": 0, "cumulative": 0})
        counts["period"] += period > 0
        counts["cumulative"] += by_end > 0
        if by_end:
            reached.setdefault(family, set()).add(state)
    active: dict[int, int] = {}
    interrupted: dict[str, int] = {}
    reunification = 0
    for family, states in reached.items():
        implementation, reason, reunites = about[family]
        included = State.INCLUSA in states
        if included and not states & set(ENDED_STATES):
            active[implementation] = active.get(implementation, 0) + 1
        if State.INTERROTTA in states:
            interrupted[reason] = interrupted.get(reason, 0) + 1
        if included and reunites:
            reunification += 1
    return FamiliesAt(active, interrupted, reunification, by_step)


def _step_rows(project_id: int, start: datetime.date, end: datetime.date):
    return (
        TransitionLog.objects.filter(family__implementation__project=project_id)
        .values_list(
            "family", "family__implementation", "family__interruption_reason", "family__reunification", "to_state"
        )
        .annotate(
            period=Count("pk", filter=Q(effective_on__gte=start, effective_on__lte=end)),
            by_end=Count("pk", filter=Q(effective_on__lte=end)),
        )
        .order_by()
    )


def families_active(project: Project, end: datetime.date) -> dict[int, int]:
    """Families on their path at `end` (included by then and not ended by then), per implementation id."""
    return families_at(project, end).active


def families_interrupted_by_reason(project: Project, end: datetime.date) -> dict[str, int]:
    """Families interrupted by `end`, per reason (the codes of `Family.InterruptionReason`)."""
    return families_at(project, end).interrupted_by_reason


def families_included_by(project: Project, end: datetime.date) -> QuerySet[Family]:
    """The families included by `end` (a subquery, not a query)."""
    return project_families(project).filter(
        pk__in=TransitionLog.objects.filter(to_state=State.INCLUSA, effective_on__lte=end).values("family")
    )


@dataclass
class ChildrenReached:
    """The minors of the families included by a day: per age band of the project (`report_age_bands`, "18+"
    above; only the bands with children) and per comune of their family."""

    by_age_band: dict[str, int]
    by_comune: dict[str, int]


def children_reached(project: Project, end: datetime.date) -> ChildrenReached:
    """Children reached by `end`, aged on their family's inclusion (its first), from two plain reads in one
    round trip: the minors of the project's families (birth date and comune) and the families' inclusions. The
    ages go into their bands here, the first band that holds the age, in the project's order (a child without a
    birth date counts as "18+"). One query that aged each child through a subquery on its family's steps was
    the slowest of the report's to build and plan."""
    minors, inclusions = gather(
        lambda: compiled.rows("path.minors", _minor_rows, project.pk),
        lambda: dict(compiled.rows("path.inclusions", _first_inclusions, project.pk, end)),
    )
    bands = project.rules.age_bands
    by_band: dict[str, int] = {}
    by_comune: dict[str, int] = {}
    for family, birth_date, comune in minors:
        included_on = inclusions.get(family)
        if included_on is None:
            continue
        age = completed_years(birth_date, included_on) if birth_date else None
        label = next((label for label, low, high in bands if age is not None and low <= age <= high), "18+")
        by_band[label] = by_band.get(label, 0) + 1
        by_comune[comune] = by_comune.get(comune, 0) + 1
    return ChildrenReached(by_band, by_comune)


def _minor_rows(project_id: int):
    return Member.objects.filter(family__implementation__project=project_id, kind=Member.Kind.MINORE).values_list(
        "family", "birth_date", "family__comune__name"
    )


def _first_inclusions(project_id: int, end: datetime.date):
    return (
        TransitionLog.objects.filter(family__implementation__project=project_id, to_state=State.INCLUSA)
        .values_list("family")
        .annotate(first=Min("effective_on"))
        .filter(first__lte=end)
        .order_by()
    )


def completed_years(born: datetime.date, on: datetime.date) -> int:
    """Years completed between `born` and `on` (PostgreSQL's `date_part('year', age(on, born))`)."""
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def children_by_age_band(project: Project, end: datetime.date) -> dict[str, int]:
    """Children reached per age band of the project (`children_reached`)."""
    return children_reached(project, end).by_age_band


def children_by_comune(project: Project, end: datetime.date) -> dict[str, int]:
    """Children reached per comune of their family."""
    return children_reached(project, end).by_comune


def reunification_paths(project: Project, end: datetime.date) -> int:
    """Families included by `end` on a reunification path."""
    return families_at(project, end).reunification
