"""Hours in a real browser: the educator fills a week of SEDT hours and confirms the month, the cooperative's
referent validates it, and the Ufficio di Piano sees the budget move by exactly those hours."""

import datetime
import random
import re
from decimal import Decimal

from demo.path import walk
from families.models import State, TeamMember
from interventions.models import BudgetLine, Intervention, InterventionType
from tests import factories as f
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"
WEEK = datetime.date(2026, 3, 2)  # a Monday inside the project (01/06/2023 – 31/05/2026)


def educator_row(page) -> str:
    return page.locator("tr", has=page.get_by_role("rowheader", name="Educatore")).inner_text()


def test_week_of_hours_confirmed_validated_and_counted(world, page, live_server, login):
    users = world.users
    for user in (users.operatore, users.referente_ente, users.ufficio_piano):
        user.set_password(PASSWORD)
        user.save()
    family = f.make_family(world, referral_date=datetime.date(2025, 9, 1))
    TeamMember.objects.create(family=family, user=users.operatore, role="Educatore")
    walk(
        family,
        State.IN_CORSO,
        by=users.case_manager,
        operator=users.operatore,
        t0=datetime.date(2025, 10, 15),
        rng=random.Random(5),
    )
    sedt = Intervention.objects.create(
        family=family,
        type=InterventionType.objects.get(code="sedt"),
        start_date=datetime.date(2025, 11, 3),
        planned_hours_per_week=Decimal(8),
    )
    sedt.assigned_users.add(users.operatore)
    BudgetLine.objects.create(project=world.project, profile="educatore", minimum_hours=6000, hourly_cost=22)
    base = live_server.url

    # The Ufficio di Piano looks at the budget first: nothing delivered yet.
    login("udp", PASSWORD)
    page.goto(f"{base}/interventi/progetti/{world.project.pk}/budget/")
    assert "Educatore\t6.000\t0,0" in educator_row(page)
    page.get_by_role("button", name="Esci").click()

    # The educator fills the week: 2,5 h on Monday, Wednesday and Friday, 1,5 h of EM on Thursday = 9 hours.
    login("educatore", PASSWORD)
    page.goto(f"{base}/interventi/ore/?settimana={WEEK.isoformat()}")
    cells = {
        ("attività diretta", "02/03"): "2,5",
        ("attività diretta", "04/03"): "2,5",
        ("attività diretta", "06/03"): "2,5",
        ("riunione EM", "05/03"): "1,5",
    }
    for (row, day), value in cells.items():
        cell = page.get_by_label(re.compile(f"Ore {family.code} · {row}, .* {day}"))
        cell.fill(value)
        with page.expect_response(lambda r: "/interventi/ore/cella/" in r.url):
            cell.press("Tab")
    page.reload()
    assert page.locator("tfoot").inner_text().strip().endswith("9:00")
    page.goto(f"{base}/interventi/ore/2026/3/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Conferma il mese").click()
    page.wait_for_load_state()
    assert page.get_by_text("Confermato dall'operatore").first.is_visible()
    page.get_by_role("button", name="Esci").click()

    # The cooperative's referent validates it.
    login("referente", PASSWORD)
    page.goto(f"{base}/interventi/fogli/")
    page.get_by_role("link", name=re.compile("marzo 2026", re.IGNORECASE)).click()
    page.get_by_role("button", name="Valida il foglio ore").click()
    page.wait_for_load_state()
    assert page.get_by_text("Validato").first.is_visible()
    page.get_by_role("button", name="Esci").click()

    # The budget moved by exactly those 9 hours (€ 198).
    login("udp", PASSWORD)
    page.goto(f"{base}/interventi/progetti/{world.project.pk}/budget/")
    row = educator_row(page)
    assert "Educatore\t6.000\t9,0" in row
    assert "€ 198,00" in row
