"""Pages of the quality section: satisfaction surveys (with the public single-use link), the complaints
register, controls on the services delivered and social-impact indicators. Each view fetches through a
`get_<thing>_for` helper (404 outside scope), checks the role with `rules` (403), and calls one query or
service."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal
from xml.etree import ElementTree

import qrcode
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from qrcode.image.svg import SvgPathImage

from families.pseudonymisation import ambito_redactor
from pippi_portal import shortcuts
from pippi_portal.idempotency import once_per_submission

from . import impact, quality, services
from .filters import ComplaintFilter, QualityControlFilter, SurveyFilter
from .forms import (
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
from .models import (
    Complaint,
    ImpactIndicator,
    QualityControl,
    SatisfactionSurvey,
    SurveyResultsReport,
    indicator_progress,
)
from .selectors import (
    get_complaint_for,
    get_control_for,
    get_indicator_for,
    get_indicator_value_for,
    get_link_batch_for,
    get_link_for_token,
    get_survey_for,
)


def require_perm(user, perm: str, obj=None) -> None:
    shortcuts.require_perm(
        user, perm, obj, message=_("Il tuo ruolo non consente questa operazione nella sezione qualità.")
    )


def form_page(request, form, title: str, cancel_url: str, warning: str = ""):
    """The one form page, under the quality section's breadcrumb; `warning` goes above the form."""
    context = {
        "form": form,
        "title": title,
        "cancel_url": cancel_url,
        "header": "reporting/_breadcrumb.html",
        "warning": warning,
    }
    return render(request, "form_page.html", context)


def list_page(request, template: str, filterset, **context):
    """A filtered, paginated list; the filter's query string survives paging."""
    page = shortcuts.paginate(request, filterset.qs, request.GET.get("page"))
    return render(request, template, {"filter": filterset, "page": page, **context})


@require_GET
def index(request):
    user = request.user
    require_perm(user, "reporting.view_quality")
    today = timezone.localdate()
    context = {
        "surveys": SatisfactionSurvey.objects.visible_to(user).count(),
        "open_complaints": Complaint.objects.visible_to(user).open_on(today).count(),
        "can_view_controls": user.has_perm("reporting.view_qualitycontrol"),
        "can_view_indicators": user.has_perm("reporting.view_impactindicator"),
    }
    if context["can_view_controls"]:
        context["open_controls"] = (
            QualityControl.objects.visible_to(user)
            .filter(status__in=[QualityControl.Status.PROGRAMMATO, QualityControl.Status.AZIONI_IN_CORSO])
            .count()
        )
    if context["can_view_indicators"]:
        context["indicators"] = ImpactIndicator.objects.visible_to(user).count()
    return render(request, "reporting/index.html", context)


# --- Surveys ---------------------------------------------------------------------------------------------


@require_GET
def survey_list(request):
    user = request.user
    require_perm(user, "reporting.view_survey")
    surveys = (
        SatisfactionSurvey.objects.visible_to(user)
        .select_related("project")
        .annotate(
            item_count=Count("items", distinct=True),
            response_count=Count("responses", distinct=True),
        )
        .order_by("-period_start", "audience", "title")
    )
    return list_page(
        request,
        "reporting/survey_list.html",
        SurveyFilter(request.GET or None, queryset=surveys, user=user),
        can_add=user.has_perm("reporting.add_survey"),
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def survey_create(request):
    require_perm(request.user, "reporting.add_survey")
    form = SurveyForm(request.POST or None, user=request.user)
    if form.is_valid():
        survey = services.survey_create(
            survey=form.save(commit=False), statements=form.cleaned_data["statements"], by=request.user
        )
        messages.success(request, _("Questionario creato."))
        return redirect(survey)
    return form_page(request, form, _("Nuovo questionario di soddisfazione"), reverse("reporting:survey-list"))


@require_GET
def survey_detail(request, pk: int):
    user = request.user
    survey = get_survey_for(user, pk)
    require_perm(user, "reporting.view_survey", survey)
    can_change = user.has_perm("reporting.change_survey", survey)
    batches = (
        survey.link_batches.annotate(total=Count("links"), used=Count("links", filter=Q(links__used=True)))
        if can_change
        else None
    )
    return render(
        request,
        "reporting/survey_detail.html",
        {
            "survey": survey,
            "items": survey.items.order_by("order"),
            "responses": quality.response_counts(survey),
            "batches": batches,
            "today": timezone.localdate(),
            "can_change": can_change,
            "can_add_response": user.has_perm("reporting.add_surveyresponse", survey),
            "can_view_comments": user.has_perm("reporting.view_survey_comments", survey),
        },
    )


@require_http_methods(["GET", "POST"])
def survey_edit(request, pk: int):
    survey = get_survey_for(request.user, pk)
    require_perm(request.user, "reporting.change_survey", survey)
    form = SurveyForm(request.POST or None, instance=survey, user=request.user)
    if form.is_valid():
        form.save()
        if not form.fields["statements"].disabled and "statements" in form.changed_data:
            services.survey_statements_replace(survey=survey, statements=form.cleaned_data["statements"])
        messages.success(request, _("Questionario aggiornato."))
        return redirect(survey)
    return form_page(request, form, _("Modifica questionario"), survey.get_absolute_url())


@require_GET
def survey_results(request, pk: int):
    user = request.user
    survey = get_survey_for(user, pk)
    require_perm(user, "reporting.view_survey", survey)
    return render(
        request,
        "reporting/survey_results.html",
        {
            "survey": survey,
            "results": quality.survey_results(survey),
            "scale": survey.scale,
            "can_view_comments": user.has_perm("reporting.view_survey_comments", survey),
        },
    )


def _survey_report_context(request, survey, form=None) -> dict:
    user = request.user
    report = (
        SurveyResultsReport.objects.filter(survey=survey)
        .select_related("written_by__organisation", "approved_by")
        .first()
    )
    draft = report is None or report.state == SurveyResultsReport.State.BOZZA
    can_write = user.has_perm("reporting.write_survey_report", survey)
    redactor = ambito_redactor(user, survey.project.ambito_id)
    if form is None and draft and can_write:
        form = SurveyResultsReportForm(instance=report, survey=survey, redactor=redactor)
    return {
        "survey": survey,
        "report": report,
        "form": form,
        "can_write": can_write,
        "can_approve": user.has_perm("reporting.approve_survey_report", survey),
        "redactor": redactor,
    }


@require_http_methods(["GET", "POST"])
@once_per_submission
def survey_report(request, pk: int):
    """The report on a survey's results: drafted by the project's partner (or the Ufficio di Piano), reviewed
    and approved by the Ufficio di Piano."""
    user = request.user
    survey = get_survey_for(user, pk)
    require_perm(user, "reporting.view_survey", survey)
    if request.method == "POST":
        require_perm(user, "reporting.write_survey_report", survey)
        report = SurveyResultsReport.objects.filter(survey=survey).first()
        form = SurveyResultsReportForm(request.POST, instance=report, survey=survey)
        if form.is_valid():
            try:
                services.survey_report_save(
                    survey=survey,
                    findings=form.cleaned_data["findings"],
                    improvements=form.cleaned_data["improvements"],
                    shared_with_operators_on=form.cleaned_data["shared_with_operators_on"],
                    by=user,
                )
            except services.SurveyReportRefused as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, _("Relazione salvata."))
            return redirect("reporting:survey-report", pk=survey.pk)
        return render(request, "reporting/survey_report.html", _survey_report_context(request, survey, form))
    return render(request, "reporting/survey_report.html", _survey_report_context(request, survey))


def _survey_report_step(request, pk: int, perm: str, step, success: str):
    survey = get_survey_for(request.user, pk)
    require_perm(request.user, "reporting.view_survey", survey)
    require_perm(request.user, perm, survey)
    report = get_object_or_404(SurveyResultsReport, survey=survey)
    try:
        step(report=report, by=request.user)
    except services.SurveyReportRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, success)
    return redirect("reporting:survey-report", pk=survey.pk)


@require_POST
def survey_report_submit(request, pk: int):
    return _survey_report_step(
        request,
        pk,
        "reporting.write_survey_report",
        services.survey_report_submit,
        _("Relazione inviata all'Ufficio di Piano."),
    )


@require_POST
def survey_report_back(request, pk: int):
    return _survey_report_step(
        request,
        pk,
        "reporting.approve_survey_report",
        services.survey_report_back_to_draft,
        _("Relazione restituita in bozza per le modifiche."),
    )


@require_POST
def survey_report_approve(request, pk: int):
    return _survey_report_step(
        request,
        pk,
        "reporting.approve_survey_report",
        services.survey_report_approve,
        _("Relazione approvata."),
    )


@require_GET
def survey_comments(request, pk: int):
    survey = get_survey_for(request.user, pk)
    require_perm(request.user, "reporting.view_survey_comments", survey)
    return render(
        request, "reporting/survey_comments.html", {"survey": survey, "comments": quality.survey_comments(survey)}
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def survey_response_create(request, pk: int):
    survey = get_survey_for(request.user, pk)
    require_perm(request.user, "reporting.add_surveyresponse", survey)
    form = PaperResponseForm(request.POST or None, survey=survey)
    if form.is_valid():
        services.survey_response_record(
            survey=survey,
            scores=form.scores(),
            comment=form.cleaned_data["comment"],
            submitted_on=form.cleaned_data["submitted_on"],
            by=request.user,
        )
        messages.success(request, _("Questionario registrato. Puoi inserire il successivo."))
        return redirect("reporting:survey-response-create", survey.pk)
    return render(request, "reporting/survey_response_form.html", {"survey": survey, "form": form})


@require_http_methods(["GET", "POST"])
@once_per_submission
def survey_links_create(request, pk: int):
    survey = get_survey_for(request.user, pk)
    require_perm(request.user, "reporting.add_surveylinkbatch", survey)
    form = LinkBatchForm(request.POST or None, survey=survey)
    if form.is_valid():
        batch = services.survey_links_generate(
            batch=form.save(commit=False), count=form.cleaned_data["count"], by=request.user
        )
        count = form.cleaned_data["count"]
        messages.success(
            request,
            ngettext(
                "Generato %(count)d link valido fino al %(day)s: stampalo e consegnalo.",
                "Generati %(count)d link validi fino al %(day)s: stampali e consegnali, uno per persona.",
                count,
            )
            % {"count": count, "day": f"{batch.expires_on:%d/%m/%Y}"},
        )
        return redirect(batch)
    return form_page(
        request,
        form,
        _("Genera link anonimi per «%(title)s»") % {"title": survey.title},
        survey.get_absolute_url(),
        warning=form.period_warning(),
    )


@require_GET
def survey_batch_print(request, pk: int):
    """The printable sheet of a batch: for each link not yet used, its QR code and the address to type."""
    batch = get_link_batch_for(request.user, pk)
    require_perm(request.user, "reporting.add_surveylinkbatch", batch.survey)
    expired = batch.expires_on < timezone.localdate()
    cards, unprintable = [], 0
    for link in batch.links.filter(used=False).order_by("number") if not expired else []:
        if not link.can_be_printed:
            unprintable += 1
            continue
        url = request.build_absolute_uri(link.get_absolute_url())
        qr = qr_svg(url, title=_("Codice QR del questionario n. %(n)d") % {"n": link.number})
        cards.append({"number": link.number, "url": url, "qr": qr})
    return render(
        request,
        "reporting/batch_print.html",
        {
            "batch": batch,
            "survey": batch.survey,
            "cards": cards,
            "expired": expired,
            "unprintable": unprintable,
            "total": batch.links.count(),
        },
    )


def qr_svg(text: str, title: str) -> str:
    """`text` as an inline SVG QR code with a title for screen readers, about 26 mm wide on paper. Drawn by
    qrcode, the library allauth's authenticator setup already uses."""
    image = qrcode.make(text, image_factory=SvgPathImage, error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8)
    image.path.attrib.pop("id", None)  # qrcode names every path "qr-path": the sheet has many
    svg = image.get_image()
    svg.set("role", "img")
    caption = ElementTree.Element("title")
    caption.text = title
    svg.insert(0, caption)
    return ElementTree.tostring(svg, encoding="unicode")


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def survey_answer(request, token: str):
    """The anonymous questionnaire behind a single-use link: no login, nothing about who answers."""
    link = get_link_for_token(token)
    survey = link.batch.survey
    # The header names the survey's ambito: the respondent is not logged in, so the page has no user's to show.
    context = {"survey": survey, "header_ambito": survey.project.ambito}
    if link.used:
        return render(request, "reporting/survey_link_used.html", context, status=410)
    form = LinkAnswerForm(request.POST or None, survey=survey)
    if form.is_valid():
        try:
            services.survey_answer_by_link(link=link, scores=form.scores(), comment=form.cleaned_data["comment"])
        except services.LinkAlreadyUsed:
            return render(request, "reporting/survey_link_used.html", context, status=410)
        return redirect("reporting:survey-thanks")
    return render(request, "reporting/survey_answer.html", {**context, "form": form})


@login_not_required
@require_GET
def survey_thanks(request):
    return render(request, "reporting/survey_thanks.html")


# --- Complaints ------------------------------------------------------------------------------------------


@require_GET
def complaint_list(request):
    user = request.user
    require_perm(user, "reporting.view_complaint")
    complaints = Complaint.objects.visible_to(user).select_related("project", "organisation")
    return list_page(
        request,
        "reporting/complaint_list.html",
        ComplaintFilter(request.GET or None, queryset=complaints, user=user),
        can_add=user.has_perm("reporting.add_complaint"),
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def complaint_create(request):
    require_perm(request.user, "reporting.add_complaint")
    form = ComplaintForm(request.POST or None, user=request.user)
    if form.is_valid():
        complaint = form.save(commit=False)
        complaint.created_by = request.user
        complaint.save()
        messages.success(request, _("Reclamo registrato."))
        return redirect(complaint)
    return form_page(request, form, _("Nuovo reclamo"), reverse("reporting:complaint-list"))


@require_GET
def complaint_detail(request, pk: int):
    complaint = get_complaint_for(request.user, pk)
    require_perm(request.user, "reporting.view_complaint", complaint)
    return render(
        request,
        "reporting/complaint_detail.html",
        {"complaint": complaint, "can_change": request.user.has_perm("reporting.change_complaint", complaint)},
    )


@require_http_methods(["GET", "POST"])
def complaint_edit(request, pk: int):
    complaint = get_complaint_for(request.user, pk)
    require_perm(request.user, "reporting.change_complaint", complaint)
    form = ComplaintForm(request.POST or None, instance=complaint, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Reclamo aggiornato."))
        return redirect(complaint)
    return form_page(request, form, _("Gestione del reclamo"), complaint.get_absolute_url())


# --- Quality controls ------------------------------------------------------------------------------------


@require_GET
def control_list(request):
    user = request.user
    require_perm(user, "reporting.view_qualitycontrol")
    controls = QualityControl.objects.visible_to(user).select_related("project", "organisation")
    return list_page(
        request,
        "reporting/control_list.html",
        QualityControlFilter(request.GET or None, queryset=controls, user=user),
        can_add=user.has_perm("reporting.add_qualitycontrol"),
    )


@require_http_methods(["GET", "POST"])
@once_per_submission
def control_create(request):
    require_perm(request.user, "reporting.add_qualitycontrol")
    form = QualityControlForm(request.POST or None, user=request.user)
    if form.is_valid():
        control = form.save(commit=False)
        control.created_by = request.user
        control.save()
        messages.success(request, _("Controllo registrato."))
        return redirect(control)
    return form_page(request, form, _("Nuovo controllo sulle prestazioni"), reverse("reporting:control-list"))


@require_GET
def control_detail(request, pk: int):
    control = get_control_for(request.user, pk)
    require_perm(request.user, "reporting.view_qualitycontrol", control)
    return render(
        request,
        "reporting/control_detail.html",
        {"control": control, "can_change": request.user.has_perm("reporting.change_qualitycontrol", control)},
    )


@require_http_methods(["GET", "POST"])
def control_edit(request, pk: int):
    control = get_control_for(request.user, pk)
    require_perm(request.user, "reporting.change_qualitycontrol", control)
    form = QualityControlForm(request.POST or None, instance=control, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Controllo aggiornato."))
        return redirect(control)
    return form_page(request, form, _("Modifica controllo"), control.get_absolute_url())


# --- Impact indicators -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComputedValue:
    """A computed indicator's value over a period, shown like a typed one."""

    period_start: datetime.date
    period_end: datetime.date
    value: Decimal | None


@require_GET
def indicator_list(request):
    user = request.user
    require_perm(user, "reporting.view_impactindicator")
    indicators = list(
        ImpactIndicator.objects.visible_to(user)
        .select_related("project")
        .with_latest_value()
        .order_by("project__cup", "name")
    )
    _with_computed_latest_value(indicators)
    for indicator in indicators:
        indicator.reached, indicator.progress = indicator_progress(
            baseline=indicator.baseline,
            target=indicator.target,
            value=indicator.latest_value,
            direction=indicator.direction,
        )
    return render(
        request,
        "reporting/indicator_list.html",
        {"indicators": indicators, "can_add": user.has_perm("reporting.add_impactindicator")},
    )


def _with_computed_latest_value(indicators: list[ImpactIndicator]) -> None:
    """Give the computed indicators their value over their project's current semester (two queries at most,
    whatever the number of indicators and projects)."""
    computed = [i for i in indicators if i.is_computed]
    periods = {i.project_id: impact.current_period(i.project) for i in computed}
    values = impact.values_for({i.formula for i in computed}, [p for p in periods.values() if p])
    for indicator in computed:
        period = periods[indicator.project_id]
        indicator.latest_value = values.get((indicator.formula, period)) if period else None
        indicator.latest_period_start = period.start if period else None
        indicator.latest_period_end = period.end if period else None


@require_http_methods(["GET", "POST"])
@once_per_submission
def indicator_create(request):
    require_perm(request.user, "reporting.add_impactindicator")
    form = ImpactIndicatorForm(request.POST or None, user=request.user)
    if form.is_valid():
        indicator = form.save()
        messages.success(request, _("Indicatore creato. Ora puoi registrarne i valori."))
        return redirect(indicator)
    return form_page(request, form, _("Nuovo indicatore di impatto sociale"), reverse("reporting:indicator-list"))


@require_GET
def indicator_detail(request, pk: int):
    indicator = get_indicator_for(request.user, pk)
    require_perm(request.user, "reporting.view_impactindicator", indicator)
    if indicator.is_computed:
        periods = impact.semesters(indicator.project)
        computed = impact.values_for([indicator.formula], periods)
        values = [
            ComputedValue(period_start=p.start, period_end=p.end, value=computed[(indicator.formula, p)])
            for p in periods
        ]
    else:
        values = list(indicator.values.order_by("period_end"))
    latest = values[-1].value if values else None
    indicator.reached, indicator.progress = indicator_progress(
        baseline=indicator.baseline, target=indicator.target, value=latest, direction=indicator.direction
    )
    return render(
        request,
        "reporting/indicator_detail.html",
        {
            "indicator": indicator,
            "values": values,
            "latest": values[-1] if values else None,
            "can_change": request.user.has_perm("reporting.change_impactindicator", indicator),
        },
    )


@require_http_methods(["GET", "POST"])
def indicator_edit(request, pk: int):
    indicator = get_indicator_for(request.user, pk)
    require_perm(request.user, "reporting.change_impactindicator", indicator)
    form = ImpactIndicatorForm(request.POST or None, instance=indicator, user=request.user)
    if form.is_valid():
        form.save()
        messages.success(request, _("Indicatore aggiornato."))
        return redirect(indicator)
    return form_page(request, form, _("Modifica indicatore"), indicator.get_absolute_url())


@require_http_methods(["GET", "POST"])
@once_per_submission
def indicator_value_create(request, pk: int):
    indicator = get_indicator_for(request.user, pk)
    require_perm(request.user, "reporting.change_impactindicator", indicator)
    if indicator.is_computed:
        raise Http404("I valori di un indicatore calcolato non si registrano a mano.")
    form = IndicatorValueForm(request.POST or None, indicator=indicator)
    if form.is_valid():
        form.save()
        messages.success(request, _("Valore registrato."))
        return redirect(indicator)
    return form_page(
        request, form, _("Nuovo valore di «%(name)s»") % {"name": indicator.name}, indicator.get_absolute_url()
    )


@require_http_methods(["GET", "POST"])
def indicator_value_edit(request, pk: int):
    value = get_indicator_value_for(request.user, pk)
    indicator = value.indicator
    require_perm(request.user, "reporting.change_impactindicator", indicator)
    if indicator.is_computed:
        raise Http404("I valori di un indicatore calcolato non si modificano a mano.")
    form = IndicatorValueForm(
        request.POST or None, instance=value, indicator=indicator, redactor=ambito_redactor(request.user)
    )
    if form.is_valid():
        form.save()
        messages.success(request, _("Valore aggiornato."))
        return redirect(indicator)
    return form_page(
        request, form, _("Modifica un valore di «%(name)s»") % {"name": indicator.name}, indicator.get_absolute_url()
    )
