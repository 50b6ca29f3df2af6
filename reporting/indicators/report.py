"""The report's sections, assembled from the named figures: what the snapshot holds, with labels, rounding
and small-cell suppression applied."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from equipes.models import (
    Comune,
    Equipe,
    GovernanceMeeting,
    Implementation,
    Organisation,
    Profile,
    Project,
    StaffTraining,
    User,
)
from families.models import Family, State
from families.pseudonymisation import families_redactor
from interventions.selectors import ProjectBudget, budget_lines_of, by_profile, project_budget
from pippi_portal import compiled
from pippi_portal.query_batch import gather

from ..models import Audience, Complaint, QualityControl
from ..quality import quality_section
from ..targets import project_target_progress
from .ambito_figures import (
    active_per_ambito,
    children_per_ambito,
    group_sessions_per_ambito,
    minutes_per_ambito,
    referred_per_ambito,
    steps_per_ambito,
)
from .cells import columns, hours, rate, rounded, suppress
from .outcome_figures import (
    children_at_home,
    closures_by_outcome,
    closures_by_outcome_and_home,
    families_with_t0_and_t2,
    mdb_change_by_side,
    objectives_by_outcome,
    sdq_total_change,
)
from .path_figures import (
    children_reached,
    families_at,
    families_preassessed,
    families_referred,
)
from .work_figures import (
    Minutes,
    active_pairings,
    attendance_rate,
    families_by_intervention_type,
    group_activity,
    parenting_events,
    report_windows,
    school_activity,
    sedt_hours,
)


def compute(project: Project, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """All the figures of a report for `project` between `start` and `end` (both included); cumulative
    figures run from the project's start to `end`.

    The sections' queries are independent: `gather` sends them to PostgreSQL a round at a time (each figure
    stays a query of its own, the page makes a handful of round trips instead of one per figure). The figures
    of hours are the exception: they share the budget's one pass over the project's time entries."""

    def implementations():
        return compiled.rows(
            "report.implementations",
            lambda project_id: Implementation.objects.filter(project=project_id).order_by("number"),
            project.pk,
        )

    # Every figure of hours (finance, SEDT hours, hours per ambito) and the budget's forecast read the project's
    # entries in one pass, before the sections: the entries are the largest table the report reads.
    budget = project_budget(project, windows=report_windows(start, end))
    minutes = budget.minutes_in

    def several_ambiti():
        # The same query as the cover's list of associated ambiti: answered once.
        if _associated_names(project):
            return ambiti(project, start, end, minutes=minutes)
        return None

    sections = {
        "meta": lambda: meta(project, start, end),
        "cover": lambda: cover(project, start, end),
        "procedural": lambda: procedural(project, implementations, start, end),
        "physical": lambda: physical(project, implementations, start, end, minutes=minutes),
        "outcomes": lambda: outcomes(project, start, end),
        "finance": lambda: finance(project, start, end, budget=budget),
        "partner": lambda: partner(project, start, end),
        "targets": lambda: targets(project, end),
        "ambiti": several_ambiti,
    }
    figures = dict(zip(sections, gather(*sections.values()), strict=True))
    if figures["ambiti"] is None:
        del figures["ambiti"]
    return figures


def _implementations(implementations) -> list[Implementation]:
    """The implementations as given: a list, or a callable returning it (inside `gather`)."""
    return implementations() if callable(implementations) else implementations


def _associated_names(project: Project) -> list[str]:
    """The associated ambiti's names (the cover's list, and whether the report has a section per ambito)."""
    return compiled.rows(
        "report.associated",
        lambda project_id: (
            Project.associated_ambiti.through.objects.filter(project_id=project_id)
            .order_by("ambito__name")
            .values_list("ambito__name", flat=True)
        ),
        project.pk,
    )


def targets(project: Project, end: datetime.date) -> list[dict]:
    """The progress of the project's targets at the end of the period: value, minimum and what is missing."""
    return [t.as_snapshot() for t in project_target_progress([project], as_of=end)[project.pk]]


def meta(project: Project, start: datetime.date, end: datetime.date) -> dict:
    """What every snapshot says about itself: the period, where cumulative figures start, the small-cell
    threshold applied and when it was computed."""
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "cumulative_from": project.start_date.isoformat(),
        "threshold": settings.REPORT_SMALL_CELL_THRESHOLD,
        "computed_at": timezone.now().isoformat(timespec="seconds"),
    }


def cover(project: Project, start: datetime.date, end: datetime.date) -> dict:
    """Section 1: the ambito (the lead, for a project of several ambiti, with the associated ones), the project
    and the period."""
    ambito, associated, comuni, partners = gather(
        lambda: project.ambito,
        lambda: _associated_names(project),
        lambda: compiled.rows("report.comuni", _comuni, project.pk, project.ambito_id),
        lambda: compiled.rows(
            "report.partners",
            lambda project_id: (
                Organisation.objects.filter(projects=project_id).order_by("name").values_list("name", flat=True)
            ),
            project.pk,
        ),
    )
    return {
        "ambito": ambito.name,
        # Only a project of several ambiti names them: a single-ambito project's cover is as it always was.
        **({"associated_ambiti": associated} if associated else {}),
        "lead_municipality": ambito.lead_municipality,
        "comuni": comuni,
        "project_title": project.title,
        "measure": project.measure_code,
        "cup": project.cup,
        "amount": str(project.amount),
        "funding_decree": project.funding_decree,
        "project_period": {"start": project.start_date.isoformat(), "end": project.end_date.isoformat()},
        "funding": project.funding_source,
        "funding_label": str(project.get_funding_source_display()),
        "concluded_on": project.concluded_on.isoformat() if project.concluded_on else "",
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "partners": partners,
    }


def _comuni(project_id: int, ambito_id: int):
    """The comuni of the project's ambiti (lead and associated), by name."""
    associated = Project.associated_ambiti.through.objects.filter(project_id=project_id).values("ambito_id")
    return (
        Comune.objects.filter(Q(ambito=ambito_id) | Q(ambito__in=associated))
        .order_by("name")
        .values_list("name", flat=True)
    )


def procedural(project: Project, implementations, start, end) -> dict:
    """Section 2: the implementations and their phase, the équipes, the staff trained, governance meetings (the
    project's, not its ambiti's: a second project of the same ambito must not count them again).
    `implementations`: the project's, in order (a list, or a callable returning it)."""
    associated = compiled.rows(
        "report.associated_ids",
        lambda project_id: Project.associated_ambiti.through.objects.filter(project_id=project_id).values_list(
            "ambito_id", flat=True
        ),
        project.pk,
    )
    ambito_ids = [project.ambito_id, *sorted(associated)]  # as `Project.ambito_ids`
    kinds = dict(GovernanceMeeting.Kind.choices)
    # Compiled once per process for each set of ambiti (`pippi_portal.compiled`): the dates and the project are
    # arguments.
    ids = tuple(ambito_ids)
    implementations, trained, equipes, staff, by_kind = gather(
        lambda: _implementations(implementations),
        lambda: compiled.aggregate(
            ("report.trained", ids),
            lambda since, until: (
                StaffTraining.objects.filter(user__ambito__in=ids, completed_on__gte=since, completed_on__lte=until),
                {"people": Count("user", distinct=True), "hours": Coalesce(Sum("hours"), Decimal(0))},
            ),
            project.start_date,
            end,
        ),
        lambda: compiled.aggregate(
            ("report.equipes", ids),
            lambda: (
                Equipe.objects.filter(ambito__in=ids, memberships__isnull=False),
                {"n": Count("pk", distinct=True)},
            ),
        )["n"],
        lambda: compiled.count(
            ("report.staff", ids),
            lambda: User.objects.filter(ambito__in=ids, is_active=True, is_superuser=False).exclude(role="admin"),
        ),
        lambda: compiled.rows(
            ("report.meetings", ids), _meetings_by_kind(ids), project.pk, project.start_date, start, end
        ),
    )
    return {
        "implementations": [
            {
                "name": str(i),
                "number": i.number,
                "module": i.module,
                "start": i.start_date.isoformat(),
                "end": i.end_date.isoformat(),
                "phase": "da avviare" if end < i.start_date else ("conclusa" if end > i.end_date else "in corso"),
            }
            for i in implementations
        ],
        "equipes": equipes,
        "staff": {
            "trained_people": trained["people"],
            "training_hours": rounded(trained["hours"], 1),
            "staff_in_register": staff,
        },
        "governance_meetings": [
            {"kind": str(kinds[row["kind"]]), "period": row["period"], "cumulative": row["cumulative"]}
            for row in by_kind
        ],
    }


def _meetings_by_kind(ambito_ids: tuple[int, ...]):
    """Governance meetings of the project up to `end` per kind (in the period and cumulative), with those of its
    ambiti recorded without a project inside the project's period."""

    def build(project_id: int, project_start: datetime.date, start: datetime.date, end: datetime.date):
        return (
            GovernanceMeeting.objects.filter(
                Q(project=project_id) | Q(project__isnull=True, ambito__in=ambito_ids, date__gte=project_start),
                date__lte=end,
            )
            .values("kind")
            .annotate(period=Count("pk", filter=Q(date__gte=start)), cumulative=Count("pk"))
            .order_by("kind")
        )

    return build


def physical(project: Project, implementations, start, end, *, minutes: Minutes | None = None) -> dict:
    """Section 3: the families per implementation (in the period and cumulative), the children reached and
    what was done for them. `implementations`: the project's, in order (a list, or a callable returning it);
    `minutes`: the project's `report_minutes`, when already read."""
    (
        implementations,
        referred,
        preassessed,
        at_end,
        children,
        by_type,
        sedt,
        groups,
        pairings,
        schools,
        parenting,
    ) = gather(
        lambda: _implementations(implementations),
        lambda: families_referred(project, start, end),
        lambda: families_preassessed(project, start, end),
        lambda: families_at(project, end, start=start),
        lambda: children_reached(project, end),
        lambda: families_by_intervention_type(project, start, end),
        lambda: sedt_hours(project, start, end, minutes=minutes),
        lambda: group_activity(project, start, end),
        lambda: active_pairings(project, start, end),
        lambda: school_activity(project, start, end),
        lambda: parenting_events(project, start, end),
    )
    rows = []
    totals = {
        key: {"period": 0, "cumulative": 0} for key in ("referred", "preassessed", "included", "closed", "interrupted")
    }
    totals["active"] = 0
    for implementation in implementations:
        pk = implementation.pk
        row = {"implementation": str(implementation)}
        for key, counts in (
            ("referred", referred.get(pk)),
            ("preassessed", preassessed.get(pk)),
            ("included", at_end.by_step.get((pk, State.INCLUSA))),
            ("closed", at_end.by_step.get((pk, State.CONCLUSA))),
            ("interrupted", at_end.by_step.get((pk, State.INTERROTTA))),
        ):
            row[key] = dict(counts) if counts else {"period": 0, "cumulative": 0}
            totals[key]["period"] += row[key]["period"]
            totals[key]["cumulative"] += row[key]["cumulative"]
        row["active"] = at_end.active.get(pk, 0)
        totals["active"] += row["active"]
        rows.append(row)
    reasons = dict(Family.InterruptionReason.choices)
    return {
        "families": {"rows": rows, "totals": totals},
        "interrupted_by_reason": suppress({str(reasons[k]): v for k, v in at_end.interrupted_by_reason.items() if k}),
        "children": {
            "total": sum(children.by_age_band.values()),
            "by_age_band": suppress(
                {label: children.by_age_band.get(label, 0) for label, _low, _high in project.rules.age_bands}
            ),
            "by_comune": suppress(dict(sorted(children.by_comune.items()))),
        },
        "reunification": at_end.reunification,
        "families_by_intervention": suppress(dict(sorted(by_type.items()))),
        "sedt_hours": sedt,
        "groups": {
            "modules": groups["modules"],
            "sessions": groups["sessions"],
            "attendance_rate": attendance_rate(groups),
        },
        "pairings": {"active_in_period": pairings},
        "school_partnerships": {
            "agreements": schools["agreements"],
            "meetings_in_period": schools["meetings"],
        },
        "parenting_events": parenting,
    }


def outcomes(project: Project, start, end) -> dict:
    """Section 4: objectives verified at T2, Mondo del Bambino and SDQ changes, closures and children at home,
    all by the end of the period."""
    with_both, closure_rows, objectives, sdq = gather(
        lambda: families_with_t0_and_t2(project, end),
        lambda: closures_by_outcome_and_home(project, start, end),
        lambda: objectives_by_outcome(project, end),
        lambda: sdq_total_change(project, end),
    )
    closures = closures_by_outcome(project, start, end, rows=closure_rows)
    return {
        "objectives_at_t2": objectives,
        "families_with_t0_t2": len(with_both),
        "mondo_del_bambino": mdb_change_by_side(with_both),
        "sdq_total_difficulties": sdq,
        "closures_by_outcome": columns(
            {label: counts["period"] for label, counts in closures.items()},
            {label: counts["cumulative"] for label, counts in closures.items()},
        ),
        "children_at_home": suppress(children_at_home(project, end, rows=closure_rows)),
    }


def ambiti(project: Project, start, end, *, minutes: Minutes | None = None) -> dict:
    """The figures of each ambito of a project of several ambiti (the lead first, then the associated ones by
    name) beside the project's totals: families referred, included, active, closed and interrupted, children
    reached, hours delivered (all and SEDT) and group sessions. Aggregates only, as the rest of the report.
    `minutes`: the project's `report_minutes`, when already read."""
    referred, steps, active, children, minutes, sessions, project_ambiti = gather(
        lambda: referred_per_ambito(project, start, end),
        lambda: steps_per_ambito(project, start, end),
        lambda: active_per_ambito(project, end),
        lambda: children_per_ambito(project, end),
        lambda: minutes_per_ambito(project, start, end, minutes=minutes),
        lambda: group_sessions_per_ambito(project, start, end),
        lambda: list(project.ambiti()),
    )
    zero = {"period": 0, "cumulative": 0}
    rows = []
    for ambito in sorted(project_ambiti, key=lambda a: (a.pk != project.ambito_id, a.name)):
        pk = ambito.pk
        spent = minutes.get(pk, {})
        rows.append(
            {
                "ambito": ambito.name,
                "code": ambito.code,
                "lead": pk == project.ambito_id,
                "referred": dict(referred.get(pk, zero)),
                "included": dict(steps.get((pk, State.INCLUSA), zero)),
                "closed": dict(steps.get((pk, State.CONCLUSA), zero)),
                "interrupted": dict(steps.get((pk, State.INTERROTTA), zero)),
                "active": active.get(pk, 0),
                "children": children.get(pk, 0),
                "hours": {"period": hours(spent.get("period")), "cumulative": hours(spent.get("cumulative"))},
                "sedt_hours": {
                    "period": hours(spent.get("sedt_period")),
                    "cumulative": hours(spent.get("sedt_cumulative")),
                },
                "group_sessions": sessions.get(pk, 0),
            }
        )
    totals = {
        key: {part: sum(row[key][part] for row in rows) for part in ("period", "cumulative")}
        for key in ("referred", "included", "closed", "interrupted")
    }
    for key in ("hours", "sedt_hours"):
        totals[key] = {part: round(sum(row[key][part] for row in rows), 1) for part in ("period", "cumulative")}
    for key in ("active", "children", "group_sessions"):
        totals[key] = sum(row[key] for row in rows)
    return {"rows": rows, "totals": totals}


def finance(project: Project, start, end, *, budget: ProjectBudget | None = None) -> dict:
    """Section 5: validated hours per professional profile against the minimum, spending and the forecast; the
    other cost items of the period with their document, and staff and other costs to the end of the period
    against the financed amount (for the final report, whose period is the project's, every item). `budget`:
    the project's budget with the report's windows (`report_windows`), when already read."""
    if budget is None:
        budget = project_budget(project, windows=report_windows(start, end))
    lines = budget_lines_of(project)
    items = [item for item in budget.cost_items if item.date <= end]  # by date, as the budget reads them
    in_period = by_profile(budget.minutes_in["period"])
    cumulative = by_profile(budget.minutes_in["to_end"])
    forecast = {line.profile: line for line in budget.lines}
    profiles = []
    spent = Decimal(0)
    for line in lines:
        cumulative_hours = Decimal(cumulative.get(line.profile, 0)) / 60
        cost = (cumulative_hours * line.hourly_cost).quantize(Decimal("0.01"), ROUND_HALF_UP)
        spent += cost
        profiles.append(
            {
                "profile": str(Profile(line.profile).label),
                "minimum_hours": line.minimum_hours,
                "period_hours": hours(in_period.get(line.profile)),
                "cumulative_hours": hours(cumulative.get(line.profile)),
                "percent_of_minimum": rate(cumulative_hours, line.minimum_hours),
                "hourly_cost": str(line.hourly_cost),
                "spent": str(cost),
                "forecast_hours": float(forecast[line.profile].forecast_hours) if line.profile in forecast else None,
                "will_miss_minimum": forecast[line.profile].will_miss_minimum if line.profile in forecast else None,
            }
        )
    other_cumulative = sum((item.amount for item in items), Decimal(0))
    in_period = [item for item in items if item.date >= start]
    other_period = sum((item.amount for item in in_period), Decimal(0))
    total = spent + other_cumulative
    # The descriptions are typed by people: the report leaves the portal, so the families' names never do.
    redact = families_redactor(Family.objects.filter(ambito__in=project.ambiti()).values("pk"))
    return {
        "profiles": profiles,
        "spent": str(spent),
        "amount": str(project.amount),
        "spent_percent": rate(spent, project.amount),
        "forecast_observed_until": budget.observed_until.isoformat() if budget.observed_until else None,
        "cost_items": [
            {
                "date": item.date.isoformat(),
                "category": str(item.get_category_display()),
                "description": redact(item.description),
                "document_reference": redact(item.document_reference),
                "document_attached": bool(item.document),
                "amount": str(item.amount),
            }
            for item in in_period
        ],
        "other_costs": {"period": str(other_period), "cumulative": str(other_cumulative)},
        "total_spent": str(total),
        "total_percent": rate(total, project.amount),
        "remaining": str(project.amount - total),
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
        # The points of the project's agreement scale, which the means are on.
        "satisfaction_scale": project.likert_points,
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
                "computed": row["computed"],
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
