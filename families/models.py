"""The case: families and their path through the P.I.P.P.I. method (DESIGN.md §3.2, §3.3).

Who sees a family is decided by `Family.objects.visible_to(user)`; whether the user sees identities (names,
codice fiscale, addresses, diary text) by `user.sees_identities`. Everything hanging off a family is scoped
through it. State changes happen only in `families.services`.
"""

from __future__ import annotations

import datetime

import pghistory
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipes.models import Ambito, Comune, Equipe, EquipeMembership, Implementation, Role
from pippi_portal.crypto import EncryptedCharField, EncryptedTextField, keyed_hash
from pippi_portal.uploads import document_upload_path, validate_document


class TimePoint(models.TextChoices):
    T0 = "T0", "T0"
    T1 = "T1", "T1"
    T2 = "T2", "T2"


class State(models.TextChoices):
    SEGNALATA = "segnalata", _("Segnalata")
    PREASSESSMENT = "preassessment", _("In pre-assessment")
    NON_INCLUSA = "non_inclusa", _("Non inclusa")
    INCLUSA = "inclusa", _("Inclusa")
    VALUTAZIONE_T0 = "valutazione_t0", _("Valutazione T0")
    IN_CORSO = "in_corso", _("Percorso in corso")
    VALUTAZIONE_T2 = "valutazione_t2", _("Valutazione T2")
    CONCLUSA = "conclusa", _("Conclusa")
    SOSPESA = "sospesa", _("Sospesa")
    INTERROTTA = "interrotta", _("Interrotta")


ACTIVE_STATES = (
    State.SEGNALATA,
    State.PREASSESSMENT,
    State.INCLUSA,
    State.VALUTAZIONE_T0,
    State.IN_CORSO,
    State.VALUTAZIONE_T2,
)
# States in which a family counts as "in the programme" (included and not yet ended).
PATH_STATES = (State.INCLUSA, State.VALUTAZIONE_T0, State.IN_CORSO, State.VALUTAZIONE_T2)
ENDED_STATES = (State.NON_INCLUSA, State.CONCLUSA, State.INTERROTTA)


class AddMonths(models.Func):
    """`date + n months` in SQL, where both may be columns: AddMonths(F("t0_date"), F("offset"))."""

    output_field = models.DateField()

    def as_sql(self, compiler, connection, **extra_context):
        date_sql, date_params = compiler.compile(self.source_expressions[0])
        months_sql, months_params = compiler.compile(self.source_expressions[1])
        return f"(({date_sql}) + make_interval(months => {months_sql}))::date", [*date_params, *months_params]


# --- Mondo del Bambino: reference data, editable in the admin and versioned ------------------------


class Framework(models.Model):
    """A version of the Mondo del Bambino triangle. Assessments keep the version they were made with."""

    name = models.CharField(_("nome"), max_length=120)
    version = models.CharField(_("versione"), max_length=20, unique=True)
    is_current = models.BooleanField(_("in uso"), default=False)

    class Meta:
        verbose_name = _("versione del Mondo del Bambino")
        verbose_name_plural = _("versioni del Mondo del Bambino")
        constraints = [
            models.UniqueConstraint(fields=["is_current"], condition=Q(is_current=True), name="one_current_framework")
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    @classmethod
    def current(cls) -> Framework:
        return cls.objects.get(is_current=True)


class Side(models.Model):
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="sides")
    number = models.PositiveSmallIntegerField(_("lato"))
    title = models.CharField(_("titolo"), max_length=200)
    short_title = models.CharField(_("titolo breve"), max_length=60)

    class Meta:
        verbose_name = _("lato del triangolo")
        verbose_name_plural = _("lati del triangolo")
        ordering = ["framework", "number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="side_number_unique")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title}"


class SubDimension(models.Model):
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="subdimensions")
    order = models.PositiveSmallIntegerField(_("ordine"))
    name = models.CharField(_("nome"), max_length=200)

    class Meta:
        verbose_name = _("sottodimensione")
        verbose_name_plural = _("sottodimensioni")
        ordering = ["side__number", "order"]
        constraints = [models.UniqueConstraint(fields=["side", "order"], name="subdimension_order_unique")]

    def __str__(self) -> str:
        return self.name


class RatingLevel(models.Model):
    """The rating scale: 1 problema grave … 6 punto di forza."""

    value = models.PositiveSmallIntegerField(_("valore"), unique=True)
    label = models.CharField(_("etichetta"), max_length=60)

    class Meta:
        verbose_name = _("livello della scala")
        verbose_name_plural = _("scala di valutazione")
        ordering = ["value"]

    def __str__(self) -> str:
        return f"{self.value} — {self.label}"


class ClosureOutcome(models.Model):
    """Outcome A / B / C of a closed path; labels are editable in the admin."""

    code = models.CharField(_("codice"), max_length=1, unique=True)
    label = models.CharField(_("descrizione"), max_length=200)

    class Meta:
        verbose_name = _("esito di chiusura")
        verbose_name_plural = _("esiti di chiusura")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.label}"


# --- The family ------------------------------------------------------------------------------------


class FamilyQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The families a user may open at all (DESIGN.md §1)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        in_ambito = self.filter(ambito_id=user.ambito_id)
        if user.role in (Role.UFFICIO_PIANO, Role.COORDINATORE):
            return in_ambito
        if user.role == Role.CASE_MANAGER:
            # A subquery rather than a join: no duplicate rows, so no DISTINCT over every column.
            mine = EquipeMembership.objects.filter(user=user).values("equipe_id")
            return in_ambito.filter(Q(case_manager=user) | Q(equipe_id__in=mine))
        if user.role == Role.OPERATORE:
            # In the family's équipe, or assigned to one of its interventions (a reverse relation of the
            # interventions app, named here without importing it).
            assigned = Q(team__user=user) | Q(interventions__assigned_users=user)
            return in_ambito.filter(pk__in=Family.objects.filter(assigned).values("pk"))
        return self.none()

    def active(self):
        return self.filter(state__in=ACTIVE_STATES)

    def with_due_dates(self):
        """Annotate t0_date, t1_due, t2_due and whether T1/T2 are complete (for deadlines)."""
        t0 = Assessment.objects.filter(family=OuterRef("pk"), time_point=TimePoint.T0).order_by().values("date")[:1]
        return self.annotate(
            t0_date=Subquery(t0),
            t1_due=AddMonths(F("t0_date"), F("implementation__t1_offset_months")),
            t2_due=AddMonths(F("t0_date"), F("implementation__t2_offset_months")),
            t1_done=Exists(Assessment.objects.filter(family=OuterRef("pk"), time_point=TimePoint.T1, is_complete=True)),
            t2_done=Exists(Assessment.objects.filter(family=OuterRef("pk"), time_point=TimePoint.T2, is_complete=True)),
        ).annotate(
            # The next evaluation a family on its path owes: T1 while in progress, then T2. Suspended and
            # ended families owe nothing.
            next_due=models.Case(
                models.When(Q(t1_done=False, state=State.IN_CORSO), then=F("t1_due")),
                models.When(Q(t2_done=False, state__in=[State.IN_CORSO, State.VALUTAZIONE_T2]), then=F("t2_due")),
                default=None,
                output_field=models.DateField(),
            ),
            next_due_point=models.Case(
                models.When(Q(t1_done=False), then=models.Value("T1")),
                default=models.Value("T2"),
                output_field=models.CharField(),
            ),
        )

    def overdue(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.with_due_dates().filter(next_due__lt=today).exclude(state__in=ENDED_STATES)

    def due_within(self, days: int, today: datetime.date | None = None):
        """Families whose next evaluation is overdue or falls within `days` days."""
        today = today or timezone.localdate()
        return (
            self.with_due_dates()
            .filter(next_due__lte=today + datetime.timedelta(days=days))
            .exclude(state__in=ENDED_STATES)
        )

    def search(self, text: str, *, with_names: bool):
        """Search by code; by a member's name only for roles that may see names."""
        text = text.strip()
        if not text:
            return self
        condition = Q(code__icontains=text)
        if with_names:
            names = Member.objects.filter(
                Q(first_name__icontains=text) | Q(last_name__icontains=text), family=OuterRef("pk")
            )
            condition |= Exists(names)
        return self.filter(condition)


class Family(models.Model):
    class InterruptionReason(models.TextChoices):
        RINUNCIA = "rinuncia", _("Rinuncia della famiglia")
        TRASFERIMENTO = "trasferimento", _("Trasferimento")
        ALLONTANAMENTO = "allontanamento_urgente", _("Allontanamento urgente")
        ALTRO = "altro", _("Altro")

    ambito = models.ForeignKey(Ambito, on_delete=models.PROTECT, related_name="families", verbose_name=_("ambito"))
    comune = models.ForeignKey(Comune, on_delete=models.PROTECT, related_name="families", verbose_name=_("comune"))
    implementation = models.ForeignKey(
        Implementation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="families",
        verbose_name=_("implementazione"),
    )
    equipe = models.ForeignKey(Equipe, on_delete=models.PROTECT, related_name="families", verbose_name=_("équipe"))
    case_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="managed_families",
        verbose_name=_("case manager"),
    )
    code = models.CharField(_("codice"), max_length=20, unique=True, editable=False)
    year = models.PositiveSmallIntegerField(_("anno"), editable=False)
    sequence = models.PositiveIntegerField(_("progressivo"), editable=False)
    state = models.CharField(_("stato"), max_length=20, choices=State.choices, default=State.SEGNALATA)
    suspended_from = models.CharField(
        _("stato prima della sospensione"), max_length=20, choices=State.choices, blank=True
    )
    suspension_reason = models.TextField(_("motivo della sospensione"), blank=True)
    interruption_reason = models.CharField(
        _("motivo dell'interruzione"), max_length=30, choices=InterruptionReason.choices, blank=True
    )
    reunification = models.BooleanField(
        _("percorso di riunificazione"),
        default=False,
        help_text=_("Un bambino collocato fuori famiglia che il progetto riporta a casa."),
    )
    under_judicial_authority = models.BooleanField(
        _("sotto provvedimento dell'autorità giudiziaria"),
        default=False,
        help_text=_("Le famiglie già sotto provvedimento non sono target PNRR."),
    )
    cultural_mediation = models.BooleanField(_("serve la mediazione culturale"), default=False)
    language = models.CharField(_("lingua parlata in famiglia"), max_length=60, blank=True)
    address = EncryptedCharField(_("indirizzo"), max_length=200, blank=True, null=True)
    phone = EncryptedCharField(_("telefono"), max_length=40, blank=True, null=True)
    created_at = models.DateTimeField(_("creata il"), auto_now_add=True)
    updated_at = models.DateTimeField(_("aggiornata il"), auto_now=True)

    objects = FamilyQuerySet.as_manager()

    class Meta:
        verbose_name = _("famiglia")
        verbose_name_plural = _("famiglie")
        ordering = ["-year", "-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["ambito", "year", "sequence"], name="family_sequence_unique_in_ambito_year"
            ),
            models.CheckConstraint(
                condition=Q(state="sospesa", suspended_from__in=[s.value for s in ACTIVE_STATES])
                | (~Q(state="sospesa") & Q(suspended_from="")),
                name="family_suspension_remembers_state",
            ),
            models.CheckConstraint(
                condition=~Q(state="interrotta") | ~Q(interruption_reason=""),
                name="family_interruption_has_reason",
            ),
        ]
        indexes = [models.Index(fields=["ambito", "state"], name="family_ambito_state_idx")]

    def __str__(self) -> str:
        return self.code

    def get_absolute_url(self) -> str:
        return reverse("families:family-detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(family__in=Family.objects.visible_to(user))

    def children(self):
        return self.filter(kind=Member.Kind.MINORE)


def age_on(birth_date: datetime.date, day: datetime.date) -> int:
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class Member(models.Model):
    class Kind(models.TextChoices):
        MINORE = "minore", _("Minore")
        FIGURA_GENITORIALE = "figura_genitoriale", _("Figura genitoriale")
        ALTRO_CONVIVENTE = "altro_convivente", _("Altro convivente")

    class Sex(models.TextChoices):
        F = "F", _("Femmina")
        M = "M", _("Maschio")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members")
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    first_name = models.CharField(_("nome"), max_length=80)
    last_name = models.CharField(_("cognome"), max_length=80)
    codice_fiscale = EncryptedCharField(_("codice fiscale"), max_length=16, blank=True, null=True)
    codice_fiscale_hash = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    birth_date = models.DateField(_("data di nascita"))
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices)
    relationship = models.CharField(_("relazione"), max_length=60, blank=True, help_text=_("es. madre, figlio, nonna"))
    school = models.CharField(_("scuola"), max_length=120, blank=True)
    school_class = models.CharField(_("classe"), max_length=30, blank=True)
    is_reference_child = models.BooleanField(_("bambino di riferimento"), default=False)

    objects = MemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("componente")
        verbose_name_plural = _("componenti")
        ordering = ["kind", "birth_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["family"], condition=Q(is_reference_child=True), name="one_reference_child_per_family"
            ),
            models.CheckConstraint(
                condition=Q(is_reference_child=False) | Q(kind="minore"), name="reference_child_is_a_minor"
            ),
            models.UniqueConstraint(
                fields=["family", "codice_fiscale_hash"],
                condition=~Q(codice_fiscale_hash=""),
                name="member_codice_fiscale_unique_in_family",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def save(self, *args, **kwargs):
        # The keyed hash lets the codice fiscale be found without decrypting every row.
        self.codice_fiscale_hash = keyed_hash(self.codice_fiscale) if self.codice_fiscale else ""
        super().save(*args, **kwargs)

    def age_on(self, day: datetime.date | None = None) -> int:
        return age_on(self.birth_date, day or timezone.localdate())

    @property
    def age(self) -> int:
        return self.age_on()


class FamilyScopedQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(family__in=Family.objects.visible_to(user))


class Referral(models.Model):
    """The segnalazione that opens a family's record."""

    class Source(models.TextChoices):
        SERVIZIO_SOCIALE = "servizio_sociale", _("Servizio sociale")
        SCUOLA = "scuola", _("Scuola")
        PEDIATRA = "pediatra", _("Pediatra / ASST")
        NPI = "npi", _("Neuropsichiatria infantile")
        AUTORITA_GIUDIZIARIA = "autorita_giudiziaria", _("Autorità giudiziaria")
        AUTOSEGNALAZIONE = "autosegnalazione", _("Autosegnalazione")
        ALTRO = "altro", _("Altro")

    family = models.OneToOneField(Family, on_delete=models.CASCADE, related_name="referral")
    date = models.DateField(_("data della segnalazione"))
    source = models.CharField(_("fonte"), max_length=30, choices=Source.choices)
    reason = models.TextField(_("motivo"))
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("ricevuta da")
    )

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("segnalazione")
        verbose_name_plural = _("segnalazioni")

    def __str__(self) -> str:
        return f"{self.family} — {self.date:%d/%m/%Y}"


class Preassessment(models.Model):
    class Orientation(models.TextChoices):
        INCLUDE = "include", _("Inclusione in P.I.P.P.I.")
        ORDINARIO = "ordinario", _("Intervento ordinario")
        TUTELA = "tutela", _("Percorso di tutela")

    family = models.OneToOneField(Family, on_delete=models.CASCADE, related_name="preassessment")
    date = models.DateField(_("data"))
    risk_factors = models.TextField(_("fattori di rischio"), blank=True)
    protective_factors = models.TextField(_("fattori di protezione"), blank=True)
    orientation = models.CharField(_("orientamento"), max_length=20, choices=Orientation.choices)
    motivation = models.TextField(_("motivazione"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("pre-assessment")
        verbose_name_plural = _("pre-assessment")

    def __str__(self) -> str:
        return f"{self.family} — {self.get_orientation_display()}"


class ConcernLevel(models.IntegerChoices):
    NESSUNA = 0, _("Nessuna preoccupazione")
    BASSA = 1, _("Preoccupazione bassa")
    MEDIA = 2, _("Preoccupazione media")
    ALTA = 3, _("Preoccupazione alta")


class PreassessmentConcern(models.Model):
    """Level of concern for one side of the Mondo del Bambino in a pre-assessment."""

    preassessment = models.ForeignKey(Preassessment, on_delete=models.CASCADE, related_name="concerns")
    side = models.ForeignKey(Side, on_delete=models.PROTECT, related_name="+")
    level = models.PositiveSmallIntegerField(_("livello di preoccupazione"), choices=ConcernLevel.choices)

    class Meta:
        ordering = ["side__number"]
        constraints = [models.UniqueConstraint(fields=["preassessment", "side"], name="preassessment_side_unique")]

    def __str__(self) -> str:
        return f"{self.side.short_title}: {self.get_level_display()}"


# --- Assessments -------------------------------------------------------------------------------------


class Assessment(models.Model):
    """A Mondo del Bambino assessment at T0, T1 or T2. Complete when every sub-dimension is rated."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="assessments")
    time_point = models.CharField(_("tempo"), max_length=2, choices=TimePoint.choices)
    date = models.DateField(_("data"))
    framework = models.ForeignKey(Framework, on_delete=models.PROTECT, related_name="+")
    is_complete = models.BooleanField(_("completa"), default=False)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("valutazione")
        verbose_name_plural = _("valutazioni")
        ordering = ["family", "time_point"]
        constraints = [models.UniqueConstraint(fields=["family", "time_point"], name="assessment_time_point_unique")]

    def __str__(self) -> str:
        return f"{self.family} {self.time_point}"


class AssessmentRating(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="ratings")
    subdimension = models.ForeignKey(SubDimension, on_delete=models.PROTECT, related_name="+")
    rating = models.PositiveSmallIntegerField(
        _("valutazione"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(6)]
    )
    child_voice = models.TextField(_("voce del bambino"), blank=True)
    parents_voice = models.TextField(_("voce dei genitori"), blank=True)
    operators_voice = models.TextField(_("voce degli operatori"), blank=True)

    class Meta:
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

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="sdq_scores")
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


# --- Progetto Quadro ---------------------------------------------------------------------------------


class ProgettoQuadro(models.Model):
    """The family plan. Versioned: a revision is a new row; earlier versions stay readable and frozen."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="plans")
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

    plan = models.ForeignKey(ProgettoQuadro, on_delete=models.CASCADE, related_name="objectives")
    subdimension = models.ForeignKey(
        SubDimension, on_delete=models.PROTECT, related_name="+", verbose_name=_("sottodimensione")
    )
    expected_result = models.TextField(_("risultato atteso"))
    verification_method = models.TextField(_("come si verifica"))
    deadline = models.DateField(_("scadenza"), null=True, blank=True)
    status = models.CharField(_("stato"), max_length=20, choices=Status.choices, default=Status.APERTO)
    previous = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )

    class Meta:
        verbose_name = _("obiettivo")
        verbose_name_plural = _("obiettivi")
        ordering = ["subdimension__side__number", "subdimension__order", "pk"]

    def __str__(self) -> str:
        return self.expected_result[:80]


class Action(models.Model):
    """Who does what, when, for an objective: a professional, a family member or an informal resource."""

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="actions")
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

    objective = models.ForeignKey(Objective, on_delete=models.CASCADE, related_name="verifications")
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

    plan = models.ForeignKey(ProgettoQuadro, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("commento"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.text[:80]


# --- The family équipe (EM), consents, notes, closure ------------------------------------------------


class TeamMember(models.Model):
    """A member of the family's équipe multidisciplinare: a professional, a family member or an outside
    person (teacher, paediatrician) named with a role."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="team")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="family_teams",
        verbose_name=_("operatore"),
    )
    member = models.ForeignKey(
        Member, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("familiare")
    )
    external_name = models.CharField(_("persona esterna"), max_length=120, blank=True)
    role = models.CharField(_("ruolo"), max_length=80)

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("componente dell'EM")
        verbose_name_plural = _("équipe multidisciplinare")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(user__isnull=False, member__isnull=True, external_name="")
                    | Q(user__isnull=True, member__isnull=False, external_name="")
                    | (Q(user__isnull=True, member__isnull=True) & ~Q(external_name=""))
                ),
                name="team_member_is_one_kind",
            ),
            models.UniqueConstraint(fields=["family", "user"], name="team_user_unique"),
            models.UniqueConstraint(fields=["family", "member"], name="team_family_member_unique"),
        ]

    def __str__(self) -> str:
        who = self.user or self.member or self.external_name
        return f"{who} ({self.role})"


class TeamMeeting(models.Model):
    """An EM meeting, the family included."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="team_meetings")
    date = models.DateField(_("data"))
    participants = models.ManyToManyField(TeamMember, related_name="meetings", verbose_name=_("partecipanti"))
    minutes = models.TextField(_("verbale"), blank=True)
    decisions = models.TextField(_("decisioni"), blank=True)

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("incontro dell'EM")
        verbose_name_plural = _("incontri dell'EM")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"EM {self.date:%d/%m/%Y}"


def consent_upload_to(instance: Consent, filename: str) -> str:
    # The stored path reveals neither the family nor the original file name.
    return document_upload_path(f"consents/{instance.family.ambito_id}", instance.file, filename)


class Consent(models.Model):
    class Kind(models.TextChoices):
        PRIVACY = "privacy", _("Informativa privacy")
        ADESIONE = "adesione", _("Adesione al programma")
        SCUOLA = "condivisione_scuola", _("Condivisione dati con la scuola")
        SANITA = "condivisione_sanita", _("Condivisione dati con i servizi sanitari")
        PARTNER = "condivisione_partner", _("Condivisione dati con l'ente partner")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="consents")
    kind = models.CharField(_("tipo"), max_length=30, choices=Kind.choices)
    signed_on = models.DateField(_("firmato il"))
    signed_by = models.ForeignKey(
        Member, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("firmato da")
    )
    file = models.FileField(_("documento firmato"), upload_to=consent_upload_to, validators=[validate_document])
    revoked_on = models.DateField(_("revocato il"), null=True, blank=True)

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("consenso")
        verbose_name_plural = _("consensi")
        ordering = ["kind", "-signed_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(revoked_on__isnull=True) | Q(revoked_on__gte=F("signed_on")),
                name="consent_revoked_after_signature",
            )
        ]

    def __str__(self) -> str:
        return self.get_kind_display()

    @property
    def is_valid(self) -> bool:
        return self.revoked_on is None


class DiaryNoteQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Notes of visible families; a "riservata" note only to the author's profession and the case manager."""
        notes = self.filter(family__in=Family.objects.visible_to(user))
        if user.is_admin_role:
            return notes
        if not user.sees_identities:
            return notes.none()
        return notes.filter(
            Q(sensitivity=DiaryNote.Sensitivity.ORDINARIA)
            | Q(author__profile=user.profile, author__profile__gt="")
            | Q(author=user)
            | Q(family__case_manager=user)
        )


class DiaryNote(models.Model):
    class Sensitivity(models.TextChoices):
        ORDINARIA = "ordinaria", _("Ordinaria")
        RISERVATA = "riservata", _("Riservata (solo la stessa professione e il case manager)")

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    date = models.DateField(_("data"))
    text = EncryptedTextField(_("testo"))
    sensitivity = models.CharField(
        _("riservatezza"), max_length=20, choices=Sensitivity.choices, default=Sensitivity.ORDINARIA
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = DiaryNoteQuerySet.as_manager()

    class Meta:
        verbose_name = _("nota di diario")
        verbose_name_plural = _("diario")
        ordering = ["-date", "-created_at"]

    def __str__(self) -> str:
        return f"Nota del {self.date:%d/%m/%Y}"


class Closure(models.Model):
    family = models.OneToOneField(Family, on_delete=models.CASCADE, related_name="closure")
    date = models.DateField(_("data di chiusura"))
    outcome = models.ForeignKey(ClosureOutcome, on_delete=models.PROTECT, related_name="+", verbose_name=_("esito"))
    child_at_home = models.BooleanField(_("il bambino vive ancora in famiglia"))
    notes = models.TextField(_("note di post-valutazione"), blank=True)

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("chiusura")
        verbose_name_plural = _("chiusure")

    def __str__(self) -> str:
        return f"{self.family} — {self.outcome.code}"


class TransitionLog(models.Model):
    """Every change of state: who, when, from, to and why. Written only by `families.services`."""

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, choices=State.choices)
    to_state = models.CharField(max_length=20, choices=State.choices)
    # The day the step happened (what reports count by), which may precede the day it was recorded (`at`).
    effective_on = models.DateField(default=timezone.localdate)
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)

    objects = FamilyScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("passaggio di stato")
        verbose_name_plural = _("passaggi di stato")
        ordering = ["effective_on", "at", "pk"]
        indexes = [models.Index(fields=["to_state", "effective_on"], name="transition_to_state_on_idx")]

    def __str__(self) -> str:
        return f"{self.from_state} → {self.to_state}"


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

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    family = models.ForeignKey(Family, on_delete=models.PROTECT, related_name="access_log")
    action = models.CharField(max_length=20, choices=Action.choices, default=Action.VIEW)
    path = models.CharField(max_length=300)
    identities_shown = models.BooleanField(default=False)
    at = models.DateTimeField(default=timezone.now, db_index=True)

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
