"""The Bootstrap Italia look in a real browser: the accessibility statement is one click from any page's footer,
public, and axe finds nothing on it; on a phone (390 × 844) the menu opens from its button with every link and
the page does not scroll sideways; the keyboard focus keeps the portal's 3 px outline; no CSP violation."""

from tests.browser.conftest import BROWSER_DB
from tests.browser.test_security import watch_csp

pytestmark = BROWSER_DB
PASSWORD = "una-password-di-prova-2026"
PHONE = {"width": 390, "height": 844}


def axe_violations(page) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:3]}" for v in results.response["violations"]
    ]


def test_the_accessibility_statement_is_one_click_from_the_login_pages_footer(db, page, live_server):
    violations = watch_csp(page)
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_role("contentinfo").get_by_role("link", name="Dichiarazione di accessibilità").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/accessibilita/"
    assert page.get_by_role("heading", name="Dichiarazione di accessibilità", level=1).is_visible()
    assert page.get_by_text("parzialmente conforme").is_visible()
    assert axe_violations(page) == []
    assert violations == []


def test_the_header_names_the_ambito_and_the_menu_opens_on_a_phone(world, page, live_server, login):
    user = world.users.case_manager
    user.set_password(PASSWORD)
    user.save()
    violations = watch_csp(page)
    page.set_viewport_size(PHONE)
    login("assistente", PASSWORD)
    page.goto(f"{live_server.url}/famiglie/")
    assert page.get_by_role("banner").get_by_text(world.ambito.name, exact=True).is_visible()
    menu = page.get_by_role("navigation", name="Navigazione principale")
    families = menu.get_by_role("link", name="Famiglie")
    assert not families.is_visible()
    menu.get_by_role("button", name="Apri il menu").click()
    families.wait_for(state="visible")
    assert families.get_attribute("aria-current") == "true"
    for name in ("Cruscotto", "Interventi e ore", "Organizzazione"):
        assert menu.get_by_text(name, exact=True).is_visible(), name
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe_violations(page) == []
    assert violations == []


def test_the_keyboard_focus_keeps_the_3_px_outline(world, page, live_server, login):
    user = world.users.case_manager
    user.set_password(PASSWORD)
    user.save()
    login("assistente", PASSWORD)
    page.keyboard.press("Tab")  # the skip link
    page.keyboard.press("Tab")  # the first link of the header
    style = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement); return [s.outlineWidth, s.outlineStyle]; })()"
    )
    assert style == ["3px", "solid"]
