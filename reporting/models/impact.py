"""Social-impact indicators (VIS): name, unit, baseline, target, and their value per period."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from equipes.models import Project

from .project_scoped import ProjectScoped, ProjectScopedQuerySet


class Direction(models.TextChoices):
    HIGHER = "higher", _("più alto è meglio")
    LOWER = "lower", _("più basso è meglio")


class Formula(models.TextChoices):
    """What the portal can compute from its own data. An indicator with a formula has no typed values: the
    portal computes its value for any period (reporting.impact)."""

    FAMIGLIE_SOLIDALI = "famiglie_solidali", _("Famiglie d'appoggio abbinate a famiglie del progetto nel periodo")
    ESITI_POSITIVI = "esiti_positivi", _("Quota di percorsi conclusi con esito positivo (A o B), in %")
    BAMBINI_A_CASA = "bambini_a_casa", _("Quota di percorsi conclusi con il bambino ancora in famiglia, in %")


#: The unit of each formula's value.
FORMULA_UNITS = {
    Formula.FAMIGLIE_SOLIDALI: "famiglie",
    Formula.ESITI_POSITIVI: "%",
    Formula.BAMBINI_A_CASA: "%",
}


class ImpactIndicatorQuerySet(ProjectScopedQuerySet):
    def with_latest_value(self, until: datetime.date | None = None):
        """Annotate each indicator with its latest value (and that value's period), among the values whose
        period ends by `until` (all of them when None)."""
        values = IndicatorValue.objects.filter(indicator=models.OuterRef("pk"))
        if until is not None:
            values = values.filter(period_end__lte=until)
        latest = values.order_by("-period_end", "-period_start")
        return self.annotate(
            latest_value=models.Subquery(latest.values("value")[:1]),
            latest_period_start=models.Subquery(latest.values("period_start")[:1]),
            latest_period_end=models.Subquery(latest.values("period_end")[:1]),
        )


class ImpactIndicator(ProjectScoped):
    """An indicator of the Valutazione di Impatto Sociale: where it started, where it should get, and which
    way is better."""

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="impact_indicators", verbose_name=_("progetto")
    )
    name = models.CharField(_("indicatore"), max_length=200)
    unit = models.CharField(_("unità di misura"), max_length=40, help_text=_("Per esempio: %, famiglie, punti."))
    baseline = models.DecimalField(_("valore di partenza"), max_digits=12, decimal_places=2)
    target = models.DecimalField(_("obiettivo"), max_digits=12, decimal_places=2)
    direction = models.CharField(_("direzione"), max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    method = models.TextField(_("metodo e fonte"), blank=True, help_text=_("Come si misura e da dove viene il dato."))
    formula = models.CharField(
        _("calcolato dal portale"),
        max_length=30,
        db_default="",
        choices=Formula.choices,
        blank=True,
        help_text=_(
            "Lasciare vuoto per un indicatore i cui valori si registrano a mano. Un indicatore calcolato prende "
            "i valori dai dati del portale, periodo per periodo, e non si modifica a mano."
        ),
    )

    objects = ImpactIndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = _("indicatore di impatto sociale")
        verbose_name_plural = _("indicatori di impatto sociale")
        ordering = ["project", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "name"],
                name="impact_indicator_name_unique_in_project",
                violation_error_message=_("Esiste già un indicatore con questo nome nel progetto."),
            ),
            models.CheckConstraint(
                condition=(Q(direction="higher") & Q(target__gte=F("baseline")))
                | (Q(direction="lower") & Q(target__lte=F("baseline"))),
                name="impact_indicator_target_follows_direction",
                violation_error_message=_(
                    "L'obiettivo deve andare nella direzione indicata: non inferiore al valore di partenza se "
                    "«più alto è meglio», non superiore se «più basso è meglio»."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("reporting:indicator-detail", args=[self.pk])

    @property
    def is_computed(self) -> bool:
        return bool(self.formula)


def indicator_progress(
    *, baseline: Decimal, target: Decimal, value: Decimal | None, direction: str
) -> tuple[bool | None, float | None]:
    """Whether the target is reached, and how far from baseline to target the value has come (percent,
    None when target and baseline coincide). Both None without a value."""
    if value is None:
        return None, None
    reached = value >= target if direction == Direction.HIGHER else value <= target
    if target == baseline:
        return reached, None
    return reached, round(float((value - baseline) / (target - baseline) * 100), 1)


class IndicatorValue(models.Model):
    """The value an indicator had over a period (usually a semester)."""

    indicator = models.ForeignKey(
        ImpactIndicator, on_delete=models.CASCADE, related_name="values", verbose_name=_("indicatore")
    )
    period_start = models.DateField(_("inizio del periodo"))
    period_end = models.DateField(_("fine del periodo"))
    value = models.DecimalField(_("valore"), max_digits=12, decimal_places=2)
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("valore dell'indicatore")
        verbose_name_plural = _("valori dell'indicatore")
        ordering = ["indicator", "-period_end"]
        constraints = [
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="indicator_value_period_ordered",
                violation_error_message=_("La fine del periodo non può precedere l'inizio."),
            ),
            models.UniqueConstraint(
                fields=["indicator", "period_end"],
                name="indicator_value_unique_period_end",
                violation_error_message=_("L'indicatore ha già un valore per un periodo che finisce in questa data."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator}: {self.value} ({self.period_start:%d/%m/%Y}–{self.period_end:%d/%m/%Y})"
