"""The accessibility statement (AgID model): public, reached from every page's footer, with the conformity status,
the known limits, the feedback contact and its dates."""

from django.urls import reverse

from pippi_portal import views

URL = "/accessibilita/"


def test_the_statement_opens_without_login(client, db):
    response = client.get(URL)
    assert response.status_code == 200
    assert response.templates[0].name == "accessibility_statement.html"


def test_the_statement_gives_the_agid_models_sections(client, db):
    html = client.get(URL).content.decode()
    for heading in (
        "Dichiarazione di accessibilità",
        "Stato di conformità",
        "Contenuti non accessibili",
        "Redazione della dichiarazione di accessibilità",
        "Meccanismo di feedback e recapiti",
        "Procedura di attuazione",
    ):
        assert heading in html, heading
    assert "<strong>parzialmente conforme</strong>" in html
    assert "form.agid.gov.it" in html


def test_the_statement_names_its_known_limits(client, db):
    html = client.get(URL).content.decode()
    for limit in ("Documenti PDF", "Grafici", "Griglia settimanale delle ore", "Area di amministrazione"):
        assert limit in html, limit


def test_the_feedback_contact_comes_from_the_settings(client, db, settings):
    settings.ACCESSIBILITY_FEEDBACK_EMAIL = "scrivici@ambito.example"
    html = client.get(URL).content.decode()
    assert 'href="mailto:scrivici@ambito.example"' in html


def test_the_statement_shows_when_it_was_written_and_reviewed(client, db):
    html = client.get(URL).content.decode()
    written = views.ACCESSIBILITY_STATEMENT_WRITTEN
    assert f"redatta il {written.day} dicembre {written.year}" in html
    assert "riesaminata l'ultima volta il" in html


def test_the_statement_only_answers_get(client, db):
    assert client.post(URL).status_code == 405


def test_every_page_links_the_statement_from_its_footer(client, world, client_for):
    link = f'href="{reverse("accessibility-statement")}"'
    assert link in client.get(reverse("account_login")).content.decode()
    assert link in client_for(world.users.case_manager).get(reverse("dashboard")).content.decode()
    assert link in client.get(URL).content.decode()
