"""The Django admin in Italian: the index an administrator meets names every section and model in Italian,
third-party apps included (pippi_portal/apps_italian.py), and the portal's own models and fields carry Italian
names wherever the admin prints them."""

import html
import re

import pytest
from django.apps import apps
from django.urls import reverse

# The names third-party apps give themselves and their models, as the admin printed them before.
KNOWN_ENGLISH = {
    "Accounts",
    "MFA",
    "Authenticators",
    "Tasks Database Backend",
    "Task Results",
    "Task Result",
    "Axes",
    "Access attempts",
    "Access logs",
    "Access failures",
    "Pghistory",
    "Events",
    "Contexts",
    "Content Type",
    "Plan comments",
    "Email confirmations",
}
# Words of English names that have no place in an Italian label. Terms of the method kept in the Italian
# literature ("pre-assessment", "case manager", "équipe", "SDQ", "MOOC", "email", "password", "link") are not here.
ENGLISH_WORDS = {
    "access",
    "account",
    "accounts",
    "action",
    "at",
    "attempt",
    "attempts",
    "author",
    "authenticator",
    "authenticators",
    "backend",
    "batch",
    "by",
    "comment",
    "comments",
    "concern",
    "content",
    "context",
    "contexts",
    "created",
    "database",
    "event",
    "events",
    "expiration",
    "failure",
    "failures",
    "family",
    "form",
    "framework",
    "from",
    "group",
    "identities",
    "indicator",
    "item",
    "kind",
    "logs",
    "member",
    "objective",
    "path",
    "plan",
    "previous",
    "project",
    "rating",
    "reason",
    "recorded",
    "response",
    "result",
    "results",
    "session",
    "shown",
    "side",
    "state",
    "submitted",
    "subdimension",
    "survey",
    "task",
    "tasks",
    "timesheet",
    "to",
    "updated",
    "user",
}
DJANGO_UNTRANSLATED = {"Model name", "Add link", "Change or view list link", "Breadcrumbs"}
PORTAL_APPS = ["pippi_portal", "equipes", "families", "interventions", "reporting"]
NAMED_THIRD_PARTY_APPS = ["account", "mfa", "axes", "pghistory", "django_tasks_database", "contenttypes"]


def english_words(label: str) -> set[str]:
    return {word for word in re.findall(r"[a-zà-ÿ]+", str(label).lower()) if word in ENGLISH_WORDS}


def english_in(label: str) -> bool:
    return str(label).strip() in KNOWN_ENGLISH or bool(english_words(label))


def test_the_admin_index_has_no_english_section_or_model_name(world, client_for):
    response = client_for(world.users.admin).get(reverse("admin:index"))
    assert response.status_code == 200
    app_list = response.context["app_list"]
    names = [app["name"] for app in app_list] + [model["name"] for app in app_list for model in app["models"]]
    # Every registered model is listed (a superuser sees them all), the third-party ones among them.
    assert {"Autenticazione a due fattori", "Attività in background", "Indirizzi email"} <= set(names)
    assert {"Fattori di autenticazione", "Esiti delle attività", "Commenti ai Progetti Quadro"} <= set(names)
    assert [name for name in names if english_in(name)] == []
    page = response.content.decode()
    for english in KNOWN_ENGLISH:
        assert f">{english}<" not in page, english
    # The headings read by screen readers too (Django's Italian catalogue lacks a few: templates/admin/).
    assert [label for label in headings(page) if english_words(label) or label in DJANGO_UNTRANSLATED] == []


def test_an_app_page_of_the_admin_is_italian(world, client_for):
    page = client_for(world.users.admin).get(reverse("admin:app_list", args=["families"])).content.decode()
    assert [label for label in headings(page) if english_words(label) or label in DJANGO_UNTRANSLATED] == []


def test_every_model_the_admin_may_name_is_italian():
    """The names also appear in the permissions of users and groups and in the history of changes, for models
    the index does not list (django-axes' records, pghistory's events)."""
    english = []
    for label in PORTAL_APPS + NAMED_THIRD_PARTY_APPS:
        config = apps.get_app_config(label)
        if english_in(config.verbose_name):
            english.append(f"{label}: {config.verbose_name}")
        for model in config.get_models():
            for name in (model._meta.verbose_name, model._meta.verbose_name_plural):
                if english_in(name):
                    english.append(f"{model._meta.label}: {name}")
    assert english == []


@pytest.mark.parametrize("label", PORTAL_APPS)
def test_every_field_of_the_portal_has_an_italian_name(label):
    """Column headings, filters and form labels of the admin come from the fields' names. pghistory's own
    columns (pgh_*) and django-axes' fields (shown under Italian headings by pippi_portal/admin.py) are not the
    portal's."""
    english = []
    for model in apps.get_app_config(label).get_models():
        for field in model._meta.get_fields():
            if field.auto_created or not hasattr(field, "verbose_name") or field.name.startswith("pgh_"):
                continue
            if field.model._meta.app_label != label:
                continue
            if english_words(field.verbose_name):
                english.append(f"{model._meta.label}.{field.name}: {field.verbose_name}")
    assert english == []


def headings(page: str) -> list[str]:
    """The column headings, filter titles and field labels of an admin page, as text."""
    found = re.findall(r'<th[^>]*scope="col"[^>]*>.*?</th>', page, re.S)
    found += re.findall(r"<summary>(.*?)</summary>", page, re.S)
    found += re.findall(r"<label[^>]*>(.*?)</label>", page, re.S)
    found += re.findall(r'aria-label="([^"]*)"', page)
    return [html.unescape(re.sub(r"<[^>]+>|\s+", " ", text)).strip().rstrip(":") for text in found]


def test_the_second_factors_page_is_italian_and_hides_the_secret(world, client_for):
    from allauth.mfa.models import Authenticator

    factor = Authenticator.objects.create(
        user=world.users.operatore, type=Authenticator.Type.TOTP, data={"secret": "SEGRETOSINTETICO"}
    )
    client = client_for(world.users.admin)
    changelist = client.get(reverse("admin:mfa_authenticator_changelist")).content.decode()
    change = client.get(reverse("admin:mfa_authenticator_change", args=[factor.pk])).content.decode()
    labels = headings(changelist) + headings(change)
    assert {"Utente", "Tipo", "Attivato il"} <= set(labels)
    assert [label for label in labels if english_words(label)] == []
    assert "Autenticatore TOTP" in changelist
    assert "SEGRETOSINTETICO" not in change


def test_the_task_results_page_is_italian(world, client_for):
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult

    result = DBTaskResult.objects.create(
        task_path="reporting.reports.non_esiste",
        args_kwargs={"args": [], "kwargs": {}},
        backend_name="default",
        run_after=timezone.now(),
        exception_class_path="",
        traceback="",
        status="FAILED",
    )
    client = client_for(world.users.admin)
    changelist = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist")).content.decode()
    change = client.get(reverse("admin:django_tasks_database_dbtaskresult_change", args=[result.pk])).content.decode()
    labels = headings(changelist) + headings(change)
    assert {"Stato", "Messa in coda il", "Dettaglio dell'errore"} <= set(labels)
    assert [label for label in labels if english_words(label)] == []
    assert "non riuscita" in changelist
    bad = client.get(reverse("admin:django_tasks_database_dbtaskresult_changelist"), {"stato": "NOPE"})
    assert bad.status_code == 302 and "e=1" in bad.url


@pytest.mark.parametrize("url", ["admin:auth_group_add", "admin:equipes_user_change"])
def test_permissions_are_named_in_italian(world, client_for, url):
    args = [world.users.operatore.pk] if url.endswith("change") else []
    page = client_for(world.users.admin).get(reverse(url, args=args)).content.decode()
    options = re.findall(r"<option[^>]*>(.*?)</option>", page)
    assert "Famiglie | Può aggiungere famiglie" in options
    assert "Attività in background | Può vedere esiti delle attività" in options
    assert [option for option in options if "Can " in option] == []
