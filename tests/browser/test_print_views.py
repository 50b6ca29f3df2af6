"""The Progetto Quadro's print view in a real browser (issue 15 §1): the funding line with the vendored EU emblem
loaded, the draft label and the signature block, under the Content Security Policy without a violation, and axe
finds no serious violation."""

import datetime

from families import services
from tests import factories as f
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"


def test_the_printed_plan_shows_the_emblem_the_draft_label_and_the_signatures(
    world, page, live_server, login, axe_violations
):
    family = f.make_family(world)
    services.plan_create(family=family, date=datetime.date(2024, 3, 5), general_aims="Finalità")
    world.users.case_manager.set_password(PASSWORD)
    world.users.case_manager.save()
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    login("assistente", PASSWORD)
    response = page.goto(f"{live_server.url}/famiglie/{family.pk}/progetto/stampa/")
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    emblem = page.get_by_role("img", name="Emblema dell'Unione europea")
    assert emblem.evaluate("img => img.complete && img.naturalWidth > 0")  # the vendored file, served
    assert "NextGenerationEU" in page.locator(".funding").inner_text()
    assert page.locator(".draft").inner_text() == "BOZZA — non ancora condivisa con la famiglia"
    assert page.get_by_role("heading", name="Firme").is_visible()
    assert violations == []
    assert axe_violations(page) == []
