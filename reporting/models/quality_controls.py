"""The controls on the services delivered, with their findings and corrective actions."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from equipes.models import Organisation, Project

from .project_scoped import ProjectScoped, ProjectScopedQuerySet


class QualityControl(ProjectScoped):
    """A control of the services delivered (seed 001: "controlli svolti delle prestazioni rese")."""

    class Kind(models.TextChoices):
        DOCUMENTALE = "documentale", _("Verifica documentale")
        IN_LOCO = "in_loco", _("Visita in loco")
        ORE = "ore", _("Verifica delle ore e dei fogli presenza")
        PERSONALE = "personale", _("Verifica del personale e della formazione")
        COLLOQUIO = "colloquio", _("Colloquio con operatori o beneficiari")
        ALTRO = "altro", _("Altro")

    class Status(models.TextChoices):
        PROGRAMMATO = "programmato", _("Programmato")
        SVOLTO = "svolto", _("Svolto, senza rilievi aperti")
        AZIONI_IN_CORSO = "azioni_in_corso", _("Azioni correttive in corso")
        CHIUSO = "chiuso", _("Chiuso")

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="quality_controls", verbose_name=_("progetto")
    )
    checked_on = models.DateField(_("data del controllo"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="quality_controls",
        verbose_name=_("ente controllato"),
    )
    kind = models.CharField(_("tipo di controllo"), max_length=20, choices=Kind.choices)
    scope = models.TextField(_("oggetto del controllo"), help_text=_("Che cosa è stato verificato."))
    findings = models.TextField(_("esiti e rilievi"), blank=True)
    corrective_actions = models.TextField(
        _("azioni correttive"), blank=True, help_text=_("Le azioni richieste all'ente, se ce ne sono.")
    )
    follow_up_on = models.DateField(_("data di verifica successiva"), null=True, blank=True)
    status = models.CharField(_("stato"), max_length=20, choices=Status.choices, default=Status.PROGRAMMATO)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrato da")
    )

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("controllo sulle prestazioni")
        verbose_name_plural = _("controlli sulle prestazioni")
        ordering = ["-checked_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=F("checked_on")),
                name="quality_control_follow_up_after_check",
                violation_error_message=_("La verifica successiva non può precedere la data del controllo."),
            ),
            models.CheckConstraint(
                condition=~Q(status="azioni_in_corso") | ~Q(corrective_actions=""),
                name="quality_control_actions_described",
                violation_error_message=_("Per lo stato «azioni correttive in corso» descrivi le azioni correttive."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checked_on:%d/%m/%Y} — {self.get_kind_display()} — {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:control-detail", args=[self.pk])
