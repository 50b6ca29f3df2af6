"""A family's change history, read from the django-pghistory event tables (the register on the family's
audit page, and what anonymisation purges).

A family's history spans many event tables: rows of its own (members, referral, consents, notes, plans…)
and rows of those rows (a plan's objectives, an objective's actions). `family_event_querysets` follows the
foreign keys through the event tables themselves, so rows deleted long ago are found too.
"""

from __future__ import annotations

import contextlib
import datetime
from dataclasses import dataclass, field
from decimal import Decimal

import pghistory.models
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from equipes.models import User
from pippi_portal.audit import event_models

from .models import Family


def _family_event_models() -> dict[type[models.Model], type[pghistory.models.Event]]:
    """Tracked model of the families app -> its event model."""
    return {
        model.pgh_tracked_model: model
        for model in event_models()
        if model.pgh_tracked_model._meta.app_label == Family._meta.app_label
    }


def _event_filter(tracked, family_id: int, by_tracked: dict, seen: tuple = ()) -> Q:
    """The condition that picks, in `tracked`'s event table, the rows that belong to the family: its own
    row, rows with a `family` key, or rows whose required foreign key leads to a row that does."""
    if tracked is Family:
        return Q(pgh_obj_id=family_id)
    fields = [f for f in tracked._meta.concrete_fields if isinstance(f, models.ForeignKey)]
    for f in fields:
        if f.related_model is Family:
            return Q(**{f.attname: family_id})
    for f in fields:
        parent = f.related_model
        if not f.null and parent in by_tracked and parent is not tracked and parent not in seen:
            parent_ids = (
                by_tracked[parent]
                .objects.filter(_event_filter(parent, family_id, by_tracked, (*seen, tracked)))
                .values("pgh_obj_id")
            )
            return Q(**{f"{f.attname}__in": parent_ids})
    raise LookupError(f"{tracked._meta.label}: no path to the family in its change history")


def family_event_querysets(family_id: int) -> list[tuple[type[models.Model], models.QuerySet]]:
    """For each tracked model of the families app, the event rows that belong to the family."""
    by_tracked = _family_event_models()
    return [
        (tracked, event_model.objects.filter(_event_filter(tracked, family_id, by_tracked)))
        for tracked, event_model in by_tracked.items()
    ]


@dataclass
class Change:
    label: str
    old: str | None = None
    new: str | None = None
    shown: bool = False


@dataclass
class AuditEvent:
    at: datetime.datetime
    what: str
    object_id: int
    action: str
    user_id: int | None
    changes: list[Change] = field(default_factory=list)
    user: object = None


ACTIONS = {"insert": _("creazione"), "update": _("modifica"), "delete": _("eliminazione")}
# Columns that change on every save or are derived: not worth a line in the register.
NOISE = {"id", "created_at", "updated_at", "codice_fiscale_hash", "total_difficulties"}


def _shows_value(model_field: models.Field) -> bool:
    """Values of states, choices, dates, numbers and flags are shown; free text, names, encrypted columns,
    files and links to people never are (the register says *that* they changed, not to what)."""
    if model_field.choices:
        return True
    return isinstance(
        model_field,
        models.BooleanField | models.DateField | models.IntegerField | models.DecimalField | models.FloatField,
    ) and not isinstance(model_field, models.DateTimeField)


def _display(model_field: models.Field, value) -> str:
    if value is None or value == "":
        return "—"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return str(_("sì") if value else _("no"))
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(model_field, models.DecimalField):
        return str(value.quantize(Decimal(1).scaleb(-model_field.decimal_places)))
    return str(value)


def _changes(fields: dict[str, models.Field], diff: dict | None) -> list[Change]:
    """The register's lines for pghistory's diff of an event ({column: [before, after]}, JSON values). Values
    are read back through their fields: an encrypted column differs at every save (it is encrypted anew)
    and counts only when the decrypted text changed."""
    changes = []
    for column, (before, after) in (diff or {}).items():
        model_field = fields.get(column)
        if model_field is None:
            continue  # NOISE
        with contextlib.suppress(ValidationError):  # a value the field no longer reads: compared as stored
            before, after = model_field.to_python(before), model_field.to_python(after)
        if before == after:
            continue
        shown = _shows_value(model_field)
        changes.append(
            Change(
                label=capfirst(model_field.verbose_name),
                old=_display(model_field, before) if shown else None,
                new=_display(model_field, after) if shown else None,
                shown=shown,
            )
        )
    return changes


def family_history(family_id: int) -> list[AuditEvent]:
    """Every recorded change to the family and its rows, newest first, with who made it. What changed is
    pghistory's own diff (`pghistory.models.Events`: each event against the object's previous one); values
    are given only for fields that cannot name anyone (see `_shows_value`)."""
    events: list[AuditEvent] = []
    for tracked, queryset in family_event_querysets(family_id):
        object_ids = list(queryset.values_list("pgh_obj_id", flat=True).distinct())
        if not object_ids:
            continue
        fields = {f.column: f for f in tracked._meta.concrete_fields if f.attname not in NOISE}
        rows = (
            pghistory.models.Events.objects.across(queryset.model)
            .tracks([tracked(pk=pk) for pk in object_ids])
            .order_by("pgh_id")
            .values("pgh_obj_id", "pgh_created_at", "pgh_label", "pgh_diff", "pgh_context")
        )
        for row in rows:
            changes = _changes(fields, row["pgh_diff"]) if row["pgh_label"] == "update" else []
            if row["pgh_label"] == "update" and not changes:
                continue  # a save that changed nothing
            user_id = (row["pgh_context"] or {}).get("user")
            if isinstance(user_id, str) and user_id.isdigit():
                user_id = int(user_id)
            events.append(
                AuditEvent(
                    at=row["pgh_created_at"],
                    what=capfirst(tracked._meta.verbose_name),
                    object_id=int(row["pgh_obj_id"]),
                    action=str(ACTIONS.get(row["pgh_label"], row["pgh_label"])),
                    user_id=user_id if isinstance(user_id, int) else None,
                    changes=changes,
                )
            )
    users = User.objects.in_bulk({e.user_id for e in events if e.user_id})
    for event in events:
        event.user = users.get(event.user_id)
    events.sort(key=lambda e: e.at, reverse=True)
    return events
