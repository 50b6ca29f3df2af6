"""Five failed logins for a username from an address lock that pair out for 15 minutes (django-axes)."""

import datetime

import pytest
from axes.models import AccessAttempt, AccessFailureLog
from django.core.cache import cache
from django.test import Client
from django.urls import reverse

PASSWORD = "una-password-di-prova-2026"


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    """allauth also limits failed logins per address (in the cache): start each test from zero."""
    cache.clear()


@pytest.fixture
def user(world):
    user = world.users.case_manager
    user.set_password(PASSWORD)
    user.save()
    return user


def attempt(client: Client, username: str, password: str, address: str = "192.0.2.10", **headers):
    return client.post(
        reverse("account_login"), {"login": username, "password": password}, REMOTE_ADDR=address, **headers
    )


def fail_five_times(client: Client, username: str, address: str = "192.0.2.10"):
    return [attempt(client, username, "sbagliata-davvero", address) for _ in range(5)]


def test_four_failures_leave_the_login_open(user):
    client = Client()
    for _ in range(4):
        assert attempt(client, user.username, "sbagliata").status_code == 200
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_the_fifth_failure_locks_the_username_from_that_address_with_an_italian_page(user):
    client = Client()
    responses = fail_five_times(client, user.username)
    assert responses[-1].status_code == 429
    locked = attempt(client, user.username, PASSWORD)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Accesso temporaneamente bloccato" in page and "15 minuti" in page
    assert client.get(reverse("dashboard")).status_code == 302  # the right password did not log in


def test_the_lockout_is_per_username_and_address(user, world):
    other = world.users.operatore
    other.set_password(PASSWORD)
    other.save()
    fail_five_times(Client(), user.username, "192.0.2.10")
    assert attempt(Client(), user.username, PASSWORD, "198.51.100.7").status_code == 302
    assert attempt(Client(), other.username, PASSWORD, "192.0.2.10").status_code == 302


def test_the_username_is_counted_whatever_its_case(user):
    client = Client()
    for name in ("assistente", "ASSISTENTE", "Assistente", "assistente ", "aSSistente"):
        attempt(client, name, "sbagliata")
    assert attempt(client, user.username, PASSWORD).status_code == 429


def test_a_forged_forwarded_for_header_does_not_escape_the_lockout(user):
    client = Client()
    for n in range(5):
        attempt(client, user.username, "sbagliata", HTTP_X_FORWARDED_FOR=f"203.0.113.{n}")
    assert attempt(client, user.username, PASSWORD, HTTP_X_FORWARDED_FOR="203.0.113.99").status_code == 429


def test_behind_a_trusted_proxy_the_address_is_the_one_the_proxy_appended(user, settings):
    settings.BEHIND_PROXY = True
    client = Client()
    for _ in range(5):
        attempt(client, user.username, "sbagliata", "10.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.44")
    record = AccessAttempt.objects.get()
    assert record.ip_address == "192.0.2.44"
    # Another client behind the same proxy is not locked out.
    assert attempt(client, user.username, PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="192.0.2.45").status_code == 302


def test_the_lockout_ends_after_15_minutes(user):
    client = Client()
    fail_five_times(client, user.username)
    assert attempt(client, user.username, PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=datetime.datetime.now(datetime.UTC) - datetime.timedelta(minutes=16))
    assert attempt(client, user.username, PASSWORD).status_code == 302


def test_failures_and_lockouts_are_recorded_and_shown_in_the_admin(user, world, client_for):
    fail_five_times(Client(), user.username)
    assert AccessFailureLog.objects.filter(username="assistente").count() == 5
    assert AccessFailureLog.objects.filter(locked_out=True).exists()
    admin = client_for(world.users.admin)
    index = admin.get(reverse("admin:index")).content.decode()
    assert "Accessi non riusciti" in index and "Tentativi falliti e blocchi" in index
    failures = admin.get(reverse("admin:pippi_portal_loginfailure_changelist")).content.decode()
    assert "assistente" in failures and "ha causato il blocco" in failures.lower()
    lockouts = admin.get(reverse("admin:pippi_portal_loginlockout_changelist")).content.decode()
    assert "assistente" in lockouts and "tentativi falliti" in lockouts.lower()


def test_the_admin_unlocks_a_user_by_deleting_the_attempts(user, world, client_for):
    fail_five_times(Client(), user.username)
    admin = client_for(world.users.admin)
    attempt_row = AccessAttempt.objects.get()
    admin.post(
        reverse("admin:pippi_portal_loginlockout_changelist"),
        {"action": "unlock", "_selected_action": [attempt_row.pk]},
    )
    assert not AccessAttempt.objects.exists()
    assert attempt(Client(), user.username, PASSWORD).status_code == 302


def test_the_security_admin_pages_are_read_only(world, client_for):
    admin = client_for(world.users.admin)
    assert admin.get(reverse("admin:pippi_portal_loginfailure_add")).status_code == 403
