"""What the ambito builds around the families: solidarity families and their pairings, school partnerships
and their meetings, parenting events."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from equipes.models import Ambito, AmbitoScopedQuerySet, Comune, Project, Role
from families.models import Family
from pippi_portal.crypto import EncryptedCharField
from pippi_portal.periods import PeriodQuerySet


class SupportFamily(models.Model):
    """A famiglia solidale / d'appoggio: volunteers who stand by a family of the programme."""

    ambito = models.ForeignKey(
        Ambito, on_delete=models.PROTECT, related_name="support_families", verbose_name=_("ambito")
    )
    name = models.CharField(_("riferimento"), max_length=120, help_text=_("es. Famiglia R., volontari dell'oratorio"))
    comune = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="+", verbose_name=_("comune"))
    phone = EncryptedCharField(_("telefono"), max_length=40, blank=True, null=True)
    availability = models.TextField(_("disponibilità"))
    trained_on = models.DateField(_("formazione completata il"), null=True, blank=True)
    is_active = models.BooleanField(_("disponibile"), default=True)

    objects = AmbitoScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("famiglia d'appoggio")
        verbose_name_plural = _("famiglie d'appoggio")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PairingQuerySet(PeriodQuerySet):
    def visible_to(self, user):
        return self.filter(family__in=Family.objects.visible_to(user))


class Pairing(models.Model):
    support_family = models.ForeignKey(
        SupportFamily, on_delete=models.PROTECT, related_name="pairings", verbose_name=_("famiglia d'appoggio")
    )
    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="pairings", verbose_name=_("famiglia"))
    start_date = models.DateField(_("inizio"))
    end_date = models.DateField(_("fine"), null=True, blank=True)
    notes = models.TextField(_("note"), blank=True)

    objects = PairingQuerySet.as_manager()

    class Meta:
        verbose_name = _("abbinamento di vicinanza solidale")
        verbose_name_plural = _("abbinamenti di vicinanza solidale")
        ordering = ["-start_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="pairing_dates_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.support_family} ↔ {self.family}"


class SchoolPartnership(models.Model):
    class Kind(models.TextChoices):
        PROTOCOLLO = "protocollo", _("Protocollo d'intesa")
        CONVENZIONE = "convenzione", _("Convenzione")
        ACCORDO = "accordo", _("Accordo operativo")
        INFORMALE = "informale", _("Collaborazione informale")

    ambito = models.ForeignKey(
        Ambito, on_delete=models.PROTECT, related_name="school_partnerships", verbose_name=_("ambito")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("progetto")
    )
    school = models.CharField(_("scuola / istituto comprensivo"), max_length=200)
    kind = models.CharField(_("tipo di accordo"), max_length=20, choices=Kind.choices)
    signed_on = models.DateField(_("data"))
    notes = models.TextField(_("contenuti"), blank=True)

    objects = AmbitoScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("partenariato con la scuola")
        verbose_name_plural = _("partenariati con le scuole")
        ordering = ["-signed_on"]

    def __str__(self) -> str:
        return self.school


class SchoolMeeting(models.Model):
    partnership = models.ForeignKey(
        SchoolPartnership, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("partenariato")
    )
    date = models.DateField(_("data"))
    participants = models.CharField(_("partecipanti"), max_length=300)
    notes = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("incontro con la scuola")
        verbose_name_plural = _("incontri con la scuola")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.partnership} {self.date:%d/%m/%Y}"


class ParentingEventQuerySet(AmbitoScopedQuerySet):
    def visible_to(self, user):
        """The ambito's events; for a partner's referent those of the projects its organisation is a partner of
        (an event has no staff of its own to tell whose it is)."""
        events = super().visible_to(user)
        if user.is_authenticated and user.role == Role.REFERENTE_ENTE:
            if user.organisation_id is None:
                return self.none()
            return events.filter(project__partners=user.organisation_id)
        return events


class ParentingEvent(models.Model):
    """Momenti formativi sulla genitorialità, open to the families of the programme and beyond."""

    ambito = models.ForeignKey(
        Ambito, on_delete=models.PROTECT, related_name="parenting_events", verbose_name=_("ambito")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("progetto")
    )
    date = models.DateField(_("data"))
    topic = models.CharField(_("tema"), max_length=200)
    venue = models.CharField(_("sede"), max_length=200, blank=True)
    participants_count = models.PositiveSmallIntegerField(_("partecipanti"))
    programme_families = models.PositiveSmallIntegerField(
        _("di cui famiglie del programma"), default=0, help_text=_("Quante delle famiglie presenti sono in P.I.P.P.I.")
    )

    objects = ParentingEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("momento formativo sulla genitorialità")
        verbose_name_plural = _("momenti formativi sulla genitorialità")
        ordering = ["-date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(programme_families__lte=models.F("participants_count")),
                name="event_programme_families_within_participants",
            )
        ]

    def __str__(self) -> str:
        return f"{self.topic} ({self.date:%d/%m/%Y})"
