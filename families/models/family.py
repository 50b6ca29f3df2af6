"""The family, its members and the states of its path.

Who sees a family is decided here (`Family.objects.visible_to`); everything hanging off a family is scoped
through it (`FamilyScopedQuerySet`)."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Exists, F, FilteredRelation, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from equipes.models import Ambito, Comune, Equipe, EquipeMembership, Implementation, Project, Role
from equipes.project_rules import DEFAULT_RULES
from pippi_portal import sinba_codes
from pippi_portal.crypto import EncryptedCharField, keyed_hash


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
        """Annotate t0_date, t1_due, t2_due and whether T1/T2 are complete (for deadlines).

        A family has at most one assessment per time point (`assessment_time_point_unique`). T0's date is a
        LEFT JOIN on that key, whether T1/T2 are complete a scalar subquery on it: not EXISTS, which
        PostgreSQL may run as a scan of every assessment hashed, nor a subquery for T0, which SQL repeats in
        each due date that uses it; and not joins for T1 and T2 too, whose join orders cost more to plan
        than the query takes to run (docs/benchmarks.md, issue 16)."""
        from .assessments import Assessment  # it imports this module: looked up when the method runs

        def complete(point: str):
            done = Assessment.objects.filter(family=OuterRef("pk"), time_point=point).values("is_complete")
            return Coalesce(Subquery(done.order_by()), models.Value(False))

        t0 = FilteredRelation("assessments", condition=Q(assessments__time_point=TimePoint.T0))
        return (
            self.annotate(due_t0=t0)
            .annotate(
                t0_date=F("due_t0__date"),
                t1_due=AddMonths(F("t0_date"), F("implementation__t1_offset_months")),
                t2_due=AddMonths(F("t0_date"), F("implementation__t2_offset_months")),
                t1_done=complete(TimePoint.T1),
                t2_done=complete(TimePoint.T2),
            )
            .annotate(
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
        )

    def overdue(self, today: datetime.date | None = None):
        today = today or timezone.localdate()
        return self.with_due_dates().filter(next_due__lt=today).exclude(state__in=ENDED_STATES)

    def due_within(self, days: int | None = None, today: datetime.date | None = None):
        """Families whose next evaluation is overdue or falls within `days` days; without `days`, within the
        deadline window of each family's project (`deadline_window_days`, the default before it has one)."""
        today = today or timezone.localdate()
        if days is not None:
            horizon = models.Value(today + datetime.timedelta(days=days), output_field=models.DateField())
        else:
            window = Coalesce(
                F("implementation__project__deadline_window_days"), models.Value(DEFAULT_RULES.deadline_window_days)
            )
            # date + integer is a date in PostgreSQL.
            horizon = models.ExpressionWrapper(
                models.Value(today, output_field=models.DateField()) + window, output_field=models.DateField()
            )
        return self.with_due_dates().filter(next_due__lte=horizon).exclude(state__in=ENDED_STATES)

    def plans_to_verify(self):
        """Families whose Progetto Quadro in force waits for the verification their next step needs: the T1
        verification once the T1 evaluation is complete and the path is in progress (`guard_start_t2`), the T2
        verification during the final evaluation (`guard_close`). `verify_point` says which."""
        from .assessments import Assessment  # they import this module: looked up when the method runs
        from .plan import Objective

        def unverified(time_point: str) -> Exists:
            current = Objective.objects.filter(plan__family=OuterRef("pk"), plan__superseded_at__isnull=True)
            return Exists(current.exclude(verifications__time_point=time_point))

        t1_complete = Exists(
            Assessment.objects.filter(family=OuterRef("pk"), time_point=TimePoint.T1, is_complete=True)
        )
        return self.filter(
            Q(t1_complete, unverified(TimePoint.T1), state=State.IN_CORSO)
            | Q(unverified(TimePoint.T2), state=State.VALUTAZIONE_T2)
        ).annotate(
            verify_point=models.Case(
                models.When(state=State.IN_CORSO, then=models.Value("T1")),
                default=models.Value("T2"),
                output_field=models.CharField(),
            )
        )

    def search(self, text: str, *, with_names: bool):
        """Search by code; by a member's name or full codice fiscale only for roles that may see them. The
        codice fiscale is encrypted, so it is matched whole through its keyed hash, never by a part of it."""
        text = text.strip()
        if not text:
            return self
        condition = Q(code__icontains=text)
        if with_names:
            people = Member.objects.filter(Q(first_name__icontains=text) | Q(last_name__icontains=text))
            if looks_like_codice_fiscale(text):
                people = people | Member.objects.with_codice_fiscale(text)
            condition |= Exists(people.filter(family=OuterRef("pk")))
        return self.filter(condition)


def looks_like_codice_fiscale(text: str) -> bool:
    """Sixteen letters and digits once spaces are gone: worth a look-up through the keyed hash."""
    compact = text.replace(" ", "")
    return len(compact) == 16 and compact.isascii() and compact.isalnum()


class Family(models.Model):
    class Court(models.TextChoices):
        """The courts whose dispositions the child-protection services follow (seed 002)."""

        TRIBUNALE_MINORENNI = "tribunale_minorenni", _("Tribunale per i Minorenni")
        TRIBUNALE_ORDINARIO = "tribunale_ordinario", _("Tribunale Ordinario")

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
        help_text=_("L'avviso «non target PNRR» compare solo se il progetto lo prevede (nessun avviso lo chiede)."),
    )
    judicial_authority_court = models.CharField(
        _("tribunale del provvedimento"),
        max_length=30,
        choices=Court.choices,
        blank=True,
        default="",
        db_default="",
        help_text=_("Facoltativo: il tribunale che ha emesso il provvedimento."),
    )
    # The SINBA return (sinba app, docs/sinba.md): the XSD's codes, asked where the social worker knows them.
    sinba_judicial_report = models.CharField(
        _("segnalazione all'autorità giudiziaria (SINBA)"),
        max_length=2,
        choices=sinba_codes.segnalazione_autorita_giudiziaria,
        blank=True,
        default="",
        db_default="",
        help_text=_("Se i servizi hanno segnalato la situazione all'autorità giudiziaria. Serve al ritorno SINBA."),
    )
    sinba_family_assessment = models.CharField(
        _("valutazione della famiglia (SINBA)"),
        max_length=2,
        choices=sinba_codes.valutazione_famiglia,
        blank=True,
        default="",
        db_default="",
        help_text=_("La problematica prevalente della famiglia secondo l'assistente sociale. Serve al ritorno SINBA."),
    )
    # The judicial details and the ISEE band of the SINBA return: optional, asked on the family form.
    sinba_report_date = models.DateField(
        _("data della segnalazione all'autorità giudiziaria (SINBA)"),
        null=True,
        blank=True,
        help_text=_("Se la situazione è stata segnalata: basta un giorno qualsiasi del mese."),
    )
    sinba_order_date = models.DateField(_("data del provvedimento giudiziario (SINBA)"), null=True, blank=True)
    sinba_order_type = models.CharField(
        _("tipo di provvedimento giudiziario (SINBA)"),
        max_length=2,
        choices=sinba_codes.tipo_provvedimento,
        blank=True,
        default="",
        db_default="",
    )
    sinba_parental_responsibility = models.CharField(
        _("responsabilità genitoriale (SINBA)"),
        max_length=2,
        choices=sinba_codes.potesta_tutela,
        blank=True,
        default="",
        db_default="",
        help_text=_("Se il provvedimento riguarda la responsabilità genitoriale o la tutela."),
    )
    sinba_isee_band = models.CharField(
        _("fascia ISEE (SINBA)"),
        max_length=2,
        choices=sinba_codes.fascia_isee,
        blank=True,
        default="",
        db_default="",
        help_text=_("Facoltativo: la fascia dell'ISEE del nucleo, se presentato."),
    )
    sinba_isee_members = models.PositiveSmallIntegerField(
        _("componenti del nucleo ISEE (SINBA)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
    )
    sinba_collaboration = models.CharField(
        _("collaborazione prevalente con altri servizi (SINBA)"),
        max_length=2,
        choices=sinba_codes.collaborazioni_interventi,
        blank=True,
        default="",
        db_default="",
        help_text=_("Facoltativo: il servizio con cui si collabora di più negli interventi per la famiglia."),
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
            models.CheckConstraint(
                condition=Q(judicial_authority_court="") | Q(under_judicial_authority=True),
                name="family_court_only_under_judicial_authority",
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

    def clean(self):
        super().clean()
        if not implementation_open_to(self.implementation, self.ambito_id):
            raise ValidationError({"implementation": IMPLEMENTATION_OUTSIDE_AMBITO})


IMPLEMENTATION_OUTSIDE_AMBITO = _(
    "L'implementazione appartiene a un progetto di cui l'ambito della famiglia non fa parte."
)


def implementation_open_to(implementation: Implementation | None, ambito_id: int | None) -> bool:
    """Whether a family of `ambito_id` may be registered under `implementation`: its project must be one the
    ambito takes part in, as lead or associated (a project of several ambiti, DESIGN.md "Second round")."""
    if implementation is None or ambito_id is None:
        return True
    return Project.objects.of_ambito(ambito_id).filter(pk=implementation.project_id).exists()


class MemberQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(family__in=Family.objects.visible_to(user))

    def children(self):
        return self.filter(kind=Member.Kind.MINORE)

    def with_codice_fiscale(self, code: str):
        """Members whose codice fiscale is `code`, found through its keyed hash (the column is encrypted)."""
        code = code.replace(" ", "")
        return self.filter(codice_fiscale_hash=keyed_hash(code)) if code else self.none()


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

    family = models.ForeignKey(Family, on_delete=models.CASCADE, related_name="members", verbose_name=_("famiglia"))
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    first_name = models.CharField(_("nome"), max_length=80)
    last_name = models.CharField(_("cognome"), max_length=80)
    codice_fiscale = EncryptedCharField(_("codice fiscale"), max_length=16, blank=True, null=True)
    codice_fiscale_hash = models.CharField(
        _("impronta del codice fiscale"), max_length=64, blank=True, editable=False, db_index=True
    )
    birth_date = models.DateField(_("data di nascita"))
    #: Belfiore code of the comune (or "Z..." foreign state) of birth, chosen from `equipes.national_comuni`.
    birth_comune_code = models.CharField(_("comune o stato di nascita"), max_length=4, blank=True)
    sex = models.CharField(_("sesso"), max_length=1, choices=Sex.choices)
    relationship = models.CharField(_("relazione"), max_length=60, blank=True, help_text=_("es. madre, figlio, nonna"))
    school = models.CharField(_("scuola"), max_length=120, blank=True)
    school_class = models.CharField(_("classe"), max_length=30, blank=True)
    is_reference_child = models.BooleanField(_("bambino di riferimento"), default=False)
    # The SINBA return, for minors only (sinba app, docs/sinba.md): codes of the XSD.
    sinba_condition = models.CharField(
        _("condizione del minore (SINBA)"),
        max_length=2,
        choices=sinba_codes.condizione_minore,
        blank=True,
        default="",
        db_default="",
    )
    sinba_living_place = models.CharField(
        _("dove vive il minore (SINBA)"),
        max_length=2,
        choices=sinba_codes.luogo_vita,
        blank=True,
        default="",
        db_default="",
    )
    sinba_school = models.CharField(
        _("scuola frequentata (SINBA)"),
        max_length=2,
        choices=sinba_codes.scuola_frequentata,
        blank=True,
        default="",
        db_default="",
    )
    sinba_work = models.CharField(
        _("condizione lavorativa del minore (SINBA)"),
        max_length=2,
        choices=sinba_codes.condizione_lavoro,
        blank=True,
        default="",
        db_default="",
        help_text=_("Solo dai 16 anni: sotto, il minore è «inattivo» senza chiederlo."),
    )
    sinba_disability = models.CharField(
        _("disabilità (SINBA)"),
        max_length=2,
        choices=sinba_codes.disabilita,
        blank=True,
        default="",
        db_default="",
    )
    # Only for a minor with a disability (sinba_disability "1"): the member form refuses them otherwise.
    sinba_disability_type = models.CharField(
        _("tipo di disabilità (SINBA)"),
        max_length=2,
        choices=sinba_codes.tipo_disabilita,
        blank=True,
        default="",
        db_default="",
        help_text=_("Facoltativo, solo se il minore ha una disabilità."),
    )
    sinba_disability_certification = models.CharField(
        _("certificazione (SINBA)"),
        max_length=2,
        choices=sinba_codes.inv_civ_certificazioni,
        blank=True,
        default="",
        db_default="",
        help_text=_("Facoltativo, solo se il minore ha una disabilità: l'invalidità civile, la NPI o la L. 104."),
    )
    sinba_assessment = models.CharField(
        _("valutazione del minore (SINBA)"),
        max_length=2,
        choices=sinba_codes.valutazione_minore,
        blank=True,
        default="",
        db_default="",
        help_text=_("La problematica prevalente del minore secondo l'assistente sociale."),
    )
    # The SINBA return, for the parent figures (the XSD's father and mother): optional.
    sinba_education = models.CharField(
        _("titolo di studio (SINBA)"),
        max_length=2,
        choices=sinba_codes.titolo_studio,
        blank=True,
        default="",
        db_default="",
        help_text=_("Solo per una figura genitoriale: il padre o la madre del ritorno SINBA."),
    )
    sinba_occupation = models.CharField(
        _("condizione occupazionale (SINBA)"),
        max_length=2,
        choices=sinba_codes.occupazione,
        blank=True,
        default="",
        db_default="",
        help_text=_("Solo per una figura genitoriale: il padre o la madre del ritorno SINBA."),
    )
    citizenship = models.CharField(
        _("cittadinanza"),
        max_length=3,
        choices=sinba_codes.cittadinanza,
        blank=True,
        default="",
        db_default="",
        help_text=_("Solo per una figura genitoriale: il padre o la madre del ritorno SINBA."),
    )

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
