"""Outcome figures for a project's families by the end of a period: objectives verified at T2, the Mondo del
Bambino and SDQ changes from T0 to T2, closures by outcome, children still at home.

Each function is one or two aggregate queries (none grows with the families) and returns raw figures;
`report.outcomes` assembles them."""

from __future__ import annotations

import datetime

from django.db.models import Avg, Count, Exists, OuterRef, Q

from equipes.models import Project
from families.models import Assessment, AssessmentRating, Closure, SDQScore, TimePoint, Verification
from pippi_portal import compiled

from .cells import rounded
from .path_figures import project_families


def objectives_by_outcome(project: Project, end: datetime.date) -> dict[str, int]:
    """Objectives of the families' current plans verified at T2 by `end`: reached, partly, not reached."""
    verifications = dict(compiled.rows("outcome.objectives", _objective_rows, project.pk, end))
    return {
        "raggiunto": verifications.get("raggiunto", 0),
        "parzialmente": verifications.get("parzialmente", 0),
        "non_raggiunto": verifications.get("non_raggiunto", 0),
    }


def _objective_rows(project_id: int, end: datetime.date):
    return (
        Verification.objects.filter(
            objective__plan__family__in=project_families(project_id),
            objective__plan__superseded_at__isnull=True,
            time_point=TimePoint.T2,
            date__lte=end,
        )
        .values("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )


def families_with_t0_and_t2(project: Project, end: datetime.date) -> list[int]:
    """Ids of the families with a complete T0 and a complete T2 assessment (T2 by `end`).

    Read as a list of ids, one short query, so that the aggregates that follow are planned on a known set
    instead of nested subqueries, which PostgreSQL planned as nested loops on unanalysed tables (seconds
    instead of milliseconds)."""
    return compiled.rows("outcome.t0_t2", _with_t0_and_t2, project.pk, end)


def _with_t0_and_t2(project_id: int, end: datetime.date):
    complete = Assessment.objects.filter(family=OuterRef("pk"), is_complete=True)
    return (
        project_families(project_id)
        .filter(
            Exists(complete.filter(time_point=TimePoint.T0)),
            Exists(complete.filter(time_point=TimePoint.T2, date__lte=end)),
        )
        .values_list("pk", flat=True)
    )


def mdb_change_by_side(family_ids: list[int]) -> list[dict]:
    """Mondo del Bambino: the mean rating per side at T0 and at T2 over the given families (those of
    `families_with_t0_and_t2`) and its change, in the order of the sides."""
    sides = (
        AssessmentRating.objects.filter(
            assessment__family_id__in=family_ids,
            assessment__time_point__in=[TimePoint.T0, TimePoint.T2],
            rating__isnull=False,
        )
        .values("subdimension__side__number", "subdimension__side__short_title", "assessment__time_point")
        .annotate(mean=Avg("rating"))
        .order_by("subdimension__side__number")
    )
    by_side: dict[int, dict] = {}
    for row in sides:
        entry = by_side.setdefault(row["subdimension__side__number"], {"side": row["subdimension__side__short_title"]})
        entry[row["assessment__time_point"].lower()] = rounded(row["mean"])
    for entry in by_side.values():
        entry["change"] = rounded(entry["t2"] - entry["t0"]) if "t0" in entry and "t2" in entry else None
    return [by_side[number] for number in sorted(by_side)]


def sdq_total_change(project: Project, end: datetime.date) -> dict:
    """SDQ: the mean total difficulties at T0 and at T2 (parent's questionnaire) of the children with a T2
    by `end`, and its change. One read of the project's children's T0 and T2 scores (a few per child), averaged
    here."""
    rows = compiled.rows(
        "outcome.sdq",
        lambda project_id: SDQScore.objects.filter(
            respondent=SDQScore.Respondent.GENITORE,
            member__family__implementation__project=project_id,
            time_point__in=[TimePoint.T0, TimePoint.T2],
        ).values_list("member_id", "time_point", "date", "total_difficulties"),
        project.pk,
    )
    with_t2 = {member for member, point, date, _total in rows if point == TimePoint.T2 and date <= end}
    totals: dict[str, list[int]] = {TimePoint.T0: [], TimePoint.T2: []}
    for member, point, _date, total in rows:
        if member in with_t2 and total is not None:
            totals[point].append(total)
    t0, t2 = (sum(values) / len(values) if values else None for values in totals.values())
    return {
        "children": len(with_t2),
        "t0": rounded(t0),
        "t2": rounded(t2),
        "change": rounded(t2 - t0) if t0 is not None and t2 is not None else None,
    }


def closures_by_outcome_and_home(project: Project, start: datetime.date, end: datetime.date) -> list[dict]:
    """Closures by `end` per outcome, in the order of the codes, in one query: `label` ("A — label"), `period`,
    `cumulative`, and how many of them left the child at home (`yes`) or not (`no`)."""
    rows = compiled.rows("outcome.closures", _closure_rows, project.pk, start, end)
    return [{**r, "label": f"{r['outcome__code']} — {r['outcome__label']}"} for r in rows]


def _closure_rows(project_id: int, start: datetime.date, end: datetime.date):
    return (
        Closure.objects.filter(family__in=project_families(project_id), date__lte=end)
        .values("outcome__code", "outcome__label")
        .annotate(
            period=Count("pk", filter=Q(date__gte=start)),
            cumulative=Count("pk"),
            yes=Count("pk", filter=Q(child_at_home=True)),
            no=Count("pk", filter=Q(child_at_home=False)),
        )
        .order_by("outcome__code")
    )


def closures_by_outcome(
    project: Project, start: datetime.date, end: datetime.date, rows: list[dict] | None = None
) -> dict[str, dict[str, int]]:
    """Closures per outcome ("A — label"), in the order of the codes: in the period and to `end` (from the
    rows of `closures_by_outcome_and_home` when given)."""
    rows = closures_by_outcome_and_home(project, start, end) if rows is None else rows
    return {r["label"]: {"period": r["period"], "cumulative": r["cumulative"]} for r in rows}


def children_at_home(project: Project, end: datetime.date, rows: list[dict] | None = None) -> dict[str, int]:
    """Closures by `end` whose child still lives in the family ("sì") or not ("no") (from the rows of
    `closures_by_outcome_and_home` when given)."""
    rows = closures_by_outcome_and_home(project, end, end) if rows is None else rows
    return {"sì": sum(r["yes"] for r in rows), "no": sum(r["no"] for r in rows)}
