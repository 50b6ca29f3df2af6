"""The records of what happened to a family: every change of state (`TransitionLog`), the change history of
its personal data (pghistory's triggers on `TRACKED_MODELS`), who looked at it (`AccessLog`) and its
anonymisation (`AnonymisationLog`)."""

from __future__ import annotations

import pghistory
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipes.models import Role

from .assessments import Assessment, AssessmentRating, SDQScore
from .family import Family, FamilyScopedQuerySet, Member, State
from .placement import Placement
from .plan import Action, Objective, ProgettoQuadro, Verification
from .referral import Preassessment, PreassessmentConcern, Referral
from .team import Closure, Consent, DiaryNote, TeamMeeting, TeamMember


class TransitionLog(models.Model):
    """Every change of state: who, when, from, to and why. Written only by `families.services`."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="transitions", verbose_name=_("famiglia"))
    from_state = models.CharField(_("dallo stato"), max_length=20, choices=State.choices)
    to_state = models.CharField(_("allo stato"), max_length=20, choices=State.choices)
    # The day the step happened (what reports count by), which may precede the day it was recorded (`at`).
    effective_on = models.DateField(_("con effetto dal"), default=timezone.localdate)
    at = models.DateTimeField(_("quando"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("eseguito da")
    )
    reason = models.TextField(_("motivo"), blank=True)

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("passaggio di stato")
        verbose_name_plural = _("passaggi di stato")
        ordering = ["effective_on", "at", "pk"]
        indexes = [models.Index(fields=["to_state", "effective_on"], name="transition_to_state_on_idx")]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


class ProjectTakeover(models.Model):
    """A family carried over from an implementation of a concluded project into one of the project that
    follows it (`families.services.families_take_over`). The family keeps its state, assessments, plans and
    interventions; this row says when it changed project, from which implementation, and who did it."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="takeovers", verbose_name=_("famiglia"))
    from_implementation = models.ForeignKey(
        "equipes.Implementation", on_delete=models.PROTECT, related_name="+", verbose_name=_("dall'implementazione")
    )
    to_implementation = models.ForeignKey(
        "equipes.Implementation", on_delete=models.PROTECT, related_name="+", verbose_name=_("all'implementazione")
    )
    state = models.CharField(_("stato al passaggio"), max_length=20, choices=State.choices)
    effective_on = models.DateField(_("dal"))
    at = models.DateTimeField(_("quando"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("eseguito da")
    )

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("passaggio al progetto successivo")
        verbose_name_plural = _("passaggi al progetto successivo")
        ordering = ["effective_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_implementation=models.F("to_implementation")), name="takeover_changes_implementation"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.family_id}: {self.from_implementation_id} → {self.to_implementation_id}"


class DuplicateConfirmationQuerySet(FamilyScopedQuerySet):
    def to_review_by(self, user):
        """The confirmations the Referente di Ambito has still to check, in the families it sees."""
        if user.role != Role.COORDINATORE:
            return self.none()
        return self.visible_to(user).filter(reviewed_at__isnull=True)


class DuplicateConfirmation(models.Model):
    """A member registered although their codice fiscale was already in another family of the same ambito:
    who confirmed it, when, why, and which family already had it (issue 14 §2). The existing family is
    recorded even when the user could not see it, so that the coordinator can follow it up."""

    family = models.ForeignKey(
        Family, on_delete=models.CASCADE, related_name="duplicate_confirmations", verbose_name=_("famiglia")
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="duplicate_confirmations", verbose_name=_("componente")
    )
    existing_family = models.ForeignKey(
        Family, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("famiglia già registrata")
    )
    reason = models.TextField(_("motivo"))
    at = models.DateTimeField(_("quando"), default=timezone.now)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("eseguito da")
    )
    # The Referente di Ambito's follow-up: the two registrations checked (same person in two families, or a
    # mistake corrected), so that the confirmation leaves the list of those to review.
    reviewed_at = models.DateTimeField(_("verificata il"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verificata da"),
    )

    objects = DuplicateConfirmationQuerySet.as_manager()

    class Meta:
        verbose_name = _("conferma di codice fiscale già registrato")
        verbose_name_plural = _("conferme di codici fiscali già registrati")
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.family_id}: {self.member_id} (già in {self.existing_family_id})"


# Every change to personal data is recorded with who, when, old and new values (DESIGN.md §4): database
# triggers catch ORM saves, QuerySet.update() and raw SQL alike.
TRACKED_MODELS = (
    Family,
    Member,
    Referral,
    Preassessment,
    PreassessmentConcern,
    Assessment,
    AssessmentRating,
    SDQScore,
    ProgettoQuadro,
    Objective,
    Action,
    Verification,
    TeamMember,
    TeamMeeting,
    Consent,
    DiaryNote,
    Closure,
    Placement,
)
for tracked in TRACKED_MODELS:
    pghistory.track(pghistory.InsertEvent(), pghistory.UpdateEvent(), pghistory.DeleteEvent())(tracked)


class AccessLog(models.Model):
    """Who looked at a family's personal data, when and on which page (DESIGN.md §4)."""

    class Action(models.TextChoices):
        VIEW = "view", _("Consultazione")
        DOWNLOAD = "download", _("Scaricamento documento")
        PRINT = "print", _("Stampa")
        EXPORT = "export", _("Esportazione")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("utente")
    )
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="access_log", verbose_name=_("famiglia"))
    action = models.CharField(_("azione"), max_length=20, choices=Action.choices, default=Action.VIEW)
    path = models.CharField(_("indirizzo della pagina"), max_length=300)
    identities_shown = models.BooleanField(_("identità mostrate"), default=False)
    at = models.DateTimeField(_("quando"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("accesso ai dati")
        verbose_name_plural = _("registro degli accessi")
        ordering = ["-at"]
        indexes = [models.Index(fields=["family", "-at"], name="access_family_at_idx")]

    def __str__(self) -> str:
        return f"{self.user} {self.get_action_display()} {self.family} {self.at:%d/%m/%Y %H:%M}"


class AnonymisationLog(models.Model):
    """A family whose identities were erased at the end of the retention period (families.anonymisation):
    what was erased, when and by whom (a username, or "system" for the scheduled run). Append-only for the
    application."""

    family = models.OneToOneField(Family, on_delete=models.PROTECT, related_name="+", verbose_name=_("famiglia"))
    family_code = models.CharField(_("codice famiglia"), max_length=20)
    ended_state = models.CharField(_("stato finale"), max_length=20)
    ended_on = models.DateField(_("percorso terminato il"))
    anonymised_at = models.DateTimeField(_("anonimizzata il"), auto_now_add=True)
    performed_by = models.CharField(_("eseguita da"), max_length=150, default="system")
    counts = models.JSONField(_("dati cancellati"), default=dict)

    class Meta:
        # The table keeps the name it had when the model lived in pippi_portal (migration families.0003).
        db_table = "pippi_portal_anonymisationlog"
        verbose_name = _("anonimizzazione")
        verbose_name_plural = _("registro delle anonimizzazioni")
        ordering = ["-anonymised_at"]

    def __str__(self) -> str:
        return f"{self.family_code} {self.anonymised_at:%d/%m/%Y}"
