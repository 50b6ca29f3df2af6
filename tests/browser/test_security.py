"""In a real browser: the pages run under the Content Security Policy without a single violation, and a
user without a second factor is led through activating one."""

import time

import pytest
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

from tests import factories as f
from tests.browser.conftest import BROWSER_DB

pytestmark = BROWSER_DB
PASSWORD = "una-password-di-prova-2026"


def watch_csp(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None,
    )
    return violations


def test_pages_and_the_admin_raise_no_csp_violation(world, page, live_server, login):
    admin = world.users.admin
    admin.set_password(PASSWORD)
    admin.save()
    family = f.make_family(world)
    violations = watch_csp(page)
    login("admin", PASSWORD)
    for path in (
        "/",
        "/accessibilita/",
        "/famiglie/",
        family.get_absolute_url(),
        f"/famiglie/{family.pk}/registro/",
        "/admin/",
        "/admin/equipes/user/",
        f"/admin/equipes/user/{admin.pk}/change/",
        "/admin/pippi_portal/loginfailure/",
    ):
        response = page.goto(f"{live_server.url}{path}")
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
    assert violations == []


@pytest.fixture
def mfa_required(settings):
    settings.MFA_REQUIRED = True


def test_a_user_without_second_factor_activates_one_after_logging_in(world, page, live_server, login, mfa_required):
    user = world.users.case_manager
    user.set_password(PASSWORD)
    user.save()
    violations = watch_csp(page)
    login("assistente", PASSWORD)
    # Adding an authenticator asks for the password once more.
    assert "/accounts/reauthenticate/" in page.url
    assert page.get_by_text("autenticazione a due fattori è obbligatoria").is_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/2fa/totp/activate/" in page.url
    secret = page.locator("#authenticator_secret").input_value()
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    page.locator("input[name=code]").fill(code)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert "/accounts/2fa/recovery-codes/" in page.url
    page.goto(f"{live_server.url}/")
    assert page.get_by_role("heading", name="Cruscotto").is_visible()
    assert violations == []
