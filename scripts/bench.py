"""`make bench`: how fast the key pages are on a database seeded at regional scale (issue 7).

Usage:
    python scripts/bench.py                     prepare the bench database if needed, measure, write docs/benchmarks.md
    python scripts/bench.py --prepare-only      only create, migrate and seed the bench database
    python scripts/bench.py --render-report PK  (internal) render a semester PDF of project PK, print JSON
    python scripts/bench.py --reports-in-a-row PK N   (internal) N semester runs of project PK in one process
    python scripts/bench.py --growth-child      (internal) seed if needed and measure the pages of the growth database
    python scripts/bench.py --pages KEY,KEY     (inner loop) only these pages and the floor on the bench database,
                                                printed, nothing written (keys: family-list, family-detail, week, …)

The bench database is `pippi_bench` on the same server as DATABASE_URL (as `make test` does, `make bench`
starts the embedded PostgreSQL when DATABASE_URL is unset). It is migrated and, when it holds no scale data,
seeded with `seed_scale` (50 ambiti × 100 families, plus a 30-family and a 1,000-family project for the PDFs).

Environment: BENCH_AMBITI (50), BENCH_FAMILIES (100), BENCH_PROJECTS ("30,1000"), BENCH_RUNS (30),
BENCH_WARMUPS (3), BENCH_RESEED=1 (drop the bench database and seed again), BENCH_NO_DOC=1 (print only),
BENCH_DATABASE (pippi_bench),
BENCH_GROWTH (4: a second database, `pippi_bench4`, with 4× the ambiti of the same size, measured in the same run;
1 or 0 skips it), BENCH_REPORTS_IN_A_ROW (10: semester runs of the largest project rendered one after the other in
one process, its resident memory read after each).

Growth: the same pages, as users of the same kind of ambito, on the bigger database (a child process: Django is
set up once per process, on one database); a scoped page must stay within 1.25× of its time at 1×.

Each page is requested in-process with Django's test Client as a user of one scale ambito: warm-ups, then
the timed runs (median and 95th percentile), then one more run that counts the queries. The floor is a view
that runs one query behind the same middleware and login; the reference is Django's admin changelist of
families over the same data. The semester PDF is rendered in a fresh process, as the worker would, with its
time and peak memory.
"""

from __future__ import annotations

import argparse
import datetime
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "scripts"))

from bench_report import BENCH_END, BENCH_START, DOC, machine, markdown, write_section  # noqa: E402

#: The bench database (BENCH_DATABASE to use another, e.g. a small one beside the real bench); the growth
#: database is its name followed by the factor (pippi_bench4).
BENCH_DATABASE = os.environ.get("BENCH_DATABASE", "pippi_bench")
STATE = ROOT / "var" / "bench"
SEED_RECORD = STATE / "seed.json"
RESULT_RECORD = STATE / "bench.json"


# --- The bench database ------------------------------------------------------------------------------------


def with_database(url: str, name: str) -> str:
    """The same server URL with another database name (the last path segment)."""
    base, sep, query = url.partition("?")
    head, _slash, _old = base.rpartition("/")
    return f"{head}/{name}{sep}{query}"


def base_url() -> str:
    url = os.environ.get("DATABASE_URL")
    if url:
        return url
    import devdb  # scripts/devdb.py: starts the embedded server

    return devdb.database_url()


def bench_url() -> str:
    return with_database(base_url(), BENCH_DATABASE)


def _connect(url: str):
    import environ
    import psycopg2

    config = environ.Env.db_url_config(url)
    return psycopg2.connect(
        dbname=config["NAME"],
        user=config.get("USER") or None,
        password=config.get("PASSWORD") or None,
        host=config.get("HOST") or None,
        port=config.get("PORT") or None,
    )


def ensure_database(*, reset: bool = False, name: str = BENCH_DATABASE) -> str:
    """Create the bench database (or `name`, the screenshots' for scripts/screens.py) on the configured server
    if it does not exist (drop it first with `reset`); return its URL."""
    url = base_url()
    try:
        admin = _connect(url)
    except Exception:  # the configured database may not exist yet: any database of the server will do
        admin = _connect(with_database(url, "postgres"))
    admin.autocommit = True
    with admin.cursor() as cursor:
        if reset:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if cursor.fetchone() is None:
            cursor.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return with_database(url, name)


def setup_django(url: str) -> None:
    """Django on the bench database, with the production settings but for what in-process requests need."""
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pippi_portal.settings")
    os.environ["MEDIA_ROOT"] = str(STATE / "media")
    os.environ["ALLOWED_HOSTS"] = "testserver,127.0.0.1,localhost"
    os.environ["DEBUG"] = "false"
    os.environ["HTTPS"] = "false"
    os.environ["MFA_REQUIRED"] = "false"
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    import warnings

    # WhiteNoise warns that STATIC_ROOT does not exist (no collectstatic here; the finders serve static files).
    warnings.filterwarnings("ignore", message="No directory at")
    import django

    django.setup()


def prepare(*, log=print, name: str = BENCH_DATABASE) -> dict:
    """Create, migrate and (if it holds no scale data) seed the bench database. Returns the seed record."""
    from django.core.management import call_command

    from demo import scale

    ambiti = int(os.environ.get("BENCH_AMBITI", "50"))
    families = int(os.environ.get("BENCH_FAMILIES", "100"))
    projects = [int(p) for p in os.environ.get("BENCH_PROJECTS", "30,1000").split(",") if p.strip()]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    log(f"bench: database migrated in {time.perf_counter() - started:.0f} s")
    STATE.mkdir(parents=True, exist_ok=True)
    if scale.scale_ambiti().exists():
        from django.db import connection

        from families.models import Family

        regular = scale.scale_ambiti().filter(code__startswith=scale.REGULAR_PREFIX).order_by("code")
        found = (regular.count(), Family.objects.filter(ambito=regular.first()).count() if regular else 0)
        if found == (ambiti, families):
            return read_seed_record()
        # The bench database is this script's own: seed it again at the size asked for.
        log(f"bench: the bench database holds {found[0]} × {found[1]}, asked {ambiti} × {families}: seeding again")
        connection.close()
        ensure_database(reset=True, name=name)
        call_command("migrate", verbosity=0)
    log(f"bench: seeding {ambiti} ambiti × {families} families (seed_scale)…")
    main = scale.seed_scale(ambiti, families, [], log=log)
    log(f"bench: {main.rows['interventions.TimeEntry']} time entries in {main.seconds['total']:.0f} s")
    extra = None
    if projects:
        log(f"bench: seeding the single-project ambiti for the PDFs ({', '.join(map(str, projects))} families)…")
        extra = scale.seed_scale(0, 1, projects, log=log, add_projects=True)
    record = {
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "ambiti": ambiti,
        "families_per_ambito": families,
        "seconds": round(main.seconds["total"], 1),
        "phases": {k: round(v, 1) for k, v in main.seconds.items()},
        "rows": dict(main.rows),
        "projects": projects,
        "projects_seconds": round(extra.seconds["total"], 1) if extra else None,
    }
    write_seed_record(record)
    return record


def write_seed_record(record: dict) -> None:
    """The seed's time and counts, kept with the database they describe (as its comment) and in var/bench."""
    from django.db import connection

    text = json.dumps(record)
    with connection.cursor() as cursor:
        cursor.execute(f'COMMENT ON DATABASE "{connection.settings_dict["NAME"]}" IS %s', [text])
    SEED_RECORD.write_text(json.dumps(record, indent=2))


def read_seed_record() -> dict:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
        )
        text = cursor.fetchone()[0]
    try:
        return json.loads(text) if text else {}
    except ValueError:
        return {}


# --- Measuring ---------------------------------------------------------------------------------------------


TRANSACTION_CONTROL = ("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE SAVEPOINT")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def floor_view(request):
    """One query behind the whole middleware stack and the login: the least a page can cost."""
    from django.db import connection
    from django.http import HttpResponse

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return HttpResponse("ok")


def install_floor_url() -> None:
    """The project's URLs plus /_bench/floor, for this process only."""
    import types

    from django.conf import settings
    from django.urls import clear_url_caches, include, path

    module = types.ModuleType("bench_urls")
    module.urlpatterns = [
        path("_bench/floor", floor_view, name="bench-floor"),
        path("", include(settings.ROOT_URLCONF)),
    ]
    sys.modules["bench_urls"] = module
    settings.ROOT_URLCONF = "bench_urls"
    clear_url_caches()


def measure(client, url: str, *, runs: int, warmups: int) -> dict:
    return measure_together([(client, url)], runs=runs, warmups=warmups)[0]


def measure_together(targets: list[tuple], *, runs: int, warmups: int) -> list[dict]:
    """Each (client, url) requested `runs` times after `warmups`, the pages taking turns (one request of each,
    then the next round): a minute when the shared machine runs slower slows every page and the floor alike,
    instead of whichever page was being measured then, so the ratios of one run compare like with like."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get(client, url):
        response = client.get(url)
        if response.status_code != 200:
            raise RuntimeError(f"{url} answered {response.status_code}")
        return response

    for client, url in targets:
        for _ in range(warmups):
            get(client, url)
    times: list[list[float]] = [[] for _ in targets]
    for _ in range(runs):
        for index, (client, url) in enumerate(targets):
            started = time.perf_counter()
            get(client, url)
            times[index].append((time.perf_counter() - started) * 1000)
    results = []
    for (client, url), page_times in zip(targets, times, strict=True):
        with CaptureQueriesContext(connection) as queries:
            response = get(client, url)
        results.append(
            {
                "url": url,
                "median": statistics.median(page_times),
                "p95": percentile(page_times, 0.95),
                # As in the tests (conftest.count_queries): transaction control is not a query of the page.
                "queries": sum(1 for q in queries.captured_queries if not q["sql"].startswith(TRANSACTION_CONTROL)),
                "bytes": len(response.content),
            }
        )
    return results


def subjects() -> dict:
    """The users and objects of the measured pages: one regular scale ambito."""
    from django.utils import timezone

    from demo import scale
    from equipes.models import Project, Role, User
    from families.models import Family, State

    ambito = scale.scale_ambiti().filter(code__startswith=scale.REGULAR_PREFIX).order_by("code").first()
    if ambito is None:
        raise SystemExit("bench: no scale ambito in the bench database (BENCH_AMBITI must be at least 1)")
    staff = User.objects.filter(ambito=ambito).order_by("username")
    case_manager = staff.filter(role=Role.CASE_MANAGER).first()
    visible = Family.objects.visible_to(case_manager)
    family = visible.filter(state=State.IN_CORSO).order_by("code").first() or visible.order_by("code").first()
    today = timezone.localdate()
    return {
        "ambito": ambito,
        "case_manager": case_manager,
        "coordinatore": staff.filter(role=Role.COORDINATORE).first(),
        "educator": staff.filter(role=Role.OPERATORE, profile="educatore").first(),
        "udp": staff.filter(role=Role.UFFICIO_PIANO).first(),
        "admin": User.objects.get(username=scale.ADMIN_USERNAME),
        "family": family,
        "visible_families": visible.count(),
        "project": Project.objects.filter(ambito=ambito).first(),
        "last_week": today - datetime.timedelta(days=today.weekday() + 7),
    }


def pages(s: dict) -> list[dict]:
    from django.urls import reverse

    week = f"?settimana={s['last_week'].isoformat()}"
    return [
        {"key": "family-list", "label": "Elenco famiglie", "user": s["case_manager"],
         "url": reverse("families:family-list")},
        {"key": "family-list-coord", "label": "Elenco famiglie (coordinatore: tutto l'ambito)",
         "user": s["coordinatore"], "url": reverse("families:family-list")},
        {"key": "family-detail", "label": "Scheda famiglia", "user": s["case_manager"],
         "url": reverse("families:family-detail", args=[s["family"].pk])},
        {"key": "week", "label": "Griglia ore settimanale", "user": s["educator"],
         "url": reverse("interventions:week") + week},
        {"key": "budget", "label": "Budget del progetto", "user": s["udp"],
         "url": reverse("interventions:budget", args=[s["project"].pk])},
        {"key": "indicators", "label": "Cruscotto indicatori", "user": s["udp"],
         "url": reverse("reporting:indicators")},
        {"key": "report-list", "label": "Elenco rendicontazioni", "user": s["udp"],
         "url": reverse("reporting:report-list")},
        {"key": "admin", "label": "Admin: elenco famiglie (riferimento)", "user": s["admin"],
         "url": reverse("admin:families_family_changelist")},
        {"key": "floor", "label": "Floor: vista con una query", "user": s["case_manager"], "url": "/_bench/floor"},
        {"key": "healthz", "label": "healthz (anonimo, una query)", "user": None, "url": reverse("healthz")},
    ]  # fmt: skip


def run_pages(s: dict, *, runs: int, warmups: int, log=print) -> dict:
    from django.test import Client
    from django.urls import reverse

    results = {}
    only = os.environ.get("BENCH_ONLY_PAGES")
    chosen = [p for p in pages(s) if not only or p["key"] in only.split(",") + ["floor"]]
    targets = []
    for page in chosen:
        client = Client()
        if page["user"] is not None:
            client.force_login(page["user"])
        targets.append((client, page["url"]))
    for page, result in zip(chosen, measure_together(targets, runs=runs, warmups=warmups), strict=True):
        result.update(label=page["label"], user=page["user"].username if page["user"] else "anonimo")
        results[page["key"]] = result
        log(f"  {page['label']:<50} {result['median']:8.1f} ms {result['p95']:8.1f} ms {result['queries']:4d} q")
    # The same query count at 1 row and at a full page: the family list filtered to one code.
    client = Client()
    client.force_login(s["case_manager"])
    one = measure(client, reverse("families:family-list") + f"?q={s['family'].code}", runs=1, warmups=1)
    results["family-list-one-row"] = one
    if only:
        floor = results["floor"]["median"]
        for key, result in results.items():
            if "label" in result:
                log(f"  {key:<20} {result['median'] / floor:6.1f}× the floor")
    return results


def memory_mb(field: str) -> float:
    """VmHWM (peak resident set) or VmRSS of this process, from /proc. Not getrusage's ru_maxrss: Linux keeps
    in it the size of the process that forked this one, so a child started by a large parent reports the
    parent's size."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def new_semester_run(project_pk: int):
    """A new run of the project's last semester, as reports.report_start makes it, without queueing the
    background job: the calling process is the worker."""
    from django.db.models import Max
    from django.utils import timezone

    from demo import scale
    from equipes.models import Project, Role, User
    from reporting import reports
    from reporting.models import ReportRun

    project = Project.objects.select_related("ambito").get(pk=project_pk)
    udp = User.objects.filter(ambito=project.ambito, role=Role.UFFICIO_PIANO).first()
    label = scale.past_semesters(timezone.localdate(), 1)[0]
    start, end = reports.period_of(ReportRun.Kind.SEMESTER, label)
    last = ReportRun.objects.filter(project=project, kind=ReportRun.Kind.SEMESTER, label=label).aggregate(
        v=Max("version")
    )["v"]
    return ReportRun.objects.create(
        project=project,
        kind=ReportRun.Kind.SEMESTER,
        label=label,
        period_start=start,
        period_end=end,
        version=(last or 0) + 1,
        created_by=udp,
    )


def render_report_child(project_pk: int) -> None:
    """(In a fresh process) a semester run of the project: figures and PDF, timed, with the peak memory."""

    from families.models import Family
    from reporting import reports

    baseline = memory_mb("VmHWM")
    run = new_semester_run(project_pk)
    project, label = run.project, run.label
    timings = {}

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                timings[name] = time.perf_counter() - started

        return wrapper

    reports.compute_snapshot = timed("figures", reports.compute_snapshot)
    reports.pdf_bytes = timed("pdf", reports.pdf_bytes)
    started = time.perf_counter()
    run = reports.run_report(run.pk)
    seconds = time.perf_counter() - started
    peak = memory_mb("VmHWM")
    from pypdf import PdfReader

    with run.pdf.open("rb") as handle:
        pdf_pages = len(PdfReader(handle).pages)
    print(
        json.dumps(
            {
                "project": project.cup,
                "families": Family.objects.filter(implementation__project=project).count(),
                "label": label,
                "seconds": seconds,
                "figures_seconds": timings.get("figures"),
                "pdf_seconds": timings.get("pdf"),
                "peak_mb": peak,
                "baseline_mb": baseline,
                "pages": pdf_pages,
                "pdf_kb": run.pdf.size / 1024,
            }
        )
    )


def reports_in_a_row_child(project_pk: int, count: int) -> None:
    """(In a fresh process) `count` semester runs of the project one after the other, as one worker would run
    them: the resident memory after each (after a garbage collection), and the peak."""
    import gc

    from reporting import reports

    baseline = memory_mb("VmRSS")
    rss, seconds = [], []
    for _ in range(count):
        run = new_semester_run(project_pk)
        started = time.perf_counter()
        reports.run_report(run.pk)
        seconds.append(time.perf_counter() - started)
        gc.collect()
        rss.append(memory_mb("VmRSS"))
    print(
        json.dumps(
            {
                "project": run.project.cup,
                "label": run.label,
                "count": count,
                "baseline_mb": baseline,
                "rss_mb": rss,
                "peak_mb": memory_mb("VmHWM"),
                "seconds": seconds,
            }
        )
    )


def run_reports_in_a_row(count: int, log=print) -> dict | None:
    from demo import scale
    from equipes.models import Project
    from families.models import Family

    ambiti = scale.scale_ambiti().filter(code__startswith=scale.PROJECT_PREFIX)
    projects = list(Project.objects.filter(ambito__in=ambiti))
    if not projects or count < 2:
        return None
    largest = max(projects, key=lambda p: Family.objects.filter(implementation__project=p).count())
    result = _child(["--reports-in-a-row", str(largest.pk), str(count)], os.environ.copy())
    result["families"] = Family.objects.filter(implementation__project=largest).count()
    rss = result["rss_mb"]
    log(
        f"  {count} semester runs in a row ({result['families']} families): "
        + " ".join(f"{mb:.0f}" for mb in rss)
        + f" MB (peak {result['peak_mb']:.0f} MB)"
    )
    return result


def run_import(rows: int = 10_000, log=print) -> dict:
    """Issue 17: a file of `rows` hours tried in the worker's job (`import_check`) and applied (`import_apply`), the
    jobs' own functions called in this process, on a world of its own built in a transaction that is rolled back:
    the bench data are not touched."""
    from django.db import transaction

    from equipes.models import Role
    from imports import services
    from imports.importers import HoursImporter
    from imports.tests.helpers import csv_file  # the file the import tests build, with the same columns
    from tests import factories as f

    class Rollback(Exception):
        pass

    result: dict = {"rows": rows}
    try:
        with transaction.atomic():
            world = f.make_world()
            people = [f.make_user(world.ambito, Role.OPERATORE, world.coop, username=f"bench-op{i}") for i in range(10)]
            start = datetime.date(2025, 1, 1)
            activities = ["Coordinamento", "Documentazione", "Formazione", "Supervisione"]
            lines = []
            for index in range(rows):
                day = start + datetime.timedelta(days=index // 10 % 600)
                activity = activities[min(index * len(activities) // rows, len(activities) - 1)]
                lines.append([people[index % 10].username, f"{day:%d/%m/%Y}", activity, "", "1", ""])
            began = time.monotonic()
            run = services.import_dry_run(
                ambito=world.ambito,
                by=world.users.ufficio_piano,
                kind="hours",
                file_name="ore.csv",
                content=csv_file(HoursImporter.columns, lines),
            )
            uploaded = time.monotonic()
            run = services.import_check(run.pk)
            checked = time.monotonic()
            services.import_confirm(run=run, by=run.by, base_url="http://bench/")
            run = services.import_apply(run.pk)
            applied = time.monotonic()
            result.update(
                upload_seconds=uploaded - began,
                dry_run_seconds=checked - uploaded,
                run_seconds=applied - checked,
                seconds=applied - began,
                refused=run.refused_count,
                state=str(run.state),
            )
            raise Rollback
    except Rollback:
        pass
    log(
        f"  import of {rows} hours: upload {result['upload_seconds']:.1f} s, "
        f"dry run {result['dry_run_seconds']:.1f} s, real run {result['run_seconds']:.1f} s "
        f"({result['refused']} refused)"
    )
    return result


def _child(args: list[str], env: dict) -> dict:
    """Run this script with `args` in a fresh process; its last line of output is JSON."""
    done = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"bench {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def growth_child(runs: int, warmups: int) -> None:
    """(In a fresh process, on the growth database) seed it if needed, measure the pages, print JSON."""
    from demo import scale

    name = os.environ["BENCH_GROWTH_DATABASE"]
    seed = prepare(name=name, log=lambda text: print(text, file=sys.stderr, flush=True))
    install_floor_url()
    s = subjects()
    pages_ = run_pages(s, runs=runs, warmups=warmups, log=lambda text: print(text, file=sys.stderr, flush=True))
    print(
        json.dumps(
            {
                "database": name,
                "seed": seed,
                "counts": scale.table_counts(),
                "subjects": {
                    "ambito": s["ambito"].code,
                    "family": s["family"].code,
                    "visible_families": s["visible_families"],
                },
                "pages": pages_,
            },
            default=str,
        )
    )


def run_growth(factor: int, runs: int, warmups: int, log=print) -> dict | None:
    """The pages again on a database with `factor` times the ambiti (same size each), seeded the first time."""
    if factor <= 1:
        return None
    name = f"{BENCH_DATABASE}{factor}"
    ambiti = int(os.environ.get("BENCH_AMBITI", "50")) * factor
    log(f"bench: growth database {name} ({ambiti} ambiti; seeded the first time, which takes a while)")
    url = ensure_database(reset=os.environ.get("BENCH_RESEED") == "1", name=name)
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "BENCH_GROWTH_DATABASE": name,
        "BENCH_AMBITI": str(ambiti),
        "BENCH_PROJECTS": "",
    }
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, __file__, "--growth-child"], stdout=subprocess.PIPE, text=True, env=env, check=False
    )
    if done.returncode != 0:
        raise RuntimeError("bench: the growth run failed (its output is above)")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result.update(factor=factor, seconds=time.perf_counter() - started)
    return result


def run_pdfs(log=print) -> list[dict]:
    from demo import scale
    from equipes.models import Project

    results = []
    ambiti = scale.scale_ambiti().filter(code__startswith=scale.PROJECT_PREFIX).order_by("code")
    for project in Project.objects.filter(ambito__in=ambiti).order_by("ambito__code"):
        done = subprocess.run(
            [sys.executable, __file__, "--render-report", str(project.pk)],
            capture_output=True,
            text=True,
            env=os.environ.copy(),
            check=False,
        )
        if done.returncode != 0:
            raise RuntimeError(f"PDF of project {project.pk} failed:\n{done.stderr[-3000:]}")
        result = json.loads(done.stdout.strip().splitlines()[-1])
        results.append(result)
        log(
            f"  PDF {result['families']:>5} famiglie: {result['seconds']:.1f} s "
            f"(dati {result['figures_seconds']:.1f} s, PDF {result['pdf_seconds']:.1f} s), "
            f"picco {result['peak_mb']:.0f} MB, {result['pages']} pagine"
        )
    return results


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--prepare-only", action="store_true")
    parser.add_argument("--render-report", type=int, metavar="PROJECT_PK")
    parser.add_argument("--reports-in-a-row", type=int, nargs=2, metavar=("PROJECT_PK", "COUNT"))
    parser.add_argument("--growth-child", action="store_true")
    parser.add_argument("--pages", metavar="KEYS", help="only these pages (comma-separated keys), printed")
    args = parser.parse_args(argv)
    runs, warmups = int(os.environ.get("BENCH_RUNS", "30")), int(os.environ.get("BENCH_WARMUPS", "3"))
    if args.render_report:
        setup_django(os.environ["DATABASE_URL"])
        render_report_child(args.render_report)
        return 0
    if args.reports_in_a_row:
        setup_django(os.environ["DATABASE_URL"])
        reports_in_a_row_child(*args.reports_in_a_row)
        return 0
    if args.growth_child:
        setup_django(os.environ["DATABASE_URL"])
        growth_child(runs, warmups)
        return 0
    url = ensure_database(reset=os.environ.get("BENCH_RESEED") == "1")
    setup_django(url)
    seed = prepare()
    if args.prepare_only:
        return 0
    if args.pages:
        os.environ["BENCH_ONLY_PAGES"] = args.pages
        install_floor_url()
        run_pages(subjects(), runs=runs, warmups=warmups)
        return 0
    from demo import scale

    install_floor_url()
    s = subjects()
    print(f"bench: pages ({runs} runs after {warmups} warm-ups)          median      p95   queries")
    result = {
        "date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
        "machine": machine(),
        "seed": seed,
        "counts": scale.table_counts(),
        "runs": runs,
        "warmups": warmups,
        "subjects": {
            "ambito": s["ambito"].code,
            "family": s["family"].code,
            "visible_families": s["visible_families"],
        },
    }
    result["pages"] = run_pages(s, runs=runs, warmups=warmups)
    print("bench: semester PDFs")
    result["pdfs"] = run_pdfs()
    result["in_a_row"] = run_reports_in_a_row(int(os.environ.get("BENCH_REPORTS_IN_A_ROW", "10")))
    print("bench: spreadsheet import")
    result["import"] = run_import(int(os.environ.get("BENCH_IMPORT_ROWS", "10000")))
    result["growth"] = run_growth(int(os.environ.get("BENCH_GROWTH", "4")), runs, warmups)
    text = markdown(result)
    print()
    print(text)
    RESULT_RECORD.write_text(json.dumps(result, indent=2, default=str))
    if os.environ.get("BENCH_NO_DOC") != "1":
        write_section(text, BENCH_START, BENCH_END)
        print(f"\nbench: written to {DOC.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
