"""Imports from spreadsheets (issue 17 §2): every file the Ufficio di Piano loads is recorded as an `ImportRun`,
with who, when, the file's SHA-256, what a dry run found and, once applied, the objects it created (so that an
undo can remove them while nothing depends on them)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipes.models import Ambito, AmbitoScopedQuerySet

#: The largest file taken (bytes): 10,000 rows of hours are about 400 KB in XLSX, 300 KB in CSV.
MAX_FILE_BYTES = 5 * 1024 * 1024


class ImportRunQuerySet(AmbitoScopedQuerySet):
    def imported_by(self, user):
        """The runs a user may open: those of the user's ambito, for the Ufficio di Piano (all, for admins)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        if user.role != "ufficio_piano":
            return self.none()
        return self.filter(ambito_id=user.ambito_id)


class ImportRun(models.Model):
    """One file loaded into one ambito: first a dry run (nothing written but this record), then, confirmed,
    the real run in one transaction, then possibly its undo."""

    class Kind(models.TextChoices):
        STAFF = "staff", _("Personale e utenti")
        FAMILIES = "families", _("Famiglie e componenti")
        HOURS = "hours", _("Storico delle ore")

    class State(models.TextChoices):
        CHECKING = "checking", _("Prova in corso")
        DRY_RUN = "dry_run", _("Prova (nulla scritto)")
        QUEUED = "queued", _("In coda")
        RUNNING = "running", _("In corso")
        APPLIED = "applied", _("Importata")
        UNDONE = "undone", _("Annullata")
        FAILED = "failed", _("Non riuscita")

    ambito = models.ForeignKey(Ambito, on_delete=models.PROTECT, related_name="import_runs", verbose_name=_("ambito"))
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("caricata da")
    )
    created_at = models.DateTimeField(_("caricata il"), auto_now_add=True)
    file_name = models.CharField(_("nome del file"), max_length=200)
    file_sha256 = models.CharField(_("SHA-256 del file"), max_length=64)
    #: The file itself, kept only until the run is applied (it may hold names and codici fiscali); a failed run
    #: keeps it for «Riprova».
    content = models.BinaryField(_("contenuto"), null=True, blank=True, editable=False)
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.DRY_RUN)
    rows = models.PositiveIntegerField(_("righe"), default=0)
    created_count = models.PositiveIntegerField(_("da creare / creati"), default=0)
    changed_count = models.PositiveIntegerField(_("da modificare / modificati"), default=0)
    refused_count = models.PositiveIntegerField(_("righe rifiutate"), default=0)
    #: Each refused row: {"row": 3, "column": "Codice fiscale", "value": "...", "reason": "..."}.
    refused = models.JSONField(_("righe rifiutate (dettaglio)"), default=list, blank=True)
    #: What would be created: short Italian lines for the dry-run report (no names for families).
    preview = models.JSONField(_("anteprima"), default=list, blank=True)
    #: {"app_label.model": [ids]} of the objects the real run created (`services.UNDO_ORDER` deletes them).
    created_ids = models.JSONField(_("oggetti creati"), default=dict, blank=True)
    #: The values an applied run changed, for its undo: [{"model": "equipes.user", "pk": 5,
    #: "fields": {"profile": {"old": "educatore", "new": "psicologo"}, ...}}] (JSON values: ids, decimals as text).
    changes = models.JSONField(_("valori modificati"), default=list, blank=True)
    #: The portal's address as the confirming request saw it: the invitations' links start with it.
    base_url = models.CharField(_("indirizzo del portale"), max_length=200, blank=True, editable=False)
    progress = models.PositiveSmallIntegerField(_("avanzamento (%)"), default=0)
    rows_done = models.PositiveIntegerField(_("righe elaborate"), default=0)
    #: When the worker last gave news of the run (queued, or a progress write): the page stops polling after
    #: `IMPORT_POLL_TIMEOUT` seconds without any.
    progress_at = models.DateTimeField(_("ultimo avanzamento"), null=True, blank=True)
    error = models.TextField(_("errore"), blank=True)
    applied_at = models.DateTimeField(_("importata il"), null=True, blank=True)
    undone_at = models.DateTimeField(_("annullata il"), null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("annullata da"),
    )

    objects = ImportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("importazione")
        verbose_name_plural = _("importazioni")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(progress__lte=100), name="import_run_progress_percent"),
            models.CheckConstraint(
                condition=~Q(state="applied") | Q(applied_at__isnull=False), name="import_run_applied_has_date"
            ),
            models.CheckConstraint(
                condition=~Q(state="undone") | Q(undone_at__isnull=False, undone_by__isnull=False),
                name="import_run_undone_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} — {self.file_name}"

    def get_absolute_url(self) -> str:
        return reverse("imports:run-detail", args=[self.pk])

    @property
    def is_working(self) -> bool:
        return self.state in (self.State.CHECKING, self.State.QUEUED, self.State.RUNNING)

    @property
    def is_silent(self) -> bool:
        """A run in the worker that has given no news for `IMPORT_POLL_TIMEOUT` seconds: the page stops polling."""
        if not self.is_working or self.progress_at is None:
            return False
        return (timezone.now() - self.progress_at).total_seconds() > settings.IMPORT_POLL_TIMEOUT

    @property
    def progress_step(self) -> int:
        """The progress rounded to the CSS classes of the bar (progress-0 … progress-100, by fives)."""
        return min(100, 5 * round(self.progress / 5))
