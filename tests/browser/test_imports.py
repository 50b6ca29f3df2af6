"""The import page in a real browser, with the real background worker: the Ufficio di Piano uploads a CSV of hours,
reads the dry-run report (one row refused, with its reason), confirms, watches the run and reads the result; every
page passes the axe check."""

import pytest

from imports.importers import HoursImporter
from imports.models import ImportRun
from imports.tests.helpers import csv_file
from interventions.models import TimeEntry
from tests.browser.conftest import BROWSER_DB
from tests.browser.test_semester_report import worker  # noqa: F401 — `manage.py db_worker` on the test database

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"


@pytest.fixture
def hours_file(tmp_path):
    rows = [
        ["educatore", "10/11/2026", "Coordinamento", "", "2,5", ""],
        ["educatore", "11/11/2026", "Documentazione", "", "1", ""],
        ["educatore", "12/11/2026", "Formazione", "", "25", ""],
    ]
    path = tmp_path / "ore.csv"
    path.write_bytes(csv_file(HoursImporter.columns, rows, bom=True))
    return path


def test_udp_tries_confirms_and_reads_an_import(world, page, live_server, login, worker, hours_file, axe_violations):  # noqa: F811
    udp = world.users.ufficio_piano
    udp.set_password(PASSWORD)
    udp.save()
    login("udp", PASSWORD)
    page.goto(f"{live_server.url}/importazioni/")
    assert axe_violations(page) == []
    page.select_option("#id_kind", "hours")
    page.set_input_files("#id_file", str(hours_file))
    page.get_by_role("button", name="Prova l'importazione").click()
    page.wait_for_load_state()
    run = ImportRun.objects.get()
    assert page.url.endswith(run.get_absolute_url())
    page.get_by_text("La prova non ha scritto nulla").wait_for()
    page.get_by_text("Le ore di un giorno vanno da 0 a 24").wait_for()
    assert TimeEntry.objects.count() == 0
    assert axe_violations(page) == []

    page.get_by_role("button", name="Conferma l'importazione").click()
    page.wait_for_load_state()
    # The page follows the run in the worker, then shows the result.
    page.get_by_text("Importazione eseguita").wait_for(timeout=60_000)
    assert TimeEntry.objects.filter(user=world.users.operatore).count() == 2
    assert axe_violations(page) == []
