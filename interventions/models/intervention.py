"""The catalogue of interventions (dispositivi), shared or the ambito's own, and their activation for a family,
with the SEDT rule."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from equipes.models import Ambito, Comune, Profile
from families.models import Action, Family, Objective
from pippi_portal.periods import PeriodQuerySet


class InterventionTypeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The shared catalogue plus the ambito's own types."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        return self.filter(Q(ambito__isnull=True) | Q(ambito_id=user.ambito_id))

    def active(self):
        return self.filter(is_active=True)

    def for_families(self):
        """The types that are activated for a family: every category but the ambito's organisational services."""
        return self.exclude(category=InterventionType.Category.SERVIZIO_AMBITO)


class InterventionType(models.Model):
    """A device (dispositivo) of the catalogue. Types without an ambito are shared by every ambito; an ambito
    may add its own (centro diurno, sostegno economico, child-protection services…).

    A child-protection service (tutela minori, seed 002) is the ambito's, not the PNRR's: it is never a
    P.I.P.P.I. device, its hours are never PNRR-eligible, and it may serve only some comuni of the ambito."""

    class Category(models.TextChoices):
        INDIVIDUALE = "individuale", _("Intervento individuale")
        GRUPPO = "gruppo", _("Gruppo")
        COMUNITA = "comunita", _("Comunità e rete")
        # Direction and coordination, supervision and training, administration: services of the ambito that
        # are in the catalogue (with the profile that delivers them) but are not activated for a family.
        SERVIZIO_AMBITO = "servizio_ambito", _("Servizio dell'ambito (non si attiva per una famiglia)")

    ambito = models.ForeignKey(
        Ambito,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="intervention_types",
        verbose_name=_("ambito"),
        help_text=_("Vuoto per i dispositivi del catalogo comune."),
    )
    code = models.SlugField(_("codice"), max_length=40)
    name = models.CharField(_("nome"), max_length=150)
    category = models.CharField(_("categoria"), max_length=20, choices=Category.choices)
    profile = models.CharField(_("profilo che lo eroga"), max_length=30, choices=Profile.choices)
    is_pippi_device = models.BooleanField(_("dispositivo P.I.P.P.I."), default=True)
    child_protection = models.BooleanField(
        _("servizio di tutela minori"),
        default=False,
        db_default=False,
        help_text=_(
            "Servizio di tutela minori non finanziato dal PNRR: non è un dispositivo P.I.P.P.I. e le ore "
            "registrate su di esso non sono mai rendicontabili sul PNRR."
        ),
    )
    comuni = models.ManyToManyField(
        Comune,
        blank=True,
        related_name="intervention_types",
        verbose_name=_("comuni serviti"),
        help_text=_("Solo per i tipi di un ambito: vuoto se il servizio copre tutti i comuni dell'ambito."),
    )
    is_active = models.BooleanField(_("attivo"), default=True)

    objects = InterventionTypeQuerySet.as_manager()

    class Meta:
        verbose_name = _("tipo di intervento")
        verbose_name_plural = _("catalogo degli interventi")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"], condition=Q(ambito__isnull=True), name="intervention_type_code_unique_shared"
            ),
            models.UniqueConstraint(
                fields=["ambito", "code"],
                condition=Q(ambito__isnull=False),
                name="intervention_type_code_unique_in_ambito",
            ),
            models.CheckConstraint(
                condition=Q(child_protection=False) | Q(is_pippi_device=False),
                name="intervention_type_child_protection_not_pippi",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_sedt(self) -> bool:
        return self.code == "sedt"

    def covered_comuni(self) -> list[Comune]:
        """The comuni the type is restricted to; empty when it serves every comune (of its ambito, or of every
        ambito for a shared type)."""
        return list(self.comuni.all())

    def coverage_error(self, comune: Comune) -> str | None:
        """Why the type cannot be activated for a family resident in `comune`, in Italian; None if it can."""
        covered = self.covered_comuni()
        if not covered or comune.pk in {c.pk for c in covered}:
            return None
        return _(
            "«%(type)s» copre solo i comuni di %(comuni)s: la famiglia risiede a %(comune)s, fuori dal territorio "
            "del servizio."
        ) % {"type": self.name, "comuni": ", ".join(c.name for c in covered), "comune": comune.name}


class InterventionQuerySet(PeriodQuerySet):
    def visible_to(self, user):
        return self.filter(family__in=Family.objects.visible_to(user))


class Intervention(models.Model):
    """A device activated for a family."""

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="interventions", verbose_name=_("famiglia")
    )
    type = models.ForeignKey(
        InterventionType, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("tipo")
    )
    start_date = models.DateField(_("inizio"))
    end_date = models.DateField(_("fine"), null=True, blank=True)
    planned_hours_per_week = models.DecimalField(
        _("ore settimanali previste"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("60"))],
    )
    sedt_exception_reason = models.TextField(
        _("motivo della deroga al minimo settimanale"),
        blank=True,
        help_text=_(
            "Solo nei progetti che ammettono la deroga: obbligatorio per un'educativa domiciliare sotto il minimo."
        ),
    )
    assigned_users = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="assigned_interventions", verbose_name=_("operatori assegnati")
    )
    objectives = models.ManyToManyField(
        Objective, blank=True, related_name="interventions", verbose_name=_("obiettivi a cui risponde")
    )
    actions = models.ManyToManyField(
        Action, blank=True, related_name="interventions", verbose_name=_("azioni del Progetto Quadro")
    )
    notes = models.TextField(_("note"), blank=True)

    objects = InterventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervento")
        verbose_name_plural = _("interventi")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="intervention_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(planned_hours_per_week__gte=0), name="intervention_planned_hours_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.type} — {self.family}"
