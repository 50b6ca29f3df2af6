"""Figures of the families' path for a project: how many were referred, pre-assessed, included, closed,
interrupted and are active, per implementation; the children reached; the reunification paths.

Each function is one aggregate query (none grows with the families) and returns raw counts; `report.physical`
labels and suppresses them."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, F, Func, IntegerField, OuterRef, Q, QuerySet

from equipes.models import Project
from families.models import ENDED_STATES, Family, Member, Preassessment, Referral, State, TransitionLog

#: A period and a cumulative count, as the report's family table shows them.
Counts = dict[str, int]


class AgeYears(Func):
    """Completed years between two date expressions: AgeYears(on, birth_date)."""

    template = "date_part('year', age(%(expressions)s))::int"
    output_field = IntegerField()


def project_families(project: Project) -> QuerySet[Family]:
    """The families of the project's implementations (a subquery, not a query)."""
    return Family.objects.filter(implementation__project=project)


def _dated_per_implementation(rows: QuerySet, start: datetime.date, end: datetime.date) -> dict[int, Counts]:
    """Rows of a family with a `date` (a referral, a pre-assessment), counted per implementation: in the
    period and from the start to `end`."""
    return {
        r["family__implementation"]: {"period": r["period"], "cumulative": r["cumulative"]}
        for r in rows.values("family__implementation").annotate(
            period=Count("pk", filter=Q(date__gte=start, date__lte=end)),
            cumulative=Count("pk", filter=Q(date__lte=end)),
        )
    }


def families_referred(project: Project, start: datetime.date, end: datetime.date) -> dict[int, Counts]:
    """Families referred (by the referral's date), per implementation id."""
    return _dated_per_implementation(Referral.objects.filter(family__in=project_families(project)), start, end)


def families_preassessed(project: Project, start: datetime.date, end: datetime.date) -> dict[int, Counts]:
    """Families pre-assessed (by the pre-assessment's date), per implementation id."""
    return _dated_per_implementation(Preassessment.objects.filter(family__in=project_families(project)), start, end)


def families_by_step(project: Project, start: datetime.date, end: datetime.date) -> dict[tuple[int, str], Counts]:
    """Families that reached each state (by the day of the step), per (implementation id, state): included,
    closed and interrupted are read from here. A family that reached a state twice counts once."""
    steps = (
        TransitionLog.objects.filter(family__in=project_families(project))
        .values("family__implementation", "to_state")
        .annotate(
            period=Count("family", filter=Q(effective_on__gte=start, effective_on__lte=end), distinct=True),
            cumulative=Count("family", filter=Q(effective_on__lte=end), distinct=True),
        )
    )
    return {
        (r["family__implementation"], r["to_state"]): {"period": r["period"], "cumulative": r["cumulative"]}
        for r in steps
    }


def families_active(project: Project, end: datetime.date) -> dict[int, int]:
    """Families on their path at `end` (included by then and not ended by then), per implementation id."""
    included_by_end = Exists(
        TransitionLog.objects.filter(family=OuterRef("pk"), to_state=State.INCLUSA, effective_on__lte=end)
    )
    ended_by_end = Exists(
        TransitionLog.objects.filter(family=OuterRef("pk"), to_state__in=ENDED_STATES, effective_on__lte=end)
    )
    return dict(
        project_families(project)
        .annotate(inc=included_by_end, gone=ended_by_end)
        .filter(inc=True, gone=False)
        .values("implementation")
        .annotate(n=Count("pk"))
        .values_list("implementation", "n")
    )


def families_interrupted_by_reason(project: Project, end: datetime.date) -> dict[str, int]:
    """Families interrupted by `end`, per reason (the codes of `Family.InterruptionReason`)."""
    return dict(
        project_families(project)
        .filter(transitions__to_state=State.INTERROTTA, transitions__effective_on__lte=end)
        .values("interruption_reason")
        .annotate(n=Count("pk", distinct=True))
        .values_list("interruption_reason", "n")
    )


def families_included_by(project: Project, end: datetime.date) -> QuerySet[Family]:
    """The families included by `end` (a subquery, not a query)."""
    return project_families(project).filter(
        pk__in=TransitionLog.objects.filter(to_state=State.INCLUSA, effective_on__lte=end).values("family")
    )


def _children_reached(project: Project, end: datetime.date) -> QuerySet[Member]:
    """The minors of the families included by `end`."""
    return Member.objects.filter(family__in=families_included_by(project, end), kind=Member.Kind.MINORE)


def children_by_age_band(project: Project, end: datetime.date) -> dict[str, int]:
    """Children reached per age band of the project (`report_age_bands`, "18+" above), aged on their family's
    inclusion. Only the bands with children are present.

    The database counts the children per age (a score of rows); the ages go into their bands here, the first band
    that holds the age, in the project's order (a child without an age of inclusion counts as "18+", as the
    CASE of a band per age did). One age expression instead of one per band: the query was the slowest of the
    report's to build."""
    inclusion = TransitionLog.objects.filter(family=OuterRef("family"), to_state=State.INCLUSA).values("effective_on")[
        :1
    ]
    per_age = (
        _children_reached(project, end)
        .annotate(included_on=inclusion)
        .annotate(age=AgeYears(F("included_on"), F("birth_date")))
        .values("age")
        .annotate(n=Count("pk"))
        .values_list("age", "n")
    )
    bands = project.rules.age_bands
    found: dict[str, int] = {}
    for age, n in per_age:
        label = next(
            (label for label, low, high in bands if age is not None and low <= age <= high),
            "18+",
        )
        found[label] = found.get(label, 0) + n
    return found


def children_by_comune(project: Project, end: datetime.date) -> dict[str, int]:
    """Children reached per comune of their family."""
    return dict(
        _children_reached(project, end)
        # Implied by the families' filter, said again on the families joined for their comune: without it
        # PostgreSQL hashes every ambito's families to name the comuni of a hundred (a cost that grows with the
        # other ambiti's data).
        .filter(family__implementation__project=project)
        .values("family__comune__name")
        .annotate(n=Count("pk"))
        .values_list("family__comune__name", "n")
    )


def reunification_paths(project: Project, end: datetime.date) -> int:
    """Families included by `end` on a reunification path."""
    return families_included_by(project, end).filter(reunification=True).count()
