"""Report runs, the semester report and the annual synthesis: a frozen snapshot with its SHA-256 and the PDF
made from it, immutable once approved."""

from __future__ import annotations

import json

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from equipes.models import Project, Role

from .project_scoped import ProjectScoped, ProjectScopedQuerySet


def report_upload_to(instance: ReportRun, filename: str) -> str:
    folder = instance.project.cup or f"progetto-{instance.project_id}"
    return f"reports/{folder}/{instance.kind}-{instance.label}-v{instance.version}-{filename}"


#: The label of a project's final report (one per project, in versions).
FINAL_REPORT_LABEL = "finale"


class ReportRunQuerySet(ProjectScopedQuerySet):
    def to_approve_by(self, user):
        """Runs in review of the projects `user`'s ambito leads: its Ufficio di Piano approves them."""
        if user.role != Role.UFFICIO_PIANO or user.ambito_id is None:
            return self.none()
        return self.visible_to(user).filter(project__ambito_id=user.ambito_id, state=ReportRun.State.IN_REVISIONE)

    def returned_to(self, user):
        """Draft runs whose texts the partner's referent `user` (or a colleague of its organisation) wrote, sent
        back by the Ufficio di Piano and not rewritten since."""
        if user.role != Role.REFERENTE_ENTE or user.organisation_id is None:
            return self.none()
        return self.visible_to(user).filter(
            state=ReportRun.State.BOZZA,
            returned_at__isnull=False,
            narrative_by__organisation_id=user.organisation_id,
            narrative_at__lte=F("returned_at"),
        )


class ReportRun(ProjectScoped):
    """One version of a report for a project and a period. Its indicators are frozen as a JSON snapshot, the
    PDF is rendered from the snapshot by the background worker, and both are stored with their SHA-256.
    bozza → in_revisione → approvato; an approved run is immutable (the database refuses changes) and a new
    run for the same period is a new version."""

    class Kind(models.TextChoices):
        SEMESTER = "semester", _("Rendicontazione semestrale")
        ANNUAL = "annual", _("Sintesi annuale")
        FINAL = "final", _("Relazione finale")

    class State(models.TextChoices):
        BOZZA = "bozza", _("Bozza")
        IN_REVISIONE = "in_revisione", _("In revisione")
        APPROVATO = "approvato", _("Approvato")

    class Render(models.TextChoices):
        IN_CODA = "in_coda", _("In coda")
        IN_CORSO = "in_corso", _("In preparazione")
        PRONTO = "pronto", _("Pronto")
        ERRORE = "errore", _("Errore")

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="report_runs", verbose_name=_("progetto")
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    label = models.CharField(
        _("periodo"), max_length=10, help_text=_("2025-S1, 2025-S2, l'anno per la sintesi o «finale»")
    )
    period_start = models.DateField(_("inizio del periodo"))
    period_end = models.DateField(_("fine del periodo"))
    version = models.PositiveSmallIntegerField(_("versione"), default=1)
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.BOZZA)
    snapshot_file = models.FileField(_("dati (JSON)"), upload_to=report_upload_to, blank=True, editable=False)
    snapshot_sha256 = models.CharField(_("SHA-256 dei dati"), max_length=64, blank=True, editable=False)
    pdf = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 del PDF"), max_length=64, blank=True, editable=False)
    render_status = models.CharField(
        _("preparazione"), max_length=20, choices=Render.choices, default=Render.IN_CODA, editable=False
    )
    progress = models.PositiveSmallIntegerField(_("avanzamento (%)"), default=0, editable=False)
    render_error = models.TextField(_("errore"), blank=True, editable=False)
    critical_issues = models.TextField(_("criticità"), blank=True)
    corrective_actions = models.TextField(_("azioni correttive"), blank=True)
    overall_evaluation = models.TextField(_("valutazione complessiva"), blank=True)
    # Who last wrote the texts: the Ufficio di Piano, or the partner's referent who drafts them for its project
    # (001: the partner sends the semester and annual reports to the Ufficio di Piano, which approves them).
    narrative_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("testi scritti da"),
    )
    narrative_at = models.DateTimeField(_("testi scritti il"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("creata da")
    )
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    submitted_at = models.DateTimeField(_("inviato in revisione il"), null=True, blank=True)
    returned_at = models.DateTimeField(_("riportato in bozza il"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approvato da"),
    )
    approved_at = models.DateTimeField(_("approvato il"), null=True, blank=True)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendicontazione")
        verbose_name_plural = _("rendicontazioni")
        ordering = ["-period_end", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "label", "version"], name="report_run_version_unique"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="report_run_period_ordered"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_run_progress_percent"),
            models.CheckConstraint(
                condition=~Q(kind="final") | Q(label=FINAL_REPORT_LABEL), name="report_run_final_label"
            ),
            models.CheckConstraint(
                condition=~Q(state="approvato") | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="report_run_approved_has_approver",
            ),
        ]
        triggers = [
            # An approved run whose final PDF is stored is immutable, whatever the code path.
            pgtrigger.Protect(
                name="report_run_approved_is_immutable",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__state="approvato", old__pdf_sha256__gt=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label} v{self.version} — {self.project}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report-detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.APPROVATO

    @cached_property
    def snapshot(self) -> dict | None:
        """The frozen figures, read back from the stored file (whose bytes the SHA-256 covers)."""
        if not self.snapshot_file:
            return None
        with self.snapshot_file.open("rb") as handle:
            return json.loads(handle.read())

    @property
    def is_rendering(self) -> bool:
        return self.render_status in (self.Render.IN_CODA, self.Render.IN_CORSO)
