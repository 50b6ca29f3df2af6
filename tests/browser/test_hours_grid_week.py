"""The weekly hours grid in a real browser (issue 14, §1): a saved cell updates its row's, day's and week's totals
in place and shows that it was saved, a refused one shows why; arrows move between cells and Enter saves only
the cell; at 390 × 844 an input is in view, 44 px high, and the page does not scroll sideways; axe finds nothing,
error state included."""

import datetime
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"
WEEK = datetime.date(2026, 3, 2)  # a Monday inside the project (01/06/2023 – 31/05/2026)
CELL_SAVE = "/interventi/ore/cella/"


@pytest.fixture
def grid(world, page, live_server, login):
    """The educator's grid of the week of 02/03/2026 (general activities only: no family is assigned)."""
    educator = world.users.operatore
    educator.set_password(PASSWORD)
    educator.save()
    login("educatore", PASSWORD)
    page.goto(f"{live_server.url}/interventi/ore/?settimana={WEEK.isoformat()}")
    return page


def cell(page, row: str, day: str):
    return page.get_by_label(re.compile(rf"Ore {row}, .* {day}"))


def save(page, input_, value: str, key: str = "Tab") -> None:
    input_.fill(value)
    with page.expect_response(lambda r: CELL_SAVE in r.url):
        input_.press(key)


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]
    ]


def test_typing_hours_updates_the_row_day_and_week_totals_without_a_reload(grid):
    page = grid
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#total-coordinamento")).to_have_text("0:00")

    save(page, cell(page, "Coordinamento", "03/03"), "1,5")
    expect(cell(page, "Coordinamento", "03/03")).to_have_value("1:30")
    expect(page.locator("#total-coordinamento")).to_have_text("1:30")
    expect(page.locator("#day-total-20260303")).to_have_text("1:30")
    expect(page.locator("#week-total")).to_have_text("1:30")

    save(page, cell(page, "Documentazione", "03/03"), "1:40")
    save(page, cell(page, "Coordinamento", "05/03"), "2")
    expect(page.locator("#total-documentazione")).to_have_text("1:40")
    expect(page.locator("#total-coordinamento")).to_have_text("3:30")
    expect(page.locator("#day-total-20260303")).to_have_text("3:10")
    expect(page.locator("#day-total-20260305")).to_have_text("2:00")
    expect(page.locator("#week-total")).to_have_text("5:10")
    assert page.evaluate("window.notReloaded") is True

    # The totals are the saved ones: the page drawn again shows the same.
    page.reload()
    expect(page.locator("#week-total")).to_have_text("5:10")
    expect(cell(page, "Documentazione", "03/03")).to_have_value("1:40")


def test_a_saved_cell_and_a_refused_cell_show_their_state_in_the_cell(grid):
    page = grid
    saved = cell(page, "Formazione", "04/03")
    save(page, saved, "2,25")
    saved = cell(page, "Formazione", "04/03")
    expect(saved).to_have_class(re.compile(r"\bis-saved\b"))  # after htmx has settled the new cell
    status = page.locator("td", has=saved).get_by_role("status")
    assert status.is_visible() and status.inner_text().strip() == "✓ salvato"
    page.wait_for_timeout(300)  # Bootstrap's border transition
    assert saved.evaluate("e => getComputedStyle(e).borderTopColor") == "rgb(25, 135, 84)"  # a green border

    refused = cell(page, "Supervisione", "04/03")
    save(page, refused, "tre ore")
    refused = cell(page, "Supervisione", "04/03")
    expect(refused).to_have_class(re.compile(r"\bis-invalid\b"))
    alert = page.locator("td", has=refused).get_by_role("alert")
    assert alert.is_visible() and alert.inner_text() == "Scrivi le ore come 1,5 oppure 1:30."
    assert refused.get_attribute("aria-invalid") == "true"
    expect(refused).to_have_value("tre ore")  # kept, to be corrected
    expect(page.locator("#day-total-20260304")).to_have_text("2:15")  # the refused cell changed nothing

    assert axe_violations(page) == []


def test_arrows_move_between_cells_and_enter_saves_only_the_cell(grid):
    page = grid
    start = cell(page, "Coordinamento", "02/03")
    start.focus()
    assert start.evaluate("e => getComputedStyle(e).outlineWidth") == "3px"

    def focused() -> str:
        return page.evaluate("document.activeElement.getAttribute('aria-label')")

    page.keyboard.press("ArrowRight")
    assert focused().endswith("03/03") and focused().startswith("Ore Coordinamento")
    page.keyboard.press("ArrowDown")
    assert focused().startswith("Ore Documentazione") and focused().endswith("03/03")
    page.keyboard.press("ArrowUp")
    page.keyboard.press("ArrowLeft")
    assert focused().startswith("Ore Coordinamento") and focused().endswith("02/03")
    page.keyboard.press("Tab")  # Tab follows the row, day after day
    assert focused().startswith("Ore Coordinamento") and focused().endswith("03/03")

    requests = []
    page.on("request", lambda r: requests.append(r.url) if r.method == "POST" else None)
    page.keyboard.type("2,5")
    with page.expect_response(lambda r: CELL_SAVE in r.url):
        page.keyboard.press("Enter")
    page.wait_for_timeout(300)
    assert [url for url in requests if not url.endswith(CELL_SAVE)] == []  # the week's form was not sent
    assert len(requests) == 1
    assert focused().startswith("Ore Coordinamento") and focused().endswith("03/03")  # focus stays
    expect(cell(page, "Coordinamento", "03/03")).to_have_value("2:30")
    expect(page.locator("#week-total")).to_have_text("2:30")
    assert page.get_by_text("Ore salvate.").count() == 0


def test_the_grid_at_390_px_has_an_input_in_view_and_no_sideways_scroll(grid, live_server):
    page = grid
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/interventi/ore/?settimana={WEEK.isoformat()}")
    first = cell(page, "Coordinamento", "02/03")
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    assert box["y"] >= 0 and box["y"] + box["height"] <= 844
    assert box["height"] >= 44
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    # The days scroll inside the table, and the row labels stay in view.
    last = cell(page, "Coordinamento", "08/03")
    last.focus()
    label = page.get_by_role("rowheader", name="Coordinamento")
    assert label.bounding_box()["x"] >= 0 and label.bounding_box()["x"] < 30
    assert last.bounding_box()["x"] + last.bounding_box()["width"] <= 390
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    save(page, last, "25")
    assert page.locator("td", has=cell(page, "Coordinamento", "08/03")).get_by_role("alert").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
