"""The authorisation matrix of the whole project.

Every URL pattern the project serves must have an entry: the pages of each app are in that app's table (each
persona against an object in scope and one out of scope, refused POSTs leaving the database unchanged; the
machinery is tests/access_harness.py); the project-level pages (health check, login and account pages, the Django
admin) are here. A new URL without an entry makes `test_every_url_pattern_has_an_entry` fail.
"""

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from equipes.tests.test_access import TABLE as EQUIPES
from families.models import Family
from families.tests.test_access import TABLE as FAMILIES
from imports.tests.test_access import TABLE as IMPORTS
from interventions.tests.test_access import TABLE as INTERVENTIONS
from reporting.tests.test_access import TABLE as REPORTING
from sinba.tests.test_access import TABLE as SINBA
from tests.access_harness import url_names

# The persona × page matrices of the apps (tests/access_harness.py).
TABLES = [EQUIPES, FAMILIES, INTERVENTIONS, IMPORTS, REPORTING, SINBA]

# Pages anybody may open without logging in, with what an anonymous GET answers.
PUBLIC = {
    "healthz": 200,
    "healthz-queue": 503,  # no worker runs beside the tests
    "accessibility-statement": 200,  # the law wants it public: linked from every page's footer
    "account_login": 200,
    "account_logout": 302,  # nobody to log out: back to the start
    "account_inactive": 200,
    "account_signup": 200,  # accounts are created by the administrator: the page says signup is closed
    "account_reset_password": 200,
    "account_reset_password_done": 200,
    "account_reset_password_from_key_done": 200,
    "account_reset_password_from_key": 200,  # an invalid key: the page says so, nothing else
    "account_email_verification_sent": 200,
    "account_confirm_email": 200,  # an unknown key: the page says the link is invalid
    "account_confirm_login_code": 302,  # no login in progress
    "mfa_authenticate": 302,  # no login in progress
}
# The user's own account pages: anonymous visitors are sent to the login, every logged-in persona gets its own
# page (none of them takes another user's identifier, so there is no out-of-scope object).
OWN_ACCOUNT = {
    "account_reauthenticate": 200,
    "account_email": 200,
    "account_change_password": 200,
    "account_set_password": 302,  # every user has a password: sent to the change page
    "mfa_index": 200,
    # Setting up or changing the second factor needs a fresh authentication: sent to confirm the password.
    "mfa_reauthenticate": 302,
    "mfa_activate_totp": 302,
    "mfa_deactivate_totp": 404,  # nothing to deactivate
    "mfa_view_recovery_codes": 404,  # no second factor yet
    "mfa_generate_recovery_codes": 302,
    "mfa_download_recovery_codes": 404,
}
ADMIN_KINDS = {"changelist", "add", "change", "delete", "history"}
ADMIN_SITE = {"index", "login", "logout", "password_change", "password_change_done", "jsi18n", "autocomplete"}
ADMIN_SITE |= {"view_on_site", "app_list", "auth_user_password_change"}

PERSONAS = ["admin", "ufficio_piano", "coordinatore", "case_manager", "operatore", "referente_ente"]


def covered() -> set[str]:
    return {name for table in TABLES for name in table.pages} | set(PUBLIC) | set(OWN_ACCOUNT)


def admin_entry(name: str) -> bool:
    """Admin pages are covered by the admin walk below: one kind per registered model, or a page of the site."""
    short = name.removeprefix("admin:")
    kind = short.rsplit("_", 1)[-1]
    return short in ADMIN_SITE or (
        kind in ADMIN_KINDS
        and any(short == f"{m._meta.app_label}_{m._meta.model_name}_{kind}" for m in admin.site._registry)
    )


def test_every_url_pattern_has_an_entry():
    # The admin's unnamed patterns are its catch-all and old-style object URLs, which redirect within the admin.
    all_names = {n for n in url_names() if n != "admin:None"}
    missing = sorted(n for n in all_names - covered() if not (n.startswith("admin:") and admin_entry(n)))
    assert not missing, f"URL patterns without an entry in the authorisation matrix: {missing}"
    # And no entry for a page that no longer exists.
    assert not (covered() - all_names), sorted(covered() - all_names)


def test_every_pattern_has_a_name():
    unnamed = [p for p in url_names() if p is None or (p.endswith(":None") and p != "admin:None")]
    assert not unnamed


def public_url(name: str) -> str:
    args = {
        "account_confirm_email": ["no-such-key"],
        "account_reset_password_from_key": ["1", "no-such-key"],
    }.get(name, [])
    return reverse(name, args=args)


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_public_pages_answer_without_login(client, name):
    response = client.get(public_url(name))
    assert response.status_code == PUBLIC[name], name
    if name == "account_signup":
        assert "registrazioni chiuse" in response.content.decode().lower()
    if response.status_code == 302:
        assert "/accounts/login/" in response.url or response.url == "/", response.url


@pytest.mark.parametrize("name", sorted(OWN_ACCOUNT))
def test_own_account_pages(world, name):
    url = reverse(name)
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous.url, name
    for persona in PERSONAS:
        user = getattr(world.users, persona)
        user.set_password("una-password-di-prova-2026")
        user.save(update_fields=["password"])
        client = Client()
        client.force_login(user)
        assert client.get(url).status_code == OWN_ACCOUNT[name], (name, persona)


@pytest.mark.django_db
def test_nobody_can_sign_up(client):
    from equipes.models import User

    count = User.objects.count()
    response = client.post(
        reverse("account_signup"),
        {"username": "intruso", "password1": "Una-password-2026!", "password2": "Una-password-2026!"},
    )
    assert response.status_code == 200 and User.objects.count() == count


def sent_to_login(response) -> bool:
    """The admin sends to its own login URL, which hands over to the portal's (second factor, lockout)."""
    return response.status_code == 302 and ("/accounts/login/" in response.url or "/admin/login/" in response.url)


def admin_urls(model, obj) -> list[tuple[str, str]]:
    base = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [("changelist", reverse(f"{base}_changelist")), ("add", reverse(f"{base}_add"))]
    if obj is not None:
        for kind in ("change", "history", "delete"):
            urls.append((kind, reverse(f"{base}_{kind}", args=[obj.pk])))
        if model is get_user_model():
            urls.append(("change", reverse("admin:auth_user_password_change", args=[obj.pk])))
    return urls


@pytest.fixture
def admin_objects(world, family, other_family):
    """One object per registered model where the world has one: the other ambito's family is the one the
    non-staff personas could reach by guessing its number."""
    objects = {}
    for model in admin.site._registry:
        objects[model] = other_family if model is Family else model._default_manager.order_by("-pk").first()
    return objects


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "admin"] + ["outsider"])
def test_the_admin_is_closed_to_every_portal_role(world, admin_objects, persona):
    user = world.other.outsider if persona == "outsider" else getattr(world.users, persona)
    client = Client()
    client.force_login(user)
    failures = []
    for model, obj in admin_objects.items():
        count = model._default_manager.count()
        for kind, url in admin_urls(model, obj):
            response = client.get(url)
            if not sent_to_login(response):
                failures.append(f"GET {url}: {response.status_code}")
            if kind in ("add", "delete"):
                response = client.post(url, {"post": "yes"})
                after = model._default_manager.count()
                if not sent_to_login(response) or after != count:
                    failures.append(f"POST {url}: {response.status_code}, rows {count} → {after}")
    assert not failures, "\n".join(failures)


def test_the_administrator_reaches_every_admin_page(world, admin_objects):
    client = Client()
    client.force_login(world.users.admin)
    failures = []
    assert client.get(reverse("admin:index")).status_code == 200
    for model, obj in admin_objects.items():
        for kind, url in admin_urls(model, obj):
            status = client.get(url).status_code
            # Registers and append-only tables are read-only in the admin: adding, changing or deleting is refused.
            allowed = {200} if kind in ("changelist", "history") else {200, 403}
            if status not in allowed:
                failures.append(f"{url}: {status}")
    assert not failures, "\n".join(failures)


def matrix_size() -> dict[str, int]:
    """URLs × personas × objects, as the closing note of the security work reports it."""
    app_pages = len(covered()) - len(PUBLIC) - len(OWN_ACCOUNT)
    admin_pages = sum(len(ADMIN_KINDS) for _ in admin.site._registry)
    return {"app_pages": app_pages, "public": len(PUBLIC), "own_account": len(OWN_ACCOUNT), "admin": admin_pages}


def test_the_matrix_covers_a_sensible_number_of_pages():
    sizes = matrix_size()
    assert sizes["app_pages"] > 100 and sizes["admin"] > 100, sizes
