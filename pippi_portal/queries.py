"""Query helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import QuerySet


def count_each(querysets: Mapping[str, QuerySet]) -> dict[str, int]:
    """How many rows each queryset has, in one SELECT of scalar subqueries: a page that shows several counts (the
    dashboard's pending work) pays one query for all of them. A queryset that is empty by construction
    (`.none()`) counts 0 without SQL."""
    counts: dict[str, int] = {}
    names, parts, params, database = [], [], [], "default"
    for name, queryset in querysets.items():
        database = queryset.db
        try:
            sql, sql_params = queryset.order_by().values("pk").query.get_compiler(using=database).as_sql()
        except EmptyResultSet:
            counts[name] = 0
            continue
        names.append(name)
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted)")
        params.extend(sql_params)
    if parts:
        with connections[database].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            counts.update(zip(names, cursor.fetchone(), strict=True))
    return counts
