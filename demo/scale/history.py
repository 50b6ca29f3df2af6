"""Change history in bulk.

pghistory records every insert and update with a row trigger. On multi-row statements that trigger gets
slower with every row of the same statement (measured: ~120 µs a row at 1,400 rows, ~600 µs at 14,000,
growing again within one transaction), which would make 2 million time entries take hours. So, inside the
seed's transaction only, the per-row history trigger of the table being loaded is skipped with pgtrigger's
own mechanism and the very same history rows are written right after by one set-based statement.
"""

from __future__ import annotations

import pgtrigger
from django.db import connection

BATCH = 5000


def is_tracked(model) -> bool:
    return bool(getattr(model, "pgh_event_models", None))


def history_trigger(model, label: str = "insert") -> str:
    """The database name of pghistory's trigger for `label` ("insert" or "update") on `model`."""
    for registered, trigger in pgtrigger.registered(f"{model._meta.label}:{label}_{label}"):
        return trigger.get_pgid(registered)
    raise LookupError(f"no {label} history trigger on {model._meta.label}")


def history_sql(model, label: str, *, where: str) -> str:
    """INSERT INTO the event table the rows the history trigger would write for the rows matching `where`."""
    event = model.pgh_event_models[label]
    source = {f.column for f in model._meta.concrete_fields}
    columns, values = [], []
    for f in event._meta.concrete_fields:
        if f.column == "pgh_id" or getattr(f, "generated", False):  # the identity, generated columns
            continue
        columns.append(f'"{f.column}"')
        if f.column == "pgh_created_at":
            values.append("NOW()")
        elif f.column == "pgh_label":
            values.append(f"'{label}'")
        elif f.column == "pgh_obj_id":
            values.append(f'"{model._meta.pk.column}"')
        elif f.column == "pgh_context_id":
            values.append("NULL")
        elif f.column in source:
            values.append(f'"{f.column}"')
        else:
            raise LookupError(f"{event._meta.label}.{f.column} has no source column")
    return (
        f'INSERT INTO "{event._meta.db_table}" ({", ".join(columns)}) '
        f'SELECT {", ".join(values)} FROM "{model._meta.db_table}" WHERE {where}'
    )


def bulk_create(model, objects: list) -> list:
    """bulk_create in batches; for a tracked model, with its history rows written set-based."""
    if not objects:
        return []
    if not is_tracked(model):
        return model.objects.bulk_create(objects, batch_size=BATCH)
    with pgtrigger.ignore(f"{model._meta.label}:insert_insert"):
        created = model.objects.bulk_create(objects, batch_size=BATCH)
    with connection.cursor() as cursor:
        cursor.execute(history_sql(model, "insert", where="id = ANY(%s)"), [[o.pk for o in created]])
    return created


def bulk_update(model, pks: list, **values) -> None:
    """QuerySet.update() of the given rows; for a tracked model, with its history rows written set-based."""
    with pgtrigger.ignore(f"{model._meta.label}:update_update"):
        model.objects.filter(pk__in=pks).update(**values)
    if is_tracked(model):
        with connection.cursor() as cursor:
            cursor.execute(history_sql(model, "update", where="id = ANY(%s)"), [pks])
