"""The Django admin in Italian: the index an administrator meets names every section and model in Italian,
third-party apps included (pippi_portal/apps_italian.py), and the portal's own models and fields carry Italian
names wherever the admin prints them."""

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
