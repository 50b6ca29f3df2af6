"""Pages of the report runs (semester report, annual synthesis) and of the live indicators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from equipes.models import Project, Role
from families.pseudonymisation import ambito_redactor
from pippi_portal import spreadsheets, tasks
from pippi_portal.shortcuts import download, paginate, require_perm

from . import charts, exports, indicators, reports
from .models import ReportRun
from .report_forms import NarrativeForm, ReportStartForm, semester_choices
from .rules import is_project_partner
from .selectors import projects_reported_by_their_lead


def get_run_for(user, pk: int) -> ReportRun:
    """A run of the user's ambito (404 otherwise), for a role that reads reports (403 otherwise)."""
    runs = ReportRun.objects.visible_to(user).select_related(
        "project__ambito", "approved_by", "narrative_by__organisation"
    )
    run = get_object_or_404(runs, pk=pk)
    require_perm(user, "reporting.view_report")
    return run


def get_run_to_narrate(user, pk: int) -> ReportRun:
    """A run whose texts the user may write: a partner's referent gets 404 for a project its organisation is
    not a partner of (as for that project's surveys), a role that writes no texts 403."""
    run = get_run_for(user, pk)
    if user.role == Role.REFERENTE_ENTE and not is_project_partner(user, run):
        raise Http404
    require_perm(user, "reporting.write_report_narrative", run)
    return run


@require_http_methods(["GET", "POST"])
def report_list(request):
    """The reports the user may read and, for the Ufficio di Piano, the form to start one on the projects its
    ambito leads; the projects it joins as an associated ambito are named with the lead that reports them."""
    user = request.user
    require_perm(user, "reporting.view_report")
    can_start = user.has_perm("reporting.add_reportrun")
    form = None
    if can_start and Project.objects.led_by(user).exists():
        form = ReportStartForm(request.POST or None, user=user)
    if request.method == "POST":
        require_perm(user, "reporting.add_reportrun")
        if form is None:
            raise PermissionDenied(_("Le rendicontazioni sono avviate dall'Ufficio di Piano capofila del progetto."))
        if form.is_valid():
            try:
                run = reports.report_start(
                    project=form.cleaned_data["project"], kind=form.cleaned_data["kind"], label=form.label, by=user
                )
            except (ValueError, reports.ReportRefused) as refused:
                messages.error(request, str(refused))
            else:
                messages.success(request, _("Rendicontazione avviata: il PDF è in preparazione."))
                return redirect(run)
    # The list names no approver: joining every user to read one grew with the other ambiti's users (issue 16).
    runs = ReportRun.objects.visible_to(user).select_related("project").order_by("-period_end", "-version")
    state = request.GET.get("stato")
    if state in ReportRun.State.values:
        runs = runs.filter(state=state)
    return render(
        request,
        "reporting/report_list.html",
        {
            "state": ReportRun.State(state) if state in ReportRun.State.values else None,
            "page": paginate(request, runs, request.GET.get("page")),
            "form": form,
            "reported_by_lead": list(projects_reported_by_their_lead(user)) if can_start else [],
        },
    )


def _detail_context(request, run: ReportRun) -> dict:
    user = request.user
    can_change = user.has_perm("reporting.change_reportrun", run)
    editable = run.state == ReportRun.State.BOZZA and user.has_perm("reporting.write_report_narrative", run)
    redactor = ambito_redactor(user, run.project.ambito_id)
    job = progress = None
    worker_alive = True
    if run.is_rendering:
        progress = tasks.job_progress(job := reports.render_job(run))
        worker_alive = not progress.timed_out or tasks.worker_seen_recently()
    return {
        "run": run,
        "title": reports.title_of(run),
        "can_change": can_change,
        # The page polls while the job goes on, and stops after TASK_POLL_TIMEOUT_SECONDS saying why.
        "job": progress,
        "job_lost": run.is_rendering and (job is None or job.status not in (tasks.READY, tasks.RUNNING)),
        "worker_alive": worker_alive,
        "narrative_form": NarrativeForm(instance=run, redactor=redactor) if editable else None,
        "redactor": redactor,
    }


@require_GET
def report_detail(request, pk: int):
    run = get_run_for(request.user, pk)
    return render(request, "reporting/report_detail.html", _detail_context(request, run))


@require_GET
def report_status(request, pk: int):
    """The progress fragment the detail page polls while the PDF is being prepared."""
    run = get_run_for(request.user, pk)
    return render(request, "reporting/report_detail.html#status", _detail_context(request, run))


def _action(request, pk: int, action, success: str):
    run = get_run_for(request.user, pk)
    require_perm(request.user, "reporting.change_reportrun", run)
    try:
        action(run)
    except reports.ReportRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, success)
    return redirect(run)


@require_POST
def report_narrative(request, pk: int):
    run = get_run_to_narrate(request.user, pk)
    form = NarrativeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Controlla i testi."))
        return redirect(run)
    try:
        reports.report_save_narrative(run=run, texts=form.cleaned_data, by=request.user)
    except reports.ReportRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, _("Testi salvati: il PDF viene aggiornato."))
    return redirect(run)


@require_POST
def report_submit(request, pk: int):
    return _action(
        request,
        pk,
        lambda run: reports.report_submit(run=run, by=request.user),
        _("Rendicontazione inviata in revisione."),
    )


@require_POST
def report_back(request, pk: int):
    return _action(
        request,
        pk,
        lambda run: reports.report_back_to_draft(run=run, by=request.user),
        _("Rendicontazione riportata in bozza."),
    )


@require_POST
def report_retry(request, pk: int):
    return _action(
        request,
        pk,
        lambda run: reports.report_retry_render(run=run, by=request.user),
        _("Preparazione del PDF avviata di nuovo."),
    )


@require_POST
def report_approve(request, pk: int):
    return _action(
        request,
        pk,
        lambda run: reports.report_approve(run=run, by=request.user),
        _("Rendicontazione approvata: il PDF definitivo è in preparazione."),
    )


def _download(run: ReportRun, content: bytes, content_type: str, extension: str):
    return download(content, f"rendicontazione-{run.project.cup}-{run.label}-v{run.version}.{extension}", content_type)


@require_GET
def report_download(request, pk: int, fmt: str):
    run = get_run_for(request.user, pk)
    if fmt == "pdf":
        if not run.pdf or run.render_status != ReportRun.Render.PRONTO:
            raise Http404
        with run.pdf.open("rb") as handle:
            return _download(run, handle.read(), "application/pdf", "pdf")
    if run.snapshot is None:
        raise Http404
    if fmt == "json":
        with run.snapshot_file.open("rb") as handle:
            return _download(run, handle.read(), "application/json", "json")
    if fmt == "csv":
        return _download(run, exports.to_csv(run.snapshot), spreadsheets.CSV_CONTENT_TYPE, "csv")
    if fmt == "xlsx":
        return _download(run, exports.to_xlsx(run.snapshot), spreadsheets.XLSX_CONTENT_TYPE, "xlsx")
    raise Http404


@require_GET
def indicators_page(request):
    """The figures of the semester report, computed live for a project and a semester."""
    user = request.user
    require_perm(user, "reporting.view_report")
    projects = list(Project.objects.visible_to(user).select_related("ambito").order_by("-start_date"))
    if not projects:
        raise Http404
    project = next((p for p in projects if str(p.pk) == request.GET.get("progetto")), projects[0])
    choices = semester_choices(project)
    label = request.GET.get("periodo") or choices[0][0]
    try:
        start, end = indicators.semester_bounds(label)
    except ValueError as error:
        raise Http404 from error
    figures = indicators.compute(project, start, end)
    if "ambiti" in figures and not user.is_admin_role and not project.is_led_by(user):
        # An associated ambito sees its own figures beside the project's totals (DESIGN.md "Second round").
        own = [row for row in figures["ambiti"]["rows"] if row["code"] == user.ambito.code]
        figures["ambiti"] = {**figures["ambiti"], "rows": own, "own_only": True}
    return render(
        request,
        "reporting/indicators.html",
        {
            "s": figures,
            "project": project,
            "projects": projects,
            "label": label,
            "choices": choices,
            "mdb_chart": charts.mondo_del_bambino_chart(figures),
            "hours_chart": charts.hours_chart(figures),
            "now": timezone.localtime(),
        },
    )
