"""Synthetic data at regional scale for benchmarks and load tests (`manage.py seed_scale`, issue 7).

Separate from the demo: every ambito it creates has a code starting with "Z" and a name starting with
"Scala " (the demo's and the tests' ambiti have neither), and it refuses to run when such ambiti exist, so a
second run never doubles the data (start again from a new database instead: `BENCH_RESEED=1 make bench`).

Per ambito of N families: comuni, the municipality and a cooperative, the staff (a Ufficio di Piano, a
coordinator, a partner's referent, one case manager every 25 families, one educator every 5, a psychologist
every 40, a pedagogist and a cultural mediator every 100), one équipe every 50 families, a PNRR project with a
valid CUP, its implementations and budget lines, the families spread over the whole path (referral,
pre-assessment, consents, family équipe, T0/T1/T2 assessments with every sub-dimension rated, SDQ, a shared
Progetto Quadro with objectives, actions and verifications, closures, transition logs, diary notes), their
interventions (educativa domiciliare for every family on its path; psychological support, pedagogical
consultation and cultural mediation for some), two groups with sessions and attendance, and the hours: about
380 time entries per family over the last 130 weeks, in monthly timesheets validated but for the last two
months. 50 ambiti × 100 families give about 1.9 million time entries.

Speed: everything goes through `bulk_create` in batches, with the models' own field classes (encrypted
fields encrypt, the codice fiscale gets its keyed hash), except the time entries, which are streamed with
PostgreSQL's COPY. The foreign keys, the constraints and the trigger that locks validated months stay on
(the entries go in while their timesheets are drafts; the timesheets are validated afterwards, as the
services would). The change history is complete too, but written set-based: pghistory's per-row trigger of
the table being loaded is skipped for that statement only (pgtrigger.ignore) and the same event rows are
inserted right after by one INSERT … SELECT, because on multi-row statements that trigger gets slower with
every row (see "Change history in bulk" below).

Every person is invented: names from Faker it_IT pools with a fixed seed, codici fiscali computed from them.
"""

from __future__ import annotations

import datetime
import io
import random
import time
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal

import pgtrigger
from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone
from faker import Faker

from equipes.models import (
    Ambito,
    Comune,
    Equipe,
    EquipeMembership,
    GovernanceMeeting,
    Implementation,
    Organisation,
    Profile,
    Project,
    Role,
    StaffTraining,
    User,
)
from families.models import (
    Action,
    Assessment,
    AssessmentRating,
    Closure,
    ClosureOutcome,
    Consent,
    DiaryNote,
    Family,
    Framework,
    Member,
    Objective,
    Preassessment,
    PreassessmentConcern,
    ProgettoQuadro,
    Referral,
    SDQScore,
    State,
    SubDimension,
    TeamMember,
    TimePoint,
    TransitionLog,
    Verification,
)
from interventions.models import (
    DAY_CEILING_MINUTES,
    Activity,
    Attendance,
    BudgetLine,
    Group,
    GroupSession,
    Intervention,
    InterventionType,
    Pairing,
    ParentingEvent,
    SchoolPartnership,
    SupportFamily,
    TimeEntry,
    Timesheet,
    TimesheetLog,
)
from pippi_portal.crypto import keyed_hash
from reporting.indicators import semester_bounds
from reporting.models import Complaint, ReportRun

CODE_PREFIX = "Z"
REGULAR_PREFIX = "ZA"  # the ambiti of --ambiti
PROJECT_PREFIX = "ZP"  # the single-project ambiti of --project-sizes
NAME_PREFIX = "Scala "
# The password of every user this module creates (synthetic data only; the load test logs in with it).
SCALE_PASSWORD = "scala-pippi-2026"
ADMIN_USERNAME = "scala_admin"
BATCH = 5000
COPY_BATCH = 200_000
NULL = "\\N"  # NULL in COPY's text format
HOURS_WEEKS = 130  # the hours cover the last 130 weeks (2.5 years): the project's life so far
D = datetime.date

# Where the families stand (cumulative shares): most are on their path, some just referred, some ended.
STATE_MIX = [
    (State.SEGNALATA, 0.03),
    (State.PREASSESSMENT, 0.03),
    (State.NON_INCLUSA, 0.02),
    (State.INCLUSA, 0.03),
    (State.VALUTAZIONE_T0, 0.03),
    (State.IN_CORSO, 0.43),
    (State.VALUTAZIONE_T2, 0.15),
    (State.CONCLUSA, 0.22),
    (State.SOSPESA, 0.03),
    (State.INTERROTTA, 0.03),
]
ON_PATH = {
    State.INCLUSA,
    State.VALUTAZIONE_T0,
    State.IN_CORSO,
    State.VALUTAZIONE_T2,
    State.CONCLUSA,
    State.SOSPESA,
    State.INTERROTTA,
}
# The last step of the main path each state went through (suspended and interrupted ones left "in corso").
REACHED = {
    State.SEGNALATA: 0,
    State.PREASSESSMENT: 1,
    State.NON_INCLUSA: 1,
    State.INCLUSA: 2,
    State.VALUTAZIONE_T0: 3,
    State.IN_CORSO: 4,
    State.SOSPESA: 4,
    State.INTERROTTA: 4,
    State.VALUTAZIONE_T2: 5,
    State.CONCLUSA: 6,
}
WITH_T0 = {State.IN_CORSO, State.VALUTAZIONE_T2, State.CONCLUSA, State.SOSPESA, State.INTERROTTA}
STEPS = [
    State.SEGNALATA,
    State.PREASSESSMENT,
    State.INCLUSA,
    State.VALUTAZIONE_T0,
    State.IN_CORSO,
    State.VALUTAZIONE_T2,
    State.CONCLUSA,
]
BUDGET = {
    Profile.EDUCATORE: (6000, Decimal("22.00")),
    Profile.PSICOLOGO: (1400, Decimal("35.00")),
    Profile.PEDAGOGISTA: (900, Decimal("30.00")),
    Profile.MEDIATORE_CULTURALE: (100, Decimal("25.00")),
}
LANGUAGES = ["arabo", "albanese", "rumeno", "spagnolo", "urdu", "cinese"]
SCHOOLS = ["Scuola dell'infanzia (sintetica)", "Scuola primaria (sintetica)", "Scuola secondaria (sintetica)"]


class AlreadySeeded(Exception):
    """Scale data is already in the database; the message says what and how to start again."""


def scale_ambiti():
    """The ambiti created by this module (never the demo's or the tests')."""
    return Ambito.objects.filter(code__startswith=CODE_PREFIX, name__startswith=NAME_PREFIX)


def ambito_code(prefix: str, index: int) -> str:
    """ZAAAA, ZAAAB, … (regular ambiti) and ZPAAA, … (single-project ambiti): letters only, as the model wants."""
    letters = ""
    for _ in range(5 - len(prefix)):
        index, digit = divmod(index, 26)
        letters = chr(ord("A") + digit) + letters
    return prefix + letters


# --- Codice fiscale -----------------------------------------------------------------------------------------
# python-codicefiscale takes ~5 ms per code (it looks the birthplace up); this is the same algorithm for a
# fixed birthplace, a few microseconds each. The test checks it against the library.

_MONTHS = "ABCDEHLMPRST"
_ODD = dict(
    zip(
        "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
        [1, 0, 5, 7, 9, 13, 15, 17, 19, 21]
        + [1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14]
        + [16, 10, 22, 25, 24, 23],
        strict=True,
    )
)
_EVEN = {c: (int(c) if c.isdigit() else ord(c) - ord("A")) for c in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}
BIRTHPLACE = "F205"  # Milano


def _letters(text: str) -> str:
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().upper()
    return "".join(c for c in plain if "A" <= c <= "Z")


def _name_part(text: str, *, first_name: bool) -> str:
    letters = _letters(text)
    consonants = [c for c in letters if c not in "AEIOU"]
    vowels = [c for c in letters if c in "AEIOU"]
    if first_name and len(consonants) >= 4:
        return consonants[0] + consonants[2] + consonants[3]
    return ("".join(consonants + vowels) + "XXX")[:3]


def codice_fiscale(first_name: str, last_name: str, birth_date: datetime.date, sex: str) -> str:
    day = birth_date.day + (40 if sex == "F" else 0)
    body = (
        _name_part(last_name, first_name=False)
        + _name_part(first_name, first_name=True)
        + f"{birth_date.year % 100:02d}"
        + _MONTHS[birth_date.month - 1]
        + f"{day:02d}"
        + BIRTHPLACE
    )
    total = sum(_ODD[c] if i % 2 == 0 else _EVEN[c] for i, c in enumerate(body))
    return body + chr(ord("A") + total % 26)


# --- The plan of one ambito ------------------------------------------------------------------------------


@dataclass
class Counts:
    rows: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    seconds: dict[str, float] = field(default_factory=lambda: defaultdict(float))

    def add(self, name: str, n: int) -> None:
        self.rows[name] += n


@dataclass
class Reference:
    """Reference data loaded by the data migrations, read once."""

    sides: list
    subdimensions: list
    framework: Framework
    outcomes: dict[str, ClosureOutcome]
    types: dict[str, InterventionType]
    password: str
    today: datetime.date
    hours_from: datetime.date  # a Monday
    last_week_end: datetime.date  # the Sunday before this week's Monday
    names_f: list[str]
    names_m: list[str]
    surnames: list[str]
    streets: list[str]
    phones: list[str]


def _reference(seed: int) -> Reference:
    framework = Framework.current()
    sides = list(framework.sides.order_by("number"))
    today = timezone.localdate()
    this_monday = today - datetime.timedelta(days=today.weekday())
    faker = Faker("it_IT")
    faker.seed_instance(seed)
    return Reference(
        sides=sides,
        subdimensions=list(SubDimension.objects.filter(side__framework=framework).order_by("side__number", "order")),
        framework=framework,
        outcomes={o.code: o for o in ClosureOutcome.objects.all()},
        types={t.code: t for t in InterventionType.objects.filter(ambito__isnull=True)},
        password=make_password(SCALE_PASSWORD),
        today=today,
        hours_from=this_monday - datetime.timedelta(weeks=HOURS_WEEKS),
        last_week_end=this_monday - datetime.timedelta(days=1),
        names_f=sorted({faker.first_name_female() for _ in range(600)}),
        names_m=sorted({faker.first_name_male() for _ in range(600)}),
        surnames=sorted({faker.last_name() for _ in range(1500)}),
        streets=[faker.street_address() for _ in range(500)],
        phones=[faker.phone_number() for _ in range(500)],
    )


@dataclass
class Staff:
    udp: User
    coordinatore: User
    referente: User
    case_managers: list[User]
    educators: list[User]
    psychologists: list[User]
    pedagogists: list[User]
    mediators: list[User]

    @property
    def partner_staff(self) -> list[User]:
        """The cooperative's professionals (their timesheets are validated by its referent)."""
        return [*self.educators, *self.psychologists, *self.pedagogists, *self.mediators]


@dataclass
class FamilyPlan:
    """Where one family stands and the dates of its path (decided before anything is written)."""

    state: str
    referral: datetime.date
    t0: datetime.date | None = None
    t1: datetime.date | None = None  # set when the T1 assessment was done
    t2: datetime.date | None = None  # set when the T2 assessment was done
    ended: datetime.date | None = None  # closure or interruption
    suspended: datetime.date | None = None
    rejected: datetime.date | None = None
    psych: bool = False
    pedagogy: bool = False
    mediation: bool = False


class AmbitoSeeder:
    """Creates one ambito and everything in it; the time entries go to the shared COPY stream."""

    def __init__(
        self,
        ref: Reference,
        counts: Counts,
        entries: TimeEntryStream,
        timesheets: list,
        *,
        code: str,
        name: str,
        n: int,
    ):
        self.ref, self.counts, self.entries, self.timesheets = ref, counts, entries, timesheets
        self.code, self.name, self.n = code, name, n
        self.rng = random.Random(f"scale-{code}")

    # -- helpers
    def bulk(self, model, objects: list, label: str | None = None) -> list:
        created = bulk_create(model, objects)
        self.counts.add(label or model._meta.label, len(created))
        return created

    def through(self, relation, rows: list[dict], label: str) -> None:
        model = relation.through
        model.objects.bulk_create([model(**row) for row in rows], batch_size=BATCH)
        self.counts.add(label, len(rows))

    def person(self, sex: str | None = None) -> tuple[str, str, str]:
        sex = sex or self.rng.choice("MF")
        first = self.rng.choice(self.ref.names_f if sex == "F" else self.ref.names_m)
        return first, self.rng.choice(self.ref.surnames), sex

    # -- the whole ambito
    def run(self, serial: int) -> Ambito:
        ambito = Ambito.objects.create(
            name=self.name, code=self.code, lead_municipality=f"Comune capofila {self.code} (sintetico)"
        )
        self.counts.add("equipes.Ambito", 1)
        comuni = self.bulk(
            Comune, [Comune(ambito=ambito, name=f"Comune {j + 1} ({self.code})") for j in range(max(3, self.n // 20))]
        )
        municipality, coop = self.bulk(
            Organisation,
            [
                Organisation(ambito=ambito, name=f"Comune capofila {self.code}", kind=Organisation.Kind.COMUNE),
                Organisation(ambito=ambito, name=f"Cooperativa sociale {self.code}", kind=Organisation.Kind.ETS),
            ],
        )
        staff = self.staff(ambito, municipality, coop)
        equipes = self.equipes(ambito, comuni, staff)
        project, implementations = self.project(ambito, coop, serial)
        plans = self.plans()
        families = self.families(ambito, comuni, equipes, staff, implementations, plans)
        self.path(families, plans, staff)
        interventions = self.interventions(families, plans, staff)
        groups = self.groups(ambito, project, families, plans, staff)
        self.community(ambito, project, comuni, families, plans, staff, coop)
        self.hours(project, staff, families, plans, interventions, groups)
        return ambito

    def staff(self, ambito: Ambito, municipality: Organisation, coop: Organisation) -> Staff:
        n = self.n
        prefix = f"scala_{self.code.lower()}"
        specs = [
            ("udp", Role.UFFICIO_PIANO, municipality, Profile.ALTRO),
            ("coordinatore", Role.COORDINATORE, municipality, Profile.ASSISTENTE_SOCIALE),
            ("referente", Role.REFERENTE_ENTE, coop, Profile.ALTRO),
        ]
        specs += [
            (f"cm{i + 1}", Role.CASE_MANAGER, municipality, Profile.ASSISTENTE_SOCIALE) for i in range(-(-n // 25))
        ]
        specs += [(f"ed{i + 1}", Role.OPERATORE, coop, Profile.EDUCATORE) for i in range(max(2, -(-n // 5)))]
        specs += [(f"psi{i + 1}", Role.OPERATORE, coop, Profile.PSICOLOGO) for i in range(-(-n // 40))]
        specs += [(f"ped{i + 1}", Role.OPERATORE, coop, Profile.PEDAGOGISTA) for i in range(-(-n // 100))]
        specs += [(f"med{i + 1}", Role.OPERATORE, coop, Profile.MEDIATORE_CULTURALE) for i in range(-(-n // 100))]
        users = []
        for suffix, role, organisation, profile in specs:
            first, last, _sex = self.person()
            users.append(
                User(
                    username=f"{prefix}_{suffix}",
                    password=self.ref.password,
                    first_name=first,
                    last_name=last,
                    email=f"{prefix}_{suffix}@esempio.invalid",
                    ambito=ambito,
                    organisation=organisation,
                    role=role,
                    profile=profile,
                )
            )
        users = self.bulk(User, users)
        by = {u.username.removeprefix(prefix + "_"): u for u in users}
        return Staff(
            udp=by["udp"],
            coordinatore=by["coordinatore"],
            referente=by["referente"],
            case_managers=[u for k, u in by.items() if k.startswith("cm")],
            educators=[u for k, u in by.items() if k.startswith("ed")],
            psychologists=[u for k, u in by.items() if k.startswith("psi")],
            pedagogists=[u for k, u in by.items() if k.startswith("ped")],
            mediators=[u for k, u in by.items() if k.startswith("med")],
        )

    def equipes(self, ambito: Ambito, comuni: list[Comune], staff: Staff) -> list[Equipe]:
        """One équipe every 50 families: two case managers and their educators; the coordinator coaches all."""
        count = max(1, -(-self.n // 50))
        equipes = self.bulk(
            Equipe, [Equipe(ambito=ambito, name=f"Équipe territoriale {k + 1} ({self.code})") for k in range(count)]
        )
        memberships, covered = [], []
        for k, equipe in enumerate(equipes):
            memberships.append(EquipeMembership(equipe=equipe, user=staff.coordinatore, role="coach"))
            for cm in staff.case_managers[k::count]:
                memberships.append(EquipeMembership(equipe=equipe, user=cm, role="case_manager"))
            for operator in [*staff.educators[k::count], *staff.psychologists, *staff.pedagogists, *staff.mediators]:
                memberships.append(EquipeMembership(equipe=equipe, user=operator, role="operatore"))
            covered += [{"equipe_id": equipe.pk, "comune_id": c.pk} for c in comuni[k::count] or comuni[:1]]
        self.bulk(EquipeMembership, memberships)
        self.through(Equipe.comuni, covered, "equipes.Equipe_comuni")
        return equipes

    def project(self, ambito: Ambito, coop: Organisation, serial: int) -> tuple[Project, list[Implementation]]:
        today = self.ref.today
        start = (today - relativedelta(months=31)).replace(day=1)
        project = Project.objects.create(
            ambito=ambito,
            title="Sostegno alle capacità genitoriali e prevenzione della vulnerabilità (P.I.P.P.I.) — sintetico",
            cup=f"Z{start.year % 100:02d}S{serial:011d}",
            funding_decree="Decreto sintetico n. 1/2024",
            amount=Decimal("211500.00") * max(1, self.n // 30),
            start_date=start,
            end_date=D(today.year + 1, 12, 31),
        )
        self.counts.add("equipes.Project", 1)
        self.through(Project.partners, [{"project_id": project.pk, "organisation_id": coop.pk}], "equipes.partners")
        count = max(1, -(-self.n // 50))
        implementations = self.bulk(
            Implementation,
            [
                Implementation(
                    project=project,
                    number=11 + k,
                    start_date=project.start_date,
                    end_date=project.end_date,
                    target_families=min(50, self.n),
                )
                for k in range(count)
            ],
        )
        self.bulk(
            BudgetLine,
            [
                BudgetLine(
                    project=project, profile=profile, minimum_hours=hours * max(1, self.n // 30), hourly_cost=cost
                )
                for profile, (hours, cost) in BUDGET.items()
            ],
        )
        return project, implementations

    def plans(self) -> list[FamilyPlan]:
        rng, today = self.rng, self.ref.today
        project_start = (today - relativedelta(months=31)).replace(day=1)
        plans = []
        for _ in range(self.n):
            draw, state = rng.random(), State.INTERROTTA
            for candidate, share in STATE_MIX:
                if draw < share:
                    state = candidate
                    break
                draw -= share
            days = lambda a, b: datetime.timedelta(days=rng.randint(a, b))  # noqa: E731
            plan = FamilyPlan(state=state, referral=today)
            if state == State.SEGNALATA:
                plan.referral = today - days(3, 40)
            elif state == State.PREASSESSMENT:
                plan.referral = today - days(15, 60)
            elif state == State.NON_INCLUSA:
                plan.referral = today - days(40, 800)
                plan.rejected = plan.referral + datetime.timedelta(days=12)
            elif state in (State.INCLUSA, State.VALUTAZIONE_T0):
                plan.referral = today - days(25, 50)
            else:
                if state == State.CONCLUSA:
                    t0 = today - days(590, 900)
                elif state == State.VALUTAZIONE_T2:
                    t0 = today - days(545, 590)
                else:
                    t0 = today - days(50, 520)
                t0 = max(t0, project_start + datetime.timedelta(days=60))
                plan.t0, plan.referral = t0, t0 - datetime.timedelta(days=45)
                t1 = t0 + relativedelta(months=9)
                t2 = t0 + relativedelta(months=18)
                if state in (State.VALUTAZIONE_T2, State.CONCLUSA) or (
                    state == State.IN_CORSO and t1 < today and rng.random() < 0.6
                ):
                    plan.t1 = t1
                if state == State.CONCLUSA:
                    plan.t2 = min(t2, today - datetime.timedelta(days=14))
                    plan.ended = plan.t2 + datetime.timedelta(days=7)
                elif state == State.SOSPESA:
                    plan.suspended = min(t0 + datetime.timedelta(days=120), today - datetime.timedelta(days=3))
                elif state == State.INTERROTTA:
                    plan.ended = min(t0 + days(40, 200), today - datetime.timedelta(days=3))
                plan.psych = rng.random() < 0.4
                plan.pedagogy = rng.random() < 0.3
            plan.mediation = rng.random() < 0.15
            plans.append(plan)
        # Codes follow the order of referral, as the service gives them.
        plans.sort(key=lambda p: p.referral)
        return plans

    def families(self, ambito, comuni, equipes, staff, implementations, plans) -> list[Family]:
        rng, ref = self.rng, self.ref
        sequences: dict[int, int] = defaultdict(int)
        families = []
        for i, plan in enumerate(plans):
            cm = staff.case_managers[i % len(staff.case_managers)]
            equipe = equipes[staff.case_managers.index(cm) % len(equipes)]
            year = plan.referral.year
            sequences[year] += 1
            state = plan.state
            families.append(
                Family(
                    ambito=ambito,
                    comune=rng.choice(comuni),
                    implementation=implementations[i % len(implementations)],
                    equipe=equipe,
                    case_manager=cm,
                    code=f"{self.code}-{year % 100:02d}-{sequences[year]:03d}",
                    year=year,
                    sequence=sequences[year],
                    state=state,
                    suspended_from=State.IN_CORSO if state == State.SOSPESA else "",
                    suspension_reason="Ricovero ospedaliero della madre." if state == State.SOSPESA else "",
                    interruption_reason=Family.InterruptionReason.TRASFERIMENTO if state == State.INTERROTTA else "",
                    reunification=rng.random() < 0.1,
                    cultural_mediation=plan.mediation,
                    language=rng.choice(LANGUAGES) if plan.mediation else "",
                    address=rng.choice(ref.streets),
                    phone=rng.choice(ref.phones),
                )
            )
        families = self.bulk(Family, families)
        members = []
        for family, plan in zip(families, plans, strict=True):
            members += self.members(family, plan)
        members = self.bulk(Member, members)
        by_family: dict[int, list[Member]] = defaultdict(list)
        for member in members:
            by_family[member.family_id].append(member)
        for family in families:
            family.scale_members = by_family[family.pk]
        return families

    def members(self, family: Family, plan: FamilyPlan) -> list[Member]:
        rng = self.rng
        _first, last_name, _sex = self.person()
        mother_birth = plan.referral - relativedelta(years=rng.randint(26, 44), days=rng.randint(0, 300))
        members = [
            Member(
                family=family,
                kind=Member.Kind.FIGURA_GENITORIALE,
                first_name=rng.choice(self.ref.names_f),
                last_name=last_name,
                birth_date=mother_birth,
                sex="F",
                relationship="madre",
            )
        ]
        if rng.random() < 0.6:
            members.append(
                Member(
                    family=family,
                    kind=Member.Kind.FIGURA_GENITORIALE,
                    first_name=rng.choice(self.ref.names_m),
                    last_name=last_name,
                    birth_date=mother_birth - relativedelta(years=rng.randint(0, 6)),
                    sex="M",
                    relationship="padre",
                )
            )
        ages = sorted(rng.randint(1, 10) for _ in range(rng.randint(1, 3)))
        if rng.random() < 0.1:
            ages[0] = rng.randint(12, 13)
        for k, age in enumerate(ages):
            first, _last, sex = self.person()
            birth = plan.referral - relativedelta(years=age, days=rng.randint(10, 300))
            cf = codice_fiscale(first, last_name, birth, sex)
            members.append(
                Member(
                    family=family,
                    kind=Member.Kind.MINORE,
                    first_name=first,
                    last_name=last_name,
                    birth_date=birth,
                    sex=sex,
                    codice_fiscale=cf,
                    codice_fiscale_hash=keyed_hash(cf),
                    relationship="figlio" if sex == "M" else "figlia",
                    school=SCHOOLS[0 if age < 6 else 1 if age < 11 else 2],
                    school_class=f"{age - 5}ª" if 6 <= age <= 10 else "",
                    is_reference_child=k == 0,
                )
            )
        return members

    def educator_of(self, staff: Staff, index: int) -> User:
        return staff.educators[index % len(staff.educators)]

    def path(self, families: list[Family], plans: list[FamilyPlan], staff: Staff) -> None:
        """Referral, pre-assessment, consents, the family équipe, assessments, SDQ, the plan with objectives,
        actions and verifications, closure, transition logs and diary notes."""
        rng, ref = self.rng, self.ref
        referrals, preassessments, consents, team, logs, notes, closures = [], [], [], [], [], [], []
        assessments, sdq, plan_rows = [], [], []
        sources = [s for s in Referral.Source.values if s != "altro"]
        for i, (family, plan) in enumerate(zip(families, plans, strict=True)):
            cm, educator = family.case_manager, self.educator_of(staff, i)
            parent = family.scale_members[0]
            child = next(m for m in family.scale_members if m.is_reference_child)
            referrals.append(
                Referral(
                    family=family,
                    date=plan.referral,
                    source=rng.choice(sources),
                    reason="Segnalazione per fatiche nella cura quotidiana (dato sintetico).",
                    received_by=cm,
                )
            )
            team.append(TeamMember(family=family, user=cm, role="Case manager"))
            reached = REACHED[plan.state]
            dates = {
                State.PREASSESSMENT: plan.referral + datetime.timedelta(days=7),
                State.INCLUSA: plan.referral + datetime.timedelta(days=16),
                State.VALUTAZIONE_T0: plan.referral + datetime.timedelta(days=20),
            }
            if plan.t0:
                dates[State.IN_CORSO] = plan.t0 + datetime.timedelta(days=12)
            if plan.t1 and plan.state in (State.VALUTAZIONE_T2, State.CONCLUSA):
                dates[State.VALUTAZIONE_T2] = plan.t1 + datetime.timedelta(days=7)
            if plan.state == State.CONCLUSA:
                dates[State.CONCLUSA] = plan.ended
            previous = State.SEGNALATA
            for step in STEPS[1 : reached + 1]:
                day = dates[step]
                logs.append(TransitionLog(family=family, from_state=previous, to_state=step, effective_on=day, by=cm))
                previous = step
            if plan.state == State.NON_INCLUSA:
                logs.append(
                    TransitionLog(
                        family=family,
                        from_state=State.PREASSESSMENT,
                        to_state=State.NON_INCLUSA,
                        effective_on=plan.rejected,
                        by=cm,
                        reason="Orientamento verso la tutela.",
                    )
                )
            if plan.state == State.SOSPESA:
                logs.append(
                    TransitionLog(
                        family=family,
                        from_state=State.IN_CORSO,
                        to_state=State.SOSPESA,
                        effective_on=plan.suspended,
                        by=cm,
                        reason="Ricovero ospedaliero della madre.",
                    )
                )
            if plan.state == State.INTERROTTA:
                logs.append(
                    TransitionLog(
                        family=family,
                        from_state=State.IN_CORSO,
                        to_state=State.INTERROTTA,
                        effective_on=plan.ended,
                        by=cm,
                        reason="La famiglia si è trasferita fuori ambito.",
                    )
                )
            if plan.state not in (State.SEGNALATA, State.PREASSESSMENT):
                include = plan.state != State.NON_INCLUSA
                preassessments.append(
                    Preassessment(
                        family=family,
                        date=plan.referral + datetime.timedelta(days=14 if include else 10),
                        orientation=Preassessment.Orientation.INCLUDE if include else Preassessment.Orientation.TUTELA,
                        motivation="Famiglia motivata, negligenza lieve."
                        if include
                        else "Serve un percorso di tutela.",
                        risk_factors="Isolamento sociale, fatica nelle routine.",
                        protective_factors="Buon legame affettivo.",
                        recorded_by=cm,
                    )
                )
            if plan.state in ON_PATH:
                for kind in (Consent.Kind.PRIVACY, Consent.Kind.ADESIONE):
                    consents.append(
                        Consent(
                            family=family,
                            kind=kind,
                            signed_on=plan.referral + datetime.timedelta(days=15),
                            signed_by=parent,
                            file=f"consents/{family.ambito_id}/scala-consenso.pdf",
                        )
                    )
                team.append(TeamMember(family=family, user=educator, role="Educatore"))
                team.append(TeamMember(family=family, member=parent, role="Figura genitoriale"))
            notes.append(
                DiaryNote(
                    family=family,
                    author=cm,
                    date=plan.referral + datetime.timedelta(days=3),
                    text="Primo colloquio con la madre: disponibile a collaborare (dato sintetico).",
                )
            )
            if plan.t0:
                notes.append(
                    DiaryNote(
                        family=family,
                        author=educator,
                        date=plan.t0 + datetime.timedelta(days=30),
                        text="Visita domiciliare: le routine serali sono più serene (dato sintetico).",
                    )
                )
                for point, when, base in (
                    (TimePoint.T0, plan.t0, 3),
                    (TimePoint.T1, plan.t1, 4),
                    (TimePoint.T2, plan.t2, 5),
                ):
                    if when:
                        assessments.append(
                            (
                                Assessment(
                                    family=family,
                                    time_point=point,
                                    date=when,
                                    framework=ref.framework,
                                    is_complete=True,
                                    updated_by=cm,
                                ),
                                base,
                            )
                        )
                sdq.append(self.sdq(child, TimePoint.T0, plan.t0, worse=True))
                if plan.t2:
                    sdq.append(self.sdq(child, TimePoint.T2, plan.t2, worse=False))
                plan_rows.append((family, plan, educator))
            if plan.state == State.CONCLUSA:
                outcome = rng.choice("AAAB" + ("C" if rng.random() < 0.1 else "A"))
                closures.append(
                    Closure(
                        family=family,
                        date=plan.ended,
                        outcome=ref.outcomes[outcome],
                        child_at_home=outcome != "C",
                        notes="Percorso concluso, valutazione condivisa in EM.",
                    )
                )
        self.bulk(Referral, referrals)
        created = self.bulk(Preassessment, preassessments)
        self.bulk(
            PreassessmentConcern,
            [
                PreassessmentConcern(preassessment=p, side=side, level=rng.randint(1, 3))
                for p in created
                for side in ref.sides
            ],
        )
        self.bulk(Consent, consents)
        self.bulk(TeamMember, team)
        self.bulk(TransitionLog, logs)
        self.bulk(DiaryNote, notes)
        self.bulk(Closure, closures)
        self.bulk(SDQScore, sdq)
        made = self.bulk(Assessment, [a for a, _base in assessments])
        ratings = [
            AssessmentRating(
                assessment=assessment,
                subdimension=sub,
                rating=max(1, min(6, base + rng.randint(-1, 1))),
                operators_voice="Osservazione in EM (dato sintetico)." if k == 0 else "",
            )
            for assessment, (_a, base) in zip(made, assessments, strict=True)
            for k, sub in enumerate(ref.subdimensions)
        ]
        self.bulk(AssessmentRating, ratings)
        self.plans_and_objectives(plan_rows)

    def sdq(self, child: Member, point: str, day: datetime.date, *, worse: bool) -> SDQScore:
        rng, base = self.rng, 4 if worse else 2
        return SDQScore(
            member=child,
            time_point=point,
            respondent=SDQScore.Respondent.GENITORE,
            date=day,
            emotional=base + rng.randint(0, 2),
            conduct=base + rng.randint(0, 2),
            hyperactivity=base + rng.randint(0, 3),
            peer=base + rng.randint(0, 2),
            prosocial=7 - base + rng.randint(0, 3),
        )

    def plans_and_objectives(self, rows: list[tuple[Family, FamilyPlan, User]]) -> None:
        rng, ref = self.rng, self.ref
        quadri = self.bulk(
            ProgettoQuadro,
            [
                ProgettoQuadro(
                    family=family,
                    date=plan.t0 + datetime.timedelta(days=10),
                    general_aims="Sostenere le figure genitoriali nella cura quotidiana e rafforzare la rete.",
                    shared_with_family=True,
                    shared_on=plan.t0 + datetime.timedelta(days=12),
                )
                for family, plan, _educator in rows
            ],
        )
        objectives, owners = [], []
        for quadro, (family, plan, educator) in zip(quadri, rows, strict=True):
            for sub in rng.sample(ref.subdimensions, 2):
                status = Objective.Status.APERTO
                if plan.t2:
                    status = rng.choice([Objective.Status.RAGGIUNTO, Objective.Status.RAGGIUNTO, "parzialmente"])
                objectives.append(
                    Objective(
                        plan=quadro,
                        subdimension=sub,
                        expected_result=f"Miglioramento in «{sub.name.lower()}» osservabile nella vita quotidiana.",
                        verification_method="Osservazione dell'educatore e confronto in EM.",
                        deadline=plan.t0 + relativedelta(months=9),
                        status=status,
                    )
                )
                owners.append((family, plan, educator))
        objectives = self.bulk(Objective, objectives)
        actions, verifications = [], []
        for objective, (_family, plan, educator) in zip(objectives, owners, strict=True):
            actions.append(
                Action(
                    objective=objective,
                    description="Accompagnamento educativo domiciliare sulle routine.",
                    responsible_user=educator,
                    frequency="5 volte a settimana",
                )
            )
            if plan.t1:
                verifications.append(
                    Verification(objective=objective, time_point=TimePoint.T1, date=plan.t1, outcome="parzialmente")
                )
            if plan.t2:
                verifications.append(
                    Verification(
                        objective=objective,
                        time_point=TimePoint.T2,
                        date=plan.t2,
                        outcome=rng.choice(["raggiunto", "raggiunto", "parzialmente", "non_raggiunto"]),
                    )
                )
        actions = self.bulk(Action, actions)
        self.bulk(Verification, verifications)
        by_family: dict[int, list[tuple[Objective, Action]]] = defaultdict(list)
        for objective, action, (family, _plan, _educator) in zip(objectives, actions, owners, strict=True):
            by_family[family.pk].append((objective, action))
        self.objectives_by_family = by_family

    def interventions(self, families, plans, staff) -> dict[int, list[tuple[Intervention, User, int]]]:
        """SEDT for every family that reached its T0; psychological support and cultural mediation for some.
        Returns, per family, (intervention, assigned user, minutes per week)."""
        ref = self.ref
        rows = []
        for i, (family, plan) in enumerate(zip(families, plans, strict=True)):
            if not plan.t0:
                continue
            start = plan.t0 + datetime.timedelta(days=14)
            end = plan.ended
            rows.append(
                (
                    family,
                    Intervention(
                        family=family,
                        type=ref.types["sedt"],
                        start_date=start,
                        end_date=end,
                        planned_hours_per_week=Decimal("8"),
                    ),
                    self.educator_of(staff, i),
                )
            )
            extra = [
                (plan.psych, "psicologico", "1.5", staff.psychologists),
                (plan.pedagogy, "pedagogico", "0.5", staff.pedagogists),
                (plan.mediation, "mediazione_culturale", "1", staff.mediators),
            ]
            for wanted, code, hours, people in extra:
                if wanted:
                    intervention = Intervention(
                        family=family,
                        type=ref.types[code],
                        start_date=start,
                        end_date=end,
                        planned_hours_per_week=Decimal(hours),
                    )
                    rows.append((family, intervention, people[i % len(people)]))
        created = self.bulk(Intervention, [intervention for _f, intervention, _u in rows])
        assigned, linked_objectives, linked_actions = [], [], []
        result: dict[int, list[tuple[Intervention, User]]] = defaultdict(list)
        for intervention, (family, _i, user) in zip(created, rows, strict=True):
            assigned.append({"intervention_id": intervention.pk, "user_id": user.pk})
            result[family.pk].append((intervention, user))
            if intervention.type_id == ref.types["sedt"].pk:
                for objective, action in self.objectives_by_family.get(family.pk, []):
                    linked_objectives.append({"intervention_id": intervention.pk, "objective_id": objective.pk})
                    linked_actions.append({"intervention_id": intervention.pk, "action_id": action.pk})
        self.through(Intervention.assigned_users, assigned, "interventions.Intervention_assigned_users")
        self.through(Intervention.objectives, linked_objectives, "interventions.Intervention_objectives")
        self.through(Intervention.actions, linked_actions, "interventions.Intervention_actions")
        return result

    def groups(self, ambito, project, families, plans, staff) -> list[Group]:
        rng, ref, today = self.rng, self.ref, self.ref.today
        on_path = [f for f, p in zip(families, plans, strict=True) if p.state == State.IN_CORSO]
        specs = [
            (
                "gruppo_genitori",
                "Gruppo genitori «Crescere insieme»",
                today - datetime.timedelta(days=120),
                7,
                8,
                False,
            ),
            (
                "gruppo_bambini",
                "Gruppo bambini «Il cortile dei giochi»",
                today - datetime.timedelta(days=300),
                14,
                6,
                True,
            ),
        ]
        groups = self.bulk(
            Group,
            [
                Group(
                    ambito=ambito,
                    project=project,
                    type=ref.types[code],
                    module_number=1,
                    name=name,
                    venue=f"Centro per le famiglie {self.code} (sintetico)",
                    planned_sessions=sessions,
                    frequency="settimanale" if step == 7 else "quindicinale",
                    start_date=start,
                )
                for code, name, start, step, sessions, _children in specs
            ],
        )
        facilitators, participants, sessions, attendance_for = [], [], [], []
        for group, (_code, _name, start, step, count, children) in zip(groups, specs, strict=True):
            for user in staff.educators[:2]:
                facilitators.append({"group_id": group.pk, "user_id": user.pk})
            members = [
                m
                for f in on_path[:9]
                for m in f.scale_members
                if (m.kind == Member.Kind.MINORE) == children and m.kind != Member.Kind.ALTRO_CONVIVENTE
            ][:10]
            participants += [{"group_id": group.pk, "member_id": m.pk} for m in members]
            for k in range(count):
                sessions.append(
                    GroupSession(
                        group=group,
                        date=start + datetime.timedelta(days=step * k),
                        duration_minutes=120,
                        topic=f"Incontro {k + 1}",
                    )
                )
                attendance_for.append(members)
        self.through(Group.facilitators, facilitators, "interventions.Group_facilitators")
        self.through(Group.participants, participants, "interventions.Group_participants")
        sessions = self.bulk(GroupSession, sessions)
        self.bulk(
            Attendance,
            [
                Attendance(session=session, member=m, present=rng.random() < 0.8)
                for session, members in zip(sessions, attendance_for, strict=True)
                for m in members
            ],
        )
        for group in groups:
            group.scale_sessions = [s for s in sessions if s.group_id == group.pk]
            group.scale_facilitators = staff.educators[:2]
        return groups

    def community(self, ambito, project, comuni, families, plans, staff, coop) -> None:
        rng, today = self.rng, self.ref.today
        support = self.bulk(
            SupportFamily,
            [
                SupportFamily(
                    ambito=ambito,
                    name=f"Famiglia {rng.choice(self.ref.surnames)} (volontari)",
                    comune=comuni[k % len(comuni)],
                    availability="Un pomeriggio a settimana per i compiti",
                    trained_on=today - datetime.timedelta(days=400),
                )
                for k in range(2)
            ],
        )
        on_path = [(f, p) for f, p in zip(families, plans, strict=True) if p.state == State.IN_CORSO]
        self.bulk(
            Pairing,
            [
                Pairing(support_family=s, family=f, start_date=p.t0 + datetime.timedelta(days=40))
                for s, (f, p) in zip(support, on_path[:2], strict=False)
            ],
        )
        self.bulk(
            SchoolPartnership,
            [
                SchoolPartnership(
                    ambito=ambito,
                    project=project,
                    school=f"Istituto comprensivo {self.code} (sintetico)",
                    kind=SchoolPartnership.Kind.PROTOCOLLO,
                    signed_on=project.start_date + datetime.timedelta(days=60),
                )
            ],
        )
        self.bulk(
            ParentingEvent,
            [
                ParentingEvent(
                    ambito=ambito,
                    project=project,
                    date=today - datetime.timedelta(days=days),
                    topic=topic,
                    participants_count=30,
                    programme_families=6,
                )
                for days, topic in ((90, "Il sonno e le routine serali"), (300, "Schermi e famiglia"))
            ],
        )
        self.bulk(
            StaffTraining,
            [
                StaffTraining(
                    user=u,
                    course="MOOC vicinanza solidale",
                    hours=Decimal("12"),
                    completed_on=project.start_date + datetime.timedelta(days=90),
                )
                for u in staff.educators
            ],
        )
        meetings = self.bulk(
            GovernanceMeeting,
            [
                GovernanceMeeting(
                    ambito=ambito,
                    project=project,
                    date=today - datetime.timedelta(days=30 * k + 10),
                    kind=GovernanceMeeting.Kind.TECNICO_MENSILE,
                    minutes="Monitoraggio (sintetico).",
                )
                for k in range(4)
            ],
        )
        self.through(
            GovernanceMeeting.participants,
            [
                {"governancemeeting_id": m.pk, "user_id": u.pk}
                for m in meetings
                for u in (staff.udp, staff.coordinatore)
            ],
            "equipes.GovernanceMeeting_participants",
        )
        self.bulk(
            Complaint,
            [
                Complaint(
                    project=project,
                    received_on=today - datetime.timedelta(days=200),
                    channel=Complaint.Channel.EMAIL,
                    subject="Ritardo nell'avvio dell'educativa domiciliare",
                    organisation=coop,
                    handling_notes="Verificato con la cooperativa, avvio anticipato.",
                    closed_on=today - datetime.timedelta(days=180),
                    outcome=Complaint.Outcome.ACCOLTO,
                    created_by=staff.udp,
                )
            ],
        )
        self.bulk(
            ReportRun,
            [
                ReportRun(
                    project=project,
                    kind=ReportRun.Kind.SEMESTER,
                    label=label,
                    period_start=semester_bounds(label)[0],
                    period_end=semester_bounds(label)[1],
                    render_status=ReportRun.Render.PRONTO,
                    progress=100,
                    created_by=staff.udp,
                )
                for label in past_semesters(today, 2)
            ],
        )

    # -- hours
    def hours(self, project, staff, families, plans, interventions, groups) -> None:
        """The weekly hours of every intervention, EM meetings, groups, coordination and documentation, in
        monthly timesheets (validated but for the last two months)."""
        ref, rng = self.ref, self.rng
        first, last = ref.hours_from, ref.last_week_end
        entries: list[tuple] = []  # (user_id, date, minutes, activity, family_id, intervention_id, group_id)
        day_minutes: dict[tuple[int, datetime.date], int] = defaultdict(int)

        def add(entry: tuple) -> None:
            # A person's day stays within the ceiling the database enforces: what would pass it is left out
            # (a psychologist or pedagogist with many families could otherwise stack them on one weekday).
            day = (entry[0], entry[1])
            if day_minutes[day] + entry[2] <= DAY_CEILING_MINUTES:
                day_minutes[day] += entry[2]
                entries.append(entry)

        diretta, em = Activity.DIRETTA_FAMIGLIA.value, Activity.RIUNIONE_EM.value
        # Days of the week (0 = Monday) and minutes of each device; the pedagogical consultation is fortnightly.
        schedule = {
            ref.types["sedt"].pk: [(k, 84) for k in range(5)],
            ref.types["psicologico"].pk: [(1, 45), (3, 45)],
            ref.types["pedagogico"].pk: [(2, 60)],
            ref.types["mediazione_culturale"].pk: [(2, 60)],
        }
        pedagogy = ref.types["pedagogico"].pk
        holiday_weeks = set()
        monday = first
        while monday <= last:
            if (monday.month == 8 and 7 <= monday.day <= 21) or (monday.month == 12 and monday.day >= 22):
                holiday_weeks.add(monday)
            monday += datetime.timedelta(days=7)
        for family, plan in zip(families, plans, strict=True):
            if not plan.t0:
                continue
            for intervention, user in interventions.get(family.pk, []):
                start = max(intervention.start_date, first)
                end = min(intervention.end_date or last, last, plan.suspended or last)
                monday = start - datetime.timedelta(days=start.weekday())
                days_of_week = schedule[intervention.type_id]
                sedt = intervention.type_id == ref.types["sedt"].pk
                while monday <= end:
                    even = monday.isocalendar().week % 2 == 0
                    if monday not in holiday_weeks:
                        days = days_of_week if even or intervention.type_id != pedagogy else []
                        for offset, minutes in days:
                            day = monday + datetime.timedelta(days=offset)
                            if start <= day <= end:
                                add(
                                    (
                                        user.pk,
                                        day,
                                        minutes + rng.choice((0, 0, 6, -6)),
                                        diretta,
                                        family.pk,
                                        intervention.pk,
                                        None,
                                    )
                                )
                        if sedt:
                            thursday = monday + datetime.timedelta(days=3)
                            if start <= thursday <= end:
                                add((user.pk, thursday, 60, em, family.pk, None, None))
                                add((family.case_manager_id, thursday, 45 if even else 30, em, family.pk, None, None))
                    monday += datetime.timedelta(days=7)
        for group in groups:
            for session in group.scale_sessions:
                if first <= session.date <= last:
                    for user in group.scale_facilitators:
                        add(
                            (
                                user.pk,
                                session.date,
                                session.duration_minutes + 60,
                                Activity.GRUPPO.value,
                                None,
                                None,
                                group.pk,
                            )
                        )
        monday = first
        while monday <= last:
            if monday not in holiday_weeks:
                friday, tuesday = monday + datetime.timedelta(days=4), monday + datetime.timedelta(days=1)
                for user in staff.educators:
                    add((user.pk, friday, 90, Activity.DOCUMENTAZIONE.value, None, None, None))
                    if monday.day <= 7:
                        add(
                            (
                                user.pk,
                                monday + datetime.timedelta(days=2),
                                120,
                                Activity.SUPERVISIONE.value,
                                None,
                                None,
                                None,
                            )
                        )
                thursday = monday + datetime.timedelta(days=3)
                for user in staff.pedagogists:
                    add((user.pk, tuesday, 150, Activity.COORDINAMENTO.value, None, None, None))
                    add((user.pk, thursday, 90, Activity.COORDINAMENTO.value, None, None, None))
                for user in staff.case_managers:
                    add((user.pk, monday, 60, Activity.COORDINAMENTO.value, None, None, None))
            monday += datetime.timedelta(days=7)

        # One timesheet per user and month, drafts while the entries go in.
        months = sorted({(e[0], e[1].replace(day=1)) for e in entries}, key=lambda k: (k[1], k[0]))
        sheets = self.bulk(
            Timesheet,
            [
                Timesheet(
                    user_id=user_id,
                    month=month,
                    project=project if project.start_date <= month <= project.end_date else None,
                )
                for user_id, month in months
            ],
        )
        sheet_of = {(s.user_id, s.month): s for s in sheets}
        self.entries.write(entries, sheet_of)
        self.counts.add("interventions.TimeEntry", len(entries))
        self.timesheets.append((sheets, staff))


# --- Change history in bulk ------------------------------------------------------------------------------
# pghistory records every insert and update with a row trigger. On multi-row statements that trigger gets
# slower with every row of the same statement (measured: ~120 µs a row at 1,400 rows, ~600 µs at 14,000,
# growing again within one transaction), which would make 2 million time entries take hours. So, inside the
# seed's transaction only, the per-row history trigger of the table being loaded is skipped with pgtrigger's
# own mechanism and the very same history rows are written right after by one set-based statement.


def is_tracked(model) -> bool:
    return bool(getattr(model, "pgh_event_models", None))


def history_trigger(model, label: str = "insert") -> str:
    """The database name of pghistory's trigger for `label` ("insert" or "update") on `model`."""
    for registered, trigger in pgtrigger.registered(f"{model._meta.label}:{label}_{label}"):
        return trigger.get_pgid(registered)
    raise LookupError(f"no {label} history trigger on {model._meta.label}")


def history_sql(model, label: str, *, where: str) -> str:
    """INSERT INTO the event table the rows the history trigger would write for the rows matching `where`."""
    event = model.pgh_event_models[label]
    source = {f.column for f in model._meta.concrete_fields}
    columns, values = [], []
    for f in event._meta.concrete_fields:
        if f.column == "pgh_id" or getattr(f, "generated", False):  # the identity, generated columns
            continue
        columns.append(f'"{f.column}"')
        if f.column == "pgh_created_at":
            values.append("NOW()")
        elif f.column == "pgh_label":
            values.append(f"'{label}'")
        elif f.column == "pgh_obj_id":
            values.append(f'"{model._meta.pk.column}"')
        elif f.column == "pgh_context_id":
            values.append("NULL")
        elif f.column in source:
            values.append(f'"{f.column}"')
        else:
            raise LookupError(f"{event._meta.label}.{f.column} has no source column")
    return (
        f'INSERT INTO "{event._meta.db_table}" ({", ".join(columns)}) '
        f'SELECT {", ".join(values)} FROM "{model._meta.db_table}" WHERE {where}'
    )


def bulk_create(model, objects: list) -> list:
    """bulk_create in batches; for a tracked model, with its history rows written set-based."""
    if not objects:
        return []
    if not is_tracked(model):
        return model.objects.bulk_create(objects, batch_size=BATCH)
    with pgtrigger.ignore(f"{model._meta.label}:insert_insert"):
        created = model.objects.bulk_create(objects, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute(history_sql(model, "insert", where="id = ANY(%s)"), [[o.pk for o in created]])
    return created


def bulk_update(model, pks: list, **values) -> None:
    """QuerySet.update() of the given rows; for a tracked model, with its history rows written set-based."""
    with pgtrigger.ignore(f"{model._meta.label}:update_update"):
        model.objects.filter(pk__in=pks).update(**values)
    if is_tracked(model):
        with connection.cursor() as cursor:
            cursor.execute(history_sql(model, "update", where="id = ANY(%s)"), [pks])


class TimeEntryStream:
    """Time entries written with COPY, in batches: much faster than INSERT for millions of rows."""

    COLUMNS = (
        "timesheet_id",
        "user_id",
        "date",
        "minutes",
        "activity",
        "family_id",
        "intervention_id",
        "group_id",
        "eligible",
        "note",
        "updated_at",
    )

    def __init__(self):
        self.buffer = io.StringIO()
        self.pending = 0
        self.seconds = 0.0
        self.now = timezone.now().isoformat()
        self.dates: dict[datetime.date, str] = {}

    def write(self, entries: Iterable[tuple], sheet_of: dict) -> None:
        out, now, dates = self.buffer.write, self.now, self.dates
        for user_id, day, minutes, activity, family_id, intervention_id, group_id in entries:
            sheet = sheet_of[(user_id, day.replace(day=1))]
            text = dates.get(day)
            if text is None:
                text = dates[day] = day.isoformat()
            out(
                f"{sheet.pk}\t{user_id}\t{text}\t{minutes}\t{activity}\t{family_id or NULL}\t"
                f"{intervention_id or NULL}\t{group_id or NULL}\t{'t' if sheet.project_id else 'f'}\t\t{now}\n"
            )
            self.pending += 1
        if self.pending >= COPY_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        started = time.perf_counter()
        self.buffer.seek(0)
        table = TimeEntry._meta.db_table
        with connection.cursor() as cursor:
            # The trigger that locks validated months looks each entry's timesheet up: without statistics
            # on the timesheets just inserted, its cached plan would scan the whole table for every row.
            cursor.execute(f"ANALYZE {Timesheet._meta.db_table}")
            cursor.execute(f"SELECT coalesce(max(id), 0) FROM {table}")
            last_id = cursor.fetchone()[0]
            # COPY does not go through Django's execute wrappers: name the ignored trigger for this
            # transaction by hand, as pgtrigger.ignore() does, and write its history rows right after.
            cursor.execute("SELECT set_config('pgtrigger.ignore', %s, true)", ["{" + history_trigger(TimeEntry) + "}"])
            cursor.copy_expert(f"COPY {table} ({', '.join(self.COLUMNS)}) FROM STDIN", self.buffer)
            cursor.execute("SELECT set_config('pgtrigger.ignore', NULL, true)")
            cursor.execute(history_sql(TimeEntry, "insert", where="id > %s"), [last_id])
        self.buffer = io.StringIO()
        self.pending = 0
        self.seconds += time.perf_counter() - started


def _validate_timesheets(batches: list, ref: Reference, counts: Counts) -> None:
    """Confirm the month before the current one and validate the earlier ones, as the referent of the
    cooperative (its staff) or the Ufficio di Piano (the municipality's) would."""
    this_month = ref.today.replace(day=1)
    previous = (this_month - datetime.timedelta(days=1)).replace(day=1)
    now = timezone.now()
    confirmed, validated, logs = [], defaultdict(list), []
    for sheets, staff in batches:
        coop_staff = {u.pk for u in staff.partner_staff}
        for sheet in sheets:
            if sheet.month >= this_month:
                continue
            confirmed.append(sheet.pk)
            logs.append(TimesheetLog(timesheet_id=sheet.pk, kind=TimesheetLog.Kind.CONFERMA, by_id=sheet.user_id))
            if sheet.month < previous:
                validator = staff.referente if sheet.user_id in coop_staff else staff.udp
                validated[validator.pk].append(sheet.pk)
                logs.append(TimesheetLog(timesheet_id=sheet.pk, kind=TimesheetLog.Kind.VALIDAZIONE, by_id=validator.pk))
    for chunk in _chunks(confirmed, 20_000):
        bulk_update(Timesheet, chunk, state=Timesheet.State.CONFERMATO, confirmed_at=now)
    for validator_id, ids in validated.items():
        for chunk in _chunks(ids, 20_000):
            bulk_update(
                Timesheet, chunk, state=Timesheet.State.VALIDATO, validated_by_id=validator_id, validated_at=now
            )
    TimesheetLog.objects.bulk_create(logs, batch_size=BATCH)
    counts.add("interventions.TimesheetLog", len(logs))


def past_semesters(today: datetime.date, count: int) -> list[str]:
    """Labels of the `count` semesters before the current one, latest first (2026-S1, 2025-S2, …)."""
    year, half, labels = today.year, 1 if today.month <= 6 else 2, []
    for _ in range(count):
        year, half = (year, 1) if half == 2 else (year - 1, 2)
        labels.append(f"{year}-S{half}")
    return labels


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _admin(ref: Reference) -> None:
    if not User.objects.filter(username=ADMIN_USERNAME).exists():
        User.objects.create(
            username=ADMIN_USERNAME,
            password=ref.password,
            first_name="Amministratore",
            last_name="Scala",
            role=Role.ADMIN,
            is_staff=True,
            is_superuser=True,
        )


def existing_summary(*, project_ambiti_only: bool = False) -> str | None:
    ambiti = scale_ambiti()
    if project_ambiti_only:
        ambiti = ambiti.filter(code__startswith=PROJECT_PREFIX)
    if not ambiti.exists():
        return None
    families = Family.objects.filter(ambito__in=ambiti).count()
    return f"{ambiti.count()} ambiti di scala e {families} famiglie sono già presenti"


def seed_scale(
    ambiti: int,
    families_per_ambito: int,
    project_sizes: Iterable[int] = (),
    *,
    seed: int = 7,
    log: Callable[[str], None] = print,
    vacuum: bool = True,
    add_projects: bool = False,
) -> Counts:
    """Create `ambiti` ambiti of `families_per_ambito` families, and one ambito of one project for each size
    in `project_sizes` (for the PDF benchmarks). Refuses (AlreadySeeded) if scale data exists; with
    `add_projects` (the benchmark's second step, `ambiti=0`) only if single-project ambiti exist."""
    summary = existing_summary(project_ambiti_only=add_projects)
    if summary:
        raise AlreadySeeded(
            f"{summary}: seed_scale non aggiunge dati a quelli esistenti. Per ricominciare usa un database vuoto "
            "(per make bench: BENCH_RESEED=1 make bench)."
        )
    counts = Counts()
    started = time.perf_counter()
    ref = _reference(seed)
    entries = TimeEntryStream()
    timesheets: list = []
    # (code, name, families, serial of the CUP)
    jobs = [
        (ambito_code(REGULAR_PREFIX, k), f"{NAME_PREFIX}{k + 1:04d} (sintetico)", families_per_ambito, k + 1)
        for k in range(ambiti)
    ]
    jobs += [
        (
            ambito_code(PROJECT_PREFIX, k),
            f"{NAME_PREFIX}progetto {size} famiglie #{k + 1} (sintetico)",
            size,
            900_000 + k + 1,
        )
        for k, size in enumerate(project_sizes)
    ]
    with transaction.atomic():
        # Foreign keys are checked at the end of each statement rather than all at once at commit (the
        # deferred queue of ten million checks would hold a lot of memory).
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        _admin(ref)
        for k, (code, name, n, serial) in enumerate(jobs):
            AmbitoSeeder(ref, counts, entries, timesheets, code=code, name=name, n=n).run(serial=serial)
            if (k + 1) % 10 == 0 or k + 1 == len(jobs):
                log(
                    f"  {k + 1}/{len(jobs)} ambiti, {counts.rows['interventions.TimeEntry']} ore registrate, "
                    f"{time.perf_counter() - started:.0f} s"
                )
        entries.flush()
        counts.seconds["time entries (COPY)"] = entries.seconds
        step = time.perf_counter()
        _validate_timesheets(timesheets, ref, counts)
        counts.seconds["timesheets validated"] = time.perf_counter() - step
    counts.seconds["inserts"] = time.perf_counter() - started
    step = time.perf_counter()
    _analyse(vacuum=vacuum and not connection.in_atomic_block)
    counts.seconds["vacuum analyze"] = time.perf_counter() - step
    counts.seconds["total"] = time.perf_counter() - started
    return counts


def _analyse(*, vacuum: bool) -> None:
    """Fresh planner statistics (and, outside a transaction, the visibility map): what autovacuum would do
    within minutes on a production database after such a load."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)" if vacuum else "ANALYZE")


def table_counts() -> dict[str, int]:
    """Rows in the tables the benchmark cares about (exact counts)."""
    models = [
        Ambito,
        User,
        Family,
        Member,
        Assessment,
        AssessmentRating,
        ProgettoQuadro,
        Objective,
        Intervention,
        TimeEntry,
        Timesheet,
        TransitionLog,
    ]
    result = {m._meta.label: m.objects.count() for m in models}
    with connection.cursor() as cursor:
        cursor.execute("SELECT sum(n_live_tup) FROM pg_stat_user_tables WHERE relname LIKE %s", ["%event"])
        result["change-history events (approx.)"] = int(cursor.fetchone()[0] or 0)
    return result
