"""Figures per ambito of a project of several ambiti (a lead ambito and associated ones, as the Romagna
Faentina with the Bassa Romagna): families, children, hours and group sessions of each ambito inside the project.

Each function is one aggregate query grouped by ambito (none grows with the ambiti or the families) and returns
raw counts keyed by ambito id; `report.ambiti` assembles the per-ambito table."""

from __future__ import annotations

import datetime

from django.db.models import Count, Exists, OuterRef, Q

from equipes.models import Project
from families.models import ENDED_STATES, Member, Referral, State, TransitionLog
from interventions.models import GroupSession

from .path_figures import Counts, families_included_by, project_families
from .work_figures import Minutes, report_minutes

STEPS = (State.INCLUSA, State.CONCLUSA, State.INTERROTTA)


def referred_per_ambito(project: Project, start: datetime.date, end: datetime.date) -> dict[int, Counts]:
    """Families referred (by the referral's date), per ambito id of the family."""
    rows = (
        Referral.objects.filter(family__in=project_families(project))
        .values("family__ambito")
        .annotate(
            period=Count("pk", filter=Q(date__gte=start, date__lte=end)),
            cumulative=Count("pk", filter=Q(date__lte=end)),
        )
    )
    return {r["family__ambito"]: {"period": r["period"], "cumulative": r["cumulative"]} for r in rows}


def steps_per_ambito(project: Project, start: datetime.date, end: datetime.date) -> dict[tuple[int, str], Counts]:
    """Families that reached inclusion, closure or interruption, per (ambito id, state)."""
    rows = (
        TransitionLog.objects.filter(family__in=project_families(project), to_state__in=STEPS)
        .values("family__ambito", "to_state")
        .annotate(
            period=Count("family", filter=Q(effective_on__gte=start, effective_on__lte=end), distinct=True),
            cumulative=Count("family", filter=Q(effective_on__lte=end), distinct=True),
        )
    )
    return {(r["family__ambito"], r["to_state"]): {"period": r["period"], "cumulative": r["cumulative"]} for r in rows}


def active_per_ambito(project: Project, end: datetime.date) -> dict[int, int]:
    """Families on their path at `end`, per ambito id."""
    included = Exists(
        TransitionLog.objects.filter(family=OuterRef("pk"), to_state=State.INCLUSA, effective_on__lte=end)
    )
    ended = Exists(
        TransitionLog.objects.filter(family=OuterRef("pk"), to_state__in=ENDED_STATES, effective_on__lte=end)
    )
    return dict(
        project_families(project)
        .annotate(inc=included, gone=ended)
        .filter(inc=True, gone=False)
        .values("ambito")
        .annotate(n=Count("pk"))
        .values_list("ambito", "n")
    )


def children_per_ambito(project: Project, end: datetime.date) -> dict[int, int]:
    """Children of the families included by `end`, per ambito id of their family."""
    return dict(
        Member.objects.filter(family__in=families_included_by(project, end), kind=Member.Kind.MINORE)
        .values("family__ambito")
        .annotate(n=Count("pk"))
        .values_list("family__ambito", "n")
    )


def minutes_per_ambito(
    project: Project, start: datetime.date, end: datetime.date, *, minutes: Minutes | None = None
) -> dict[int, dict[str, int]]:
    """Minutes delivered on the project (eligible, validated), all activities and SEDT alone, per ambito id of
    the professional who delivered them: in the period and to `end`. `minutes`: the project's `report_minutes`
    when already read."""
    minutes = minutes if minutes is not None else report_minutes(project, start, end)
    keys = {"period": "period", "cumulative": "to_end", "sedt_period": "sedt_period", "sedt_cumulative": "sedt_to_end"}
    found: dict[int, dict[str, int]] = {}
    for (ambito, _profile), _minutes in minutes["to_end"].items():
        found[ambito] = dict.fromkeys(keys, 0)
    for key, window in keys.items():
        for (ambito, _profile), value in minutes[window].items():
            found[ambito][key] += value
    return found


def group_sessions_per_ambito(project: Project, start: datetime.date, end: datetime.date) -> dict[int, int]:
    """Group sessions held in the period by the groups of the project's ambiti, per ambito id of the group."""
    return dict(
        GroupSession.objects.filter(group__ambito__in=project.ambiti(), date__gte=start, date__lte=end)
        .values("group__ambito")
        .annotate(n=Count("pk"))
        .values_list("group__ambito", "n")
    )
