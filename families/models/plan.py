"""The Progetto Quadro: the family plan in versions, its objectives, actions and their T1/T2 verifications,
and the comments on it."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .family import Family, FamilyScopedQuerySet, Member, TimePoint
from .reference import SubDimension


class ProgettoQuadro(models.Model):
    """The family plan. Versioned: a revision is a new row; earlier versions stay readable and frozen."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="plans", verbose_name=_("famiglia"))
    version = models.PositiveSmallIntegerField(_("versione"), default=1)
    date = models.DateField(_("data"))
    general_aims = models.TextField(_("finalità generali"))
    shared_with_family = models.BooleanField(_("condiviso con la famiglia"), default=False)
    shared_on = models.DateField(_("condiviso il"), null=True, blank=True)
    superseded_at = models.DateTimeField(_("sostituito il"), null=True, blank=True, editable=False)
    revision_reason = models.TextField(_("motivo della revisione"), blank=True)

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("Progetto Quadro")
        verbose_name_plural = _("Progetti Quadro")
        ordering = ["family", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["family", "version"], name="plan_version_unique"),
            models.UniqueConstraint(
                fields=["family"], condition=Q(superseded_at__isnull=True), name="one_current_plan_per_family"
            ),
            models.CheckConstraint(
                condition=Q(shared_with_family=False) | Q(shared_on__isnull=False), name="plan_shared_has_date"
            ),
        ]

    def __str__(self) -> str:
        return f"Progetto Quadro {self.family} v{self.version}"

    @property
    def is_current(self) -> bool:
        return self.superseded_at is None


class Objective(models.Model):
    class Status(models.TextChoices):
        APERTO = "aperto", _("Aperto")
        RAGGIUNTO = "raggiunto", _("Raggiunto")
        PARZIALMENTE = "parzialmente", _("Parzialmente raggiunto")
        NON_RAGGIUNTO = "non_raggiunto", _("Non raggiunto")
        RIDEFINITO = "ridefinito", _("Ridefinito")

    plan = models.ForeignKey(
        ProgettoQuadro, on_delete=models.CASCADE, related_name="objectives", verbose_name=_("Progetto Quadro")
    )
    subdimension = models.ForeignKey(
        SubDimension, on_delete=models.PROTECT, related_name="+", verbose_name=_("sottodimensione")
    )
    expected_result = models.TextField(_("risultato atteso"))
    verification_method = models.TextField(_("come si verifica"))
    deadline = models.DateField(_("scadenza"), null=True, blank=True)
    status = models.CharField(_("stato"), max_length=20, choices=Status.choices, default=Status.APERTO)
    previous = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
        verbose_name=_("obiettivo precedente"),
    )

    class Meta:
        verbose_name = _("obiettivo")
        verbose_name_plural = _("obiettivi")
        ordering = ["subdimension__side__number", "subdimension__order", "pk"]

    def __str__(self) -> str:
        return self.expected_result[:80]


class Action(models.Model):
    """Who does what, when, for an objective: a professional, a family member or an informal resource."""

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="actions", verbose_name=_("obiettivo")
    )
    description = models.TextField(_("che cosa"))
    responsible_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("chi (operatore)"),
    )
    responsible_member = models.ForeignKey(
        Member, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("chi (familiare)")
    )
    responsible_other = models.CharField(_("chi (risorsa informale)"), max_length=120, blank=True)
    frequency = models.CharField(_("quando / con che frequenza"), max_length=120)

    class Meta:
        verbose_name = _("azione")
        verbose_name_plural = _("azioni")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(responsible_user__isnull=False)
                | Q(responsible_member__isnull=False)
                | ~Q(responsible_other=""),
                name="action_has_someone_responsible",
            )
        ]

    def __str__(self) -> str:
        return self.description[:80]


class Verification(models.Model):
    """The T1 or T2 verification of an objective."""

    class Outcome(models.TextChoices):
        RAGGIUNTO = "raggiunto", _("Raggiunto")
        PARZIALMENTE = "parzialmente", _("Parzialmente raggiunto")
        NON_RAGGIUNTO = "non_raggiunto", _("Non raggiunto")

    objective = models.ForeignKey(
        Objective, on_delete=models.CASCADE, related_name="verifications", verbose_name=_("obiettivo")
    )
    time_point = models.CharField(_("tempo"), max_length=2, choices=[(TimePoint.T1, "T1"), (TimePoint.T2, "T2")])
    date = models.DateField(_("data"))
    outcome = models.CharField(_("esito"), max_length=20, choices=Outcome.choices)
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("verifica")
        verbose_name_plural = _("verifiche")
        ordering = ["time_point"]
        constraints = [
            models.UniqueConstraint(fields=["objective", "time_point"], name="verification_unique_per_time_point"),
            models.CheckConstraint(condition=Q(time_point__in=["T1", "T2"]), name="verification_at_t1_or_t2"),
        ]

    def __str__(self) -> str:
        return f"{self.time_point}: {self.get_outcome_display()}"


class PlanComment(models.Model):
    """A comment of the coach or the Referente di Ambito on a plan."""

    plan = models.ForeignKey(
        ProgettoQuadro, on_delete=models.CASCADE, related_name="comments", verbose_name=_("Progetto Quadro")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("autore")
    )
    text = models.TextField(_("commento"))
    created_at = models.DateTimeField(_("scritto il"), auto_now_add=True)

    class Meta:
        verbose_name = _("commento al Progetto Quadro")
        verbose_name_plural = _("commenti ai Progetti Quadro")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:80]
