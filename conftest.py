"""Shared fixtures: a small world of two ambiti and one persona per role (DESIGN.md §1)."""

from __future__ import annotations

import datetime
import importlib
import random

import pytest
from django.apps import apps as django_apps
from django.core.management import call_command
from django.db import connection, transaction
from django.db.models.signals import post_migrate
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from demo import path
from families.models import TeamMember
from tests import demo_snapshot
from tests import factories as f


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="session")
def _zeal_installed():
    """django-zeal's patches of the ORM (what its AppConfig does; it is a test dependency, not an app of the
    product)."""
    from zeal.constants import initialize_app_registry
    from zeal.patch import patch

    initialize_app_registry()
    patch()


@pytest.fixture(autouse=True)
def _no_n_plus_one(_zeal_installed, settings):
    """Any N+1 query pattern in a request (a relation loaded row by row in a loop) fails the test that makes
    the request: zeal watches every page the tests open, the live server's included. Test code and fixtures,
    which may fetch rows one by one on purpose, are not watched."""
    settings.MIDDLEWARE = ["zeal.middleware.zeal_middleware", *settings.MIDDLEWARE]


@pytest.fixture(autouse=True, scope="session")
def _static_files_looked_up_on_request():
    """WhiteNoise finds a static file when it is asked for, instead of listing the whole static folder each time a
    test client starts (a few hundredths of a second per client, a thousand clients a run). What it serves is the
    same."""
    with override_settings(WHITENOISE_AUTOREFRESH=True):
        yield


@pytest.fixture(autouse=True)
def _media_in_a_temporary_folder(request, settings, tmp_path):
    """Uploads and rendered reports of a test go to its own folder, never to var/media. Tests on data built once
    for their module keep the module's folder (`module_db`), where that data's files are."""
    if "module_db" not in request.fixturenames:
        settings.MEDIA_ROOT = tmp_path / "media"


REFERENCE_DATA_MIGRATIONS = [
    "families.migrations.0002_reference_data",
    "interventions.migrations.0002_catalogue",
    "interventions.migrations.0010_child_protection_services",
]


def _reload_reference_data(sender, using, **kwargs):
    """Transactional tests (live server, health check, backup) end with a flush that empties every table, the
    reference data loaded by data migrations included. Django sends `post_migrate` after the flush (as it does
    after `migrate`), so they are loaded again (idempotently) at once: every test, whichever ran before it on
    this process, finds them."""
    for module in REFERENCE_DATA_MIGRATIONS:
        importlib.import_module(module).load(django_apps, None)


# Django sends the signal once per app: one of them is enough.
post_migrate.connect(
    _reload_reference_data, sender=django_apps.get_app_config("interventions"), dispatch_uid="reference-data"
)


@pytest.fixture
def world(db):
    """Ambito "TST" with a project, an implementation, an équipe and a user of every role; ambito "OTH"
    with its own project and équipe and a case manager (the outsider). (`tests.factories.make_world`.)"""
    return f.make_world()


@pytest.fixture
def client_for():
    """A test client logged in as the given user."""

    def make(user) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


@pytest.fixture
def count_queries():
    """Run a callable and return how many queries it made. The savepoints that ATOMIC_REQUESTS opens inside
    the test's transaction are left out: in production the request's transaction is BEGIN/COMMIT, which
    Django does not count as queries either."""

    def run(fn) -> int:
        with CaptureQueriesContext(connection) as ctx:
            fn()
        return sum(1 for query in ctx.captured_queries if not query["sql"].startswith(TRANSACTION_CONTROL))

    return run


T0 = datetime.date(2024, 3, 1)


@pytest.fixture
def family(world):
    """A referred family of the world's équipe; the world's operator is in its équipe."""
    family = f.make_family(world, children=2)
    TeamMember.objects.create(family=family, user=world.users.operatore, role="Educatore")
    return family


@pytest.fixture
def other_family(world):
    """A family of the other ambito."""
    other = world.other
    return f.make_family(
        world,
        case_manager=other.outsider,
        implementation=other.implementation,
        comune=other.comune,
        equipe=other.equipe,
    )


@pytest.fixture
def advance(world):
    """Take a family along the path to a state through the real services."""

    def run(family, state, t0=T0):
        return path.walk(
            family, state, by=family.case_manager, operator=world.users.operatore, t0=t0, rng=random.Random(1)
        )

    return run


# The path walker and what goes with it, for the tests of the apps below `demo`, which may not import it. Session
# scoped, as they are only functions and data, so that data built once per module can use them too.


@pytest.fixture(scope="session")
def walk():
    """`demo.path.walk`: take a family along the path through the real services, as the demo does."""
    return path.walk


@pytest.fixture(scope="session")
def record_t1():
    """`demo.path.record_t1`: the T1 assessment and verifications of a family in progress."""
    return path.record_t1


@pytest.fixture(scope="session")
def ratings():
    """`demo.path.ratings`: a rating for every sub-dimension, around a base value."""
    return path.ratings


@pytest.fixture(scope="session")
def signed_pdf() -> bytes:
    """The one-page PDF the demo's signed consents are made of."""
    return path.SIGNED_PDF


# --- Data seeded once per module ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def module_db(django_db_setup, django_db_blocker, tmp_path_factory):
    """A transaction that lasts the whole module and is rolled back at its end, for module-scoped fixtures that
    seed data once (each test's own transaction, the `db` fixture, is a savepoint inside it). Uploads go to a
    folder of the module; passwords are hashed fast."""
    media = tmp_path_factory.mktemp("module-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
    ):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def module_world(module_db):
    """The `world`, built once for the module that asks for it: each test sees it in its own savepoint and its
    changes are rolled back. A module that uses it does not ask for `world` too (the two would clash). Its project
    has an associated ambito ("ASC", `world.associated`), so the matrices cover a project of several ambiti."""
    world = f.make_world()
    f.add_associated_ambito(world)
    return world


@pytest.fixture(scope="session")
def _demo_snapshots():
    """The seeded demo's snapshot of this process (`tests.demo_snapshot`), taken by the first module that seeds."""
    return []


@pytest.fixture(scope="session")
def _shared_demo_snapshot(request, tmp_path_factory):
    """Where the processes of a `pytest -n` run share the seeded demo's snapshot: the run's temporary folder,
    which holds each process's own (`tests.demo_snapshot.shared`). None in a run of one process."""
    if not hasattr(request.config, "workerinput"):  # not a pytest-xdist worker
        return None
    return tmp_path_factory.getbasetemp().parent / "demo-snapshot"


@pytest.fixture(scope="module")
def seeded_demo(module_db, _demo_snapshots, _shared_demo_snapshot, tmp_path_factory):
    """The synthetic demo (`seed_demo`) for the module that asks for it, in the module's transaction; such a
    module carries the `demo_seed` marker, which `make test-fast` leaves out. The first such module of the run
    seeds it and takes a snapshot; the later ones, in this process or another one of `pytest -n`, get the same
    data back from the snapshot in a fraction of the time (`tests.demo_snapshot`)."""
    if _demo_snapshots and demo_snapshot.restore(_demo_snapshots[-1]):
        return
    if _shared_demo_snapshot is None:
        call_command("seed_demo", verbosity=0)
        _demo_snapshots.append(demo_snapshot.take(tmp_path_factory.mktemp("demo-snapshot") / "media"))
        return
    with demo_snapshot.shared(_shared_demo_snapshot) as (snapshot, keep):
        if snapshot is None or not demo_snapshot.restore(snapshot):
            call_command("seed_demo", verbosity=0)
            snapshot = keep()
        _demo_snapshots.append(snapshot)


# --- The order of the modules ---------------------------------------------------------------------------------

#: Seconds the longest modules take on one worker, roughly: the sums of their tests' times in a `make test` of
#: 2026-12-03 (two workers; the first module of each worker less the test database's creation), after the changes
#: of docs/benchmarks.md "The test suite, faster" (the migration test, the seeded demo shared by the workers: the
#: crawl seeds it, the seeds' modules restore it). Every other module counts a fifth of a second a test. Only the
#: order matters: a stale figure makes a worker wait a little at the end, nothing fails.
MODULE_SECONDS = {
    "tests/test_form_fuzzing.py": 110,
    "tests/test_pseudonymised_crawl.py": 58,
    "tests/browser/test_imports.py": 32,
    "demo/tests/test_same_data.py": 27,
    "tests/test_endpoint_fuzzing.py": 25,
    "pippi_portal/tests/test_background_jobs.py": 24,
    "tests/browser/test_family_page.py": 23,
    "tests/browser/test_dashboards.py": 20,
    "reporting/tests/test_access.py": 19,
    "tests/browser/test_family_path.py": 18,
    "tests/test_url_matrix.py": 16,
    "interventions/tests/test_access.py": 16,
    "imports/tests/test_job_recovery.py": 15,
    "tests/browser/test_semester_report.py": 14,
    "families/tests/test_access.py": 13,
    "equipes/tests/test_target_families_migration.py": 12,
    "tests/browser/test_hours_grid_week.py": 12,
    "tests/browser/test_security.py": 12,
    "imports/tests/test_imports.py": 12,
    "reporting/tests/test_report_runs.py": 11,
    "tests/browser/test_family_registration.py": 11,
    "reporting/tests/test_report_pdf.py": 10,
    "tests/seeds/test_001_seregno.py": 8,
    "tests/browser/test_login_dashboard.py": 8,
    "reporting/tests/test_render_recovery.py": 7,
    "reporting/tests/test_report_exports.py": 7,
    "tests/test_spreadsheet_exports.py": 6,
    "pippi_portal/tests/test_email_settings.py": 6,
    "demo/tests/test_sinba.py": 6,
    "tests/seeds/test_003_romagna.py": 4,
    "equipes/tests/test_access.py": 4,
}


def pytest_collection_modifyitems(config, items):
    """The longest modules first. `make test` gives each worker a whole module at a time (`--dist loadfile`) in
    this order (`--no-loadscope-reorder`; pytest-xdist's own order puts the modules with fewest tests last, and
    those are the long ones: a migration test, a seed, a browser test), so the workers end together instead of
    one waiting for the other's last long module. A module's tests stay together, in pytest-django's order."""
    root = config.rootpath
    modules = [item.path.relative_to(root).as_posix() for item in items]
    first: dict[str, int] = {}
    tests: dict[str, int] = {}
    for index, module in enumerate(modules):
        first.setdefault(module, index)
        tests[module] = tests.get(module, 0) + 1

    def key(indexed):
        index, module = indexed
        return (-MODULE_SECONDS.get(module, tests[module] / 5), first[module], index)

    items[:] = [items[index] for index, _module in sorted(enumerate(modules), key=key)]
