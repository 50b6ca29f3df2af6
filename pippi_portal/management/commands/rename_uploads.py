"""Give every stored document the random name a new upload gets (pippi_portal/uploads.py).

Until random names, CVs and training certificates were stored under the name they were uploaded with (e.g.
"training/12/Mario Rossi CF RSSMRA80A01F205X.pdf") and consents kept the uploaded extension. This command
stores each document whose name is not random yet again under a random name with the extension of its
content, points its row, and the copies of the row in the change history, at the new file, and deletes the
old file. A rename changes no content, so the triggers that record changes are paused meanwhile, as for key
rotation; the command therefore runs as the owner role (the application role may not update history rows).
It is idempotent, and prints model names and row numbers only, never the old file names.
"""

from __future__ import annotations

from pathlib import PurePath

import pgtrigger
from django.apps import apps
from django.core.files import File
from django.core.management.base import BaseCommand
from django.db import models, transaction
from pghistory.models import Event

from pippi_portal.uploads import RANDOM_NAME, validate_document


def document_fields() -> list[tuple[type[models.Model], models.FileField]]:
    """Every (model, field) holding uploaded documents: the file fields validated as documents. Report files,
    named by the portal itself, are not among them; history tables follow their model (`rename`)."""
    return [
        (model, field)
        for model in apps.get_models()
        if not issubclass(model, Event)
        for field in model._meta.concrete_fields
        if isinstance(field, models.FileField) and validate_document in field.validators
    ]


def has_random_name(name: str) -> bool:
    return RANDOM_NAME.fullmatch(PurePath(name).name) is not None


def rename(instance: models.Model, field: models.FileField) -> str:
    """Store the instance's document again through the field's own `upload_to`, as if it were uploaded now,
    point the row and its history at the new file and delete the old one. Returns the new name."""
    model, storage = type(instance), field.storage
    old_name = getattr(instance, field.attname).name
    with storage.open(old_name, "rb") as handle:
        setattr(instance, field.attname, File(handle, name=PurePath(old_name).name))
        document = getattr(instance, field.attname)
        document.save(document.name, document.file, save=False)
    try:
        with pgtrigger.ignore(), transaction.atomic():
            model._default_manager.filter(pk=instance.pk).update(**{field.attname: document.name})
            for history in apps.get_models():
                if issubclass(history, Event) and history.pgh_tracked_model is model:
                    history.objects.filter(**{field.attname: old_name}).update(**{field.attname: document.name})
    except Exception:
        storage.delete(document.name)
        raise
    storage.delete(old_name)
    return document.name


class Command(BaseCommand):
    help = (
        "Rinomina con un nome casuale i documenti caricati (curriculum, attestati, consensi) salvati con il "
        "nome del file originale. Da eseguire come proprietario delle tabelle."
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="conta i documenti da rinominare senza cambiarli")

    def handle(self, *args, dry_run: bool, **options):
        renamed = missing = 0
        for model, field in document_fields():
            for instance in model._default_manager.exclude(**{field.attname: ""}).order_by("pk").iterator():
                name = getattr(instance, field.attname).name
                if has_random_name(name):
                    continue
                if not field.storage.exists(name):
                    missing += 1
                    self.stdout.write(f"  {model._meta.label} {instance.pk}: file mancante, lasciato com'è")
                    continue
                if not dry_run:
                    rename(instance, field)
                renamed += 1
        verb = "da rinominare (prova, nulla è cambiato)" if dry_run else "rinominati"
        self.stdout.write(self.style.SUCCESS(f"Documenti {verb}: {renamed}; file mancanti: {missing}."))
