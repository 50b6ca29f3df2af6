"""The semester report in a real browser, with the real background worker: the Ufficio di Piano starts the
S1 report, watches the progress, writes the texts, sends it for review, approves it and downloads the PDF."""

import hashlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection
from pypdf import PdfReader

from reporting.models import ReportRun
from reporting.tests.test_indicators import fixture  # noqa: F401 — families, hours and outcomes
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"
ROOT = Path(__file__).resolve().parents[2]


def database_url() -> str:
    db = connection.settings_dict
    if db["HOST"].startswith("/"):
        return f"postgres://{db['USER']}@/{db['HOST']}/{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or 'localhost'}:{db['PORT'] or 5432}/{db['NAME']}"


def start_worker(**extra_env: str) -> subprocess.Popen:
    """`manage.py run_worker` in its own process, on the test database and the test's media folder (and any
    setting read from the environment given as `extra_env`)."""
    env = {**os.environ, "DATABASE_URL": database_url(), "MEDIA_ROOT": str(settings.MEDIA_ROOT), **extra_env}
    return subprocess.Popen(
        [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval", "0.2"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def worker():
    process = start_worker()
    yield process
    process.terminate()
    process.wait(timeout=10)


def wait_until_ready(page):
    page.get_by_text("PDF pronto.").wait_for(timeout=60_000)


def test_udp_starts_approves_and_downloads_the_semester_report(world, fixture, page, live_server, login, worker):  # noqa: F811
    udp = world.users.ufficio_piano
    udp.set_password(PASSWORD)
    udp.save()
    login("udp", PASSWORD)
    page.goto(f"{live_server.url}/rendicontazione/report/")
    page.select_option("#id_project", str(world.project.pk))
    page.select_option("#id_kind", "semester")
    page.select_option("#id_semester", "2024-S1")
    page.get_by_role("button", name="Avvia").click()
    page.wait_for_load_state()
    run = ReportRun.objects.get()
    assert page.url.endswith(run.get_absolute_url())
    # The page shows the progress while the worker prepares the PDF, then the download.
    wait_until_ready(page)

    page.fill("#id_critical_issues", "Due valutazioni T1 in ritardo.")
    page.fill("#id_corrective_actions", "Scadenzario condiviso in EM.")
    page.fill("#id_overall_evaluation", "Semestre in linea con il cronoprogramma.")
    page.get_by_role("button", name="Salva i testi").click()
    page.wait_for_load_state()
    wait_until_ready(page)
    page.get_by_role("button", name="Invia in revisione").click()
    page.wait_for_load_state()
    wait_until_ready(page)
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Approva").click()
    page.wait_for_load_state()
    wait_until_ready(page)
    assert page.get_by_text("Approvato").first.is_visible()

    with page.expect_download() as download:
        page.get_by_role("link", name="Scarica il PDF").click()
    content = Path(download.value.path()).read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(content)).pages)
    assert world.project.cup in text
    assert "approvata il" in text and "Semestre in linea con il cronoprogramma." in text
    run.refresh_from_db()
    assert run.state == "approvato"
    assert hashlib.sha256(content).hexdigest() == run.pdf_sha256
