"""Each role's dashboard opens on "Da fare" with its pending work, a link per line that leads to exactly those
items, and no accessibility violation."""

import pytest

from families.models import State
from reporting import services
from reporting.tests.test_dashboard_pending import (
    confirmed_month,
    log_hours,
    old_complaint,
    on_path,
    run_in_review,
    survey_report_sent,
)

from .conftest import BROWSER_DB

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"

# Role → (username, a pending line it sees, the heading of the page its link opens).
ROLES = {
    "ufficio_piano": ("udp", "foglio ore da validare", "Fogli ore del personale"),
    "coordinatore": ("coordinatore", "Progetto Quadro con obiettivi da verificare", "Famiglie"),
    "case_manager": ("assistente", "valutazione T1/T2 scaduta", "Famiglie"),
    "operatore": ("educatore", "mese di ore da confermare", "I miei fogli ore mensili"),
    "referente_ente": ("referente", "testo rimandato dall'Ufficio di Piano da correggere", None),
}


def pending_for_every_role(world, advance):
    udp, referent = world.users.ufficio_piano, world.users.referente_ente
    confirmed_month(world.users.case_manager)
    log_hours(world.users.operatore)
    old_complaint(world)
    run_in_review(world.project, udp)
    returned = survey_report_sent(world, referent)
    services.survey_report_back_to_draft(report=returned, by=udp)
    on_path(world, advance, State.VALUTAZIONE_T2)  # its T2 objectives to verify
    on_path(world, advance, State.IN_CORSO)  # its T1 overdue


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_roles_dashboard_lists_its_pending_work(world, advance, page, login, axe_violations, role):
    username, line, heading = ROLES[role]
    pending_for_every_role(world, advance)
    user = getattr(world.users, role)
    user.set_password(PASSWORD)
    user.save()
    login(username, PASSWORD)
    section = page.get_by_role("region", name="Da fare")
    assert section.is_visible()
    link = section.get_by_role("link", name=line)
    assert link.is_visible()
    assert axe_violations(page) == []
    link.click()
    page.wait_for_load_state()
    if heading:
        assert page.get_by_role("heading", name=heading, exact=True).first.is_visible()


def test_the_referente_di_ambito_checks_a_codice_fiscale_registered_twice(world, page, login, axe_violations):
    from families.models import DuplicateConfirmation
    from tests import factories as f

    existing, family = f.make_family(world), f.make_family(world)
    DuplicateConfirmation.objects.create(
        family=family,
        member=family.members.first(),
        existing_family=existing,
        reason="Stessa bambina, affido condiviso tra i due nuclei.",
        by=world.users.case_manager,
    )
    world.users.coordinatore.set_password(PASSWORD)
    world.users.coordinatore.save()
    login("coordinatore", PASSWORD)
    page.get_by_role("region", name="Da fare").get_by_role(
        "link", name="codice fiscale registrato due volte da verificare"
    ).click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Codici fiscali registrati due volte").is_visible()
    row = page.get_by_role("row", name=family.code)
    assert existing.code in row.inner_text() and "affido condiviso" in row.inner_text()
    assert axe_violations(page) == []
    row.get_by_role("button", name="Segna come verificata").click()
    page.wait_for_load_state()
    assert page.get_by_text(f"Conferma {family.code} segnata come verificata.").is_visible()
    assert page.get_by_text("Nessuna conferma da verificare.").is_visible()
    assert axe_violations(page) == []
