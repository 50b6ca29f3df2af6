"""The audit trail's tables: which ones the application may only read and append to.

Three records make the audit (docs/security.md): the django-pghistory event tables (who changed what,
old and new row, written by database triggers) and the tables each app declares append-only on its
AppConfig (`append_only_models`: who viewed a family, state changes, anonymisations). The application's
database role may only read and append to them (`manage.py grant_app_role`). The ground floor reads the
app registry and names no app; a family's history lives in `families.history`.
"""

from __future__ import annotations

import pghistory.models
from django.apps import apps
from django.db import models


def event_models() -> list[type[pghistory.models.Event]]:
    """Every django-pghistory event model of the project."""
    return [model for model in apps.get_models() if issubclass(model, pghistory.models.Event) and not model._meta.proxy]


def audit_models() -> list[type[models.Model]]:
    """The models whose tables the application may only read and append to: every history event model and
    the models that each app names in its AppConfig's `append_only_models`."""
    declared = [
        config.get_model(name)
        for config in apps.get_app_configs()
        for name in getattr(config, "append_only_models", ())
    ]
    return [*event_models(), *declared]
