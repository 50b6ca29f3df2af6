"""The complaints register: received, channel, subject, handling, closure and outcome. A complaint names the
organisation concerned, never the complainant."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipes.models import Organisation, Project, Role

from .project_scoped import ProjectScoped, ProjectScopedQuerySet


class ComplaintQuerySet(ProjectScopedQuerySet):
    def visible_to(self, user):
        complaints = super().visible_to(user)
        if user.is_authenticated and user.role == Role.REFERENTE_ENTE:
            # A partner's referent sees the complaints that concern its own organisation, and no others.
            if user.organisation_id is None:
                return self.none()
            return complaints.filter(organisation_id=user.organisation_id)
        return complaints

    def open_on(self, day: datetime.date):
        return self.filter(open_on_q(day))

    def unanswered_by(self, user, today: datetime.date | None = None):
        """Complaints of the projects `user`'s ambito leads (its Ufficio di Piano closes them) still open after
        the response time (`COMPLAINT_RESPONSE_DAYS`)."""
        if user.role != Role.UFFICIO_PIANO or user.ambito_id is None:
            return self.none()
        return self.visible_to(user).filter(
            project__ambito_id=user.ambito_id, closed_on__isnull=True, received_on__lte=answer_due_received_on(today)
        )


#: Days within which a complaint is answered: no seed sets a time, so the general term of an administrative
#: procedure (law 241/1990, art. 2) applies.
COMPLAINT_RESPONSE_DAYS = 30


def answer_due_received_on(today: datetime.date | None = None) -> datetime.date:
    """The last day of receipt of a complaint whose response time is over by `today`."""
    return (today or timezone.localdate()) - datetime.timedelta(days=COMPLAINT_RESPONSE_DAYS + 1)


def open_on_q(day: datetime.date) -> Q:
    """Complaints received by that day and not closed by it."""
    return Q(received_on__lte=day) & (Q(closed_on__isnull=True) | Q(closed_on__gt=day))


class Complaint(ProjectScoped):
    """An entry of the complaints register: what was complained about, through which channel, which
    organisation it concerns, how it was handled and with what outcome. Never who complained."""

    class Channel(models.TextChoices):
        TELEFONO = "telefono", _("Telefono")
        EMAIL = "email", _("E-mail")
        PEC = "pec", _("PEC")
        DI_PERSONA = "di_persona", _("Di persona")
        MODULO = "modulo", _("Modulo di reclamo")
        LETTERA = "lettera", _("Lettera")
        ALTRO = "altro", _("Altro")

    class Outcome(models.TextChoices):
        ACCOLTO = "accolto", _("Accolto")
        PARZIALMENTE_ACCOLTO = "parzialmente_accolto", _("Parzialmente accolto")
        NON_ACCOLTO = "non_accolto", _("Non accolto")
        NON_DI_COMPETENZA = "non_di_competenza", _("Non di competenza")
        RITIRATO = "ritirato", _("Ritirato")

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="complaints", verbose_name=_("progetto")
    )
    received_on = models.DateField(_("data di ricezione"))
    channel = models.CharField(_("canale"), max_length=20, choices=Channel.choices)
    protocol_number = models.CharField(_("numero di protocollo"), max_length=50, blank=True)
    subject = models.CharField(
        _("oggetto"),
        max_length=300,
        help_text=_("Di che cosa ci si lamenta. Non scrivere nomi né dati che identificano la famiglia."),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaints",
        verbose_name=_("organizzazione interessata"),
        help_text=_("L'ente a cui si riferisce il reclamo (lasciare vuoto se non attribuibile)."),
    )
    handling_notes = models.TextField(
        _("gestione"),
        blank=True,
        help_text=_("Verifiche svolte, risposte date, azioni intraprese. Senza dati che identificano la famiglia."),
    )
    closed_on = models.DateField(_("data di chiusura"), null=True, blank=True)
    outcome = models.CharField(_("esito"), max_length=30, choices=Outcome.choices, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrato da")
    )
    created_at = models.DateTimeField(_("registrato il"), auto_now_add=True)

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        verbose_name = _("reclamo")
        verbose_name_plural = _("reclami")
        ordering = ["-received_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed_on__isnull=True) | Q(closed_on__gte=F("received_on")),
                name="complaint_closed_after_received",
                violation_error_message=_("La data di chiusura non può precedere la data di ricezione."),
            ),
            models.CheckConstraint(
                condition=(Q(closed_on__isnull=True) & Q(outcome="")) | (Q(closed_on__isnull=False) & ~Q(outcome="")),
                name="complaint_closed_has_outcome",
                violation_error_message=_(
                    "Un reclamo chiuso ha sia la data di chiusura sia l'esito; uno aperto non ha né l'una né l'altro."
                ),
            ),
        ]
        indexes = [models.Index(fields=["project", "received_on"], name="complaint_project_received_idx")]

    def __str__(self) -> str:
        return f"{self.received_on:%d/%m/%Y} — {self.subject}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:complaint-detail", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    @property
    def days_to_close(self) -> int | None:
        """Days from receipt to closure; None while open (aggregates use `DAYS_TO_CLOSE`)."""
        return (self.closed_on - self.received_on).days if self.closed_on else None

    @property
    def days_open(self) -> int:
        """Days since receipt of an open complaint."""
        return (timezone.localdate() - self.received_on).days


# The same measure as `Complaint.days_to_close`, for aggregate queries (an interval on PostgreSQL).
DAYS_TO_CLOSE = F("closed_on") - F("received_on")
