"""In a real browser: the admin's family list fits a 1366 px screen (no sideways scrolling), with long names of
ambito, comune and case manager and the admin's menu open; its filters name the implementations with their
ambito."""

from tests import factories as f
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB
PASSWORD = "una-password-di-prova-2026"


def test_the_family_changelist_fits_1366_px(world, page, live_server, login):
    admin = world.users.admin
    admin.set_password(PASSWORD)
    admin.save()
    world.ambito.name = "Ambito territoriale di Castiglione delle Stiviere"
    world.ambito.save()
    comune = f.make_comune(world.ambito, "San Giorgio Bigarello di Mantova")
    world.equipe.comuni.add(comune)
    manager = world.users.case_manager
    manager.first_name, manager.last_name = "Maria Francesca", "Bevilacqua Lombardi"
    manager.save()
    for _ in range(3):
        f.make_family(world, comune=comune)
    f.make_family(
        world,
        case_manager=world.other.outsider,
        implementation=world.other.implementation,
        comune=world.other.comune,
        equipe=world.other.equipe,
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    login("admin", PASSWORD)
    response = page.goto(f"{live_server.url}/admin/families/family/")
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the page scrolls sideways by {overflow} px"
    table = page.evaluate(
        "(() => { const t = document.querySelector('#result_list');"
        " return t.getBoundingClientRect().right - t.parentElement.getBoundingClientRect().right; })()"
    )
    assert table <= 0, f"the table overflows its column by {table} px"
    filters = page.locator("#changelist-filter").inner_text()
    assert "P.I.P.P.I. 11 · Ambito territoriale di Castiglione delle Stiviere" in filters
    assert "P.I.P.P.I. 11 · Ambito OTH" in filters
    # The ambito is written under the comune, in the same column.
    assert "Ambito territoriale di Castiglione delle Stiviere" in page.locator("#result_list").inner_text()
