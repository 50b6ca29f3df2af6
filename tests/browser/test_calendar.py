"""The calendar of the programme as it is today (issue 14 §5), in a real browser: the new page states keep axe at 0
violations. The world's project ended on 31/05/2026, before the portal's real calendar (02/12/2026)."""

import datetime

from django.urls import reverse
from django.utils import timezone

from reporting import services
from reporting.models import Audience, SatisfactionSurvey
from tests import factories as f
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"


def test_the_ended_project_the_over_survey_and_the_referral_form_read_well(
    world, page, live_server, login, axe_violations
):
    users = world.users
    for user in (users.ufficio_piano, users.case_manager):
        user.set_password(PASSWORD)
        user.save()
    ended = world.project.end_date
    assert ended < timezone.localdate()
    survey = services.survey_create(
        survey=SatisfactionSurvey(
            project=world.project,
            audience=Audience.BENEFICIARI,
            title="Soddisfazione delle famiglie",
            period_start=datetime.date(2025, 4, 1),
            period_end=datetime.date(2025, 5, 31),
        ),
        statements=["Mi sono sentito ascoltato."],
        by=users.ufficio_piano,
    )

    login("udp", PASSWORD)
    page.goto(f"{live_server.url}{reverse('interventions:budget', args=[world.project.pk])}")
    assert page.locator("#project-calendar").inner_text() == f"Progetto terminato il {ended:%d/%m/%Y}"
    assert axe_violations(page) == []

    page.goto(f"{live_server.url}{reverse('reporting:survey-links-create', args=[survey.pk])}")
    assert "si è chiusa il 31/05/2025" in page.locator("#form-warning").inner_text()
    assert page.get_by_label("Valido fino al").input_value() == ""
    assert axe_violations(page) == []
    page.get_by_label("Quanti link").fill("3")
    page.get_by_label("Valido fino al").fill((timezone.localdate() + datetime.timedelta(days=10)).isoformat())
    page.get_by_role("button", name="Genera i link").click()
    page.wait_for_load_state()
    assert page.get_by_text("Generati 3 link validi fino al").is_visible()
    assert axe_violations(page) == []

    page.context.clear_cookies()
    login("assistente", PASSWORD)
    page.goto(f"{live_server.url}{reverse('families:family-create')}")
    assert page.locator("#id_family-implementation option").all_inner_texts() == ["---------"]
    assert page.get_by_text("Nessuna implementazione in corso accoglie nuove famiglie").is_visible()
    assert axe_violations(page) == []
    running = f.running_implementation(world.ambito)
    page.reload()
    assert page.locator("#id_family-implementation option").all_inner_texts() == ["---------", running.label]
