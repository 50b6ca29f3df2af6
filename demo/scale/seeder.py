"""Synthetic data at regional scale for benchmarks and load tests (`manage.py seed_scale`, issue 7).

Separate from the demo: every ambito it creates has a code starting with "Z" and a name starting with
"Scala " (the demo's and the tests' ambiti have neither), and it refuses to run when such ambiti exist, so a
second run never doubles the data (start again from a new database instead: `BENCH_RESEED=1 make bench`).

Per ambito of N families: comuni, the municipality and a cooperative, the staff (a Ufficio di Piano, a
coordinator, a partner's referent, one case manager every 25 families, one educator every 5, a psychologist
every 40, a pedagogist and a cultural mediator every 100), one équipe every 50 families, a PNRR project with a
valid CUP, its implementations (with the project's target of families per implementation) and budget lines,
the families spread over the whole path (referral, pre-assessment, consents, family équipe, T0/T1/T2
assessments with every sub-dimension rated, SDQ, a shared Progetto Quadro with objectives, actions and
verifications, closures, transition logs, diary notes; the steps and their days are those of `demo.path`, which
the demo's walk follows), their interventions (educativa domiciliare for every family on its path;
psychological support, pedagogical consultation and cultural mediation for some), two groups with sessions and
attendance, and the hours: about 380 time entries per family over the last 130 weeks, in monthly timesheets
validated but for the last two months. 50 ambiti × 100 families give about 1.9 million time entries.

Speed: everything goes through `bulk_create` in batches, with the models' own field classes (encrypted
fields encrypt, the codice fiscale gets its keyed hash), except the time entries, which are streamed with
PostgreSQL's COPY. The foreign keys, the constraints and the trigger that locks validated months stay on
(the entries go in while their timesheets are drafts; the timesheets are validated afterwards, as the
services would). The change history is complete too, but written set-based: pghistory's per-row trigger of
the table being loaded is skipped for that statement only (pgtrigger.ignore) and the same event rows are
inserted right after by one INSERT … SELECT, because on multi-row statements that trigger gets slower with
every row (see `demo/scale/history.py`).

Every person is invented: names from Faker it_IT pools with a fixed seed, codici fiscali computed from them.
"""

from __future__ import annotations

import datetime
import time
from collections.abc import Callable, Iterable
from decimal import Decimal

from django.db import connection, transaction

from demo.interventions import BUDGET
from demo.management import analyse_portal_tables
from equipes.models import (
    Ambito,
    Comune,
    Equipe,
    EquipeMembership,
    Implementation,
    Organisation,
    Profile,
    Project,
    ProjectTarget,
    Role,
    TargetKind,
    TargetScope,
    User,
)
from families.models import (
    Assessment,
    AssessmentRating,
    Family,
    Member,
    Objective,
    ProgettoQuadro,
    TransitionLog,
)
from interventions.models import (
    BudgetLine,
    Intervention,
    TimeEntry,
    Timesheet,
)

from .copy import TimeEntryStream
from .families import FamilyRows
from .hours import HoursRows, validate_timesheets
from .plan import (
    ADMIN_USERNAME,
    CODE_PREFIX,
    NAME_PREFIX,
    PROJECT_PREFIX,
    REGULAR_PREFIX,
    Reference,
    Staff,
    ambito_code,
    plan_families,
    project_start,
    reference,
)
from .rows import Counts
from .work import WorkRows


class AlreadySeeded(Exception):
    """Scale data is already in the database; the message says what and how to start again."""


def scale_ambiti():
    """The ambiti created by this module (never the demo's or the tests')."""
    return Ambito.objects.filter(code__startswith=CODE_PREFIX, name__startswith=NAME_PREFIX)


class AmbitoSeeder(FamilyRows, WorkRows, HoursRows):
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
        super().__init__(ref, counts, code=code, n=n)
        self.entries, self.timesheets, self.name = entries, timesheets, name

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
        plans = plan_families(self.rng, self.ref.today, self.n)
        families = self.families(ambito, comuni, equipes, staff, implementations, plans)
        self.path(families, plans, staff)
        interventions = self.interventions(families, plans, staff)
        groups = self.groups(ambito, project, implementations[0], families, plans, staff)
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
        start = project_start(today)
        project = Project.objects.create(
            ambito=ambito,
            title="Sostegno alle capacità genitoriali e prevenzione della vulnerabilità (P.I.P.P.I.) — sintetico",
            cup=f"Z{start.year % 100:02d}S{serial:011d}",
            funding_decree="Decreto sintetico n. 1/2024",
            amount=Decimal("211500.00") * max(1, self.n // 30),
            start_date=start,
            end_date=datetime.date(today.year + 1, 12, 31),
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
                )
                for k in range(count)
            ],
        )
        self.bulk(
            ProjectTarget,
            [
                ProjectTarget(
                    project=project,
                    kind=TargetKind.FAMIGLIE_INCLUSE,
                    scope=TargetScope.IMPLEMENTAZIONE,
                    minimum=min(50, self.n),
                )
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
    ref = reference(seed)
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
        validate_timesheets(timesheets, ref, counts)
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
    if not vacuum:
        analyse_portal_tables()
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")


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
