"""Pages of the imports: upload and history, the dry-run report of a run, its confirmation, progress and undo,
and the templates to fill in."""

from __future__ import annotations

from functools import partial

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from families.pseudonymisation import ambito_redactor
from pippi_portal import spreadsheets, tasks
from pippi_portal.shortcuts import download, paginate, require_perm

from . import services
from .forms import ImportUploadForm
from .importers import IMPORTERS
from .models import ImportRun
from .readers import FileRefused


def get_run_for(user, pk: int) -> ImportRun:
    """A run of the user's ambito for the Ufficio di Piano (any for admins); 404 otherwise."""
    return get_object_or_404(ImportRun.objects.imported_by(user).select_related("by", "undone_by", "ambito"), pk=pk)


@require_http_methods(["GET", "POST"])
def run_list(request):
    user = request.user
    require_perm(user, "imports.add_importrun")
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            run = services.import_dry_run(
                ambito=form.cleaned_data["ambito"],
                by=user,
                kind=form.cleaned_data["kind"],
                file_name=upload.name,
                content=upload.read(),
            )
        except FileRefused as refused:
            form.add_error("file", str(refused))
        else:
            return redirect(run)
    runs = ImportRun.objects.imported_by(user).select_related("by", "ambito").defer("content", "refused", "preview")
    page = paginate(request, runs, request.GET.get("page"))
    return render(request, "imports/run_list.html", {"form": form, "page": page, "kinds": ImportRun.Kind.choices})


def _detail_context(request, run: ImportRun) -> dict:
    # The reasons and values come from the file: redacted for the roles that see families pseudonymised.
    # A run without news: whether a worker is alive says if it is only slow or waits for the service to restart.
    alive = tasks.worker_seen_recently() if run.is_silent else None
    return {"run": run, "redactor": ambito_redactor(request.user, run.ambito_id), "worker_alive": alive}


@require_GET
def run_detail(request, pk: int):
    run = get_run_for(request.user, pk)
    return render(request, "imports/run_detail.html", _detail_context(request, run))


@require_GET
def run_status(request, pk: int):
    """The progress fragment the detail page polls while the run is in the worker."""
    run = get_run_for(request.user, pk)
    return render(request, "imports/run_detail.html#status", _detail_context(request, run))


def _act(request, pk: int, action, done: str):
    """A button of a run's page: the action, then the run's page with what happened or why it was refused."""
    run = get_run_for(request.user, pk)
    try:
        action(run=run)
    except services.ImportRefused as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done)
    return redirect(run)


@require_POST
def run_confirm(request, pk: int):
    confirm = partial(services.import_confirm, by=request.user, base_url=request.build_absolute_uri("/"))
    return _act(request, pk, confirm, _("Importazione confermata: è in corso."))


@require_POST
def run_retry(request, pk: int):
    """«Riprova» on a run the worker gave up."""
    return _act(request, pk, partial(services.import_retry, by=request.user), _("Importazione avviata di nuovo."))


@require_POST
def run_undo(request, pk: int):
    done = _("Importazione annullata: quanto aveva creato è stato rimosso, quanto aveva modificato è tornato com'era.")
    return _act(request, pk, partial(services.import_undo, by=request.user), done)


@require_GET
def template_download(request, kind: str):
    """The XLSX template of a kind: the Italian column names and one synthetic example row."""
    require_perm(request.user, "imports.add_importrun")
    importer = IMPORTERS.get(kind)
    if importer is None:
        raise Http404
    sheet = spreadsheets.Sheet(
        title=str(ImportRun.Kind(kind).label)[:31],
        columns=[spreadsheets.Column(name) for name in importer.columns],
        rows=[importer.example],
    )
    return download(spreadsheets.xlsx_bytes([sheet]), f"modello-{kind}.xlsx", spreadsheets.XLSX_CONTENT_TYPE)
