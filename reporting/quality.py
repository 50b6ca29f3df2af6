"""The quality figures that the semester report (section 6, partner section) and the annual synthesis carry:
complaints and their handling, satisfaction of beneficiaries and operators, controls on the services
delivered, social-impact indicators (DESIGN.md §3.5, seed 001 "Rendicontazioni, dati e relazioni").

Every figure is an aggregate computed by PostgreSQL, with a fixed number of queries whatever the data size.
The result is plain JSON (numbers, strings, lists, dicts), ready to be frozen into a report snapshot. It holds
no free text written by or about people: survey comments are only on the Ufficio di Piano's own page
(`survey_comments`). Small-cell suppression ("< 3") is the report renderer's job, as for every breakdown.
"""

from __future__ import annotations

import datetime
from typing import Any

from django.db.models import Avg, Count, Q, Sum

from equipes.models import Project
from pippi_portal import compiled
from pippi_portal.query_batch import gather

from . import impact
from .models import (
    DAYS_TO_CLOSE,
    LIKERT_MIN,
    Audience,
    Complaint,
    ImpactIndicator,
    QualityControl,
    SatisfactionSurvey,
    SurveyAnswer,
    SurveyItem,
    SurveyResponse,
    indicator_progress,
    open_on_q,
)


def _mean(value) -> float | None:
    return None if value is None else round(float(value), 2)


def quality_section(*, project: Project, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The quality figures of `project` between `start` and `end` (both included).

    - complaints: received (received_on in the period), closed (closed_on in the period), open (still open on
      the last day of the period), received by channel, closed by outcome, mean days to close of those closed;
    - satisfaction per audience: responses given in the period, with the number of scores `n` and their
      overall mean; per survey the same plus each statement's n and mean;
    - quality controls carried out in the period: total, by status, by kind, how many asked for corrective
      actions;
    - impact indicators: baseline, target and the latest value of a period ending by `end`; a computed
      indicator's value is computed over the period itself (reporting.impact).
    """
    complaints, satisfaction, controls, impact_indicators = gather(
        lambda: complaint_figures(project=project, start=start, end=end),
        lambda: satisfaction_figures(project=project, start=start, end=end),
        lambda: control_figures(project=project, start=start, end=end),
        lambda: indicator_figures(project=project, until=end, start=start),
    )
    return {
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "complaints": complaints,
        "satisfaction": satisfaction,
        "quality_controls": controls,
        "impact_indicators": impact_indicators,
    }


def complaint_figures(*, project: Project, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    # One row per (channel, outcome) met, summed here: a handful of aggregates instead of one per channel and
    # per outcome (the query was among the report's slowest to build; now compiled once per process).
    rows = compiled.rows("quality.complaints", _complaint_rows, project.pk, start, end)
    by_channel = dict.fromkeys(Complaint.Channel.values, 0)
    by_outcome = dict.fromkeys(Complaint.Outcome.values, 0)
    totals = {"received": 0, "closed": 0, "open": 0}
    days = datetime.timedelta(0)
    for row in rows:
        for key in totals:
            totals[key] += row[key]
        if row["channel"] in by_channel:
            by_channel[row["channel"]] += row["received"]
        if row["outcome"] in by_outcome:
            by_outcome[row["outcome"]] += row["closed"]
        days += row["days"] or datetime.timedelta(0)
    return {
        **totals,
        "by_channel": by_channel,
        "by_outcome": by_outcome,
        "mean_days_to_close": round(days.total_seconds() / 86400 / totals["closed"], 1) if totals["closed"] else None,
    }


def _complaint_rows(project_id: int, start: datetime.date, end: datetime.date):
    received = Q(received_on__range=(start, end))
    closed = Q(closed_on__range=(start, end))
    return (
        Complaint.objects.filter(project=project_id)
        .values("channel", "outcome")
        .annotate(
            received=Count("pk", filter=received),
            closed=Count("pk", filter=closed),
            open=Count("pk", filter=open_on_q(end)),
            days=Sum(DAYS_TO_CLOSE, filter=closed),
        )
        .order_by()
    )


def satisfaction_figures(*, project: Project, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    # Per survey, the responses and the scores; the audiences' figures are their sums (an audience's mean is
    # its scores' total over their number, as the average of every score would be).
    surveys, survey_scores, items = gather(
        lambda: compiled.rows("quality.surveys", _survey_rows, project.pk, start, end),
        lambda: {
            row["response__survey_id"]: row
            for row in compiled.rows("quality.survey_scores", _survey_score_rows, project.pk, start, end)
        },
        lambda: compiled.rows("quality.survey_items", _survey_item_rows, project.pk, start, end),
    )
    items_by_survey: dict[int, list[dict]] = {}
    for item in items:
        items_by_survey.setdefault(item["survey_id"], []).append(
            {"order": item["order"], "text": item["text"], "n": item["n"], "mean": _mean(item["mean"])}
        )

    result = {a: {"responses": 0, "n": 0, "mean": None, "surveys": []} for a in Audience.values}
    totals = dict.fromkeys(Audience.values, 0)
    for survey in surveys:
        survey_score = survey_scores.get(survey["survey_id"], {"n": 0, "total": 0, "mean": None})
        audience = result[survey["survey__audience"]]
        audience["responses"] += survey["responses"]
        audience["n"] += survey_score["n"]
        totals[survey["survey__audience"]] += survey_score["total"] or 0
        audience["surveys"].append(
            {
                "title": survey["survey__title"],
                "period_start": survey["survey__period_start"].isoformat(),
                "period_end": survey["survey__period_end"].isoformat(),
                "responses": survey["responses"],
                "n": survey_score["n"],
                "mean": _mean(survey_score["mean"]),
                "items": items_by_survey.get(survey["survey_id"], []),
            }
        )
    for code, audience in result.items():
        if audience["n"]:
            audience["mean"] = _mean(totals[code] / audience["n"])
    return result


def _survey_rows(project_id: int, start: datetime.date, end: datetime.date):
    return (
        SurveyResponse.objects.filter(submitted_on__range=(start, end), survey__project=project_id)
        .values("survey_id", "survey__audience", "survey__title", "survey__period_start", "survey__period_end")
        .annotate(responses=Count("pk"))
        .order_by("survey__period_start", "survey__title")
    )


def _survey_score_rows(project_id: int, start: datetime.date, end: datetime.date):
    return (
        SurveyAnswer.objects.filter(response__survey__project=project_id, response__submitted_on__range=(start, end))
        .values("response__survey_id")
        .annotate(n=Count("pk"), total=Sum("score"), mean=Avg("score"))
        .order_by()
    )


def _survey_item_rows(project_id: int, start: datetime.date, end: datetime.date):
    return (
        SurveyItem.objects.filter(survey__project=project_id)
        .with_statistics(Q(answers__response__submitted_on__range=(start, end)), per_point=False)
        .values("survey_id", "order", "text", "n", "mean")
        .order_by("survey_id", "order")
    )


def control_figures(*, project: Project, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    # One row per (status, kind) met, summed here (as the complaints).
    rows = compiled.rows("quality.controls", _control_rows, project.pk, start, end)
    by_status = dict.fromkeys(QualityControl.Status.values, 0)
    by_kind = dict.fromkeys(QualityControl.Kind.values, 0)
    total = corrective = 0
    for row in rows:
        total += row["n"]
        corrective += row["corrective"]
        if row["status"] in by_status:
            by_status[row["status"]] += row["n"]
        if row["kind"] in by_kind:
            by_kind[row["kind"]] += row["n"]
    return {"total": total, "by_status": by_status, "by_kind": by_kind, "with_corrective_actions": corrective}


def _control_rows(project_id: int, start: datetime.date, end: datetime.date):
    return (
        QualityControl.objects.filter(project=project_id, checked_on__range=(start, end))
        .values("status", "kind")
        .annotate(n=Count("pk"), corrective=Count("pk", filter=~Q(corrective_actions="")))
        .order_by()
    )


def indicator_figures(
    *, project: Project, until: datetime.date, start: datetime.date | None = None
) -> list[dict[str, Any]]:
    """The project's indicators with their latest typed value of a period ending by `until`, or, for a computed
    one, its value computed from `start` (the project's start when None) to `until`."""
    if until is None:
        indicators = list(_indicator_rows(project.pk, None))
    else:
        indicators = compiled.rows("quality.indicators", _indicator_rows, project.pk, until)
    period = impact.Period(project.pk, start or project.start_date, until)
    computed = impact.values_for({i["formula"] for i in indicators if i["formula"]}, [period])
    for indicator in indicators:
        if indicator["formula"]:
            indicator["latest_value"] = computed[(indicator["formula"], period)]
            indicator["latest_period_start"], indicator["latest_period_end"] = period.start, period.end
    result = []
    for indicator in indicators:
        reached, progress = indicator_progress(
            baseline=indicator["baseline"],
            target=indicator["target"],
            value=indicator["latest_value"],
            direction=indicator["direction"],
        )
        latest = indicator["latest_value"]
        result.append(
            {
                "name": indicator["name"],
                "computed": bool(indicator["formula"]),
                "unit": indicator["unit"],
                "direction": indicator["direction"],
                "baseline": float(indicator["baseline"]),
                "target": float(indicator["target"]),
                "latest": None
                if latest is None
                else {
                    "value": float(latest),
                    "period_start": indicator["latest_period_start"].isoformat(),
                    "period_end": indicator["latest_period_end"].isoformat(),
                },
                "reached": reached,
                "progress_percent": progress,
            }
        )
    return result


def _indicator_rows(project_id: int, until: datetime.date | None):
    return (
        ImpactIndicator.objects.filter(project=project_id)
        .with_latest_value(until=until)
        .values(
            "formula",
            "name",
            "unit",
            "direction",
            "baseline",
            "target",
            "latest_value",
            "latest_period_start",
            "latest_period_end",
        )
        .order_by("name")
    )


# --- The pages of one survey ---------------------------------------------------------------------------


def response_counts(survey: SatisfactionSurvey) -> dict[str, int]:
    """How many questionnaires a survey got: `total`, and per channel (`carta`, `link`)."""
    return survey.responses.aggregate(
        total=Count("pk"),
        **{channel: Count("pk", filter=Q(channel=channel)) for channel in SurveyResponse.Channel.values},
    )


def survey_results(survey: SatisfactionSurvey) -> dict[str, Any]:
    """Everything the results page shows: responses by channel, the overall mean with its n, and per
    statement the n, the mean and the distribution over the scale (three queries)."""
    counts = response_counts(survey)
    overall = SurveyAnswer.objects.filter(response__survey=survey).aggregate(n=Count("pk"), mean=Avg("score"))
    items = []
    points = survey.project.likert_points
    for item in survey.items.with_statistics(points=points).order_by("order"):
        distribution, offset = [], 0.0
        for point in range(LIKERT_MIN, points + 1):
            count = getattr(item, f"n{point}")
            share = 100 * count / item.n if item.n else 0.0
            # `offset` and `width`: the point's segment on a 0–100 bar.
            distribution.append(
                {"score": point, "count": count, "percent": round(share), "offset": offset, "width": share}
            )
            offset += share
        items.append(
            {
                "order": item.order,
                "text": item.text,
                "n": item.n,
                "mean": _mean(item.mean),
                "distribution": distribution,
            }
        )
    return {"responses": counts, "n": overall["n"], "mean": _mean(overall["mean"]), "items": items}


def survey_comments(survey: SatisfactionSurvey) -> list[dict[str, Any]]:
    """The free comments of a survey, newest first, for the Ufficio di Piano's own page (never in reports)."""
    return list(
        survey.responses.exclude(comment="")
        .order_by("-submitted_on", "-pk")
        .values("submitted_on", "channel", "comment")
    )
