"""A minor's foster care (affido) or residential placement (inserimento in struttura): what the SINBA return
describes of it (docs/sinba.md). The codes are the XSD's lists (`pippi_portal.sinba_codes`)."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from pippi_portal import sinba_codes

from .family import Family, Member

#: The codes that describe each kind of placement: all known when it starts, so all required (docs/decisions.md).
AFFIDO_FIELDS = ("affido_type", "affido_time", "affido_character")
RESIDENTIAL_FIELDS = ("residential_character", "residential_type")


class PlacementQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(member__family__in=Family.objects.visible_to(user))


class Placement(models.Model):
    """One foster care or residential placement of a minor of the family, from its start to its end (with its
    outcome) or ongoing. A child has at most one ongoing placement of each kind."""

    class Kind(models.TextChoices):
        AFFIDO = "affido", _("Affido")
        RESIDENZIALE = "residenziale", _("Inserimento in struttura")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="placements", verbose_name=_("minore"))
    kind = models.CharField(_("tipo di collocamento"), max_length=20, choices=Kind.choices)
    # FormaInterventoAffido or FormaInserimentoResidenziale (the same list).
    form = models.CharField(_("forma"), max_length=2, choices=sinba_codes.forma_collocamento)
    start_date = models.DateField(_("inizio"))
    end_date = models.DateField(_("fine"), null=True, blank=True, help_text=_("Vuota se il collocamento è in corso."))
    # Affido: TipoInterventoAffido, DurataAffido, CarattereAffido, EsitoAffido.
    affido_type = models.CharField(
        _("tipo di affido"), max_length=2, choices=sinba_codes.tipo_affido, blank=True, default=""
    )
    affido_time = models.CharField(
        _("durata dell'affido"), max_length=2, choices=sinba_codes.durata_affido, blank=True, default=""
    )
    affido_character = models.CharField(
        _("carattere dell'affido"), max_length=2, choices=sinba_codes.carattere_affido, blank=True, default=""
    )
    affido_outcome = models.CharField(
        _("esito dell'affido"), max_length=2, choices=sinba_codes.esito_affido, blank=True, default=""
    )
    # Residential placement: CarattereInserimentoResidenziale, TipoInserimentoResidenziale, EsitoInserimentoStruttura.
    residential_character = models.CharField(
        _("carattere dell'inserimento"),
        max_length=2,
        choices=sinba_codes.carattere_inserimento,
        blank=True,
        default="",
    )
    residential_type = models.CharField(
        _("inserimento con o senza genitore"),
        max_length=2,
        choices=sinba_codes.tipo_inserimento,
        blank=True,
        default="",
    )
    residential_outcome = models.CharField(
        _("esito dell'inserimento"), max_length=2, choices=sinba_codes.esito_inserimento, blank=True, default=""
    )

    objects = PlacementQuerySet.as_manager()

    class Meta:
        verbose_name = _("affido o inserimento in struttura")
        verbose_name_plural = _("affidi e inserimenti in struttura")
        ordering = ["member", "-start_date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True) | Q(end_date__gte=models.F("start_date")),
                name="placement_ends_after_start",
            ),
            models.UniqueConstraint(
                fields=["member", "kind"], condition=Q(end_date__isnull=True), name="one_ongoing_placement_per_kind"
            ),
            # An affido has its three codes and none of a residential placement's, and the other way round;
            # the outcome is there exactly when the placement has ended.
            models.CheckConstraint(
                condition=(
                    Q(kind="affido", residential_character="", residential_type="", residential_outcome="")
                    & ~Q(affido_type="")
                    & ~Q(affido_time="")
                    & ~Q(affido_character="")
                    & (
                        Q(end_date__isnull=True, affido_outcome="")
                        | (Q(end_date__isnull=False) & ~Q(affido_outcome=""))
                    )
                )
                | (
                    Q(kind="residenziale", affido_type="", affido_time="", affido_character="", affido_outcome="")
                    & ~Q(residential_character="")
                    & ~Q(residential_type="")
                    & (
                        Q(end_date__isnull=True, residential_outcome="")
                        | (Q(end_date__isnull=False) & ~Q(residential_outcome=""))
                    )
                ),
                name="placement_codes_of_its_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.start_date:%d/%m/%Y}"

    @property
    def outcome(self) -> str:
        return self.affido_outcome or self.residential_outcome

    def get_outcome_display(self) -> str:
        if self.kind == self.Kind.AFFIDO:
            return self.get_affido_outcome_display()
        return self.get_residential_outcome_display()

    def ongoing_on(self, day: datetime.date) -> bool:
        return self.start_date <= day and (self.end_date is None or self.end_date >= day)
