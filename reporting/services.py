"""Workflows of the quality section: creating a survey with its statements, recording answers (typed in
from paper or given through a single-use link), generating links. Each runs in one transaction."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from equipes.models import Implementation, User
from families.models import Family
from families.services import TransitionRefused, families_take_over

from .models import (
    FINAL_REPORT_LABEL,
    ReportRun,
    SatisfactionSurvey,
    SurveyAnswer,
    SurveyItem,
    SurveyLink,
    SurveyLinkBatch,
    SurveyResponse,
    SurveyResultsReport,
)


def project_take_over_families(*, implementation: Implementation, by: User) -> list[Family]:
    """Carry the families still on their path from the concluded project that `implementation`'s project follows
    (`families.services.families_take_over`), once that project's final report has frozen its figures: the
    live figures follow the families to the new project, the old project's stay in its final report."""
    predecessor = implementation.project.predecessor
    frozen = (
        predecessor is not None
        and ReportRun.objects.filter(project=predecessor, kind=ReportRun.Kind.FINAL, label=FINAL_REPORT_LABEL)
        .exclude(snapshot_sha256="")
        .exists()
    )
    if predecessor is not None and predecessor.is_concluded and not frozen:
        raise TransitionRefused([_("la relazione finale del progetto precedente, con i suoi dati congelati")])
    return families_take_over(implementation=implementation, by=by)


class LinkAlreadyUsed(Exception):
    """The single-use link has already given its answer."""


@transaction.atomic
def survey_create(*, survey: SatisfactionSurvey, statements: list[str], by: User) -> SatisfactionSurvey:
    """Save a new survey and its statements, numbered in the order given."""
    survey.created_by = by
    survey.save()
    SurveyItem.objects.bulk_create(
        SurveyItem(survey=survey, order=number, text=text) for number, text in enumerate(statements, start=1)
    )
    return survey


@transaction.atomic
def survey_statements_replace(*, survey: SatisfactionSurvey, statements: list[str]) -> None:
    """Replace the statements of a survey nobody has answered yet (answers point at statements)."""
    if survey.responses.exists():
        raise ValueError("statements of an answered survey cannot change")
    survey.items.all().delete()
    SurveyItem.objects.bulk_create(
        SurveyItem(survey=survey, order=number, text=text) for number, text in enumerate(statements, start=1)
    )


def _record(
    *, survey: SatisfactionSurvey, scores: dict[int, int], comment: str, submitted_on: datetime.date, **fields
) -> SurveyResponse:
    items = set(survey.items.filter(pk__in=scores).values_list("pk", flat=True))
    if items != set(scores):
        raise ValueError("scores for statements of another survey")
    response = SurveyResponse.objects.create(survey=survey, comment=comment, submitted_on=submitted_on, **fields)
    SurveyAnswer.objects.bulk_create(
        SurveyAnswer(response=response, item_id=item, score=score) for item, score in scores.items()
    )
    return response


@transaction.atomic
def survey_response_record(
    *, survey: SatisfactionSurvey, scores: dict[int, int], comment: str, submitted_on: datetime.date, by: User
) -> SurveyResponse:
    """Record a paper questionnaire typed in by a member of staff (`scores`: statement id → 1..5)."""
    return _record(
        survey=survey,
        scores=scores,
        comment=comment,
        submitted_on=submitted_on,
        channel=SurveyResponse.Channel.CARTA,
        entered_by=by,
    )


@transaction.atomic
def survey_answer_by_link(
    *, link: SurveyLink, scores: dict[int, int], comment: str, on: datetime.date | None = None
) -> SurveyResponse:
    """Record the answer given through a single-use link (on `on`, today by default) and spend the link.
    The link is marked used with a conditional update, so two simultaneous submissions cannot both get
    through; the answer keeps no reference to the link."""
    spent = SurveyLink.objects.filter(pk=link.pk, used=False).update(used=True)
    if not spent:
        raise LinkAlreadyUsed
    link.used = True
    return _record(
        survey=link.batch.survey,
        scores=scores,
        comment=comment,
        submitted_on=on or timezone.localdate(),
        channel=SurveyResponse.Channel.LINK,
    )


@transaction.atomic
def survey_links_generate(*, batch: SurveyLinkBatch, count: int, by: User) -> SurveyLinkBatch:
    """Save a batch of `count` new single-use links, numbered 1..count."""
    batch.created_by = by
    batch.save()
    SurveyLink.objects.bulk_create(SurveyLink.new(batch, number) for number in range(1, count + 1))
    return batch


class SurveyReportRefused(Exception):
    """The report on a survey's results is not in the state the step needs; the message says why."""


def _survey_report_in(report: SurveyResultsReport, *states: str) -> None:
    if report.state not in states:
        raise SurveyReportRefused(
            _("Operazione non possibile: la relazione è «%(state)s».") % {"state": report.get_state_display()}
        )


@transaction.atomic
def survey_report_save(
    *,
    survey: SatisfactionSurvey,
    findings: str,
    improvements: str,
    shared_with_operators_on: datetime.date | None,
    by: User,
) -> SurveyResultsReport:
    """Write (or rewrite, while it is a draft) the report on a survey's results; it remembers who wrote it."""
    report = SurveyResultsReport.objects.select_for_update().filter(survey=survey).first()
    if report is None:
        report = SurveyResultsReport(survey=survey)
    else:
        _survey_report_in(report, SurveyResultsReport.State.BOZZA)
    report.findings, report.improvements = findings.strip(), improvements.strip()
    report.shared_with_operators_on = shared_with_operators_on
    report.written_by, report.written_at = by, timezone.now()
    report.save()
    return report


@transaction.atomic
def survey_report_submit(*, report: SurveyResultsReport, by: User) -> SurveyResultsReport:
    """Send the draft to the Ufficio di Piano, which reviews and approves it."""
    report = SurveyResultsReport.objects.select_for_update().get(pk=report.pk)
    _survey_report_in(report, SurveyResultsReport.State.BOZZA)
    if not report.findings:
        raise SurveyReportRefused(_("Prima di inviare la relazione scrivi gli esiti della rilevazione."))
    report.state, report.submitted_at, report.returned_at = SurveyResultsReport.State.INVIATA, timezone.now(), None
    report.save(update_fields=["state", "submitted_at", "returned_at"])
    return report


@transaction.atomic
def survey_report_back_to_draft(*, report: SurveyResultsReport, by: User) -> SurveyResultsReport:
    """The Ufficio di Piano sends the report back to its author for changes."""
    report = SurveyResultsReport.objects.select_for_update().get(pk=report.pk)
    _survey_report_in(report, SurveyResultsReport.State.INVIATA)
    report.state, report.submitted_at, report.returned_at = SurveyResultsReport.State.BOZZA, None, timezone.now()
    report.save(update_fields=["state", "submitted_at", "returned_at"])
    return report


@transaction.atomic
def survey_report_approve(*, report: SurveyResultsReport, by: User) -> SurveyResultsReport:
    """The Ufficio di Piano approves the report it received; from then on it is immutable."""
    report = SurveyResultsReport.objects.select_for_update().get(pk=report.pk)
    _survey_report_in(report, SurveyResultsReport.State.INVIATA)
    report.state = SurveyResultsReport.State.APPROVATA
    report.approved_by, report.approved_at = by, timezone.now()
    report.save(update_fields=["state", "approved_by", "approved_at"])
    return report
