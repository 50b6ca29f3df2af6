"""Password reset by e-mail: the link works, a mail server that is down gives the usual page and a log line
(never a 500, never the link in the log), and the development file backend writes the message to its folder."""

import logging
import re
import socket

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

PASSWORD = "una-password-di-prova-2026"
NEW_PASSWORD = "un-altra-password-sicura-2026"
RESET_LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)")
SENT_PAGE_TEXT = "Ti abbiamo inviato un'email"


@pytest.fixture
def user(world):
    user = world.users.case_manager
    user.email = "assistente@example.invalid"
    user.set_password(PASSWORD)
    user.save()
    return user


def ask_for_reset(client: Client, email: str):
    return client.post(reverse("account_reset_password"), {"email": email})


def closed_port() -> int:
    """A local port nobody listens on: connecting to it is refused at once."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_link_sent_by_mail_sets_a_new_password(user):
    client = Client()
    response = ask_for_reset(client, user.email)
    assert response.status_code == 302 and response.url == reverse("account_reset_password_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [user.email]
    assert mail.outbox[0].from_email == "PIPPI Portal <noreply@localhost>"
    link = RESET_LINK.search(mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # allauth moves the key out of the URL into the session
    done = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert done.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)


def test_a_mail_server_that_refuses_the_connection_is_logged_and_the_visitor_sees_the_usual_page(
    user, settings, caplog
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", closed_port()
    client = Client()
    client.raise_request_exception = False
    with caplog.at_level(logging.ERROR):
        response = ask_for_reset(client, user.email)
    assert response.status_code == 302 and response.url == reverse("account_reset_password_done")
    assert SENT_PAGE_TEXT in client.get(response.url).content.decode()
    failures = [r for r in caplog.records if r.name == "equipes.adapters"]
    assert len(failures) == 1 and failures[0].levelno == logging.ERROR
    assert "ConnectionRefusedError" in failures[0].getMessage()
    # Nothing in the log would let whoever reads it reset the password.
    assert "/accounts/password/reset/key/" not in caplog.text
    assert all(record.exc_info is None for record in failures)


def test_the_development_backend_writes_the_message_to_its_folder(user, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    client = Client()
    assert ask_for_reset(client, user.email).status_code == 302
    (message,) = (settings.EMAIL_FILE_PATH).iterdir()
    link = RESET_LINK.search(message.read_text()).group(1)
    assert client.get(link).status_code == 302  # a valid key: on to the form that sets the password


def test_an_unknown_address_gets_the_same_page(world):
    response = ask_for_reset(Client(), "nessuno@example.invalid")
    assert response.status_code == 302 and response.url == reverse("account_reset_password_done")
