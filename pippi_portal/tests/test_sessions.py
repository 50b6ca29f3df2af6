"""Sessions end after 30 minutes without requests and 12 hours after the login; a disabled user's
session dies at its next request."""

import time

from django.conf import settings
from django.contrib.sessions.models import Session
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from pippi_portal.security import LOGIN_AT, SEEN_AT


def shift(client, **seconds_ago) -> None:
    """Move the session's login and last-request moments into the past."""
    session = client.session
    now = time.time()
    if "login" in seconds_ago:
        session[LOGIN_AT] = now - seconds_ago["login"]
    if "seen" in seconds_ago:
        session[SEEN_AT] = now - seconds_ago["seen"]
    session.save()


def test_an_active_session_goes_on_and_slides(world, client_for):
    client = client_for(world.users.case_manager)
    shift(client, login=3600, seen=29 * 60)
    assert client.get(reverse("dashboard")).status_code == 200
    assert time.time() - client.session[SEEN_AT] < 5


def test_thirty_minutes_without_requests_end_the_session(world, client_for):
    client = client_for(world.users.case_manager)
    key = client.session.session_key
    shift(client, login=3600, seen=31 * 60)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not Session.objects.filter(session_key=key).exists()
    page = client.get(response.url).content.decode()
    assert "30 minuti di inattività" in page


def test_twelve_hours_after_the_login_the_session_ends_whatever_the_activity(world, client_for):
    client = client_for(world.users.case_manager)
    shift(client, login=12 * 3600 + 60, seen=10)
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert "più di 12 ore" in client.get(response.url).content.decode()


def test_a_session_without_a_login_moment_is_not_trusted(world, client_for):
    client = client_for(world.users.case_manager)
    session = client.session
    del session[LOGIN_AT]
    session.save()
    assert client.get(reverse("dashboard")).status_code == 302


def test_a_disabled_users_session_dies_at_the_next_request(world, client_for):
    user = world.users.operatore
    client = client_for(user)
    key = client.session.session_key
    assert client.get(reverse("dashboard")).status_code == 200
    user.is_active = False
    user.save()
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    assert not Session.objects.filter(session_key=key).exists()
    # Re-enabling the account does not bring the old session back.
    user.is_active = True
    user.save()
    assert client.get(reverse("dashboard")).status_code == 302


def test_the_server_side_session_lifetime_is_the_idle_limit(world, client_for):
    assert settings.SESSION_COOKIE_AGE == settings.SESSION_IDLE_SECONDS == 30 * 60
    assert settings.SESSION_ABSOLUTE_SECONDS == 12 * 3600
    client = client_for(world.users.case_manager)
    shift(client, seen=120)  # the request below writes the session, and its cookie, again
    client.get(reverse("dashboard"))
    assert 29 * 60 < client.session.get_expiry_age() <= 30 * 60
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == ""  # a browser-session cookie


def test_a_page_within_the_minute_does_not_rewrite_the_session(world, client_for):
    client = client_for(world.users.case_manager)
    client.get(reverse("dashboard"))
    seen = client.session[SEEN_AT]
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(reverse("equipes:profile")).status_code == 200
    assert not [q["sql"] for q in ctx.captured_queries if q["sql"].startswith('UPDATE "django_session"')]
    assert client.session[SEEN_AT] == seen
