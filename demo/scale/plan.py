"""What the scale seed makes: the prefixes that keep its ambiti apart, the mix of states, the pools of names
and places drawn from, and each family's plan (its state and the days of its path) decided before anything is
written. The path's steps and days come from `demo.path`, the same plan the demo's `walk()` follows.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from faker import Faker

from demo.path import T0_AFTER_REFERRAL, Calendar
from equipes.models import (
    Implementation,
    User,
)
from families.models import (
    ClosureOutcome,
    Framework,
    State,
    SubDimension,
)
from interventions.models import (
    InterventionType,
)

CODE_PREFIX = "Z"
REGULAR_PREFIX = "ZA"  # the ambiti of --ambiti
PROJECT_PREFIX = "ZP"  # the single-project ambiti of --project-sizes
NAME_PREFIX = "Scala "
# The password of every user this module creates (synthetic data only; the load test logs in with it).
SCALE_PASSWORD = "scala-pippi-2026"
ADMIN_USERNAME = "scala_admin"
HOURS_WEEKS = 130  # the hours cover the last 130 weeks (2.5 years): the project's life so far

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
LANGUAGES = ["arabo", "albanese", "rumeno", "spagnolo", "urdu", "cinese"]
SCHOOLS = ["Scuola dell'infanzia (sintetica)", "Scuola primaria (sintetica)", "Scuola secondaria (sintetica)"]


def ambito_code(prefix: str, index: int) -> str:
    """ZAAAA, ZAAAB, … (regular ambiti) and ZPAAA, … (single-project ambiti): letters only, as the model wants."""
    letters = ""
    for _ in range(5 - len(prefix)):
        index, digit = divmod(index, 26)
        letters = chr(ord("A") + digit) + letters
    return prefix + letters


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


def reference(seed: int) -> Reference:
    """The reference data and the pools of invented names and places every ambito draws from."""
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
    """Where one family stands and the days of its path (decided before anything is written)."""

    state: str
    referral: datetime.date
    t0: datetime.date | None = None
    t1_due: datetime.date | None = None  # the implementation's T1 deadline (the objectives' deadline)
    t1: datetime.date | None = None  # set when the T1 assessment was done
    t2: datetime.date | None = None  # set when the T2 assessment was done
    ended: datetime.date | None = None  # closure or interruption
    suspended: datetime.date | None = None
    rejected: datetime.date | None = None
    psych: bool = False
    pedagogy: bool = False
    mediation: bool = False

    @property
    def calendar(self) -> Calendar:
        """The days of the steps of its path, as `demo.path` dates them for the demo's walk."""
        return Calendar(referral=self.referral, t0=self.t0, t1=self.t1, t2=self.t2)


def project_start(today: datetime.date) -> datetime.date:
    """Every scale project started on the first of the month 31 months ago."""
    return (today - relativedelta(months=31)).replace(day=1)


def plan_families(rng: random.Random, today: datetime.date, n: int) -> list[FamilyPlan]:
    """The plans of an ambito's `n` families, spread over the states by `STATE_MIX`, in order of referral."""
    # An implementation with the default T1/T2 offsets: the scale implementations keep them.
    nominal = Implementation()
    earliest_t0 = project_start(today) + datetime.timedelta(days=60)
    plans = []
    for _ in range(n):
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
            plan.rejected = plan.calendar.excluded
        elif state in (State.INCLUSA, State.VALUTAZIONE_T0):
            plan.referral = today - days(25, 50)
        else:
            if state == State.CONCLUSA:
                t0 = today - days(590, 900)
            elif state == State.VALUTAZIONE_T2:
                t0 = today - days(545, 590)
            else:
                t0 = today - days(50, 520)
            t0 = max(t0, earliest_t0)
            plan.t0, plan.referral = t0, t0 - T0_AFTER_REFERRAL
            plan.t1_due = nominal.t1_due(t0)
            if state in (State.VALUTAZIONE_T2, State.CONCLUSA) or (
                state == State.IN_CORSO and plan.t1_due < today and rng.random() < 0.6
            ):
                plan.t1 = plan.t1_due
            if state == State.CONCLUSA:
                plan.t2 = min(nominal.t2_due(t0), today - datetime.timedelta(days=14))
                plan.ended = plan.calendar.closed
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


def past_semesters(today: datetime.date, count: int) -> list[str]:
    """Labels of the `count` semesters before the current one, latest first (2026-S1, 2025-S2, …)."""
    year, half, labels = today.year, 1 if today.month <= 6 else 2, []
    for _ in range(count):
        year, half = (year, 1) if half == 2 else (year - 1, 2)
        labels.append(f"{year}-S{half}")
    return labels
