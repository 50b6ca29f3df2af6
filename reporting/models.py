"""What is told about quality (DESIGN.md §3.5, seed 001 "Rilevazione del grado di soddisfazione", "Valutazione
di impatto sociale", "Rendicontazioni, dati e relazioni"): satisfaction surveys of beneficiaries and operators,
the complaints register, the controls on the services delivered, and the social-impact indicators (VIS).

Everything belongs to a PNRR project, and through it to an ambito: `visible_to(user)` scopes each model to the
user's ambito (administrators see all; a partner's referent only what concerns its organisation). What a role
may change is in `reporting.rules`.

Nothing here identifies a family: survey answers are anonymous (not linked to any person, nor to the link
they came through), complaints name the organisation concerned, never the complainant.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import secrets
from base64 import b32encode
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from equipes.models import Organisation, Project, Role

LIKERT_SCALE = [
    (1, _("per niente d'accordo")),
    (2, _("poco d'accordo")),
    (3, _("né d'accordo né in disaccordo")),
    (4, _("abbastanza d'accordo")),
    (5, _("del tutto d'accordo")),
]
LIKERT_MIN, LIKERT_MAX = 1, 5


class ProjectScopedQuerySet(models.QuerySet):
    """Objects that belong to an ambito through their PNRR project (`project_path`)."""

    project_path = "project"

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        return self.filter(**{f"{self.project_path}__ambito_id": user.ambito_id})


class ProjectScoped(models.Model):
    """An object of a project: its ambito is the project's."""

    class Meta:
        abstract = True

    @property
    def ambito_id(self) -> int:
        return self.project.ambito_id


# --- Satisfaction surveys ------------------------------------------------------------------------------


class Audience(models.TextChoices):
    BENEFICIARI = "beneficiari", _("Beneficiari (famiglie)")
    OPERATORI = "operatori", _("Operatori")


class SurveyQuerySet(ProjectScopedQuerySet):
    def visible_to(self, user):
        surveys = super().visible_to(user)
        if user.is_authenticated and user.role == Role.REFERENTE_ENTE:
            # A partner's referent enters the paper questionnaires of the projects its organisation is in.
            if user.organisation_id is None:
                return self.none()
            return surveys.filter(project__partners=user.organisation_id)
        return surveys


class SatisfactionSurvey(ProjectScoped):
    """A questionnaire for beneficiaries or operators: an ordered list of statements rated on a 1–5 scale of
    agreement and a free comment, answered on paper (and typed in by staff) or through a single-use link."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="surveys", verbose_name=_("progetto"))
    audience = models.CharField(_("destinatari"), max_length=20, choices=Audience.choices)
    title = models.CharField(_("titolo"), max_length=200)
    period_start = models.DateField(_("inizio della rilevazione"))
    period_end = models.DateField(_("fine della rilevazione"))
    introduction = models.TextField(
        _("presentazione"),
        blank=True,
        help_text=_("Il testo che chi risponde legge prima delle domande (facoltativo)."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("creato da")
    )
    created_at = models.DateTimeField(_("creato il"), auto_now_add=True)

    objects = SurveyQuerySet.as_manager()

    class Meta:
        verbose_name = _("questionario di soddisfazione")
        verbose_name_plural = _("questionari di soddisfazione")
        ordering = ["-period_start", "audience", "title"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "title"],
                name="survey_title_unique_in_project",
                violation_error_message=_("Esiste già un questionario con questo titolo nel progetto."),
            ),
            models.CheckConstraint(
                condition=Q(period_end__gte=F("period_start")),
                name="survey_period_ordered",
                violation_error_message=_("La fine della rilevazione non può precedere l'inizio."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("reporting:survey-detail", args=[self.pk])


class SurveyItemQuerySet(models.QuerySet):
    def with_statistics(self, answers: Q | None = None):
        """Annotate each statement with its number of answers `n`, their `mean` and how many gave each
        point of the scale (`n1` … `n5`), counting only the answers that match `answers` (a condition on
        `answers__…`). Statements nobody answered stay, with n = 0."""
        answers = answers or Q()
        points = {
            f"n{point}": models.Count("answers", filter=answers & Q(answers__score=point))
            for point in range(LIKERT_MIN, LIKERT_MAX + 1)
        }
        return self.annotate(
            n=models.Count("answers", filter=answers), mean=models.Avg("answers__score", filter=answers), **points
        )


class SurveyItem(models.Model):
    """One statement of a survey, rated 1 (per niente d'accordo) to 5 (del tutto d'accordo)."""

    survey = models.ForeignKey(SatisfactionSurvey, on_delete=models.CASCADE, related_name="items")
    order = models.PositiveSmallIntegerField(_("numero"))
    text = models.CharField(_("affermazione"), max_length=300)

    objects = SurveyItemQuerySet.as_manager()

    class Meta:
        verbose_name = _("affermazione")
        verbose_name_plural = _("affermazioni")
        ordering = ["survey", "order"]
        constraints = [
            models.UniqueConstraint(fields=["survey", "order"], name="survey_item_order_unique"),
            models.CheckConstraint(condition=Q(order__gte=1), name="survey_item_order_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.text}"


class SurveyResponseQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(survey__in=SatisfactionSurvey.objects.visible_to(user))


class SurveyResponse(models.Model):
    """One filled-in questionnaire. Anonymous by construction: no person, no family, no link, no time of day
    (only the date), so that not even the order in which links were used can tie an answer to a respondent."""

    class Channel(models.TextChoices):
        CARTA = "carta", _("Cartaceo (inserito dal personale)")
        LINK = "link", _("Link anonimo")

    survey = models.ForeignKey(SatisfactionSurvey, on_delete=models.PROTECT, related_name="responses")
    channel = models.CharField(_("modalità"), max_length=10, choices=Channel.choices)
    submitted_on = models.DateField(_("data di compilazione"))
    comment = models.TextField(_("commento libero"), blank=True)
    # Who typed a paper questionnaire in (accountability of the entry), never who answered.
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("inserito da"),
    )

    objects = SurveyResponseQuerySet.as_manager()

    class Meta:
        verbose_name = _("risposta al questionario")
        verbose_name_plural = _("risposte ai questionari")
        ordering = ["-submitted_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(channel="carta") & Q(entered_by__isnull=False))
                | (Q(channel="link") & Q(entered_by__isnull=True)),
                name="survey_response_entered_by_matches_channel",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} — {self.submitted_on:%d/%m/%Y}"


class SurveyAnswer(models.Model):
    """The score given to one statement. A statement left blank has no answer (it is not a zero)."""

    response = models.ForeignKey(SurveyResponse, on_delete=models.CASCADE, related_name="answers")
    item = models.ForeignKey(SurveyItem, on_delete=models.PROTECT, related_name="answers")
    score = models.PositiveSmallIntegerField(_("punteggio"), choices=LIKERT_SCALE)

    class Meta:
        verbose_name = _("punteggio")
        verbose_name_plural = _("punteggi")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="survey_answer_unique_per_item"),
            models.CheckConstraint(
                condition=Q(score__gte=LIKERT_MIN, score__lte=LIKERT_MAX), name="survey_answer_score_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score}"


class SurveyLinkBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(survey__in=SatisfactionSurvey.objects.visible_to(user))


class SurveyLinkBatch(models.Model):
    """A set of single-use links the Ufficio di Piano prints (with QR codes) and hands out."""

    survey = models.ForeignKey(SatisfactionSurvey, on_delete=models.CASCADE, related_name="link_batches")
    created_on = models.DateField(_("generato il"), default=timezone.localdate)
    expires_on = models.DateField(_("valido fino al"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("generato da")
    )

    objects = SurveyLinkBatchQuerySet.as_manager()

    class Meta:
        verbose_name = _("lotto di link anonimi")
        verbose_name_plural = _("lotti di link anonimi")
        ordering = ["-created_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gte=F("created_on")),
                name="survey_link_batch_expiry_after_creation",
                violation_error_message=_("La scadenza non può precedere la data di generazione."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey} — {self.created_on:%d/%m/%Y}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:survey-batch-print", args=[self.pk])


def normalise_token(token: str) -> str:
    """What a respondent typed or scanned, without the hyphens and spaces of the printed form, upper case."""
    return "".join(token.split()).replace("-", "").upper()


def hash_token(token: str) -> str:
    return hashlib.sha256(normalise_token(token).encode()).hexdigest()


class SurveyLink(models.Model):
    """A single-use link to answer a survey without logging in.

    The database never holds the token: only a random nonce and the token's SHA-256. The token is an HMAC of
    the nonce under the server's SECRET_KEY, so the Ufficio di Piano can print a batch again (the server
    recomputes the tokens), while a copy of the database alone does not give anybody a working link.
    """

    TOKEN_LENGTH = 20  # base32 characters: 100 bits

    batch = models.ForeignKey(SurveyLinkBatch, on_delete=models.CASCADE, related_name="links")
    number = models.PositiveSmallIntegerField(_("numero"))
    nonce = models.CharField(max_length=32, editable=False)
    token_hash = models.CharField(max_length=64, editable=False)
    # A flag, not a date: the answer has its date, and a date here could tie a numbered link to it.
    used = models.BooleanField(_("usato"), default=False)

    class Meta:
        verbose_name = _("link anonimo")
        verbose_name_plural = _("link anonimi")
        ordering = ["batch", "number"]
        constraints = [
            models.UniqueConstraint(fields=["token_hash"], name="survey_link_token_hash_unique"),
            models.UniqueConstraint(fields=["batch", "number"], name="survey_link_number_unique_in_batch"),
        ]

    def __str__(self) -> str:
        return f"{self.batch} — n. {self.number}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:survey-answer", args=[self.printed_token])

    @classmethod
    def new(cls, batch: SurveyLinkBatch, number: int) -> SurveyLink:
        link = cls(batch=batch, number=number, nonce=secrets.token_hex(16))
        link.token_hash = hash_token(link.token)
        return link

    @property
    def token(self) -> str:
        digest = salted_hmac("reporting.SurveyLink.token", self.nonce, algorithm="sha256").digest()
        return b32encode(digest).decode()[: self.TOKEN_LENGTH]

    @property
    def can_be_printed(self) -> bool:
        """Whether the token the server computes now is the one stored: not after SECRET_KEY has changed
        (links printed before still work, since they are looked up by their hash; a reprint would not)."""
        return hash_token(self.token) == self.token_hash

    @property
    def printed_token(self) -> str:
        """The token in groups of four, easier to copy by hand: ABCD-EFGH-…"""
        token = self.token
        return "-".join(token[i : i + 4] for i in range(0, len(token), 4))


# --- Complaints ------------------------------------------------------------------------------------------


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


# --- Quality controls ------------------------------------------------------------------------------------


class QualityControl(ProjectScoped):
    """A control of the services delivered (seed 001: "controlli svolti delle prestazioni rese")."""

    class Kind(models.TextChoices):
        DOCUMENTALE = "documentale", _("Verifica documentale")
        IN_LOCO = "in_loco", _("Visita in loco")
        ORE = "ore", _("Verifica delle ore e dei fogli presenza")
        PERSONALE = "personale", _("Verifica del personale e della formazione")
        COLLOQUIO = "colloquio", _("Colloquio con operatori o beneficiari")
        ALTRO = "altro", _("Altro")

    class Status(models.TextChoices):
        PROGRAMMATO = "programmato", _("Programmato")
        SVOLTO = "svolto", _("Svolto, senza rilievi aperti")
        AZIONI_IN_CORSO = "azioni_in_corso", _("Azioni correttive in corso")
        CHIUSO = "chiuso", _("Chiuso")

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="quality_controls", verbose_name=_("progetto")
    )
    checked_on = models.DateField(_("data del controllo"))
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="quality_controls",
        verbose_name=_("ente controllato"),
    )
    kind = models.CharField(_("tipo di controllo"), max_length=20, choices=Kind.choices)
    scope = models.TextField(_("oggetto del controllo"), help_text=_("Che cosa è stato verificato."))
    findings = models.TextField(_("esiti e rilievi"), blank=True)
    corrective_actions = models.TextField(
        _("azioni correttive"), blank=True, help_text=_("Le azioni richieste all'ente, se ce ne sono.")
    )
    follow_up_on = models.DateField(_("data di verifica successiva"), null=True, blank=True)
    status = models.CharField(_("stato"), max_length=20, choices=Status.choices, default=Status.PROGRAMMATO)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("registrato da")
    )

    objects = ProjectScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("controllo sulle prestazioni")
        verbose_name_plural = _("controlli sulle prestazioni")
        ordering = ["-checked_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(follow_up_on__isnull=True) | Q(follow_up_on__gte=F("checked_on")),
                name="quality_control_follow_up_after_check",
                violation_error_message=_("La verifica successiva non può precedere la data del controllo."),
            ),
            models.CheckConstraint(
                condition=~Q(status="azioni_in_corso") | ~Q(corrective_actions=""),
                name="quality_control_actions_described",
                violation_error_message=_("Per lo stato «azioni correttive in corso» descrivi le azioni correttive."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.checked_on:%d/%m/%Y} — {self.get_kind_display()} — {self.organisation}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:control-detail", args=[self.pk])


# --- Social-impact indicators (VIS) --------------------------------------------------------------------


class Direction(models.TextChoices):
    HIGHER = "higher", _("più alto è meglio")
    LOWER = "lower", _("più basso è meglio")


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

    indicator = models.ForeignKey(ImpactIndicator, on_delete=models.CASCADE, related_name="values")
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


# --- Report runs: the semester report and the annual synthesis -----------------------------------------


def report_upload_to(instance: ReportRun, filename: str) -> str:
    return f"reports/{instance.project.cup}/{instance.kind}-{instance.label}-v{instance.version}-{filename}"


class ReportRunQuerySet(ProjectScopedQuerySet):
    pass


class ReportRun(ProjectScoped):
    """One version of a report for a project and a period. Its indicators are frozen as a JSON snapshot, the
    PDF is rendered from the snapshot by the background worker, and both are stored with their SHA-256.
    bozza → in_revisione → approvato; an approved run is immutable (the database refuses changes) and a new
    run for the same period is a new version."""

    class Kind(models.TextChoices):
        SEMESTER = "semester", _("Rendicontazione semestrale")
        ANNUAL = "annual", _("Sintesi annuale")

    class State(models.TextChoices):
        BOZZA = "bozza", _("Bozza")
        IN_REVISIONE = "in_revisione", _("In revisione")
        APPROVATO = "approvato", _("Approvato")

    class Render(models.TextChoices):
        IN_CODA = "in_coda", _("In coda")
        IN_CORSO = "in_corso", _("In preparazione")
        PRONTO = "pronto", _("Pronto")
        ERRORE = "errore", _("Errore")

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="report_runs", verbose_name=_("progetto")
    )
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    label = models.CharField(_("periodo"), max_length=10, help_text=_("2025-S1, 2025-S2 o l'anno per la sintesi"))
    period_start = models.DateField(_("inizio del periodo"))
    period_end = models.DateField(_("fine del periodo"))
    version = models.PositiveSmallIntegerField(_("versione"), default=1)
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.BOZZA)
    snapshot_file = models.FileField(_("dati (JSON)"), upload_to=report_upload_to, blank=True, editable=False)
    snapshot_sha256 = models.CharField(_("SHA-256 dei dati"), max_length=64, blank=True, editable=False)
    pdf = models.FileField(_("PDF"), upload_to=report_upload_to, blank=True, editable=False)
    pdf_sha256 = models.CharField(_("SHA-256 del PDF"), max_length=64, blank=True, editable=False)
    render_status = models.CharField(
        _("preparazione"), max_length=20, choices=Render.choices, default=Render.IN_CODA, editable=False
    )
    progress = models.PositiveSmallIntegerField(_("avanzamento (%)"), default=0, editable=False)
    render_error = models.TextField(_("errore"), blank=True, editable=False)
    critical_issues = models.TextField(_("criticità"), blank=True)
    corrective_actions = models.TextField(_("azioni correttive"), blank=True)
    overall_evaluation = models.TextField(_("valutazione complessiva"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(_("inviato in revisione il"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approvato da"),
    )
    approved_at = models.DateTimeField(_("approvato il"), null=True, blank=True)

    objects = ReportRunQuerySet.as_manager()

    class Meta:
        verbose_name = _("rendicontazione")
        verbose_name_plural = _("rendicontazioni")
        ordering = ["-period_end", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "label", "version"], name="report_run_version_unique"),
            models.CheckConstraint(condition=Q(period_end__gte=F("period_start")), name="report_run_period_ordered"),
            models.CheckConstraint(condition=Q(progress__lte=100), name="report_run_progress_percent"),
            models.CheckConstraint(
                condition=~Q(state="approvato") | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="report_run_approved_has_approver",
            ),
        ]
        triggers = [
            # An approved run whose final PDF is stored is immutable, whatever the code path.
            pgtrigger.Protect(
                name="report_run_approved_is_immutable",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__state="approvato", old__pdf_sha256__gt=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.label} v{self.version} — CUP {self.project.cup}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:report-detail", args=[self.pk])

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.APPROVATO

    @cached_property
    def snapshot(self) -> dict | None:
        """The frozen figures, read back from the stored file (whose bytes the SHA-256 covers)."""
        if not self.snapshot_file:
            return None
        with self.snapshot_file.open("rb") as handle:
            return json.loads(handle.read())

    @property
    def is_rendering(self) -> bool:
        return self.render_status in (self.Render.IN_CODA, self.Render.IN_CORSO)
