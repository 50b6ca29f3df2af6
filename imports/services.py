"""Import workflows: the dry run of an uploaded file, its confirmation (the real run, in the task worker), and
the undo of an applied run while nothing depends on what it created."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable

from allauth.account.forms import default_token_generator
from allauth.account.utils import user_pk_to_url_str
from django.apps import apps
from django.conf import settings
from django.core.mail import send_mail
from django.db import connection, router, transaction
from django.db.models import ProtectedError, RestrictedError
from django.db.models.deletion import Collector
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from equipes.models import Ambito, User
from interventions.models import Timesheet

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


def _importer(kind: str, *, ambito: Ambito, by: User, progress=None, base_url: str = ""):
    cls = IMPORTERS[kind]
    if kind == "staff":
        return cls(ambito=ambito, by=by, progress=progress, invite=lambda user: _invite_on_commit(user, base_url))
    return cls(ambito=ambito, by=by, progress=progress)


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
    created and every refused row; nothing else is written (no invitation is sent either: mail leaves only
    once a transaction commits). Raises `readers.FileRefused` when the file cannot be read as this kind."""
    rows = _read(kind, content, file_name)
    importer = _importer(kind, ambito=ambito, by=by)
    try:
        with transaction.atomic():
            outcome = importer.run(rows)
            raise _DryRun
    except _DryRun:
        pass
    run = ImportRun(
        ambito=ambito, kind=kind, by=by, file_name=file_name[:200], file_sha256=sha256(content), content=content
    )
    _summarise(run, outcome)
    run.save()
    return run


def import_confirm(*, run: ImportRun, by: User, base_url: str) -> ImportRun:
    """Queue the real run of a dry run. Confirming twice queues it once."""
    updated = ImportRun.objects.filter(pk=run.pk, state=ImportRun.State.DRY_RUN).update(
        state=ImportRun.State.QUEUED, progress=0
    )
    if not updated:
        raise ImportRefused(_("Questa importazione è già stata confermata."))
    ImportRun.objects.filter(pk=run.pk).update(base_url=base_url[:200])
    transaction.on_commit(lambda: apply_import.enqueue(run.pk))
    run.refresh_from_db()
    return run


@task()
def apply_import(run_id: int) -> None:
    """The real run, in the task worker."""
    import_apply(run_id)


def _progress_writer(run_id: int):
    """Progress seen by the page while the run's own transaction is still open: written through another
    connection (a short thread of its own), every five points."""
    last = [-5]

    def write(percent: int) -> None:
        if percent < last[0] + 5:
            return
        last[0] = percent

        def update() -> None:
            try:
                ImportRun.objects.filter(pk=run_id, state__in=[ImportRun.State.QUEUED, ImportRun.State.RUNNING]).update(
                    state=ImportRun.State.RUNNING, progress=min(percent, 99)
                )
            finally:
                connection.close()

        thread = threading.Thread(target=update, daemon=True)
        thread.start()
        thread.join(timeout=5)

    return write


def import_apply(run_id: int) -> ImportRun:
    """Apply a confirmed run in one transaction: all of its valid rows, or nothing. Idempotent: the run is
    locked for the whole transaction and applied only from «in coda» or «in corso» (a job that ran again after
    a worker crash finds its run applied, or starts again from nothing, since the crash rolled back its
    transaction)."""
    progress = _progress_writer(run_id)
    progress(1)
    try:
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"imports.run:{run_id}"])
            run = ImportRun.objects.select_related("ambito", "by").get(pk=run_id)
            if run.state not in (ImportRun.State.QUEUED, ImportRun.State.RUNNING) or run.content is None:
                return run
            base_url = run.base_url
            rows = _read(run.kind, bytes(run.content), run.file_name)
            importer = _importer(run.kind, ambito=run.ambito, by=run.by, progress=progress, base_url=base_url)
            outcome = importer.run(rows)
            _summarise(run, outcome)
            run.created_ids = outcome.created_ids
            run.state, run.progress, run.applied_at, run.content = ImportRun.State.APPLIED, 100, timezone.now(), None
            run.save()
    except Exception as error:  # the page must say the run failed; nothing of it was written
        ImportRun.objects.filter(pk=run_id).update(
            state=ImportRun.State.FAILED, error=str(error)[:2000], content=None, progress=0
        )
        raise
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


def import_undo(*, run: ImportRun, by: User) -> ImportRun:
    """Remove what an applied run created, in one transaction, while nothing depends on it: a user who has
    logged in or was given anything (an équipe, a family, hours), a family with anything beyond what the import
    wrote (an assessment, a note, hours, a look at its record), hours of a month confirmed or validated since."""
    with transaction.atomic():
        locked = ImportRun.objects.select_for_update().get(pk=run.pk)
        if locked.state != ImportRun.State.APPLIED:
            raise ImportRefused(_("Si annulla solo un'importazione eseguita."))
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
