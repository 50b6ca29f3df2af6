"""The family's page and its sub-pages in a real browser, at a desk (1366 px) and on a phone (390 × 844): the
members table fits with its edit links, the page never scrolls sideways, the monthly hours fold into one line
per year that opens, a step that cannot be taken yet is a disabled button that says why, and the team form
fills the role from the operator's profile. axe finds no violation in any of these states."""

import datetime
from decimal import Decimal

import pytest

from equipes.models import Profile, Role
from families.models import Member, State
from interventions import services as hours
from interventions.models import Intervention, InterventionType
from tests import factories as f
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"
DESK = {"width": 1366, "height": 768}
PHONE = {"width": 390, "height": 844}
SCHOOL = "Istituto Comprensivo «Papa Giovanni XXIII» — Scuola primaria di via Alessandro Manzoni"
# The hours of the family's educator: one day a month from March 2024 to May 2026 (the project's last month).
MONTHS = [datetime.date(2024 + (2 + i) // 12, (2 + i) % 12 + 1, 12) for i in range(27)]


def first_monday_on_or_after(day: datetime.date) -> datetime.date:
    return day + datetime.timedelta(days=(7 - day.weekday()) % 7)


@pytest.fixture
def family_on_its_path(world, family, advance):
    """A family on its path for more than two years: its children at school, an educational intervention and
    the educator's hours in every month."""
    family = advance(family, State.IN_CORSO)
    for i, child in enumerate(family.members.filter(kind=Member.Kind.MINORE)):
        child.school, child.school_class = SCHOOL, f"{3 + i}ª B"
        child.relationship = "figlio"
        child.save()
    intervention = Intervention.objects.create(
        family=family,
        type=InterventionType.objects.get(code="sedt", ambito__isnull=True),
        start_date=datetime.date(2024, 3, 4),
        planned_hours_per_week=Decimal("8"),
    )
    intervention.assigned_users.add(world.users.operatore)
    for month in MONTHS:
        hours.time_entry_set(
            user=world.users.operatore,
            day=first_monday_on_or_after(month),
            activity="diretta_famiglia",
            minutes=150,
            family=family,
        )
    world.users.case_manager.set_password(PASSWORD)
    world.users.case_manager.save()
    return family


def page_overflow(page) -> int:
    """How many pixels the page is wider than the window (0 when it does not scroll sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_family_page_at_a_desk_shows_every_members_edit_link(
    world, family_on_its_path, page, live_server, login, axe_violations
):
    family = family_on_its_path
    page.set_viewport_size(DESK)
    login("assistente", PASSWORD)
    page.goto(f"{live_server.url}/famiglie/{family.pk}/")
    table = page.locator("table.members-table")
    assert table.evaluate("t => t.scrollWidth <= t.parentElement.clientWidth")
    edits = table.get_by_role("link", name="Modifica")
    assert edits.count() == family.members.count() == 3
    for i in range(edits.count()):
        box = edits.nth(i).bounding_box()
        assert box is not None and box["width"] > 0
        assert box["x"] + box["width"] <= DESK["width"]
        assert edits.nth(i).is_visible()
    assert page_overflow(page) <= 0
    assert axe_violations(page) == []


def test_the_monthly_hours_fold_into_one_line_per_year_that_opens(
    world, family_on_its_path, page, live_server, login, axe_violations
):
    family = family_on_its_path
    page.set_viewport_size(DESK)
    login("assistente", PASSWORD)
    page.goto(f"{live_server.url}/famiglie/{family.pk}/")
    # Not one line a month in the path itself: one line a year under it, the newest first.
    assert page.locator("ol.timeline > li", has_text="Ore dedicate nel mese").count() == 0
    years = page.locator(".timeline-years details")
    assert [years.nth(i).locator("summary").inner_text() for i in range(years.count())] == [
        "2026 — Ore dedicate nel mese: 5 mesi",
        "2025 — Ore dedicate nel mese: 12 mesi",
        "2024 — Ore dedicate nel mese: 10 mesi",
    ]
    may_2026 = years.first.get_by_text("Maggio 2026")
    assert not may_2026.is_visible()
    years.first.locator("summary").click()
    assert may_2026.is_visible()
    months = years.first.locator("li")
    assert months.first.inner_text().startswith("Maggio 2026")
    assert months.last.inner_text().startswith("Gennaio 2026")
    # The diary is no longer pushed far below: it starts within the second screen.
    assert page.locator("#notes-title").bounding_box()["y"] < 2 * DESK["height"]
    assert axe_violations(page) == []


def test_the_family_page_and_its_sub_pages_on_a_phone_do_not_scroll_sideways(
    world, family_on_its_path, page, live_server, login, axe_violations
):
    family = family_on_its_path
    page.set_viewport_size(PHONE)
    login("assistente", PASSWORD)
    base = f"{live_server.url}/famiglie/{family.pk}"
    page.goto(f"{base}/")
    assert page_overflow(page) <= 0
    # Each member is a card with its edit link in view across the width.
    first_edit = page.locator("table.members-table").get_by_role("link", name="Modifica").first
    first_edit.scroll_into_view_if_needed()
    box = first_edit.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.get_by_text(SCHOOL + ", 3ª B").first.is_visible()
    page.locator(".timeline-years summary").first.click()
    assert page_overflow(page) <= 0
    assert axe_violations(page) == []
    for sub_page in ("equipe/", "valutazioni/", "progetto/"):
        page.goto(f"{base}/{sub_page}")
        assert page_overflow(page) <= 0, sub_page
        assert axe_violations(page) == [], sub_page


def test_a_step_not_yet_possible_is_a_disabled_button_that_says_why(
    world, family_on_its_path, page, live_server, login, axe_violations
):
    family = family_on_its_path
    family.plans.get().objectives.order_by("pk").last().delete()  # one objective left to verify at T1
    login("assistente", PASSWORD)
    page.goto(f"{live_server.url}/famiglie/{family.pk}/")
    step = page.get_by_role("button", name="Avvia la valutazione finale T2")
    assert step.is_disabled()
    reason = page.locator("#" + step.get_attribute("aria-describedby"))
    assert "la valutazione T1 completa" in reason.inner_text()
    assert "la verifica T1 di 1 obiettivo" in reason.inner_text()
    # A step with nothing missing stays open: suspending asks for its reason.
    assert page.locator("summary", has_text="Sospendi").is_visible()
    assert axe_violations(page) == []


def test_choosing_an_operator_fills_the_role_from_the_profile(
    world, family_on_its_path, page, live_server, login, axe_violations
):
    family = family_on_its_path
    psicologa = f.make_user(
        world.ambito,
        Role.OPERATORE,
        world.coop,
        username="psicologa",
        first_name="Irene",
        last_name="Prova",
        profile=Profile.PSICOLOGO,
    )
    login("assistente", PASSWORD)
    page.goto(f"{live_server.url}/famiglie/{family.pk}/equipe/")
    operators = page.locator("#id_user")
    assert "Irene Prova — Psicologo" in operators.inner_text()
    operators.select_option(str(psicologa.pk))
    assert page.locator("#id_role").input_value() == "Psicologo"
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    assert family.team.get(user=psicologa).role == "Psicologo"
    assert axe_violations(page) == []


def test_an_ended_familys_assessment_reads_without_a_way_to_change_it(
    world, family, advance, page, live_server, login, axe_violations
):
    family = advance(family, State.CONCLUSA)
    world.users.operatore.set_password(PASSWORD)
    world.users.operatore.save()
    login("educatore", PASSWORD)
    page.goto(f"{live_server.url}/famiglie/{family.pk}/valutazioni/")
    assert page.get_by_text("La famiglia ha concluso il percorso").is_visible()
    page.get_by_role("link", name="Consulta la valutazione T2").click()
    page.wait_for_load_state()
    ratings = page.locator("select[name^=rating_]")
    assert ratings.count() > 0 and all(ratings.nth(i).is_disabled() for i in range(ratings.count()))
    assert page.get_by_role("button", name="Salva la valutazione").count() == 0
    assert axe_violations(page) == []
    page.set_viewport_size(PHONE)
    assert page_overflow(page) <= 0


def test_an_operator_and_an_external_person_together_are_refused_on_the_field(
    world, family_on_its_path, page, live_server, login, axe_violations
):
    family = family_on_its_path
    login("assistente", PASSWORD)
    page.goto(f"{live_server.url}/famiglie/{family.pk}/equipe/")
    page.select_option("#id_user", str(world.users.case_manager.pk))
    page.fill("#id_external_name", "Maestra Bianchi")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    assert page.get_by_text("Indica una sola persona: hai già scelto un operatore.").is_visible()
    assert "team_member_is_one_kind" not in page.content()
    assert axe_violations(page) == []
