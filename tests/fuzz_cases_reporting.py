"""How the forms of the reporting app are fuzzed (surveys and their links, complaints, controls, impact
indicators, report runs): one `Case` each, see tests/fuzz_cases.py."""

from __future__ import annotations

import contextlib

from django.urls import reverse

from families.services import TransitionRefused
from reporting import reports
from reporting import services as quality
from reporting.forms import (
    ComplaintForm,
    ImpactIndicatorForm,
    IndicatorValueForm,
    LinkAnswerForm,
    LinkBatchForm,
    PaperResponseForm,
    QualityControlForm,
    SurveyForm,
    SurveyResultsReportForm,
)
from reporting.report_forms import NarrativeForm, ReportStartForm
from reporting.takeover_views import TakeoverForm
from tests.fuzz_cases import Case, fresh, plain_save, save_with, udp


def survey_save(s, form, user):
    quality.survey_create(survey=form.save(commit=False), statements=form.cleaned_data["statements"], by=user)


def paper_save(s, form, user):
    quality.survey_response_record(
        survey=form.survey,
        scores=form.scores(),
        comment=form.cleaned_data["comment"],
        submitted_on=form.cleaned_data["submitted_on"],
        by=user,
    )


def link_answer_save(s, form, user):
    quality.survey_answer_by_link(link=fresh(s.link), scores=form.scores(), comment=form.cleaned_data["comment"])


def link_batch_save(s, form, user):
    quality.survey_links_generate(batch=form.save(commit=False), count=form.cleaned_data["count"], by=user)


def report_save(s, form, user):
    with contextlib.suppress(ValueError, reports.ReportRefused):
        reports.report_start(
            project=form.cleaned_data["project"], kind=form.cleaned_data["kind"], label=form.label, by=user
        )


def survey_report_save(s, form, user):
    with contextlib.suppress(quality.SurveyReportRefused):
        quality.survey_report_save(
            survey=fresh(s.survey),
            findings=form.cleaned_data["findings"],
            improvements=form.cleaned_data["improvements"],
            shared_with_operators_on=form.cleaned_data["shared_with_operators_on"],
            by=user,
        )


def narrative_save(s, form, user):
    reports.report_save_narrative(run=fresh(s.run), texts=form.cleaned_data, by=user)


def takeover_save(s, form, user):
    # What the view does: the service's refusals (no predecessor, no final report) become a form error.
    with contextlib.suppress(TransitionRefused):
        quality.project_take_over_families(implementation=form.cleaned_data["implementation"], by=user)


def cases() -> list[Case]:
    return [
        Case(
            "TakeoverForm",
            TakeoverForm,
            lambda s, d, fl: TakeoverForm(d, project=fresh(s.project)),
            user=udp,
            url=lambda s: reverse("reporting:project-takeover", args=[s.project.pk]),
            save=takeover_save,
        ),
        Case(
            "SurveyForm",
            SurveyForm,
            lambda s, d, fl: SurveyForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("reporting:survey-create"),
            save=survey_save,
        ),
        Case(
            "PaperResponseForm",
            PaperResponseForm,
            lambda s, d, fl: PaperResponseForm(d, survey=fresh(s.survey)),
            user=udp,
            url=lambda s: reverse("reporting:survey-response-create", args=[s.survey.pk]),
            save=paper_save,
        ),
        Case(
            "LinkAnswerForm",
            LinkAnswerForm,
            lambda s, d, fl: LinkAnswerForm(d, survey=fresh(s.survey)),
            user=lambda s: None,
            url=lambda s: s.link.get_absolute_url(),
            save=link_answer_save,
        ),
        Case(
            "LinkBatchForm",
            LinkBatchForm,
            lambda s, d, fl: LinkBatchForm(d, survey=fresh(s.survey)),
            user=udp,
            url=lambda s: reverse("reporting:survey-links-create", args=[s.survey.pk]),
            save=link_batch_save,
        ),
        Case(
            "SurveyResultsReportForm",
            SurveyResultsReportForm,
            lambda s, d, fl: SurveyResultsReportForm(d, survey=fresh(s.survey)),
            user=lambda s: s.users.referente_ente,
            url=lambda s: reverse("reporting:survey-report", args=[s.survey.pk]),
            save=survey_report_save,
        ),
        Case(
            "ComplaintForm",
            ComplaintForm,
            lambda s, d, fl: ComplaintForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("reporting:complaint-create"),
            save=save_with(created_by=lambda s, u: u),
        ),
        Case(
            "ComplaintForm[referente_ente]",
            ComplaintForm,
            lambda s, d, fl: ComplaintForm(d, user=s.users.referente_ente),
            user=lambda s: s.users.referente_ente,
            url=lambda s: reverse("reporting:complaint-create"),
            save=save_with(created_by=lambda s, u: u),
            form_examples=50,
        ),
        Case(
            "QualityControlForm",
            QualityControlForm,
            lambda s, d, fl: QualityControlForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("reporting:control-create"),
            save=save_with(created_by=lambda s, u: u),
        ),
        Case(
            "ImpactIndicatorForm",
            ImpactIndicatorForm,
            lambda s, d, fl: ImpactIndicatorForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("reporting:indicator-create"),
            save=plain_save,
        ),
        Case(
            "IndicatorValueForm",
            IndicatorValueForm,
            lambda s, d, fl: IndicatorValueForm(d, indicator=fresh(s.indicator)),
            user=udp,
            url=lambda s: reverse("reporting:indicator-value-create", args=[s.indicator.pk]),
            save=plain_save,
        ),
        Case(
            "ReportStartForm",
            ReportStartForm,
            lambda s, d, fl: ReportStartForm(d, user=udp(s)),
            user=udp,
            url=lambda s: reverse("reporting:report-list"),
            save=report_save,
        ),
        Case(
            "NarrativeForm",
            NarrativeForm,
            lambda s, d, fl: NarrativeForm(d),
            user=udp,
            url=lambda s: reverse("reporting:report-narrative", args=[s.run.pk]),
            save=narrative_save,
        ),
    ]
