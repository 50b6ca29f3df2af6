"""The daily ceiling in a real browser: a cell that would take a day past 24 hours shows the refusal in place,
the day above the warning threshold is flagged, and a cell the grid never makes (here, tampered) shows the
400's message in place too (htmx swaps it through static/js/portal.js)."""

import datetime
import re

from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"
WEEK = datetime.date(2026, 3, 2)  # a Monday inside the project (01/06/2023 – 31/05/2026)


def save(page, cell, value: str) -> None:
    cell.fill(value)
    with page.expect_response(lambda r: "/interventi/ore/cella/" in r.url):
        cell.press("Tab")


def test_the_ceiling_and_a_broken_cell_show_their_message_in_the_cell(world, page, live_server, login):
    educator = world.users.operatore
    educator.set_password(PASSWORD)
    educator.save()
    login("educatore", PASSWORD)
    page.goto(f"{live_server.url}/interventi/ore/?settimana={WEEK.isoformat()}")

    save(page, page.get_by_label(re.compile(r"Ore Coordinamento, .* 03/03")), "20")
    documentation = page.get_by_label(re.compile(r"Ore Documentazione, .* 03/03"))
    save(page, documentation, "5")
    alert = page.get_by_role("alert")
    assert alert.inner_text() == (
        "In un giorno non si possono registrare più di 24 ore: il totale del 03/03 sarebbe 25:00 h."
    )
    save(page, page.get_by_label(re.compile(r"Ore Documentazione, .* 03/03")), "1")
    page.reload()
    assert "giornata oltre 10:00 h" in page.locator("tfoot").inner_text()

    # A cell whose row has been tampered with: the server answers 400 and the message replaces the cell.
    formation = page.get_by_label(re.compile(r"Ore Formazione, .* 04/03"))
    formation.evaluate(
        "cell => cell.setAttribute('hx-vals', JSON.stringify({row: 'diretta_famiglia:abc', date: '2026-03-04'}))"
    )
    formation.fill("2")
    with page.expect_response(lambda r: "/interventi/ore/cella/" in r.url and r.status == 400):
        formation.press("Tab")
    assert page.get_by_role("alert").inner_text() == "Casella non valida: ricarica la pagina delle ore."
