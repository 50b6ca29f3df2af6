"""The Mondo del Bambino's reference data, editable in the admin and versioned: the triangle's versions,
sides and sub-dimensions, the rating scale; and the outcomes of a closed path."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Framework(models.Model):
    """A version of the Mondo del Bambino triangle. Assessments keep the version they were made with."""

    name = models.CharField(_("nome"), max_length=120)
    version = models.CharField(_("versione"), max_length=20, unique=True)
    is_current = models.BooleanField(_("in uso"), default=False)

    class Meta:
        verbose_name = _("versione del Mondo del Bambino")
        verbose_name_plural = _("versioni del Mondo del Bambino")
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_framework")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    @classmethod
    def current(cls) -> Framework:
        return cls.objects.get(is_current=True)


class Side(models.Model):
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="sides", verbose_name=_("versione del Mondo del Bambino")
    )
    number = models.PositiveSmallIntegerField(_("lato"))
    title = models.CharField(_("titolo"), max_length=200)
    short_title = models.CharField(_("titolo breve"), max_length=60)

    class Meta:
        verbose_name = _("lato del triangolo")
        verbose_name_plural = _("lati del triangolo")
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="side_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class SubDimension(models.Model):
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="subdimensions", verbose_name=_("lato"))
    order = models.PositiveSmallIntegerField(_("ordine"))
    name = models.CharField(_("nome"), max_length=200)

    class Meta:
        verbose_name = _("sottodimensione")
        verbose_name_plural = _("sottodimensioni")
        ordering = ["side__number", "order"]
        constraints = [models.UniqueConstraint(fields=["side", "order"], name="subdimension_order_unique")]

    def __str__(self) -> str:
        return self.name


class RatingLevel(models.Model):
    """The rating scale: 1 problema grave … 6 punto di forza."""

    value = models.PositiveSmallIntegerField(_("valore"), unique=True)
    label = models.CharField(_("etichetta"), max_length=60)

    class Meta:
        verbose_name = _("livello della scala")
        verbose_name_plural = _("scala di valutazione")
        ordering = ["value"]

    def __str__(self) -> str:
        return f"{self.value} — {self.label}"


class ClosureOutcome(models.Model):
    """Outcome A / B / C of a closed path; labels are editable in the admin."""

    code = models.CharField(_("codice"), max_length=1, unique=True)
    label = models.CharField(_("descrizione"), max_length=200)

    class Meta:
        verbose_name = _("esito di chiusura")
        verbose_name_plural = _("esiti di chiusura")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"
