"""Registering a family in a real browser (issue 14 §2): the error summary takes the focus and leads to the
field in error, members are added and removed one block at a time, and a codice fiscale already registered
in the ambito is warned about; axe finds no violation in either state."""

import datetime

from django.utils import timezone

from families.models import DuplicateConfirmation, Family
from tests import factories as f
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"
NIVES = ("Nives", "Colombo", datetime.date(2018, 2, 11), "F")


def open_referral(page, live_server, login, world):
    world.users.case_manager.set_password(PASSWORD)
    world.users.case_manager.save()
    f.running_implementation(world.ambito)  # offered by the form (the world's own ended on 31/05/2026)
    login("assistente", PASSWORD)
    page.goto(f"{live_server.url}/famiglie/nuova/")


def fill_family(page, world):
    page.select_option("#id_referral-source", "scuola")
    page.fill("#id_referral-reason", "La scuola segnala assenze ripetute.")
    page.select_option("#id_family-comune", str(world.comune.pk))
    # The world's implementation ended on 31/05/2026: a new family goes into one taking families today.
    page.select_option("#id_family-implementation", str(f.running_implementation(world.ambito).pk))


def fill_member(page, i, kind, first, last, birth, sex, code=""):
    page.select_option(f"#id_members-{i}-kind", kind)
    page.fill(f"#id_members-{i}-first_name", first)
    page.fill(f"#id_members-{i}-last_name", last)
    page.fill(f"#id_members-{i}-birth_date", birth.isoformat())
    page.select_option(f"#id_members-{i}-sex", sex)
    if code:
        page.fill(f"#id_members-{i}-codice_fiscale", code)


def submit(page):
    page.get_by_role("button", name="Registra la segnalazione").click()
    page.wait_for_load_state()


def test_an_error_in_a_member_block_is_summarised_at_the_top_with_the_focus_on_it(
    world, page, live_server, login, axe_violations
):
    open_referral(page, live_server, login, world)
    assert page.input_value("#id_referral-date") == timezone.localdate().isoformat()
    assert page.locator("[data-member-block]:visible").count() == 1
    assert axe_violations(page) == []

    fill_family(page, world)
    fill_member(page, 0, "figura_genitoriale", "Ada", "Esempio", datetime.date(1985, 4, 2), "F")
    # Three blocks, the middle one removed: two remain, numbered 1 and 2.
    add = page.get_by_role("button", name="Aggiungi un componente")
    add.click()
    assert page.evaluate("document.activeElement.id") == "id_members-1-kind"
    add.click()
    page.locator("#members-1-block").get_by_role("button", name="Togli questo componente").click()
    assert page.locator("[data-member-block]:visible").count() == 2
    assert page.locator("#members-2-block legend").inner_text() == "Componente 2"
    fill_member(page, 2, "minore", "Lia", "Esempio", datetime.date(2017, 3, 9), "F", code="RSSMRA15D03I625X")
    submit(page)

    summary = page.locator("#error-summary")
    assert summary.is_visible()
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert "Componente 2 — Codice fiscale: Il codice fiscale non è valido" in summary.inner_text()
    assert axe_violations(page) == []
    summary.get_by_role("link", name="Componente 2 — Codice fiscale", exact=False).click()
    assert page.evaluate("document.activeElement.id") == "id_members-2-codice_fiscale"
    assert not Family.objects.exists()


def test_a_codice_fiscale_already_in_the_ambito_is_warned_about_and_confirmed_with_a_reason(
    world, page, live_server, login, axe_violations
):
    existing = f.make_family(world)
    first, last, birth, sex = NIVES
    code = f.synthetic_codice_fiscale(first, last, birth, sex)
    existing.members.create(
        kind="minore", first_name=first, last_name=last, birth_date=birth, sex=sex, codice_fiscale=code
    )
    open_referral(page, live_server, login, world)
    fill_family(page, world)
    fill_member(page, 0, "minore", first, last, birth, sex, code=code)
    submit(page)

    block = page.locator("#members-0-block")
    assert f"Questo codice fiscale è già registrato nella famiglia {existing.code}." in block.inner_text()
    assert block.get_by_role("link", name=existing.code).get_attribute("href") == f"/famiglie/{existing.pk}/"
    assert page.evaluate("document.activeElement.id") == "error-summary"
    assert axe_violations(page) == []

    page.check("#id_members-0-confirm_duplicate")
    page.fill("#id_members-0-duplicate_reason", "La madre è segnalata con il nuovo compagno.")
    submit(page)
    new = Family.objects.exclude(pk=existing.pk).get()
    assert page.url == f"{live_server.url}/famiglie/{new.pk}/"
    assert DuplicateConfirmation.objects.get().existing_family == existing
