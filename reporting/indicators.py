"""Every figure of the semester report and of the annual synthesis (DESIGN.md §3.5), for a project and a period.

Figures are computed by PostgreSQL with aggregate queries (a fixed number whatever the number of families)
and returned as plain JSON, the snapshot a report run freezes. The same function feeds the "indicatori"
page, the PDF, the CSV/XLSX exports and `manage.py semester_report`, so a figure is computed in one place.

Privacy: no names, codes, codice fiscale or narrative text leave this module; breakdown cells below the
threshold print as "< 3" with a second cell suppressed where a single one could be recovered from the total
(`suppress`); the headline counts the funder asks for (families per implementation) are exact.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Avg, Case, Count, Exists, F, Func, IntegerField, OuterRef, Q, Sum, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from equipes.models import Equipe, GovernanceMeeting, Implementation, Profile, Project, StaffTraining, User
from families.models import (
    ENDED_STATES,
    Assessment,
    AssessmentRating,
    Closure,
    Family,
    Member,
    Preassessment,
    Referral,
    SDQScore,
    State,
    TransitionLog,
    Verification,
)
from interventions.models import (
    Attendance,
    Group,
    GroupSession,
    Intervention,
    Pairing,
    ParentingEvent,
    SchoolMeeting,
    SchoolPartnership,
    TimeEntry,
)
from interventions.selectors import delivered_minutes_by_profile, project_budget

from .models import Audience, Complaint, QualityControl
from .quality import quality_section

AGE_BANDS = [("0-3", 0, 3), ("4-6", 4, 6), ("7-11", 7, 11), ("12-14", 12, 14), ("15-17", 15, 17)]


class AgeYears(Func):
    """Completed years between two date expressions: AgeYears(on, birth_date)."""

    template = "date_part('year', age(%(expressions)s))::int"
    output_field = IntegerField()


# --- Periods ---------------------------------------------------------------------------------------------


def semester_bounds(label: str) -> tuple[datetime.date, datetime.date]:
    """'2025-S1' -> (1 Jan 2025, 30 Jun 2025); '2025-S2' -> (1 Jul 2025, 31 Dec 2025)."""
    try:
        year_text, half = label.upper().split("-S")
        year, half = int(year_text), int(half)
    except ValueError as error:
        raise ValueError(f"Semestre non valido: {label!r} (formato 2025-S1 o 2025-S2).") from error
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    if half == 2:
        return datetime.date(year, 7, 1), datetime.date(year, 12, 31)
    raise ValueError(f"Semestre non valido: {label!r} (formato 2025-S1 o 2025-S2).")


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)


# --- Small-cell suppression ------------------------------------------------------------------------------


def suppress(cells: dict[str, int], threshold: int | None = None) -> list[list]:
    """A breakdown as ordered [label, value] pairs, where values from 1 to threshold-1 print as
    "< threshold". If only one cell would be hidden, the next smallest non-zero cell is hidden too, so that
    no hidden value can be recovered by subtracting the others from a published total. (Pairs rather than
    a mapping: the snapshot's JSON is stored with sorted keys, and a breakdown keeps its own order.)"""
    threshold = threshold or settings.REPORT_SMALL_CELL_THRESHOLD
    hidden = {key for key, value in cells.items() if 0 < value < threshold}
    if len(hidden) == 1:
        others = sorted((value, key) for key, value in cells.items() if value > 0 and key not in hidden)
        if others:
            hidden.add(others[0][1])
    return [[key, f"< {threshold}" if key in hidden else value] for key, value in cells.items()]


def _rate(part, whole, places: int = 1) -> float | None:
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def _round(value, places: int = 2) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def _hours(minutes) -> float:
    return _round(Decimal(minutes or 0) / 60, 1)


# --- The report --------------------------------------------------------------------------------------------


def compute(project: Project, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """All the figures of a report for `project` between `start` and `end` (both included); cumulative
    figures run from the project's start to `end`."""
    implementations = list(project.implementations.order_by("number"))
    families = Family.objects.filter(implementation__project=project)
    return {
        "meta": {
            "period": {"start": start.isoformat(), "end": end.isoformat()},
            "cumulative_from": project.start_date.isoformat(),
            "threshold": settings.REPORT_SMALL_CELL_THRESHOLD,
            "computed_at": timezone.now().isoformat(timespec="seconds"),
        },
        "cover": cover(project, start, end),
        "procedural": procedural(project, implementations, start, end),
        "physical": physical(project, implementations, families, start, end),
        "outcomes": outcomes(families, start, end),
        "finance": finance(project, start, end),
        "partner": partner(project, start, end),
    }


def cover(project: Project, start: datetime.date, end: datetime.date) -> dict:
    ambito = project.ambito
    return {
        "ambito": ambito.name,
        "lead_municipality": ambito.lead_municipality,
        "comuni": list(ambito.comuni.order_by("name").values_list("name", flat=True)),
        "project_title": project.title,
        "measure": project.measure_code,
        "cup": project.cup,
        "amount": str(project.amount),
        "funding_decree": project.funding_decree,
        "project_period": {"start": project.start_date.isoformat(), "end": project.end_date.isoformat()},
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "partners": list(project.partners.order_by("name").values_list("name", flat=True)),
    }


def procedural(project: Project, implementations: list[Implementation], start, end) -> dict:
    trained = StaffTraining.objects.filter(user__ambito=project.ambito, completed_on__lte=end)
    meetings = GovernanceMeeting.objects.filter(ambito=project.ambito, date__lte=end)
    by_kind = meetings.values("kind").annotate(period=Count("pk", filter=Q(date__gte=start)), cumulative=Count("pk"))
    kinds = dict(GovernanceMeeting.Kind.choices)
    return {
        "implementations": [
            {
                "name": str(i),
                "number": i.number,
                "module": i.module,
                "start": i.start_date.isoformat(),
                "end": i.end_date.isoformat(),
                "phase": "da avviare" if end < i.start_date else ("conclusa" if end > i.end_date else "in corso"),
                "target_families": i.target_families,
            }
            for i in implementations
        ],
        "equipes": Equipe.objects.filter(ambito=project.ambito, memberships__isnull=False).distinct().count(),
        "staff": {
            "trained_people": trained.values("user").distinct().count(),
            "training_hours": _round(trained.aggregate(h=Coalesce(Sum("hours"), Decimal(0)))["h"], 1),
            "staff_in_register": User.objects.filter(ambito=project.ambito, is_active=True, is_superuser=False)
            .exclude(role="admin")
            .count(),
        },
        "governance_meetings": [
            {"kind": str(kinds[row["kind"]]), "period": row["period"], "cumulative": row["cumulative"]}
            for row in by_kind.order_by("kind")
        ],
    }


def physical(project, implementations, families, start, end) -> dict:
    period = Q(effective_on__gte=start, effective_on__lte=end)
    until_end = Q(effective_on__lte=end)
    steps = (
        TransitionLog.objects.filter(family__in=families)
        .values("family__implementation", "to_state")
        .annotate(
            period=Count("family", filter=period, distinct=True),
            cumulative=Count("family", filter=until_end, distinct=True),
        )
    )
    by_step = {(r["family__implementation"], r["to_state"]): r for r in steps}
    referred = {
        r["family__implementation"]: r
        for r in Referral.objects.filter(family__in=families)
        .values("family__implementation")
        .annotate(
            period=Count("pk", filter=Q(date__gte=start, date__lte=end)),
            cumulative=Count("pk", filter=Q(date__lte=end)),
        )
    }
    preassessed = {
        r["family__implementation"]: r
        for r in Preassessment.objects.filter(family__in=families)
        .values("family__implementation")
        .annotate(
            period=Count("pk", filter=Q(date__gte=start, date__lte=end)),
            cumulative=Count("pk", filter=Q(date__lte=end)),
        )
    }
    included_by_end = Exists(
        TransitionLog.objects.filter(family=OuterRef("pk"), to_state=State.INCLUSA, effective_on__lte=end)
    )
    ended_by_end = Exists(
        TransitionLog.objects.filter(family=OuterRef("pk"), to_state__in=ENDED_STATES, effective_on__lte=end)
    )
    active = dict(
        families.annotate(inc=included_by_end, gone=ended_by_end)
        .filter(inc=True, gone=False)
        .values("implementation")
        .annotate(n=Count("pk"))
        .values_list("implementation", "n")
    )
    rows = []
    totals = {
        key: {"period": 0, "cumulative": 0} for key in ("referred", "preassessed", "included", "closed", "interrupted")
    }
    totals["active"] = 0
    for implementation in implementations:
        pk = implementation.pk
        row = {"implementation": str(implementation), "target_families": implementation.target_families}
        for key, source in (
            ("referred", referred.get(pk)),
            ("preassessed", preassessed.get(pk)),
            ("included", by_step.get((pk, State.INCLUSA))),
            ("closed", by_step.get((pk, State.CONCLUSA))),
            ("interrupted", by_step.get((pk, State.INTERROTTA))),
        ):
            row[key] = {
                "period": source["period"] if source else 0,
                "cumulative": source["cumulative"] if source else 0,
            }
            totals[key]["period"] += row[key]["period"]
            totals[key]["cumulative"] += row[key]["cumulative"]
        row["active"] = active.get(pk, 0)
        totals["active"] += row["active"]
        rows.append(row)
    interrupted = dict(
        families.filter(transitions__to_state=State.INTERROTTA, transitions__effective_on__lte=end)
        .values("interruption_reason")
        .annotate(n=Count("pk", distinct=True))
        .values_list("interruption_reason", "n")
    )
    reasons = dict(Family.InterruptionReason.choices)

    # Children reached: the minors of the families included by the end of the period, aged at inclusion.
    inclusion = TransitionLog.objects.filter(family=OuterRef("family"), to_state=State.INCLUSA).values("effective_on")[
        :1
    ]
    children = Member.objects.filter(
        family__in=families.filter(
            pk__in=TransitionLog.objects.filter(to_state=State.INCLUSA, effective_on__lte=end).values("family")
        ),
        kind=Member.Kind.MINORE,
    )
    band = Case(
        *[When(age__gte=low, age__lte=high, then=Value(label)) for label, low, high in AGE_BANDS],
        default=Value("18+"),
    )
    by_band = dict(
        children.annotate(included_on=inclusion)
        .annotate(age=AgeYears(F("included_on"), F("birth_date")))
        .annotate(band=band)
        .values("band")
        .annotate(n=Count("pk"))
        .values_list("band", "n")
    )
    by_comune = dict(
        children.values("family__comune__name").annotate(n=Count("pk")).values_list("family__comune__name", "n")
    )
    included_families = families.filter(
        transitions__to_state=State.INCLUSA, transitions__effective_on__lte=end
    ).distinct()

    by_type = dict(
        Intervention.objects.active_between(start, end)
        .filter(family__in=families)
        .values("type__name")
        .annotate(n=Count("family", distinct=True))
        .values_list("type__name", "n")
    )
    sedt = (
        TimeEntry.objects.delivered()
        .filter(timesheet__project=project, intervention__type__code="sedt")
        .aggregate(
            period=Sum("minutes", filter=Q(date__gte=start, date__lte=end)),
            cumulative=Sum("minutes", filter=Q(date__lte=end)),
        )
    )
    groups = groups_figures(project, start, end)
    pairings = Pairing.objects.active_between(start, end).filter(family__in=families)
    schools = SchoolPartnership.objects.filter(ambito=project.ambito, signed_on__lte=end)
    events = ParentingEvent.objects.filter(ambito=project.ambito, date__gte=start, date__lte=end).aggregate(
        count=Count("pk"),
        participants=Coalesce(Sum("participants_count"), 0),
        programme_families=Coalesce(Sum("programme_families"), 0),
    )
    return {
        "families": {"rows": rows, "totals": totals},
        "interrupted_by_reason": suppress({str(reasons[k]): v for k, v in interrupted.items() if k}),
        "children": {
            "total": sum(by_band.values()),
            "by_age_band": suppress({label: by_band.get(label, 0) for label, _low, _high in AGE_BANDS}),
            "by_comune": suppress(dict(sorted(by_comune.items()))),
        },
        "reunification": included_families.filter(reunification=True).count(),
        "families_by_intervention": suppress(dict(sorted(by_type.items()))),
        "sedt_hours": {"period": _hours(sedt["period"]), "cumulative": _hours(sedt["cumulative"])},
        "groups": groups,
        "pairings": {"active_in_period": pairings.count()},
        "school_partnerships": {
            "agreements": schools.count(),
            "meetings_in_period": SchoolMeeting.objects.filter(
                partnership__in=schools, date__gte=start, date__lte=end
            ).count(),
        },
        "parenting_events": events,
    }


def groups_figures(project: Project, start, end) -> dict:
    sessions = GroupSession.objects.filter(group__ambito=project.ambito, date__gte=start, date__lte=end)
    attendance = Attendance.objects.filter(session__in=sessions).aggregate(
        rows=Count("pk"), present=Count("pk", filter=Q(present=True))
    )
    return {
        "modules": Group.objects.filter(sessions__in=sessions).distinct().count(),
        "sessions": sessions.count(),
        "attendance_rate": _rate(attendance["present"], attendance["rows"]),
    }


def outcomes(families, start, end) -> dict:
    verifications = dict(
        Verification.objects.filter(
            objective__plan__family__in=families,
            objective__plan__superseded_at__isnull=True,
            time_point="T2",
            date__lte=end,
        )
        .values("outcome")
        .annotate(n=Count("pk"))
        .values_list("outcome", "n")
    )
    # Mondo del Bambino: mean rating per side at T0 and T2, over the families with both (T2 by the end).
    # The families (and below the children) are read first as a list of ids: one short query, and the
    # aggregate that follows is planned on a known set instead of nested subqueries, which PostgreSQL
    # planned as nested loops on unanalysed tables (seconds instead of milliseconds).
    complete = Assessment.objects.filter(family=OuterRef("pk"), is_complete=True)
    with_both = list(
        families.filter(
            Exists(complete.filter(time_point="T0")), Exists(complete.filter(time_point="T2", date__lte=end))
        ).values_list("pk", flat=True)
    )
    sides = (
        AssessmentRating.objects.filter(
            assessment__family_id__in=with_both, assessment__time_point__in=["T0", "T2"], rating__isnull=False
        )
        .values("subdimension__side__number", "subdimension__side__short_title", "assessment__time_point")
        .annotate(mean=Avg("rating"))
        .order_by("subdimension__side__number")
    )
    by_side: dict[int, dict] = {}
    for row in sides:
        entry = by_side.setdefault(row["subdimension__side__number"], {"side": row["subdimension__side__short_title"]})
        entry[row["assessment__time_point"].lower()] = _round(row["mean"])
    for entry in by_side.values():
        entry["change"] = _round(entry["t2"] - entry["t0"]) if "t0" in entry and "t2" in entry else None
    # SDQ: mean total difficulties at T0 and T2 of the children with both (parent's questionnaire).
    sdq = SDQScore.objects.filter(respondent=SDQScore.Respondent.GENITORE)
    children_with_t2 = list(
        sdq.filter(member__family__in=families, time_point="T2", date__lte=end)
        .order_by()
        .values_list("member_id", flat=True)
        .distinct()
    )
    sdq_means = dict(
        sdq.filter(member_id__in=children_with_t2, time_point__in=["T0", "T2"])
        .values("time_point")
        .annotate(mean=Avg("total_difficulties"))
        .values_list("time_point", "mean")
    )
    closures = Closure.objects.filter(family__in=families, date__lte=end)
    by_outcome = (
        closures.values("outcome__code", "outcome__label")
        .annotate(period=Count("pk", filter=Q(date__gte=start)), cumulative=Count("pk"))
        .order_by("outcome__code")
    )
    at_home = closures.aggregate(
        yes=Count("pk", filter=Q(child_at_home=True)), no=Count("pk", filter=Q(child_at_home=False))
    )
    t0, t2 = sdq_means.get("T0"), sdq_means.get("T2")
    return {
        "objectives_at_t2": {
            "raggiunto": verifications.get("raggiunto", 0),
            "parzialmente": verifications.get("parzialmente", 0),
            "non_raggiunto": verifications.get("non_raggiunto", 0),
        },
        "families_with_t0_t2": len(with_both),
        "mondo_del_bambino": [by_side[number] for number in sorted(by_side)],
        "sdq_total_difficulties": {
            "children": len(children_with_t2),
            "t0": _round(t0),
            "t2": _round(t2),
            "change": _round(t2 - t0) if t0 is not None and t2 is not None else None,
        },
        "closures_by_outcome": _columns(
            {f"{r['outcome__code']} — {r['outcome__label']}": r["period"] for r in by_outcome},
            {f"{r['outcome__code']} — {r['outcome__label']}": r["cumulative"] for r in by_outcome},
        ),
        "children_at_home": suppress({"sì": at_home["yes"], "no": at_home["no"]}),
    }


def _columns(period: dict[str, int], cumulative: dict[str, int]) -> list[dict]:
    """A breakdown with a period and a cumulative column, each suppressed on its own."""
    period_cells, cumulative_cells = dict(suppress(period)), dict(suppress(cumulative))
    return [{"label": key, "period": period_cells[key], "cumulative": cumulative_cells[key]} for key in cumulative]


def finance(project: Project, start, end) -> dict:
    in_period = delivered_minutes_by_profile(project, since=start, until=end)
    cumulative = delivered_minutes_by_profile(project, until=end)
    budget = project_budget(project)
    forecast = {line.profile: line for line in budget.lines}
    profiles = []
    spent = Decimal(0)
    for line in project.budget_lines.all():
        cumulative_hours = Decimal(cumulative.get(line.profile, 0)) / 60
        cost = (cumulative_hours * line.hourly_cost).quantize(Decimal("0.01"), ROUND_HALF_UP)
        spent += cost
        profiles.append(
            {
                "profile": str(Profile(line.profile).label),
                "minimum_hours": line.minimum_hours,
                "period_hours": _hours(in_period.get(line.profile)),
                "cumulative_hours": _hours(cumulative.get(line.profile)),
                "percent_of_minimum": _rate(cumulative_hours, line.minimum_hours),
                "hourly_cost": str(line.hourly_cost),
                "spent": str(cost),
                "forecast_hours": float(forecast[line.profile].forecast_hours) if line.profile in forecast else None,
                "will_miss_minimum": forecast[line.profile].will_miss_minimum if line.profile in forecast else None,
            }
        )
    return {
        "profiles": profiles,
        "spent": str(spent),
        "amount": str(project.amount),
        "spent_percent": _rate(spent, project.amount),
        "forecast_observed_until": budget.observed_until.isoformat() if budget.observed_until else None,
    }


def partner(project: Project, start, end) -> dict:
    """Complaints, satisfaction, controls and impact indicators (the partner's section), with labels and the
    small-cell rule applied: breakdowns suppressed, and no mean published over fewer answers than the
    threshold."""
    quality = quality_section(project=project, start=start, end=end)
    threshold = settings.REPORT_SMALL_CELL_THRESHOLD
    complaints = quality["complaints"]
    channels, outcomes_ = dict(Complaint.Channel.choices), dict(Complaint.Outcome.choices)
    statuses = dict(QualityControl.Status.choices)

    def mean_or_hidden(figures: dict):
        return figures["mean"] if figures["responses"] >= threshold else f"n.d. (< {threshold} risposte)"

    return {
        "complaints": {
            "received": complaints["received"],
            "closed": complaints["closed"],
            "open": complaints["open"],
            "mean_days_to_close": complaints["mean_days_to_close"],
            "by_channel": suppress({str(channels[k]): v for k, v in complaints["by_channel"].items() if v}),
            "by_outcome": suppress({str(outcomes_[k]): v for k, v in complaints["by_outcome"].items() if v}),
        },
        "satisfaction": [
            {
                "audience": str(label),
                "responses": quality["satisfaction"][code]["responses"],
                "mean": mean_or_hidden(quality["satisfaction"][code]),
                "surveys": [
                    {
                        "title": survey["title"],
                        "responses": survey["responses"],
                        "mean": mean_or_hidden(survey),
                        "items": [
                            {"text": item["text"], "mean": item["mean"] if item["n"] >= threshold else None}
                            for item in survey["items"]
                        ],
                    }
                    for survey in quality["satisfaction"][code]["surveys"]
                ],
            }
            for code, label in Audience.choices
        ],
        "quality_controls": {
            "total": quality["quality_controls"]["total"],
            "with_corrective_actions": quality["quality_controls"]["with_corrective_actions"],
            "by_status": {str(statuses[k]): v for k, v in quality["quality_controls"]["by_status"].items() if v},
        },
        "impact_indicators": [
            {
                "name": row["name"],
                "unit": row["unit"],
                "baseline": row["baseline"],
                "target": row["target"],
                "latest_value": row["latest"]["value"] if row["latest"] else None,
                "latest_period_end": row["latest"]["period_end"] if row["latest"] else None,
                "reached": row["reached"],
            }
            for row in quality["impact_indicators"]
        ],
    }
