"""The import page in a real browser, with the real background worker: the Ufficio di Piano uploads a CSV of hours,
reads the dry-run report (one row refused, with its reason), confirms, watches the progress bar advance row by row
and reads the result, all on the same page (no reload); a larger file is tried in the worker, its progress and then
its report shown the same way. Every page passes the axe check.

The worker here writes the progress at every row and pauses after each write (`IMPORT_PROGRESS_EVERY`,
`IMPORT_THROTTLE_SECONDS`): a few rows then take long enough for the page, which polls every 2 seconds, to show
the bar moving before the result. Nothing is mocked."""

import re

import pytest

from imports.importers import HoursImporter
from imports.models import ImportRun
from imports.tests.helpers import csv_file
from interventions.models import TimeEntry
from tests.browser.conftest import BROWSER_DB
from tests.browser.test_semester_report import start_worker

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"
ROWS = 6
STATUS = "#import-status [role=status]"


@pytest.fixture
def slow_worker():
    """The worker, writing the import's progress at every row and pausing 1.5 s after each write."""
    process = start_worker(IMPORT_PROGRESS_EVERY="1", IMPORT_THROTTLE_SECONDS="1.5")
    yield process
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def hours_file(tmp_path):
    rows = [["educatore", f"{day:02d}/11/2026", "Coordinamento", "", "2,5", ""] for day in range(9, 9 + ROWS - 1)]
    rows.append(["educatore", "20/11/2026", "Formazione", "", "25", ""])
    path = tmp_path / "ore.csv"
    path.write_bytes(csv_file(HoursImporter.columns, rows, bom=True))
    return path


def rows_done(page) -> int:
    match = re.search(rf"(\d+) di {ROWS} righe", page.locator(STATUS).inner_text())
    assert match, page.locator(STATUS).inner_text()
    return int(match.group(1))


def watch_the_bar_advance(page) -> None:
    """The page shows «n di N righe», then a larger n, without being loaded again (a mark left on `window`
    survives only if the page is the same)."""
    page.evaluate("window.importPageMark = 'same page'")
    page.get_by_text(re.compile(rf"\d+ di {ROWS} righe")).wait_for()
    first = rows_done(page)
    assert first < ROWS
    page.wait_for_function(
        """([selector, total, first]) => {
            const status = document.querySelector(selector);
            const match = status && status.textContent.match(new RegExp("(\\\\d+) di " + total + " righe"));
            return match && Number(match[1]) > first;
        }""",
        arg=[STATUS, ROWS, first],
        timeout=30_000,
    )
    bar = page.get_by_role("progressbar")
    assert int(bar.get_attribute("aria-valuenow")) > 0


def still_the_same_page(page) -> bool:
    return page.evaluate("window.importPageMark") == "same page"


def log_in_and_upload(page, live_server, login, world, hours_file) -> None:
    udp = world.users.ufficio_piano
    udp.set_password(PASSWORD)
    udp.save()
    login("udp", PASSWORD)
    page.goto(f"{live_server.url}/importazioni/")
    page.select_option("#id_kind", "hours")
    page.set_input_files("#id_file", str(hours_file))
    page.get_by_role("button", name="Prova l'importazione").click()
    page.wait_for_load_state()


def test_udp_tries_confirms_watches_and_reads_an_import(
    world, page, live_server, login, slow_worker, hours_file, axe_violations
):
    log_in_and_upload(page, live_server, login, world, hours_file)
    run = ImportRun.objects.get()
    assert page.url.endswith(run.get_absolute_url())
    page.get_by_text("La prova non ha scritto nulla").wait_for()
    page.get_by_text("Le ore di un giorno vanno da 0 a 24").wait_for()
    assert TimeEntry.objects.count() == 0
    assert axe_violations(page) == []

    page.get_by_role("button", name="Conferma l'importazione").click()
    page.wait_for_load_state()
    # The page follows the run in the worker: the bar advances, then the result, on the same page.
    watch_the_bar_advance(page)
    assert axe_violations(page) == []
    page.get_by_text("Importazione eseguita").wait_for(timeout=60_000)
    page.get_by_text("Che cosa è stato creato o modificato (5)").wait_for()
    assert still_the_same_page(page)
    assert TimeEntry.objects.filter(user=world.users.operatore).count() == ROWS - 1
    assert axe_violations(page) == []


def test_a_large_file_is_tried_in_the_worker_with_its_progress(
    world, page, live_server, login, slow_worker, hours_file, settings, axe_violations
):
    settings.IMPORT_DRY_RUN_IN_WORKER_ABOVE = 2  # the live server runs in this process: six rows are «large»
    log_in_and_upload(page, live_server, login, world, hours_file)
    page.get_by_text("Prova in corso: nulla viene scritto.").wait_for()
    watch_the_bar_advance(page)
    assert axe_violations(page) == []
    page.get_by_text("La prova non ha scritto nulla").wait_for(timeout=60_000)
    page.get_by_text("Le ore di un giorno vanno da 0 a 24").wait_for()
    page.get_by_role("button", name="Conferma l'importazione").wait_for()
    assert still_the_same_page(page)
    assert TimeEntry.objects.count() == 0
    assert ImportRun.objects.get().state == ImportRun.State.DRY_RUN
