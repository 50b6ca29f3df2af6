"""The second factor: required for every role, asked at every login, not bypassed by a password reset
or by the admin's own login page."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import TOTP, format_hotp_value, generate_totp_secret, hotp_value
from django.core import mail
from django.test import Client
from django.urls import reverse

PASSWORD = "una-password-di-prova-2026"
ACTIVATE = "/accounts/2fa/totp/activate/"


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED = True


def totp_code(secret: str) -> str:
    return format_hotp_value(hotp_value(secret, int(time.time()) // 30))


def with_totp(user) -> str:
    secret = generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def password_login(client: Client, username: str, password: str = PASSWORD):
    return client.post(reverse("account_login"), {"login": username, "password": password})


def is_logged_in(client: Client) -> bool:
    response = client.get(reverse("dashboard"))
    return response.status_code == 200


@pytest.mark.parametrize(
    "persona", ["ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente", "admin"]
)
def test_every_role_without_an_authenticator_is_sent_to_the_activation_page(world, client_for, mfa_required, persona):
    client = client_for(getattr(world.users, persona))
    for url in (reverse("dashboard"), reverse("families:family-list"), reverse("admin:index")):
        response = client.get(url)
        assert response.status_code == 302 and response.url == ACTIVATE, url
    page = client.get(reverse("dashboard"), follow=True)
    assert "autenticazione a due fattori è obbligatoria" in page.content.decode()


def test_a_user_without_an_authenticator_still_reaches_setup_logout_static_and_health(world, client_for, mfa_required):
    client = client_for(world.users.case_manager)
    assert client.get(reverse("mfa_index")).status_code == 200
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/js/portal.js").status_code == 200
    assert client.post(reverse("account_logout")).status_code == 302
    assert not is_logged_in(client)


def test_a_user_with_an_authenticator_is_let_through(world, client_for, mfa_required):
    user = world.users.case_manager
    with_totp(user)
    assert client_for(user).get(reverse("dashboard")).status_code == 200


def test_mfa_required_off_lets_users_without_an_authenticator_through(world, client_for, settings):
    settings.MFA_REQUIRED = False
    assert client_for(world.users.case_manager).get(reverse("dashboard")).status_code == 200


def test_activating_totp_from_the_forced_redirect_unlocks_the_portal(world, mfa_required):
    user = world.users.operatore
    user.set_password(PASSWORD)
    user.save()
    client = Client()
    assert password_login(client, user.username).status_code == 302
    assert client.get(reverse("dashboard")).url == ACTIVATE
    # Adding an authenticator asks for the password again (a stolen session cannot add one).
    reauthenticate = client.get(ACTIVATE)
    assert reauthenticate.url.startswith(reverse("account_reauthenticate"))
    client.post(reauthenticate.url, {"password": PASSWORD})
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    secret = page.context["form"].secret
    activated = client.post(ACTIVATE, {"code": totp_code(secret)})
    assert activated.status_code == 302
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    # Recovery codes come with the first authenticator.
    assert Authenticator.objects.filter(user=user, type=Authenticator.Type.RECOVERY_CODES).exists()
    assert is_logged_in(client)


def test_login_of_a_user_with_totp_needs_the_code_after_the_password(world, mfa_required):
    user = world.users.case_manager
    user.set_password(PASSWORD)
    user.save()
    secret = with_totp(user)
    client = Client()
    response = password_login(client, user.username)
    assert response.status_code == 302 and response.url == reverse("mfa_authenticate")
    assert not is_logged_in(client)
    wrong = client.post(reverse("mfa_authenticate"), {"code": "000000" if totp_code(secret) != "000000" else "111111"})
    assert wrong.status_code == 200 and not is_logged_in(client)
    client.post(reverse("mfa_authenticate"), {"code": totp_code(secret)})
    assert is_logged_in(client)


def test_a_recovery_code_replaces_the_authenticator_once(world, mfa_required):
    user = world.users.case_manager
    user.set_password(PASSWORD)
    user.save()
    with_totp(user)
    code = RecoveryCodes.activate(user).get_unused_codes()[0]
    client = Client()
    password_login(client, user.username)
    client.post(reverse("mfa_authenticate"), {"code": code})
    assert is_logged_in(client)
    again = Client()
    password_login(again, user.username)
    again.post(reverse("mfa_authenticate"), {"code": code})
    assert not is_logged_in(again)


def test_password_reset_does_not_bypass_the_second_factor(world, mfa_required):
    user = world.users.case_manager
    user.email = "assistente@example.invalid"
    user.set_password(PASSWORD)
    user.save()
    with_totp(user)
    client = Client()
    client.post(reverse("account_reset_password"), {"email": user.email})
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^/\s]+(/accounts/password/reset/key/\S+/)", mail.outbox[0].body).group(1)
    form_url = client.get(link).url  # allauth moves the key out of the URL into the session
    new_password = "un-altra-password-sicura-2026"
    done = client.post(form_url, {"password1": new_password, "password2": new_password})
    assert done.status_code == 302
    # The reset changed the password but logged nobody in.
    assert not is_logged_in(client)
    response = password_login(client, user.username, new_password)
    assert response.url == reverse("mfa_authenticate")
    assert not is_logged_in(client)


def test_the_admin_login_form_is_replaced_by_the_portal_login(world):
    admin = world.users.admin
    admin.set_password(PASSWORD)
    admin.save()
    with_totp(admin)
    client = Client()
    response = client.get("/admin/login/")
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))
    client.post("/admin/login/?next=/admin/", {"username": admin.username, "password": PASSWORD})
    assert client.get("/admin/").status_code == 302  # still not logged in: the password alone is not enough
