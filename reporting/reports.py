"""Report runs: starting a version, freezing its figures, rendering its PDF in the background worker, and the
bozza → in_revisione → approvato workflow."""

from __future__ import annotations

import datetime
import hashlib
import json
import time
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.dispatch import receiver
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from equipes.models import Project, User
from families.models import Family
from families.pseudonymisation import families_redactor
from pippi_portal import tasks
from pippi_portal.pdf import PdfAttachment, PdfMetadata, render_pdf

from . import charts, indicators
from .models import FINAL_REPORT_LABEL, ReportRun

NARRATIVE_FIELDS = ("critical_issues", "corrective_actions", "overall_evaluation")


class ReportRefused(Exception):
    """A report action that is not allowed; the message says why, in Italian."""


def canonical_json(snapshot: dict[str, Any]) -> bytes:
    """The snapshot's bytes: sorted keys, no spaces, UTF-8. What is stored, downloaded and hashed."""
    return json.dumps(snapshot, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def period_of(kind: str, label: str, project: Project | None = None) -> tuple[datetime.date, datetime.date]:
    """The period a report covers: a semester, a calendar year, or for the final report the project's whole
    duration, from its start to its last day (its conclusion)."""
    if kind == ReportRun.Kind.FINAL:
        if project is None:
            raise ValueError("The final report's period is the project's.")
        return project.start_date, project.last_day
    if kind == ReportRun.Kind.SEMESTER:
        return indicators.semester_bounds(label)
    if not (label.isdigit() and len(label) == 4):
        raise ValueError(_("Anno non valido: %(label)s.") % {"label": label})
    return indicators.year_bounds(int(label))


def compute_snapshot(project: Project, kind: str, start: datetime.date, end: datetime.date) -> dict[str, Any]:
    """The figures a run freezes: the whole semester report (over the project's duration for the final
    report), or the annual synthesis' quality section with the progress of the project's targets at the end of
    the year."""
    if kind in (ReportRun.Kind.SEMESTER, ReportRun.Kind.FINAL):
        return indicators.compute(project, start, end)
    snapshot = {
        "meta": indicators.meta(project, start, end),
        "cover": indicators.cover(project, start, end),
        "partner": indicators.partner(project, start, end),
        "targets": indicators.targets(project, end),
    }
    if "associated_ambiti" in snapshot["cover"]:
        snapshot["ambiti"] = indicators.ambiti(project, start, end)  # the year's figures of each ambito
    return snapshot


def title_of(run: ReportRun) -> str:
    if run.kind == ReportRun.Kind.FINAL:
        return _("Relazione finale del progetto (%(start)s – %(end)s)") % {
            "start": f"{run.period_start:%d/%m/%Y}",
            "end": f"{run.period_end:%d/%m/%Y}",
        }
    if run.kind == ReportRun.Kind.SEMESTER:
        year, half = run.label.split("-S")
        return _("Rendicontazione semestrale — %(half)s° semestre %(year)s") % {"half": half, "year": year}
    return _("Sintesi annuale %(year)s: reclami, soddisfazione, controlli e valutazione") % {"year": run.label}


def snapshot_bytes(run: ReportRun) -> bytes:
    """The frozen figures' bytes as stored (the ones the SHA-256 covers); for an unsaved run (`manage.py
    semester_report`) the canonical JSON of the snapshot it carries."""
    if run.snapshot_file:
        with run.snapshot_file.open("rb") as handle:
            return handle.read()
    return canonical_json(run.snapshot)


def attachment_name(run: ReportRun) -> str:
    return f"dati-{run.label}-v{run.version}.json"


def pdf_bytes(run: ReportRun) -> bytes:
    """The report as a tagged PDF/A-3b that carries its own data: the snapshot JSON is embedded as an
    attachment and the document prints its SHA-256, so an officer can check the figures against the file."""
    snapshot = run.snapshot
    data = snapshot_bytes(run)
    title = title_of(run)
    cover = snapshot.get("cover", {})
    context = {
        "run": run,
        "s": snapshot,
        "kind": run.kind,
        "label": run.label,
        "title": title,
        "attachment_name": attachment_name(run),
        "attachment_sha256": sha256(data),
        "generated_at": timezone.localtime(),
        "mdb_chart": charts.mondo_del_bambino_chart(snapshot) if run.kind != ReportRun.Kind.ANNUAL else "",
        "hours_chart": charts.hours_chart(snapshot) if run.kind != ReportRun.Kind.ANNUAL else "",
        # The report leaves the portal: the Ufficio di Piano's texts go out without the names of the families.
        "redactor": families_redactor(Family.objects.filter(ambito_id__in=run.project.ambito_ids).values("pk")),
    }
    subject = _("%(title)s — %(project)s") % {"title": title, "project": cover.get("project_title", "")}
    if cover.get("cup"):
        subject += f" — CUP {cover['cup']}"
    keywords = ["P.I.P.P.I.", run.label]
    if cover.get("funding", "pnrr") == "pnrr":
        keywords += ["PNRR", cover.get("measure") or "M5C2 I1.1.1", "NextGenerationEU"]
    if cover.get("cup"):
        keywords.append(f"CUP {cover['cup']}")
    metadata = PdfMetadata(author=cover.get("ambito", ""), subject=subject, keywords=tuple(keywords))
    description = _("Dati congelati della rendicontazione (JSON), impronta SHA-256 %(hash)s") % {"hash": sha256(data)}
    attachment = PdfAttachment(name=attachment_name(run), content=data, description=description)
    return render_pdf("reporting/report_pdf.html", context, metadata=metadata, attachments=(attachment,))


# --- The background job -----------------------------------------------------------------------------------


@task()
def render_report(run_id: int) -> None:
    """Freeze the figures (once) and render the PDF from them, reporting progress on the run. Idempotent: after a
    crash it runs again from the start, on the figures already frozen (pippi_portal.tasks)."""
    run_report(run_id)


RENDER_TASK = render_report.module_path


def run_report(run_id: int) -> ReportRun:
    """The body of the background job, also called directly by `manage.py semester_report` and the demo. An
    error leaves the run "in preparazione": the worker tries the job again, and records the error on the run
    when it gives up (`_record_failure`)."""
    run = ReportRun.objects.select_related("project__ambito", "approved_by").get(pk=run_id)
    _progress(run, ReportRun.Render.IN_CORSO, 5)
    if not run.snapshot_sha256:
        snapshot = compute_snapshot(run.project, run.kind, run.period_start, run.period_end)
        content = canonical_json(snapshot)
        run.snapshot_sha256 = sha256(content)
        run.snapshot_file.save("dati.json", ContentFile(content), save=False)
        run.save(update_fields=["snapshot_sha256", "snapshot_file"])
        run.__dict__.pop("snapshot", None)
    _progress(run, ReportRun.Render.IN_CORSO, 40)
    if settings.REPORT_RENDER_PAUSE_SECONDS:  # tests only: time to kill the worker in the middle of a render
        time.sleep(settings.REPORT_RENDER_PAUSE_SECONDS)
    content = pdf_bytes(run)
    _progress(run, ReportRun.Render.IN_CORSO, 90)
    run.pdf.save("rendicontazione.pdf", ContentFile(content), save=False)
    run.pdf_sha256 = sha256(content)
    run.render_status, run.progress, run.render_error = ReportRun.Render.PRONTO, 100, ""
    run.save(update_fields=["pdf", "pdf_sha256", "render_status", "progress", "render_error"])
    return run


def render_job(run: ReportRun) -> DBTaskResult | None:
    """The run's last render job (the one its page follows)."""
    return tasks.latest_job(RENDER_TASK, run.pk)


def failure_message(task_result) -> str:
    """What the run's page says when the worker gave up its render job, in Italian."""
    attempts = len(task_result.worker_ids)
    error = task_result.errors[-1] if task_result.errors else None
    if error is not None and error.exception_class_path == f"{tasks.WorkerLost.__module__}.WorkerLost":
        return ngettext(
            "il processo che lo preparava si è interrotto (riavvio del server o memoria esaurita).",
            "il processo che lo preparava si è interrotto %(count)d volte (riavvio del server o memoria esaurita).",
            attempts,
        ) % {"count": attempts}
    detail = error.exception_class_path.rsplit(".", 1)[-1] if error is not None else ""
    return ngettext(
        "si è verificato un errore interno (%(detail)s).",
        "si è verificato un errore interno %(count)d volte di seguito (%(detail)s).",
        attempts,
    ) % {"count": attempts, "detail": detail}


@receiver(task_finished, dispatch_uid="reporting-render-failed")
def _record_failure(sender, task_result, **kwargs) -> None:
    """The worker gave up a render job: the run's page shows the error and the "Riprova" button. An older job of
    the run (a later one was enqueued since) changes nothing."""
    if task_result.task.module_path != RENDER_TASK or task_result.status != TaskResultStatus.FAILED:
        return
    (run_id,) = task_result.args
    if (job := tasks.latest_job(RENDER_TASK, run_id)) is None or str(job.pk) != str(task_result.id):
        return
    ReportRun.objects.filter(pk=run_id).exclude(render_status=ReportRun.Render.PRONTO).update(
        render_status=ReportRun.Render.ERRORE, render_error=failure_message(task_result)
    )


def _progress(run: ReportRun, status: str, percent: int) -> None:
    run.render_status, run.progress = status, percent
    ReportRun.objects.filter(pk=run.pk).update(render_status=status, progress=percent)


def _enqueue(run: ReportRun) -> None:
    ReportRun.objects.filter(pk=run.pk).update(render_status=ReportRun.Render.IN_CODA, progress=0, render_error="")
    # The job starts once the request's transaction has committed the run.
    transaction.on_commit(lambda: render_report.enqueue(run.pk))


# --- The workflow ----------------------------------------------------------------------------------------------


def report_start(*, project: Project, kind: str, label: str, by: User) -> ReportRun:
    """A new version of a report for a period; the figures are frozen and the PDF rendered in the background.
    The final report (`kind` "final", label "finale") covers the project's whole duration and is written
    once the project is concluded."""
    if not by.is_admin_role and not project.is_led_by(by):
        raise ReportRefused(_("Le rendicontazioni del progetto si avviano dall'ambito capofila."))
    if kind == ReportRun.Kind.FINAL:
        project = Project.objects.get(pk=project.pk)  # its conclusion as it is now
        if not project.is_concluded:
            raise ReportRefused(_("La relazione finale si prepara quando il progetto è concluso."))
        label = FINAL_REPORT_LABEL
    start, end = period_of(kind, label, project)
    if start > timezone.localdate():
        raise ReportRefused(_("Il periodo %(label)s non è ancora iniziato.") % {"label": label})
    with transaction.atomic():
        Project.objects.select_for_update().filter(pk=project.pk).first()
        last = ReportRun.objects.filter(project=project, kind=kind, label=label).aggregate(v=Max("version"))["v"] or 0
        run = ReportRun.objects.create(
            project=project,
            kind=kind,
            label=label,
            period_start=start,
            period_end=end,
            version=last + 1,
            created_by=by,
        )
        _enqueue(run)
    return run


def _require_state(run: ReportRun, *states: str) -> None:
    if run.state not in states:
        raise ReportRefused(
            _("Operazione non possibile: la rendicontazione è «%(state)s».") % {"state": run.get_state_display()}
        )


def report_save_narrative(*, run: ReportRun, texts: dict[str, str], by: User) -> ReportRun:
    """The texts (critical issues, corrective actions, overall evaluation), in draft only, written by the Ufficio
    di Piano or drafted by a partner's referent for the Ufficio di Piano to review; the PDF is rendered again with
    them and the run remembers who wrote them last."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        _require_state(run, ReportRun.State.BOZZA)
        for name in NARRATIVE_FIELDS:
            setattr(run, name, texts.get(name, "").strip())
        run.narrative_by, run.narrative_at = by, timezone.now()
        run.save(update_fields=[*NARRATIVE_FIELDS, "narrative_by", "narrative_at"])
        _enqueue(run)
    return run


def report_submit(*, run: ReportRun, by: User) -> ReportRun:
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        _require_state(run, ReportRun.State.BOZZA)
        missing = [ReportRun._meta.get_field(name).verbose_name for name in NARRATIVE_FIELDS if not getattr(run, name)]
        if missing:
            raise ReportRefused(
                _("Prima di inviare in revisione scrivi: %(fields)s.") % {"fields": ", ".join(map(str, missing))}
            )
        if run.render_status != ReportRun.Render.PRONTO:
            raise ReportRefused(_("Attendi che il PDF sia pronto."))
        run.state, run.submitted_at, run.returned_at = ReportRun.State.IN_REVISIONE, timezone.now(), None
        run.save(update_fields=["state", "submitted_at", "returned_at"])
        _enqueue(run)
    return run


def report_back_to_draft(*, run: ReportRun, by: User) -> ReportRun:
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        _require_state(run, ReportRun.State.IN_REVISIONE)
        run.state, run.submitted_at, run.returned_at = ReportRun.State.BOZZA, None, timezone.now()
        run.save(update_fields=["state", "submitted_at", "returned_at"])
        _enqueue(run)
    return run


def report_approve(*, run: ReportRun, by: User) -> ReportRun:
    """Approve a run under review. The final PDF (with the approval) is rendered once more; from then on the
    run cannot change."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        _require_state(run, ReportRun.State.IN_REVISIONE)
        if run.render_status != ReportRun.Render.PRONTO:
            raise ReportRefused(_("Attendi che il PDF sia pronto."))
        run.state, run.approved_by, run.approved_at = ReportRun.State.APPROVATO, by, timezone.now()
        run.pdf_sha256 = ""  # the final PDF replaces the reviewed one
        run.save(update_fields=["state", "approved_by", "approved_at", "pdf_sha256"])
        _enqueue(run)
    return run


def report_retry_render(*, run: ReportRun, by: User) -> ReportRun:
    """Prepare the PDF again after the worker gave up (or when no job is following the run any more): a new job,
    with its attempts counted from zero."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update().get(pk=run.pk)
        if run.render_status == ReportRun.Render.PRONTO:
            raise ReportRefused(_("Il PDF è già pronto."))
        job = render_job(run)
        if run.is_rendering and job is not None and job.status in (tasks.READY, tasks.RUNNING):
            raise ReportRefused(_("Il PDF è già in preparazione: attendi che sia pronto."))
        _enqueue(run)
    return run
