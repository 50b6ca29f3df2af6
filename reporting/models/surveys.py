"""Satisfaction surveys of beneficiaries and operators: their Likert items, the answers (on paper or through
an anonymous single-use link, never linked to a person) and the batches of links."""

from __future__ import annotations

import hashlib
import secrets
from base64 import b32encode

import pgtrigger
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _

from equipes.models import Project, Role
from equipes.project_rules import LIKERT_POINTS_MAX, likert_scale

from .project_scoped import ProjectScoped, ProjectScopedQuerySet

# The points of a survey's scale are its project's (`likert_points`, see `equipes.project_rules`); the
# database accepts any score up to the widest scale a project may choose.
LIKERT_MIN, LIKERT_MAX = 1, LIKERT_POINTS_MAX


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
    """A questionnaire for beneficiaries or operators: an ordered list of statements rated on its project's scale
    of agreement (1–5 unless the project says otherwise) and a free comment, answered on paper (and typed in by
    staff) or through a single-use link."""

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

    @property
    def scale(self) -> list[tuple[int, str]]:
        """The points of the agreement scale with their words: the project's (`likert_points`)."""
        return likert_scale(self.project.likert_points)


class SurveyItemQuerySet(models.QuerySet):
    def with_statistics(self, answers: Q | None = None, points: int = LIKERT_MAX, *, per_point: bool = True):
        """Annotate each statement with its number of answers `n`, their `mean` and how many gave each
        point of a scale of `points` (`n1` … `n5` on five points; not with `per_point=False`), counting only
        the answers that match `answers` (a condition on `answers__…`). Statements nobody answered stay, with
        n = 0."""
        answers = answers or Q()
        counts = {
            f"n{point}": models.Count("answers", filter=answers & Q(answers__score=point))
            for point in range(LIKERT_MIN, points + 1)
            if per_point
        }
        return self.annotate(
            n=models.Count("answers", filter=answers), mean=models.Avg("answers__score", filter=answers), **counts
        )


class SurveyItem(models.Model):
    """One statement of a survey, rated from 1 (per niente d'accordo) to the top of the project's scale."""

    survey = models.ForeignKey(
        SatisfactionSurvey, on_delete=models.CASCADE, related_name="items", verbose_name=_("questionario")
    )
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

    survey = models.ForeignKey(
        SatisfactionSurvey, on_delete=models.PROTECT, related_name="responses", verbose_name=_("questionario")
    )
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

    response = models.ForeignKey(
        SurveyResponse, on_delete=models.CASCADE, related_name="answers", verbose_name=_("risposta")
    )
    item = models.ForeignKey(
        SurveyItem, on_delete=models.PROTECT, related_name="answers", verbose_name=_("affermazione")
    )
    score = models.PositiveSmallIntegerField(
        _("punteggio"), validators=[MinValueValidator(LIKERT_MIN), MaxValueValidator(LIKERT_MAX)]
    )

    class Meta:
        verbose_name = _("punteggio")
        verbose_name_plural = _("punteggi")
        constraints = [
            models.UniqueConstraint(fields=["response", "item"], name="survey_answer_unique_per_item"),
            models.CheckConstraint(
                condition=Q(score__gte=LIKERT_MIN, score__lte=LIKERT_MAX), name="survey_answer_score_on_a_scale"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item_id}: {self.score}"


class SurveyLinkBatchQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(survey__in=SatisfactionSurvey.objects.visible_to(user))


class SurveyLinkBatch(models.Model):
    """A set of single-use links the Ufficio di Piano prints (with QR codes) and hands out."""

    survey = models.ForeignKey(
        SatisfactionSurvey, on_delete=models.CASCADE, related_name="link_batches", verbose_name=_("questionario")
    )
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

    batch = models.ForeignKey(SurveyLinkBatch, on_delete=models.CASCADE, related_name="links", verbose_name=_("lotto"))
    number = models.PositiveSmallIntegerField(_("numero"))
    nonce = models.CharField(_("valore casuale"), max_length=32, editable=False)
    token_hash = models.CharField(_("impronta del link"), max_length=64, editable=False)
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


class SurveyResultsReportQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(survey__in=SatisfactionSurvey.objects.visible_to(user))

    def to_approve_by(self, user):
        """Reports sent to the Ufficio di Piano of `user`, which approves those of its ambito's surveys."""
        if user.role != Role.UFFICIO_PIANO or user.ambito_id is None:
            return self.none()
        return self.visible_to(user).filter(
            survey__project__ambito_id=user.ambito_id, state=SurveyResultsReport.State.INVIATA
        )

    def returned_to(self, user):
        """Reports written by the partner's referent `user` (or a colleague of its organisation) that the Ufficio di
        Piano sent back: they wait to be corrected and sent again."""
        if user.role != Role.REFERENTE_ENTE or user.organisation_id is None:
            return self.none()
        return self.visible_to(user).filter(
            state=SurveyResultsReport.State.BOZZA,
            returned_at__isnull=False,
            written_by__organisation_id=user.organisation_id,
        )


class SurveyResultsReport(models.Model):
    """The report on the results of a survey (001, "Rilevazione del grado di soddisfazione": the partner
    "redige relazione degli esiti, condividendola con gli operatori" and sends it to the Ufficio di Piano).
    The partner's referent (or the Ufficio di Piano) drafts it; bozza → inviata → approvata, and only the Ufficio
    di Piano approves it or sends it back; an approved report is immutable (the database refuses changes)."""

    class State(models.TextChoices):
        BOZZA = "bozza", _("Bozza")
        INVIATA = "inviata", _("Inviata all'Ufficio di Piano")
        APPROVATA = "approvata", _("Approvata")

    survey = models.OneToOneField(
        SatisfactionSurvey, on_delete=models.PROTECT, related_name="results_report", verbose_name=_("questionario")
    )
    findings = models.TextField(_("esiti della rilevazione"))
    improvements = models.TextField(_("proposte di miglioramento"), blank=True)
    shared_with_operators_on = models.DateField(_("condivisa con gli operatori il"), null=True, blank=True)
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.BOZZA)
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("scritta da")
    )
    written_at = models.DateTimeField(_("scritta il"))
    submitted_at = models.DateTimeField(_("inviata il"), null=True, blank=True)
    returned_at = models.DateTimeField(_("rimandata in bozza il"), null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approvata da"),
    )
    approved_at = models.DateTimeField(_("approvata il"), null=True, blank=True)

    objects = SurveyResultsReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("relazione sugli esiti del questionario")
        verbose_name_plural = _("relazioni sugli esiti dei questionari")
        constraints = [
            models.CheckConstraint(
                condition=~Q(state="approvata") | Q(approved_by__isnull=False, approved_at__isnull=False),
                name="survey_report_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=Q(state="bozza") | Q(submitted_at__isnull=False), name="survey_report_sent_has_date"
            ),
        ]
        triggers = [
            pgtrigger.Protect(
                name="survey_report_approved_is_immutable",
                operation=pgtrigger.Update | pgtrigger.Delete,
                condition=pgtrigger.Q(old__state="approvata"),
            ),
        ]

    def __str__(self) -> str:
        return f"Relazione sugli esiti — {self.survey}"

    def get_absolute_url(self) -> str:
        return reverse("reporting:survey-report", args=[self.survey_id])

    @property
    def project(self):
        return self.survey.project

    @property
    def ambito_id(self) -> int:
        return self.survey.project.ambito_id
