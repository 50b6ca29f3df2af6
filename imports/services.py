"""Import workflows: the dry run of an uploaded file, its confirmation (the real run, in the task worker), and
the undo of an applied run while nothing depends on what it created."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterable
from decimal import Decimal

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.dispatch import receiver
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import TaskResultStatus, task
from django_tasks.signals import task_finished

from equipes.models import Ambito, User
from interventions.models import Timesheet
from pippi_portal import tasks

from .importers import IMPORTERS, Outcome
from .models import ImportRun
from .readers import read_rows

#: Objects an undo may remove together with those the run created: what the run itself wrote around them
#: (a family's referral, members, équipe and first transitions; a user's e-mail address for allauth).
REMOVED_WITH_THEM = {
    "families.referral",
    "families.member",
    "families.teammember",
    "families.transitionlog",
    "account.emailaddress",
}


class ImportRefused(Exception):
    """An import action that is not allowed; the message says why, in Italian."""


class _DryRun(Exception):
    """Raised at the end of a dry run to roll back everything it wrote."""


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _importer(kind: str, *, ambito: Ambito, by: User, progress=None, base_url: str | None = None):
    """The importer of a kind; the staff's invites the new users only in a real run (`base_url` given)."""
    cls = IMPORTERS[kind]
    if kind == "staff" and base_url is not None:
        return cls(ambito=ambito, by=by, progress=progress, invite=lambda user: _invite_on_commit(user, base_url))
    return cls(ambito=ambito, by=by, progress=progress)


def _try(importer, rows) -> Outcome:
    """Run an importer in a savepoint rolled back at the end: what it would do, with nothing written."""
    try:
        with transaction.atomic():
            outcome = importer.run(rows)
            raise _DryRun
    except _DryRun:
        pass
    return outcome


def _read(kind: str, content: bytes, file_name: str):
    cls = IMPORTERS[kind]
    return read_rows(content, file_name, cls.columns, cls.required)


def _summarise(run: ImportRun, outcome: Outcome) -> None:
    run.rows = outcome.rows
    run.created_count, run.changed_count = outcome.created, outcome.changed
    run.refused_count = len(outcome.refused_rows)
    run.refused = sorted(outcome.refused, key=lambda r: (r["row"], r["column"]))
    run.preview = outcome.preview[:200]


def import_dry_run(*, ambito: Ambito, by: User, kind: str, file_name: str, content: bytes) -> ImportRun:
    """Read a file and run its import in a transaction rolled back at the end: the run records what would be
    created or changed and every refused row; nothing else is written (no invitation is sent either). A file
    of more than `IMPORT_DRY_RUN_IN_WORKER_ABOVE` rows is tried in the task worker instead («prova in corso»,
    with its progress), so that the request answers at once. Raises `readers.FileRefused` when the file cannot
    be read as this kind (always at once: the file is read here either way)."""
    rows = _read(kind, content, file_name)
    run = ImportRun(
        ambito=ambito, kind=kind, by=by, file_name=file_name[:200], file_sha256=sha256(content), content=content
    )
    if len(rows) > settings.IMPORT_DRY_RUN_IN_WORKER_ABOVE:
        run.state, run.rows, run.progress_at = ImportRun.State.CHECKING, len(rows), timezone.now()
        run.save()
        transaction.on_commit(lambda: check_import.enqueue(run.pk))
        return run
    _summarise(run, _try(_importer(kind, ambito=ambito, by=by), rows))
    run.save()
    return run


@task()
def check_import(run_id: int) -> None:
    """The dry run of a large file, in the task worker."""
    import_check(run_id)


def _lock(run_id: int) -> None:
    """The run's lock for the whole transaction: two jobs of the same run never work at once."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"imports.run:{run_id}"])


def import_check(run_id: int) -> ImportRun:
    """The dry run of a run «prova in corso»: its report, and nothing else, is written. Idempotent: it works
    only from «prova in corso» under the run's lock, so a job that runs again finds the report written and
    leaves it as it is; one that starts again after a crash (nothing of it was committed) writes the same
    report, the file and the database being the same. An error leaves the run «prova in corso»: the worker
    tries the job again, and the run fails when it gives up (`_record_failure`)."""
    with transaction.atomic():
        _lock(run_id)
        run = ImportRun.objects.select_related("ambito", "by").get(pk=run_id)
        if run.state != ImportRun.State.CHECKING or run.content is None:
            return run
        rows = _read(run.kind, bytes(run.content), run.file_name)
        progress = _progress_writer(run_id, len(rows), states=[ImportRun.State.CHECKING])
        progress(0)
        outcome = _try(_importer(run.kind, ambito=run.ambito, by=run.by, progress=progress), rows)
        _summarise(run, outcome)
        run.state, run.progress, run.rows_done = ImportRun.State.DRY_RUN, 100, run.rows
        run.save()
    return run


def import_confirm(*, run: ImportRun, by: User, base_url: str) -> ImportRun:
    """Queue the real run of a dry run. Confirming twice queues it once."""
    updated = ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.DRY_RUN).update(
        state=ImportRun.State.QUEUED, progress=0, rows_done=0, progress_at=timezone.now()
    )
    if not updated:
        if ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.CHECKING).exists():
            raise ImportRefused(_("La prova è ancora in corso: si conferma dopo averne letto il resoconto."))
        raise ImportRefused(_("Questa importazione è già stata confermata."))
    ImportRun.objects.filter(pk=run.pk).update(base_url=base_url[:200])
    transaction.on_commit(lambda: apply_import.enqueue(run.pk))
    run.refresh_from_db()
    return run


@task()
def apply_import(run_id: int) -> None:
    """The real run, in the task worker."""
    import_apply(run_id)


def _progress_writer(run_id: int, total: int, *, states: list[str], state: str | None = None):
    """Progress seen by the page while the run's own transaction is still open: the rows looked at, written
    through another connection (a short thread of its own) every `IMPORT_PROGRESS_EVERY` rows; `state`, when
    given, is the run's state from the first write («in corso»). After each write the job sleeps
    `IMPORT_THROTTLE_SECONDS` (0 but in the tests that watch the bar move)."""
    every, pause = settings.IMPORT_PROGRESS_EVERY, settings.IMPORT_THROTTLE_SECONDS
    last: list[int | None] = [None]

    def write(done: int) -> None:
        done = min(done, total)
        if last[0] is not None and done < last[0] + every:
            return
        last[0] = done
        values = {"rows_done": done, "progress": min(99, 100 * done // total) if total else 0}
        if state:
            values["state"] = state

        def update() -> None:
            try:
                ImportRun.objects.filter(pk=run_id, state__in=states).update(**values, progress_at=timezone.now())
            finally:
                connection.close()

        thread = threading.Thread(target=update, daemon=True)
        thread.start()
        thread.join(timeout=5)
        if pause:
            time.sleep(pause)

    return write


def import_apply(run_id: int) -> ImportRun:
    """Apply a confirmed run in one transaction: all of its valid rows, or nothing. Idempotent: the run is
    locked for the whole transaction and applied only from «in coda» or «in corso» (a job that ran again after
    a worker crash finds its run applied, or starts again from nothing, since the crash rolled back its
    transaction). An error writes nothing and leaves the run in the worker's hands: the job is tried again, and
    the run fails when the worker gives up (`_record_failure`)."""
    working = [ImportRun.State.QUEUED, ImportRun.State.RUNNING]
    with transaction.atomic():
        _lock(run_id)
        run = ImportRun.objects.select_related("ambito", "by").get(pk=run_id)
        if run.state not in working or run.content is None:
            return run
        rows = _read(run.kind, bytes(run.content), run.file_name)
        progress = _progress_writer(run_id, len(rows), states=working, state=ImportRun.State.RUNNING)
        progress(0)
        importer = _importer(run.kind, ambito=run.ambito, by=run.by, progress=progress, base_url=run.base_url)
        outcome = importer.run(rows)
        _summarise(run, outcome)
        run.created_ids, run.changes = outcome.created_ids, outcome.changes
        run.state, run.progress, run.rows_done = ImportRun.State.APPLIED, 100, run.rows
        run.applied_at, run.content = timezone.now(), None
        run.save()
    return run


# --- A job the worker gives up, and «Riprova» -----------------------------------------------------------------

APPLY_TASK, CHECK_TASK = "imports.services.apply_import", "imports.services.check_import"
#: The states of a run while each job works on it: a job given up fails the run only from these.
JOB_STATES = {
    APPLY_TASK: [ImportRun.State.QUEUED, ImportRun.State.RUNNING],
    CHECK_TASK: [ImportRun.State.CHECKING],
}


def failure_message(task_result) -> str:
    """Why the worker gave up a job of the run, in Italian, for its page."""
    count = len(task_result.worker_ids)
    error = task_result.errors[-1] if task_result.errors else None
    path = error.exception_class_path if error is not None else ""
    if path == f"{tasks.WorkerLost.__module__}.WorkerLost":
        return ngettext(
            "il processo che la eseguiva si è fermato (riavvio del server o memoria esaurita).",
            "il processo che la eseguiva si è fermato %(count)d volte (riavvio del server o memoria esaurita).",
            count,
        ) % {"count": count}
    return ngettext(
        "si è verificato un errore interno (%(detail)s).",
        "si è verificato un errore interno a ognuno dei %(count)d tentativi (%(detail)s).",
        count,
    ) % {"count": count, "detail": path.rsplit(".", 1)[-1] or "?"}


@receiver(task_finished, dispatch_uid="imports-job-failed")
def _record_failure(sender, task_result, **kwargs) -> None:
    """The worker gave up an import job: the run fails, its page shows why and «Riprova». Only the run's latest
    job of that kind counts, and only while the run is still in that job's hands."""
    path = task_result.task.module_path
    if path not in JOB_STATES or task_result.status != TaskResultStatus.FAILED:
        return
    (run_id,) = task_result.args
    if (job := tasks.latest_job(path, run_id)) is None or str(job.pk) != str(task_result.id):
        return
    ImportRun.objects.filter(pk=run_id, state__in=JOB_STATES[path]).update(
        state=ImportRun.State.FAILED, error=failure_message(task_result), progress=0
    )


def import_retry(*, run: ImportRun, by: User) -> ImportRun:
    """«Riprova» on a failed run: its last job (the real run if it was confirmed, else the dry run in the
    worker) is queued again, from the file the run keeps."""
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.state == ImportRun.State.APPLIED:
            raise ImportRefused(_("Questa importazione è già stata eseguita."))
        if locked.is_working:
            raise ImportRefused(_("L'importazione è già in corso: attendi che finisca."))
        if locked.state != ImportRun.State.FAILED:
            raise ImportRefused(_("Si riprova solo un'importazione non riuscita."))
        if locked.content is None:
            raise ImportRefused(_("Il file di questa importazione non è più conservato: caricalo di nuovo."))
        applying = tasks.latest_job(APPLY_TASK, run.pk) is not None
        job, state = (apply_import, ImportRun.State.QUEUED) if applying else (check_import, ImportRun.State.CHECKING)
        locked.state, locked.error, locked.progress, locked.rows_done = state, "", 0, 0
        locked.progress_at = timezone.now()
        locked.save(update_fields=["state", "error", "progress", "rows_done", "progress_at"])
        transaction.on_commit(lambda: job.enqueue(run.pk))
    run.refresh_from_db()
    return run


#: The order in which an undo deletes what a run created: the hours before their months (a JSON object keeps no
#: order of its keys in PostgreSQL).
UNDO_ORDER = ["interventions.timeentry", "interventions.timesheet", "families.family", "equipes.user"]


def _objects(run: ImportRun) -> list[tuple[str, list]]:
    """The objects the run created, by model, in the order to delete them."""
    found = []
    for label, ids in sorted(run.created_ids.items(), key=lambda item: UNDO_ORDER.index(item[0])):
        model = apps.get_model(label)
        found.append((label, list(model._base_manager.filter(pk__in=ids))))
    return found


def _dependents(objects: Iterable) -> bool:
    """Whether deleting the objects would delete or touch anything else than what the run wrote with them."""
    objects = list(objects)
    if not objects:
        return False
    mine = {(o._meta.label_lower, o.pk) for o in objects}
    collector = Collector(using=router.db_for_write(type(objects[0])))
    try:
        collector.collect(objects)
    except (ProtectedError, RestrictedError):
        return True
    for model, instances in collector.data.items():
        label = model._meta.label_lower
        if label in REMOVED_WITH_THEM:
            continue
        if any((label, o.pk) not in mine for o in instances):
            return True
    for queryset in collector.fast_deletes:
        if queryset.model._meta.label_lower not in REMOVED_WITH_THEM and queryset.exists():
            return True
    # SET_NULL relations: another object that points at them (a confirmation of a duplicate, a signature).
    return any(
        (objs.exists() if hasattr(objs, "exists") else bool(objs))
        for updates in collector.field_updates.values()
        for objs in updates
    )


def _json(obj, field) -> object:
    """A field's value as `ImportRun.changes` keeps it: ids for relations, decimals as text."""
    value = getattr(obj, field.attname)
    return str(value) if isinstance(value, Decimal) else value


def _restore(changes: list[dict]) -> None:
    """Put back the values a run changed, refused when one was changed again since the run (the later change
    wins: the undo would silently erase it) or when the old value is a related object since removed."""
    for change in changes:
        model = apps.get_model(change["model"])
        obj = model._base_manager.select_for_update().filter(pk=change["pk"]).first()
        if obj is None:
            continue
        for name, values in change["fields"].items():
            field = model._meta.get_field(name)
            if _json(obj, field) != values["new"]:
                raise ImportRefused(
                    _("Non si può annullare: %(what)s di %(obj)s è stato cambiato dopo l'importazione.")
                    % {"what": field.verbose_name, "obj": obj}
                )
            old = field.to_python(values["old"])
            if field.is_relation and old is not None and not field.related_model._base_manager.filter(pk=old).exists():
                raise ImportRefused(
                    _("Non si può annullare: il valore precedente di «%(what)s» di %(obj)s non esiste più.")
                    % {"what": field.verbose_name, "obj": obj}
                )
            setattr(obj, field.attname, old)
        obj.save(update_fields=list(change["fields"]))


def import_undo(*, run: ImportRun, by: User) -> ImportRun:
    """Remove what an applied run created and put back the values it changed, in one transaction, while
    nothing depends on it: a user who has
    logged in or was given anything (an équipe, a family, hours), a family with anything beyond what the import
    wrote (an assessment, a note, hours, a look at its record), hours of a month confirmed or validated since."""
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.state != ImportRun.State.APPLIED:
            raise ImportRefused(_("Si annulla solo un'importazione eseguita."))
        _restore(locked.changes)
        objects = _objects(locked)
        for label, instances in objects:
            if label == "equipes.user" and any(u.last_login for u in instances):
                raise ImportRefused(_("Non si può annullare: almeno un utente importato ha già fatto l'accesso."))
            if label == "interventions.timeentry":
                sheets = {e.timesheet_id for e in instances}
                if Timesheet.objects.filter(pk__in=sheets).exclude(state=Timesheet.State.BOZZA).exists():
                    raise ImportRefused(
                        _("Non si può annullare: un mese delle ore importate è stato confermato o validato.")
                    )
        for label, instances in objects:
            if label == "interventions.timesheet":
                # Emptied by the deletion of the entries just before: what is left is someone else's.
                instances = [t for t in instances if not t.entries.exists()]
                leftover = set(locked.created_ids.get(label, [])) - {t.pk for t in instances}
                if leftover:
                    raise ImportRefused(_("Non si può annullare: ci sono altre ore nei mesi importati."))
            if _dependents(instances):
                raise ImportRefused(
                    _(
                        "Non si può annullare: altri dati dipendono da quanto è stato importato (es. valutazioni, "
                        "ore, accessi, équipe). Correggi questi dati dal portale."
                    )
                )
            for instance in instances:
                instance.delete()
        locked.state, locked.undone_at, locked.undone_by = ImportRun.State.UNDONE, timezone.now(), by
        locked.save(update_fields=["state", "undone_at", "undone_by"])
    run.refresh_from_db()
    return run


# --- The invitation --------------------------------------------------------------------------------------------


def invitation_link(user: User, base_url: str) -> str:
    """The link to choose a password: allauth's password reset, which a user without a password uses the same
    way (the second factor is then asked at the first login, as for everyone)."""
    path = reverse(
        "account_reset_password_from_key",
        kwargs={"uidb36": user_pk_to_url_str(user), "key": default_token_generator.make_token(user)},
    )
    return base_url.rstrip("/") + path


def _invite_on_commit(user: User, base_url: str) -> None:
    def send() -> None:
        context = {"user": user, "link": invitation_link(user, base_url)}
        send_mail(
            _("PIPPI Portal: il tuo accesso"),
            render_to_string("imports/invitation_email.txt", context),
            settings.DEFAULT_FROM_EMAIL,
            [user.email],
            fail_silently=True,
        )

    transaction.on_commit(send)
