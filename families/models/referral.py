"""From referral to inclusion: the segnalazione that opens a family's record and the pre-assessment that
orients it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from pippi_portal import sinba_codes

from .family import Family, FamilyScopedQuerySet
from .reference import Side


class Referral(models.Model):
    """The segnalazione that opens a family's record."""

    class Source(models.TextChoices):
        SERVIZIO_SOCIALE = "servizio_sociale", _("Servizio sociale")
        SCUOLA = "scuola", _("Scuola")
        PEDIATRA = "pediatra", _("Pediatra / ASST")
        NPI = "npi", _("Neuropsichiatria infantile")
        AUTORITA_GIUDIZIARIA = "autorita_giudiziaria", _("Autorità giudiziaria")
        AUTOSEGNALAZIONE = "autosegnalazione", _("Autosegnalazione")
        ALTRO = "altro", _("Altro")

    family = models.OneToOneField(Family, on_delete=models.CASCADE, related_name="referral", verbose_name=_("famiglia"))
    date = models.DateField(_("data della segnalazione"))
    source = models.CharField(_("fonte"), max_length=30, choices=Source.choices)
    reason = models.TextField(_("motivo"))
    sinba_source = models.CharField(
        _("fonte secondo SINBA"),
        max_length=2,
        choices=sinba_codes.fonte_segnalazione,
        blank=True,
        default="",
        db_default="",
        help_text=_(
            "Per il ritorno SINBA: serve solo se la fonte sopra non basta a dirla (servizio sociale, "
            "autosegnalazione, altro)."
        ),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ricevuta da")
    )

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")

    def __str__(self) -> str:
        return f"{self.family} — {self.date:%d/%m/%Y}"


class Preassessment(models.Model):
    class Orientation(models.TextChoices):
        INCLUDE = "include", _("Inclusione in P.I.P.P.I.")
        ORDINARIO = "ordinario", _("Intervento ordinario")
        TUTELA = "tutela", _("Percorso di tutela")

    family = models.OneToOneField(
        Family, on_delete=models.CASCADE, related_name="preassessment", verbose_name=_("famiglia")
    )
    date = models.DateField(_("data"))
    risk_factors = models.TextField(_("fattori di rischio"), blank=True)
    protective_factors = models.TextField(_("fattori di protezione"), blank=True)
    orientation = models.CharField(_("orientamento"), max_length=20, choices=Orientation.choices)
    motivation = models.TextField(_("motivazione"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrato da")
    )

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pre-assessment")
        verbose_name_plural = _("pre-assessment")

    def __str__(self) -> str:
        return f"{self.family} — {self.get_orientation_display()}"


class ConcernLevel(models.IntegerChoices):
    NESSUNA = 0, _("Nessuna preoccupazione")
    BASSA = 1, _("Preoccupazione bassa")
    MEDIA = 2, _("Preoccupazione media")
    ALTA = 3, _("Preoccupazione alta")


class PreassessmentConcern(models.Model):
    """Level of concern for one side of the Mondo del Bambino in a pre-assessment."""

    preassessment = models.ForeignKey(
        Preassessment, on_delete=models.CASCADE, related_name="concerns", verbose_name=_("pre-assessment")
    )
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+", verbose_name=_("lato"))
    level = models.PositiveSmallIntegerField(_("livello di preoccupazione"), choices=ConcernLevel.choices)

    class Meta:
        verbose_name = _("preoccupazione per un lato")
        verbose_name_plural = _("preoccupazioni per lato")
        ordering = ["side__number"]
        constraints = [models.UniqueConstraint(fields=["preassessment", "side"], name="preassessment_side_unique")]

    def __str__(self) -> str:
        return f"{self.side.short_title}: {self.get_level_display()}"
