"""A satisfaction survey in a real browser: the Ufficio di Piano creates it and prints single-use links, an
anonymous visitor answers through one, the link refuses a second answer, and the results show the answer."""

import datetime

from django.utils import timezone

from reporting.models import SatisfactionSurvey, SurveyResponse
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB

PASSWORD = "una-password-di-prova-2026"


def test_udp_creates_a_survey_prints_links_and_reads_an_anonymous_answer(
    world, browser, page, live_server, login, axe_violations
):
    udp = world.users.ufficio_piano
    udp.set_password(PASSWORD)
    udp.save()
    today = timezone.localdate()

    login("udp", PASSWORD)
    page.get_by_role("button", name="Rendicontazione").click()
    page.get_by_role("link", name="Qualità: questionari, reclami, controlli, impatto").click()
    page.get_by_role("link", name="Questionari di soddisfazione").click()
    page.get_by_role("link", name="Nuovo questionario").click()
    page.get_by_label("Destinatari").select_option("beneficiari")
    page.get_by_label("Titolo").fill("Soddisfazione delle famiglie")
    page.get_by_label("Inizio della rilevazione").fill(today.isoformat())
    page.get_by_label("Fine della rilevazione").fill((today + datetime.timedelta(days=30)).isoformat())
    page.get_by_label("Affermazioni").fill("Mi sono sentito ascoltato.\nConsiglierei il percorso.")
    page.get_by_role("button", name="Salva").click()
    page.wait_for_load_state()
    survey = SatisfactionSurvey.objects.get()
    assert page.url == f"{live_server.url}{survey.get_absolute_url()}"

    page.get_by_role("link", name="Genera link anonimi").click()
    page.get_by_label("Quanti link").fill("2")
    page.get_by_role("button", name="Genera i link").click()
    page.wait_for_load_state()
    assert page.locator(".link-card svg").count() == 2
    link_url = page.locator(".link-url").first.inner_text()
    assert link_url.startswith(f"{live_server.url}/rendicontazione/q/")

    # Somebody without an account opens the printed address.
    visitor = browser.new_context(locale="it-IT", timezone_id="Europe/Rome")
    anonymous = visitor.new_page()
    anonymous.goto(link_url)
    assert anonymous.get_by_role("heading", name="Soddisfazione delle famiglie").is_visible()
    assert axe_violations(anonymous) == []
    anonymous.get_by_role("group", name="1. Mi sono sentito ascoltato.").get_by_label("5 · del tutto d'accordo").check()
    anonymous.get_by_role("group", name="2. Consiglierei il percorso.").get_by_label("4 · abbastanza d'accordo").check()
    anonymous.get_by_label("Vuoi aggiungere un commento? (facoltativo)").fill("Grazie per l'aiuto.")
    anonymous.get_by_role("button", name="Invia le risposte").click()
    anonymous.wait_for_load_state()
    assert anonymous.get_by_role("heading", name="Grazie!").is_visible()
    assert SurveyResponse.objects.get().channel == "link"

    # The same link a second time is refused kindly.
    anonymous.goto(link_url)
    assert anonymous.get_by_role("heading", name="Questionario già compilato").is_visible()
    visitor.close()

    page.goto(f"{live_server.url}{survey.get_absolute_url()}")
    page.get_by_role("link", name="Risultati", exact=True).click()
    page.wait_for_load_state()
    assert page.get_by_text("questionari compilati").is_visible()
    first_row = page.get_by_role("row", name="1. Mi sono sentito ascoltato.")
    assert "5,00" in first_row.inner_text()
    assert "4,50" in page.content()  # the overall mean of 5 and 4
    assert axe_violations(page) == []
