"""Figures of what was done for a project's families: interventions by type, SEDT hours, groups, solidarity
pairings, school partnerships and parenting events.

Each function is one or two aggregate queries (none grows with the families); `report.physical` assembles
them."""

from __future__ import annotations

import datetime

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce

from equipes.models import Project
from interventions.models import (
    GroupSession,
    Intervention,
    Pairing,
    ParentingEvent,
    SchoolPartnership,
)
from interventions.selectors import Window, delivered_minutes_in
from pippi_portal import compiled

from .cells import hours, rate
from .path_figures import project_families


def families_by_intervention_type(project: Project, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Families with an intervention of each type active at some time in the period, per type name. The
    child-protection services (seed 002) are the ambito's, not devices of the PNRR project: not counted."""
    return dict(compiled.rows("work.by_type", _by_type_rows, project.pk, start, end))


def _by_type_rows(project_id: int, start: datetime.date, end: datetime.date):
    return (
        Intervention.objects.active_between(start, end)
        .filter(family__in=project_families(project_id), type__child_protection=False)
        .values("type__name")
        .annotate(n=Count("family", distinct=True))
        .values_list("type__name", "n")
    )


#: The minutes a report reads, by window (`report_minutes`): every delivered hour and the SEDT ones, in the
#: period and from the project's start to its end.
Minutes = dict[str, dict[tuple[int | None, str], int]]


def report_windows(start: datetime.date, end: datetime.date) -> dict[str, Window]:
    """The windows of the project's delivered entries that the report's figures of hours read (finance, SEDT
    hours, hours per ambito), for `interventions.selectors.delivered_minutes_in`."""
    return {
        "period": Window(start, end),
        "to_end": Window(until=end),
        "sedt_period": Window(start, end, type_code="sedt"),
        "sedt_to_end": Window(until=end, type_code="sedt"),
    }


def report_minutes(project: Project, start: datetime.date, end: datetime.date) -> Minutes:
    """The project's delivered minutes per (ambito id, profile) in every window of `report_windows`: one query.
    `report.compute` reads them once, with the budget's, for every figure of hours."""
    return delivered_minutes_in(project, report_windows(start, end))


def sedt_hours(
    project: Project, start: datetime.date, end: datetime.date, *, minutes: Minutes | None = None
) -> dict[str, float]:
    """Hours delivered (eligible, validated) on SEDT interventions of the project: in the period and to `end`.
    `minutes`: the project's `report_minutes` when already read."""
    minutes = minutes if minutes is not None else report_minutes(project, start, end)
    return {
        "period": hours(sum(minutes["sedt_period"].values())),
        "cumulative": hours(sum(minutes["sedt_to_end"].values())),
    }


def group_activity(project: Project, start: datetime.date, end: datetime.date) -> dict:
    """The project's group sessions in the period, the modules that met and the attendance, in one query:
    `sessions`, `modules`, `expected` (participants on the registers) and `present`."""
    return compiled.aggregate("work.groups", _group_activity, project.pk, start, end)


def _group_activity(project_id: int, start: datetime.date, end: datetime.date):
    return GroupSession.objects.filter(group__project=project_id, date__gte=start, date__lte=end), {
        "sessions": Count("pk", distinct=True),
        "modules": Count("group", distinct=True),
        "expected": Count("attendances"),
        "present": Count("attendances", filter=Q(attendances__present=True)),
    }


def group_modules(project: Project, start: datetime.date, end: datetime.date) -> int:
    """Group modules of the project that met in the period."""
    return group_activity(project, start, end)["modules"]


def group_sessions(project: Project, start: datetime.date, end: datetime.date) -> int:
    """Group sessions of the project's groups in the period."""
    return group_activity(project, start, end)["sessions"]


def group_attendance_rate(project: Project, start: datetime.date, end: datetime.date) -> float | None:
    """Participants present as a percentage of those expected, over the period's sessions (None without any)."""
    return attendance_rate(group_activity(project, start, end))


def attendance_rate(activity: dict) -> float | None:
    """The attendance of a `group_activity` as a percentage (None without anyone expected)."""
    return rate(activity["present"], activity["expected"])


def active_pairings(project: Project, start: datetime.date, end: datetime.date) -> int:
    """Solidarity pairings of the project's families active at some time in the period."""
    return compiled.count(
        "work.pairings",
        lambda project_id, since, until: Pairing.objects.active_between(since, until).filter(
            family__in=project_families(project_id)
        ),
        project.pk,
        start,
        end,
    )


def school_activity(project: Project, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """The project's school partnerships signed by `end` (`agreements`) and the meetings held under them in the
    period (`meetings`), in one query."""
    return compiled.aggregate("work.schools", _school_activity, project.pk, start, end)


def _school_activity(project_id: int, start: datetime.date, end: datetime.date):
    return SchoolPartnership.objects.filter(project=project_id, signed_on__lte=end), {
        "agreements": Count("pk", distinct=True),
        "meetings": Count("meetings", filter=Q(meetings__date__gte=start, meetings__date__lte=end), distinct=True),
    }


def school_agreements(project: Project, end: datetime.date) -> int:
    """School partnerships of the project signed by `end`."""
    return school_activity(project, end, end)["agreements"]


def school_meetings(project: Project, start: datetime.date, end: datetime.date) -> int:
    """Meetings held in the period under the school partnerships signed by `end`."""
    return school_activity(project, start, end)["meetings"]


def parenting_events(project: Project, start: datetime.date, end: datetime.date) -> dict[str, int]:
    """Parenting events of the project in the period: how many, their participants, and how many of the
    programme's families took part."""
    return compiled.aggregate("work.parenting", _parenting_events, project.pk, start, end)


def _parenting_events(project_id: int, start: datetime.date, end: datetime.date):
    return ParentingEvent.objects.filter(project=project_id, date__gte=start, date__lte=end), {
        "count": Count("pk"),
        "participants": Coalesce(Sum("participants_count"), 0),
        "programme_families": Coalesce(Sum("programme_families"), 0),
    }
