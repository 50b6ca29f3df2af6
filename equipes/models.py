"""The organisation: ambiti, comuni, partner organisations, users and roles, équipes, PNRR projects,
their implementations, staff training and governance meetings (DESIGN.md §3.1).

Every model that holds an ambito's data has a QuerySet with `visible_to(user)`: the one place that says
who sees what. Views reach objects only through the helpers in `equipes.selectors`, built on it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pippi_portal.periods import PeriodQuerySet
from pippi_portal.uploads import document_upload_path, validate_document

from . import national_comuni
from .project_rules import (
    DEFAULT_RULES,
    LIKERT_POINTS_MAX,
    LIKERT_POINTS_MIN,
    ProjectRules,
    rules_of,
    validate_age_bands,
)

CUP_PATTERN = r"^[A-Z][0-9]{2}[A-Z][0-9]{11}$"
cup_validator = RegexValidator(
    CUP_PATTERN,
    _("Il CUP deve avere 15 caratteri: una lettera, due cifre, una lettera e undici cifre (es. B24H22000190001)."),
)
istat_validator = RegexValidator(r"^[0-9]{6}$", _("Il codice ISTAT del comune ha 6 cifre."))
ambito_code_validator = RegexValidator(r"^[A-Z]{2,5}$", _("Il codice dell'ambito ha da 2 a 5 lettere maiuscole."))


class Role(models.TextChoices):
    ADMIN = "admin", _("Amministratore")
    UFFICIO_PIANO = "ufficio_piano", _("Ufficio di Piano")
    COORDINATORE = "coordinatore", _("Referente di Ambito / coach")
    CASE_MANAGER = "case_manager", _("Case manager (assistente sociale)")
    OPERATORE = "operatore", _("Operatore")
    REFERENTE_ENTE = "referente_ente", _("Referente ente partner")


class Profile(models.TextChoices):
    ASSISTENTE_SOCIALE = "assistente_sociale", _("Assistente sociale")
    EDUCATORE = "educatore", _("Educatore")
    PSICOLOGO = "psicologo", _("Psicologo")
    PEDAGOGISTA = "pedagogista", _("Pedagogista")
    MEDIATORE_CULTURALE = "mediatore_culturale", _("Mediatore culturale")
    ALTRO = "altro", _("Altro")


class AmbitoScopedQuerySet(models.QuerySet):
    """Objects that belong to one ambito through an `ambito` field (or `ambito_path`)."""

    ambito_path = "ambito"

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        return self.filter(**{self.ambito_path: user.ambito_id})


class AmbitoQuerySet(AmbitoScopedQuerySet):
    ambito_path = "pk"


class Ambito(models.Model):
    """An Ambito Territoriale Sociale: the tenant. Nothing crosses ambiti except for administrators."""

    name = models.CharField(_("nome"), max_length=200, unique=True)
    code = models.CharField(_("codice"), max_length=5, unique=True, validators=[ambito_code_validator])
    lead_municipality = models.CharField(_("ente capofila"), max_length=200)

    objects = AmbitoQuerySet.as_manager()

    class Meta:
        verbose_name = _("ambito territoriale")
        verbose_name_plural = _("ambiti territoriali")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[A-Z]{2,5}$"), name="ambito_code_format"),
        ]

    def __str__(self) -> str:
        return self.name


class Comune(models.Model):
    ambito = models.ForeignKey(Ambito, on_delete=models.PROTECT, related_name="comuni", verbose_name=_("ambito"))
    name = models.CharField(_("nome"), max_length=120)
    istat_code = models.CharField(
        _("codice ISTAT"), max_length=6, blank=True, validators=[istat_validator], help_text=_("6 cifre")
    )
    #: Filled from the national list (`equipes.national_comuni`), never typed by hand; so is `istat_code`.
    cadastral_code = models.CharField(
        _("codice catastale"), max_length=4, blank=True, help_text=_("codice Belfiore, es. I625")
    )
    province = models.CharField(_("provincia"), max_length=2, blank=True, help_text=_("sigla, es. MB"))

    objects = AmbitoScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("comune")
        verbose_name_plural = _("comuni")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["ambito", "name"], name="comune_name_unique_in_ambito"),
            # Per ambito, like the cadastral code: the same place may be a comune of two ambiti.
            models.UniqueConstraint(
                fields=["ambito", "istat_code"],
                condition=~Q(istat_code=""),
                name="comune_istat_code_unique_in_ambito",
            ),
            models.CheckConstraint(
                condition=Q(istat_code="") | Q(istat_code__regex=r"^[0-9]{6}$"), name="comune_istat_code_format"
            ),
            models.UniqueConstraint(
                fields=["ambito", "cadastral_code"],
                condition=~Q(cadastral_code=""),
                name="comune_cadastral_code_unique_in_ambito",
            ),
            models.CheckConstraint(
                condition=Q(cadastral_code="") | Q(cadastral_code__regex=r"^[A-Z][0-9]{3}$"),
                name="comune_cadastral_code_format",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        super().clean()
        problem = national_comuni.istat_problem(self.cadastral_code, self.istat_code)
        if problem:
            raise ValidationError({"istat_code": problem})


class Organisation(models.Model):
    class Kind(models.TextChoices):
        COMUNE = "comune", _("Comune")
        ETS = "ets", _("Ente del Terzo Settore (cooperativa)")
        SANITA = "sanita", _("ASST / servizio sanitario")
        SCUOLA = "scuola", _("Scuola")
        ALTRO = "altro", _("Altro")

    ambito = models.ForeignKey(Ambito, on_delete=models.PROTECT, related_name="organisations", verbose_name=_("ambito"))
    name = models.CharField(_("nome"), max_length=200)
    kind = models.CharField(_("tipo"), max_length=20, choices=Kind.choices)
    tax_code = models.CharField(_("codice fiscale / partita IVA"), max_length=16, blank=True)

    objects = AmbitoScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("organizzazione")
        verbose_name_plural = _("organizzazioni")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["ambito", "name"], name="organisation_name_unique_in_ambito"),
            # Target of the composite foreign key that keeps a user's organisation in the user's ambito.
            models.UniqueConstraint(fields=["id", "ambito"], name="organisation_id_ambito_unique"),
        ]

    def __str__(self) -> str:
        return self.name


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Colleagues a user may see by name: everyone of the same ambito (équipes, assignments)."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        return self.filter(ambito_id=user.ambito_id)

    def with_programme_mooc(self, on: datetime.date | None = None):
        """Annotate `has_programme_mooc`: the user completed the programme's MOOC on or before `on` (today)."""
        on = on or timezone.localdate()
        moocs = StaffTraining.objects.filter(user=models.OuterRef("pk"), is_programme_mooc=True, completed_on__lte=on)
        return self.annotate(has_programme_mooc=models.Exists(moocs))

    def without_programme_mooc(self, on: datetime.date | None = None):
        """Users who had not done the programme's MOOC by `on` (today): 001 wants it before SEDT educators start."""
        return self.with_programme_mooc(on).filter(has_programme_mooc=False)

    def staff_register_for(self, user):
        """The staff register: the Ufficio di Piano sees the ambito's staff, a partner's referent its own."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        if user.role == Role.UFFICIO_PIANO:
            return self.filter(ambito_id=user.ambito_id)
        if user.role == Role.REFERENTE_ENTE and user.organisation_id:
            return self.filter(ambito_id=user.ambito_id, organisation_id=user.organisation_id)
        return self.none()


class PortalUserManager(UserManager.from_queryset(UserQuerySet)):
    def create_superuser(self, username, email=None, password=None, **extra_fields):
        extra_fields.setdefault("role", Role.ADMIN)
        return super().create_superuser(username, email, password, **extra_fields)


def cv_upload_to(instance: User, filename: str) -> str:
    return document_upload_path(f"cv/{instance.ambito_id or 'admin'}", instance.cv, filename)


class User(AbstractUser):
    """A professional of the programme. Belongs to one ambito (administrators to none) and one organisation."""

    ambito = models.ForeignKey(
        Ambito, on_delete=models.PROTECT, null=True, blank=True, related_name="users", verbose_name=_("ambito")
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("organizzazione"),
    )
    role = models.CharField(_("ruolo"), max_length=20, choices=Role.choices)
    profile = models.CharField(_("profilo professionale"), max_length=30, choices=Profile.choices, blank=True)
    phone = models.CharField(_("telefono"), max_length=30, blank=True)
    cv = models.FileField(_("curriculum"), upload_to=cv_upload_to, blank=True, validators=[validate_document])
    #: The staff register's hourly cost of the person (what the partner charges, or the comune's cost), as the
    #: ambito's spreadsheets carry it; the budget's lines keep their own cost per profile.
    hourly_cost = models.DecimalField(
        _("costo orario (€)"),
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1000.00"))],
    )

    objects = PortalUserManager()

    class Meta:
        verbose_name = _("utente")
        verbose_name_plural = _("utenti")
        ordering = ["last_name", "first_name", "username"]
        constraints = [
            models.CheckConstraint(condition=Q(role="admin") | Q(ambito__isnull=False), name="user_has_ambito"),
            models.CheckConstraint(
                condition=Q(organisation__isnull=True) | Q(ambito__isnull=False),
                name="user_organisation_needs_ambito",
            ),
            # "user_organisation_in_ambito" is a composite foreign key (organisation, ambito) added by
            # migration 0002: Django cannot declare it, PostgreSQL enforces it.
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_admin_role(self) -> bool:
        return self.is_superuser or self.role == Role.ADMIN

    @property
    def sees_identities(self) -> bool:
        """Whether family identities (names, codice fiscale, addresses, diary text) may reach this user."""
        return self.is_admin_role or self.role in (Role.CASE_MANAGER, Role.OPERATORE)

    @property
    def scope_key(self) -> tuple:
        """What the scopes (`visible_to`, `of_ambito`) and the pseudonymised reads depend on of the user: the key
        under which a read in the user's scope is compiled once (`pippi_portal.compiled`)."""
        return (self.pk, self.role, self.ambito_id, self.is_active, self.is_admin_role, self.sees_identities)

    def get_absolute_url(self) -> str:
        return reverse("equipes:staff-detail", args=[self.pk])


class Equipe(models.Model):
    """A territorial team. Families are assigned to one; case managers see the families of their équipes."""

    ambito = models.ForeignKey(Ambito, on_delete=models.PROTECT, related_name="equipes", verbose_name=_("ambito"))
    name = models.CharField(_("nome"), max_length=200)
    comuni = models.ManyToManyField(Comune, related_name="equipes", verbose_name=_("comuni coperti"), blank=True)
    members = models.ManyToManyField(
        User, through="EquipeMembership", related_name="equipes", verbose_name=_("componenti")
    )

    objects = AmbitoScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("équipe territoriale")
        verbose_name_plural = _("équipe territoriali")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["ambito", "name"], name="equipe_name_unique_in_ambito")]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("equipes:equipe-detail", args=[self.pk])


class EquipeMembership(models.Model):
    class MemberRole(models.TextChoices):
        RESPONSABILE = "responsabile", _("Responsabile")
        CASE_MANAGER = "case_manager", _("Case manager")
        OPERATORE = "operatore", _("Operatore")
        COACH = "coach", _("Coach")

    equipe = models.ForeignKey(Equipe, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("équipe"))
    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="equipe_memberships", verbose_name=_("utente")
    )
    role = models.CharField(_("ruolo nell'équipe"), max_length=20, choices=MemberRole.choices)

    class Meta:
        verbose_name = _("componente dell'équipe")
        verbose_name_plural = _("componenti dell'équipe")
        constraints = [models.UniqueConstraint(fields=["equipe", "user"], name="equipe_member_unique")]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class ProjectQuerySet(AmbitoScopedQuerySet, PeriodQuerySet):
    """A project is seen by the users of its lead ambito and of its associated ambiti."""

    def of_ambito(self, ambito_id: int | None):
        """The projects an ambito takes part in, as lead or associated (a subquery: no duplicate rows)."""
        associated = Project.associated_ambiti.through.objects.filter(ambito_id=ambito_id).values("project_id")
        return self.filter(Q(ambito_id=ambito_id) | Q(pk__in=associated))

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        return self.of_ambito(user.ambito_id)

    def led_by(self, user):
        """The projects whose lead ambito (capofila) is the user's: those its Ufficio di Piano reports."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        return self.filter(ambito_id=user.ambito_id)

    def open(self):
        """Projects not concluded: they take new families, implementations and interventions."""
        return self.filter(concluded_on__isnull=True)

    def taking_hours_on(self, day: datetime.date):
        """Projects on which hours dated `day` may still be recorded (not concluded before that day)."""
        return self.filter(Q(concluded_on__isnull=True) | Q(concluded_on__gte=day))


class FundingSource(models.TextChoices):
    PNRR = "pnrr", _("PNRR M5C2 I1.1.1")
    LEPS = "leps", _("Fondi nazionali per il LEPS")
    ALTRO = "altro", _("Altri fondi")


class Project(models.Model):
    """A project of the programme, identified by its CUP when it has one (a PNRR project always does).
    It is presented by a lead ambito (capofila, `ambito`), alone or in association with other ambiti
    (`associated_ambiti`), as the Romagna Faentina with the Bassa Romagna."""

    ambito = models.ForeignKey(
        Ambito, on_delete=models.PROTECT, related_name="projects", verbose_name=_("ambito capofila")
    )
    associated_ambiti = models.ManyToManyField(
        Ambito, related_name="associated_projects", blank=True, verbose_name=_("ambiti associati")
    )
    title = models.CharField(_("titolo"), max_length=300)
    cup = models.CharField(
        _("CUP"),
        max_length=15,
        blank=True,
        validators=[cup_validator],
        help_text=_("Obbligatorio per i progetti PNRR."),
    )
    funding_decree = models.CharField(_("decreto di finanziamento"), max_length=300, blank=True)
    amount = models.DecimalField(
        _("importo finanziato (€)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    start_date = models.DateField(_("data di inizio"))
    end_date = models.DateField(_("data di fine"))
    measure_code = models.CharField(_("codice misura"), max_length=40, default="M5C2 I1.1.1", blank=True)
    partners = models.ManyToManyField(Organisation, related_name="projects", blank=True, verbose_name=_("enti partner"))

    # --- The project's rules (see `equipes.project_rules`; defaults from the Seregno notice) ---------------
    sedt_minimum_weekly_hours = models.DecimalField(
        _("educativa domiciliare: ore settimanali minime"),
        max_digits=3,
        decimal_places=1,
        default=DEFAULT_RULES.sedt_minimum_weekly_hours,
        db_default=DEFAULT_RULES.sedt_minimum_weekly_hours,
        validators=[MinValueValidator(Decimal("1")), MaxValueValidator(Decimal("40"))],
        help_text=_("Incontri dell'équipe multidimensionale compresi. L'avviso di Seregno: almeno 8 ore."),
    )
    sedt_exception_allowed = models.BooleanField(
        _("educativa domiciliare: deroga motivata al minimo"),
        default=DEFAULT_RULES.sedt_exception_allowed,
        db_default=DEFAULT_RULES.sedt_exception_allowed,
        help_text=_("Se attiva, un'educativa sotto il minimo è accettata con il motivo scritto della deroga."),
    )
    group_module_min_sessions = models.PositiveSmallIntegerField(
        _("gruppi: incontri minimi di un modulo"),
        default=DEFAULT_RULES.group_module_min_sessions,
        db_default=DEFAULT_RULES.group_module_min_sessions,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    group_module_max_sessions = models.PositiveSmallIntegerField(
        _("gruppi: incontri massimi di un modulo"),
        default=DEFAULT_RULES.group_module_max_sessions,
        db_default=DEFAULT_RULES.group_module_max_sessions,
        validators=[MinValueValidator(1), MaxValueValidator(30)],
    )
    older_children_share_percent = models.PositiveSmallIntegerField(
        _("quota di famiglie con figli 11-14 anni (%)"),
        default=DEFAULT_RULES.older_children_share_percent,
        db_default=DEFAULT_RULES.older_children_share_percent,
        validators=[MaxValueValidator(100)],
        help_text=_("Oltre questa quota delle famiglie incluse in un'implementazione compare un avviso."),
    )
    reunification_share_percent = models.PositiveSmallIntegerField(
        _("quota di percorsi di riunificazione (%)"),
        default=DEFAULT_RULES.reunification_share_percent,
        db_default=DEFAULT_RULES.reunification_share_percent,
        validators=[MaxValueValidator(100)],
        help_text=_("Oltre questa quota delle famiglie incluse in un'implementazione compare un avviso."),
    )
    report_age_bands = models.CharField(
        _("fasce d'età dei report"),
        max_length=100,
        default=DEFAULT_RULES.report_age_bands,
        db_default=DEFAULT_RULES.report_age_bands,
        validators=[validate_age_bands],
        help_text=_("Anni compiuti all'inclusione, separati da virgole, per esempio 0-3, 4-6, 7-11, 12-14, 15-17."),
    )
    likert_points = models.PositiveSmallIntegerField(
        _("questionari: punti della scala di accordo"),
        default=DEFAULT_RULES.likert_points,
        db_default=DEFAULT_RULES.likert_points,
        validators=[MinValueValidator(LIKERT_POINTS_MIN), MaxValueValidator(LIKERT_POINTS_MAX)],
    )
    deadline_window_days = models.PositiveSmallIntegerField(
        _("giorni di preavviso delle scadenze"),
        default=DEFAULT_RULES.deadline_window_days,
        db_default=DEFAULT_RULES.deadline_window_days,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Una valutazione T1 o T2 è «in scadenza» sul cruscotto da questi giorni prima."),
    )
    judicial_authority_warning = models.BooleanField(
        _("avviso «non target PNRR» per le famiglie sotto provvedimento dell'autorità giudiziaria"),
        default=DEFAULT_RULES.judicial_authority_warning,
        db_default=DEFAULT_RULES.judicial_authority_warning,
    )
    # --- end of the project's rules ---------------------------------------------------------------------
    # --- Life of the project (issue 13 §5): funding, conclusion, the project that follows ---------------
    funding_source = models.CharField(
        _("fonte di finanziamento"),
        max_length=10,
        choices=FundingSource.choices,
        default=FundingSource.PNRR,
        db_default=FundingSource.PNRR,
    )
    concluded_on = models.DateField(
        _("concluso il"),
        null=True,
        blank=True,
        help_text=_("L'ultimo giorno del progetto: dopo non prende nuove famiglie né ore."),
    )
    concluded_by = models.ForeignKey(
        "User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("concluso da")
    )
    predecessor = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successors",
        verbose_name=_("progetto precedente"),
    )
    # ---------------------------------------------------------------------------------------------------------

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("progetto")
        verbose_name_plural = _("progetti")
        ordering = ["-start_date"]
        constraints = [
            models.UniqueConstraint(fields=["cup"], condition=~Q(cup=""), name="project_cup_unique"),
            models.CheckConstraint(condition=Q(cup="") | Q(cup__regex=CUP_PATTERN), name="project_cup_format"),
            models.CheckConstraint(condition=Q(end_date__gt=models.F("start_date")), name="project_dates_ordered"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="project_amount_positive"),
            models.CheckConstraint(condition=Q(sedt_minimum_weekly_hours__gt=0), name="project_sedt_minimum_positive"),
            models.CheckConstraint(
                condition=Q(group_module_min_sessions__gte=1)
                & Q(group_module_max_sessions__gte=models.F("group_module_min_sessions")),
                name="project_group_module_sessions_ordered",
            ),
            models.CheckConstraint(
                condition=Q(older_children_share_percent__lte=100, reunification_share_percent__lte=100),
                name="project_shares_are_percentages",
            ),
            models.CheckConstraint(
                condition=Q(likert_points__gte=LIKERT_POINTS_MIN, likert_points__lte=LIKERT_POINTS_MAX),
                name="project_likert_points_range",
            ),
            models.CheckConstraint(condition=Q(deadline_window_days__gte=1), name="project_deadline_window_positive"),
            models.CheckConstraint(condition=~Q(funding_source="pnrr") | ~Q(cup=""), name="project_pnrr_has_cup"),
            models.CheckConstraint(
                condition=Q(concluded_on__isnull=True)
                | Q(concluded_on__gte=models.F("start_date"), concluded_on__lte=models.F("end_date")),
                name="project_concluded_within_dates",
            ),
            models.CheckConstraint(
                condition=Q(concluded_by__isnull=True) | Q(concluded_on__isnull=False),
                name="project_concluded_by_needs_date",
            ),
            models.UniqueConstraint(
                fields=["predecessor"], condition=Q(predecessor__isnull=False), name="project_one_follow_on"
            ),
            models.CheckConstraint(condition=~Q(predecessor=models.F("pk")), name="project_not_its_own_predecessor"),
        ]

    def __str__(self) -> str:
        return f"{self.cup} — {self.title}" if self.cup else self.title

    def get_absolute_url(self) -> str:
        return reverse("equipes:project-detail", args=[self.pk])

    @property
    def rules(self) -> ProjectRules:
        return rules_of(self)

    @property
    def short_label(self) -> str:
        """How pages name the project in a line: its CUP, or its title when it has none."""
        return f"CUP {self.cup}" if self.cup else self.title

    @property
    def is_pnrr(self) -> bool:
        return self.funding_source == FundingSource.PNRR

    @property
    def is_concluded(self) -> bool:
        """Concluded by the Ufficio di Piano (`project_conclude`): no new inclusions, implementations or
        interventions, no hours after `concluded_on`, figures frozen in the final report."""
        return self.concluded_on is not None

    def takes_hours_on(self, day: datetime.date) -> bool:
        """Whether hours dated `day` may still be recorded on the project."""
        return self.concluded_on is None or day <= self.concluded_on

    @property
    def last_day(self) -> datetime.date:
        """The day the project ended (its conclusion) or will end (its end date)."""
        return self.concluded_on or self.end_date

    @property
    def ambito_ids(self) -> list[int]:
        """The lead ambito first, then the associated ones (by id)."""
        return [self.ambito_id, *sorted(a.pk for a in self.associated_ambiti.all())]

    def ambiti(self):
        """The ambiti of the project, lead and associated (a queryset, usable as a subquery)."""
        associated = Project.associated_ambiti.through.objects.filter(project_id=self.pk).values("ambito_id")
        return Ambito.objects.filter(Q(pk=self.ambito_id) | Q(pk__in=associated))

    def includes_ambito(self, ambito_id: int | None) -> bool:
        """Whether an ambito takes part in the project (lead or associated)."""
        return ambito_id is not None and ambito_id in self.ambito_ids

    def is_led_by(self, user) -> bool:
        """Whether the user's ambito is the project's lead (capofila)."""
        return user.ambito_id is not None and user.ambito_id == self.ambito_id


class ImplementationQuerySet(AmbitoScopedQuerySet):
    """The implementations of a project are the project's: seen in every ambito of the project."""

    def visible_to(self, user):
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_admin_role:
            return self
        return self.of_ambito(user.ambito_id)

    def of_ambito(self, ambito_id: int | None):
        """The implementations of the projects an ambito takes part in."""
        return self.filter(project__in=Project.objects.of_ambito(ambito_id))

    def taking_families_on(self, day: datetime.date):
        """Implementations a new family may be registered under on `day`: not ended (running, or about to start)
        and of a project neither concluded nor past its end date."""
        return self.filter(end_date__gte=day, project__end_date__gte=day, project__concluded_on__isnull=True)


class Implementation(models.Model):
    """An edition of the programme inside a project (P.I.P.P.I. 11, 12, 13 …). How many families it takes at
    least is one of its project's targets (`ProjectTarget`, families included, per implementation)."""

    class Module(models.TextChoices):
        BASE = "BASE", _("Base")
        AVANZATO = "AVANZATO", _("Avanzato")

    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, related_name="implementations", verbose_name=_("progetto")
    )
    number = models.PositiveSmallIntegerField(_("numero"))
    module = models.CharField(_("modulo"), max_length=10, choices=Module.choices, default=Module.BASE)
    start_date = models.DateField(_("data di inizio"))
    end_date = models.DateField(_("data di fine"))
    t1_offset_months = models.PositiveSmallIntegerField(_("T1 dopo T0 (mesi)"), default=9)
    t2_offset_months = models.PositiveSmallIntegerField(_("T2 dopo T0 (mesi)"), default=18)

    objects = ImplementationQuerySet.as_manager()

    class Meta:
        verbose_name = _("implementazione")
        verbose_name_plural = _("implementazioni")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="implementation_number_unique_in_project"),
            models.CheckConstraint(
                condition=Q(end_date__gt=models.F("start_date")), name="implementation_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(t2_offset_months__gt=models.F("t1_offset_months")) & Q(t1_offset_months__gt=0),
                name="implementation_offsets_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"P.I.P.P.I. {self.number}"

    @property
    def ambito_id(self) -> int:
        return self.project.ambito_id

    def t1_due(self, t0_date: datetime.date) -> datetime.date:
        return t0_date + relativedelta(months=self.t1_offset_months)

    def t2_due(self, t0_date: datetime.date) -> datetime.date:
        return t0_date + relativedelta(months=self.t2_offset_months)

    @property
    def phase(self) -> str:
        return self.phase_on(timezone.localdate())

    def has_ended_on(self, day: datetime.date) -> bool:
        """Whether the implementation is over on `day`: its end date, or its project's, is before it."""
        return self.end_date < day or self.project.end_date < day

    @property
    def label(self) -> str:
        """How a choice names it: the edition, its project when the ambito has several, and its dates."""
        return f"{self} · {self.project.short_label} ({self.start_date:%d/%m/%Y} – {self.end_date:%d/%m/%Y})"

    def phase_on(self, day: datetime.date) -> str:
        if day < self.start_date:
            return _("da avviare")
        if day > self.end_date:
            return _("conclusa")
        return _("in corso")


class TargetKind(models.TextChoices):
    """What a project's target counts. Each kind knows its unit (a number of things, or a percentage of the
    families) and the scopes it can be checked at; `reporting.targets` measures it."""

    FAMIGLIE_INCLUSE = "famiglie_incluse", _("Famiglie incluse nel programma")
    GRUPPI_GENITORI = "gruppi_genitori", _("Gruppi di genitori")
    GRUPPI_BAMBINI = "gruppi_bambini", _("Gruppi di bambini")
    COLLABORAZIONI_SCUOLE = "collaborazioni_scuole", _("Collaborazioni strutturate con le scuole")
    OPERATORI_FORMATI = "operatori_formati", _("Operatori formati")
    FAMIGLIE_CON_SEDT = "famiglie_con_sedt", _("Famiglie con un progetto educativo domiciliare (SEDT)")
    FAMIGLIE_CON_APPOGGIO = "famiglie_con_appoggio", _("Famiglie con una famiglia d'appoggio")
    ESITI_POSITIVI = "esiti_positivi", _("Percorsi con esito positivo")

    @property
    def is_share(self) -> bool:
        """A share is a percentage (of the included families, or of the ended paths); the rest are counts."""
        return self in SHARE_KINDS

    @property
    def unit(self) -> str:
        return "%" if self.is_share else ""

    @property
    def allowed_scopes(self) -> list[str]:
        return TARGET_SCOPES_BY_KIND[self]


class TargetScope(models.TextChoices):
    PROGETTO = "progetto", _("Progetto")
    AMBITO = "ambito", _("Per ambito")
    IMPLEMENTAZIONE = "implementazione", _("Per implementazione")
    IMPLEMENTAZIONE_AMBITO = "implementazione_ambito", _("Per implementazione in ciascun ambito")


# A tuple, not a set: its order goes into a constraint, and the migration must not change from run to run.
SHARE_KINDS = (TargetKind.FAMIGLIE_CON_SEDT, TargetKind.FAMIGLIE_CON_APPOGGIO, TargetKind.ESITI_POSITIVI)
_EVERY_SCOPE = [s.value for s in TargetScope]
# School partnerships and training are not tied to an implementation.
TARGET_SCOPES_BY_KIND = {
    kind: (
        [TargetScope.PROGETTO.value, TargetScope.AMBITO.value]
        if kind in (TargetKind.COLLABORAZIONI_SCUOLE, TargetKind.OPERATORI_FORMATI)
        else _EVERY_SCOPE
    )
    for kind in TargetKind
}


class ProjectTargetQuerySet(AmbitoScopedQuerySet):
    ambito_path = "project__ambito"


class ProjectTarget(models.Model):
    """A result the project's document commits to, as a minimum ("almeno 10 famiglie per implementazione"):
    what is counted (`kind`), at least how many (`minimum`, a percentage for shares) and where (`scope`: the
    whole project, each ambito, each implementation, or each implementation in each ambito). `note` keeps the
    document's wording."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="targets", verbose_name=_("progetto"))
    kind = models.CharField(_("obiettivo"), max_length=30, choices=TargetKind.choices)
    minimum = models.PositiveIntegerField(_("minimo"), validators=[MinValueValidator(1)])
    scope = models.CharField(_("ambito di verifica"), max_length=30, choices=TargetScope.choices)
    note = models.TextField(_("testo del documento"), blank=True)

    objects = ProjectTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("obiettivo del progetto")
        verbose_name_plural = _("obiettivi del progetto")
        ordering = ["project", "kind", "scope"]
        constraints = [
            models.UniqueConstraint(fields=["project", "kind", "scope"], name="project_target_unique"),
            models.CheckConstraint(condition=Q(minimum__gt=0), name="project_target_minimum_positive"),
            models.CheckConstraint(
                condition=~Q(kind__in=sorted(k.value for k in SHARE_KINDS)) | Q(minimum__lte=100),
                name="project_target_share_at_most_100",
            ),
            models.CheckConstraint(
                condition=~Q(kind__in=[TargetKind.COLLABORAZIONI_SCUOLE, TargetKind.OPERATORI_FORMATI])
                | Q(scope__in=[TargetScope.PROGETTO, TargetScope.AMBITO]),
                name="project_target_scope_fits_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ≥ {self.minimum}{self.target_kind.unit} ({self.get_scope_display()})"

    @property
    def target_kind(self) -> TargetKind:
        return TargetKind(self.kind)

    @property
    def ambito_id(self) -> int:
        """The lead ambito's: the project's targets belong to its Ufficio di Piano."""
        return self.project.ambito_id


def certificate_upload_to(instance: StaffTraining, filename: str) -> str:
    return document_upload_path(f"training/{instance.user_id}", instance.certificate, filename)


class StaffTrainingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(user__in=User.objects.staff_register_for(user))


class StaffTraining(models.Model):
    """A course a professional attended (e.g. the MOOC on vicinanza solidale), with its certificate."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="trainings", verbose_name=_("operatore"))
    course = models.CharField(_("corso"), max_length=200)
    # 001: SEDT educators must have done the programme's online training (the MOOC) before they start.
    is_programme_mooc = models.BooleanField(
        _("formazione del programma (MOOC P.I.P.P.I.)"),
        default=False,
        db_default=False,
        help_text=_("Il corso online del programma che gli educatori dell'educativa domiciliare devono aver seguito."),
    )
    provider = models.CharField(_("ente formatore"), max_length=200, blank=True)
    hours = models.DecimalField(
        _("ore"), max_digits=6, decimal_places=1, validators=[MinValueValidator(Decimal("0.5"))]
    )
    completed_on = models.DateField(_("data di completamento"))
    certificate = models.FileField(
        _("attestato"), upload_to=certificate_upload_to, blank=True, validators=[validate_document]
    )

    objects = StaffTrainingQuerySet.as_manager()

    class Meta:
        verbose_name = _("formazione del personale")
        verbose_name_plural = _("formazione del personale")
        ordering = ["-completed_on"]
        constraints = [
            models.CheckConstraint(condition=Q(hours__gt=0), name="staff_training_hours_positive"),
            models.UniqueConstraint(fields=["user", "course", "completed_on"], name="staff_training_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.course} ({self.user})"


class GovernanceMeeting(models.Model):
    """Meetings of the programme's governance: the Gruppo Territoriale and the monthly technical table."""

    class Kind(models.TextChoices):
        GRUPPO_TERRITORIALE = "gruppo_territoriale", _("Gruppo Territoriale (GT)")
        TECNICO_MENSILE = "tecnico_mensile", _("Incontro tecnico mensile")
        GOVERNANCE = "governance", _("Incontro di governance della coprogettazione")

    ambito = models.ForeignKey(
        Ambito, on_delete=models.PROTECT, related_name="governance_meetings", verbose_name=_("ambito")
    )
    project = models.ForeignKey(
        Project, on_delete=models.PROTECT, null=True, blank=True, related_name="meetings", verbose_name=_("progetto")
    )
    date = models.DateField(_("data"))
    kind = models.CharField(_("tipo"), max_length=30, choices=Kind.choices)
    participants = models.ManyToManyField(User, blank=True, related_name="meetings", verbose_name=_("partecipanti"))
    external_participants = models.TextField(_("altri partecipanti"), blank=True)
    minutes = models.TextField(_("verbale"), blank=True)

    objects = AmbitoScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("incontro di governance")
        verbose_name_plural = _("incontri di governance")
        ordering = ["-date"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.date:%d/%m/%Y}"
