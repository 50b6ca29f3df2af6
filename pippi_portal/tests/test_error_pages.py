"""With DEBUG off (the default, `make run` included) every error answers an Italian page in the portal's
layout: never Django's technical page, its traceback or the list of URL patterns."""

import pytest
from django.template.loader import render_to_string
from django.test import Client

from .helpers import make_variables

STYLESHEET = "/static/css/portal.css"


@pytest.fixture(autouse=True)
def debug_off(settings):
    settings.DEBUG = False


def assert_no_technical_details(page: str) -> None:
    for technical in ("URLconf", "Traceback", "Request Method", "settings.py", "DEBUG"):
        assert technical not in page


@pytest.mark.parametrize("persona", [None, "case_manager", "admin"])
def test_an_unknown_address_answers_the_italian_404_page(world, client_for, persona):
    user = getattr(world.users, persona) if persona else None
    response = client_for(user).get("/nessuna-pagina/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Pagina non trovata" in page and STYLESHEET in page
    assert_no_technical_details(page)


@pytest.mark.urls("pippi_portal.tests.broken_urls")
def test_an_unexpected_error_answers_the_italian_500_page(db):
    client = Client()
    client.raise_request_exception = False
    response = client.get("/guasto/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "Si è verificato un errore" in page and STYLESHEET in page
    assert "guasto simulato" not in page and "RuntimeError" not in page
    assert_no_technical_details(page)


def test_the_500_page_needs_no_request_and_no_user():
    """Django renders it without a request: the layout must not need a user, a session or the database."""
    page = render_to_string("500.html")
    assert "Si è verificato un errore" in page and STYLESHEET in page
    assert "Esci" not in page


def test_a_request_for_another_host_answers_the_italian_400_page(db):
    response = Client().get("/accounts/login/", HTTP_HOST="portale.example.org")
    page = response.content.decode()
    assert response.status_code == 400
    assert "Richiesta non valida" in page and STYLESHEET in page
    assert_no_technical_details(page)


def test_a_page_the_role_may_not_open_answers_the_italian_403_page(world, client_for):
    response = client_for(world.users.operatore).get("/personale/")
    page = response.content.decode()
    assert response.status_code == 403
    assert "Accesso negato" in page and STYLESHEET in page


def test_a_form_sent_without_its_csrf_token_answers_the_italian_403_page(db):
    response = Client(enforce_csrf_checks=True).post("/accounts/login/", {"login": "x", "password": "y"})
    page = response.content.decode()
    assert response.status_code == 403
    assert "Modulo non accettato" in page and STYLESHEET in page
    assert "CSRF verification failed" not in page


def test_make_run_serves_the_demo_with_debug_off():
    assert "DEBUG" not in make_variables("run")
