"""Mondo del Bambino assessments at T0, T1 and T2 with their ratings, and the SDQ scores of the children."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from .family import Family, FamilyScopedQuerySet, Member, TimePoint
from .reference import Framework, SubDimension


class Assessment(models.Model):
    """A Mondo del Bambino assessment at T0, T1 or T2. Complete when every sub-dimension is rated."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="assessments", verbose_name=_("famiglia"))
    time_point = models.CharField(_("tempo"), max_length=2, choices=TimePoint.choices)
    date = models.DateField(_("data"))
    framework = models.ForeignKey(
        Framework, on_delete=models.PROTECT, related_name="+", verbose_name=_("versione del Mondo del Bambino")
    )
    is_complete = models.BooleanField(_("completa"), default=False)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("aggiornata da")
    )
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("valutazione")
        verbose_name_plural = _("valutazioni")
        ordering = ["family", "time_point"]
        constraints = [models.UniqueConstraint(fields=["family", "time_point"], name="assessment_time_point_unique")]

    def __str__(self) -> str:
        return f"{self.family} {self.time_point}"


class AssessmentRating(models.Model):
    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="ratings", verbose_name=_("valutazione")
    )
    subdimension = models.ForeignKey(
        SubDimension, on_delete=models.PROTECT, related_name="+", verbose_name=_("sottodimensione")
    )
    rating = models.PositiveSmallIntegerField(
        _("valutazione"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    child_voice = models.TextField(_("voce del bambino"), blank=True)
    parents_voice = models.TextField(_("voce dei genitori"), blank=True)
    operators_voice = models.TextField(_("voce degli operatori"), blank=True)

    class Meta:
        verbose_name = _("valutazione di una sottodimensione")
        verbose_name_plural = _("valutazioni delle sottodimensioni")
        ordering = ["subdimension__side__number", "subdimension__order"]
        constraints = [
            models.UniqueConstraint(fields=["assessment", "subdimension"], name="rating_subdimension_unique"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=6), name="rating_in_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.subdimension}: {self.rating or '—'}"


class SDQScore(models.Model):
    """Strengths and Difficulties Questionnaire scale scores. Only scores are stored (the items are
    copyrighted); the total difficulties is computed by the database and banded here, never typed."""

    class Respondent(models.TextChoices):
        GENITORE = "genitore", _("Genitore")
        INSEGNANTE = "insegnante", _("Insegnante")
        AUTOVALUTAZIONE = "autovalutazione", _("Autovalutazione (11–17 anni)")

    # Upper bounds of the "normale" and "borderline" bands of the total difficulties score, by respondent
    # (the original three-band SDQ cut-offs).
    BANDS = {
        Respondent.GENITORE: (13, 16),
        Respondent.INSEGNANTE: (11, 15),
        Respondent.AUTOVALUTAZIONE: (15, 19),
    }

    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, related_name="sdq_scores", verbose_name=_("componente")
    )
    time_point = models.CharField(_("tempo"), max_length=2, choices=TimePoint.choices)
    respondent = models.CharField(_("compilato da"), max_length=20, choices=Respondent.choices)
    date = models.DateField(_("data"))
    emotional = models.PositiveSmallIntegerField(_("sintomi emotivi"), validators=[MaxValueValidator(10)])
    conduct = models.PositiveSmallIntegerField(_("problemi di condotta"), validators=[MaxValueValidator(10)])
    hyperactivity = models.PositiveSmallIntegerField(_("iperattività"), validators=[MaxValueValidator(10)])
    peer = models.PositiveSmallIntegerField(_("problemi con i pari"), validators=[MaxValueValidator(10)])
    prosocial = models.PositiveSmallIntegerField(_("comportamenti prosociali"), validators=[MaxValueValidator(10)])
    total_difficulties = models.GeneratedField(
        expression=F("emotional") + F("conduct") + F("hyperactivity") + F("peer"),
        output_field=models.PositiveSmallIntegerField(),
        db_persist=True,
        verbose_name=_("totale difficoltà"),
    )

    objects = models.Manager()

    class Meta:
        verbose_name = _("punteggio SDQ")
        verbose_name_plural = _("punteggi SDQ")
        ordering = ["member", "time_point", "respondent"]
        constraints = [
            models.UniqueConstraint(fields=["member", "time_point", "respondent"], name="sdq_unique_per_time_point"),
            models.CheckConstraint(
                condition=Q(emotional__lte=10, conduct__lte=10, hyperactivity__lte=10, peer__lte=10, prosocial__lte=10),
                name="sdq_scales_0_10",
            ),
        ]

    def __str__(self) -> str:
        return f"SDQ {self.time_point} {self.get_respondent_display()}"

    @property
    def band(self) -> str:
        normal, borderline = self.BANDS[self.respondent]
        if self.total_difficulties <= normal:
            return "normale"
        if self.total_difficulties <= borderline:
            return "borderline"
        return "clinico"
