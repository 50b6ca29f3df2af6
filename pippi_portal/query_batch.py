"""Independent read queries sent to PostgreSQL together: `gather(f, g, ...)` runs the callables and answers every
query they make in one round trip per round, with the ORM's own results (same rows, same conversions).

How: each callable runs in a greenlet of its own. When it asks for a SELECT compiled by the ORM, the query is not
sent: the callable is paused there and the next one runs. When every callable has either finished or paused on a
query, the paused queries become one statement, ``SELECT (SELECT json_agg(json_build_array(c1, c2)) FROM
(<query 1>) r(c1, c2))::text, (SELECT json_agg(json_build_array(c1)) FROM (<query 2>) r(c1))::text, ...``
(`_as_json`), and each paused callable goes on from where it stopped
with its rows, until its next query (the next round) or its end. A callable that makes its queries one after
another costs one round each; a `gather` inside a callable adds its queries to the outer round. The callables
run one at a time in the caller's thread, context, database connection and transaction (no parallelism: what
is saved is the round trips). The indicators page uses it: dozens of aggregate figures, each a named query of
its own (testable alone), cost two statements instead of one each.

A query whose columns JSON cannot carry faithfully (binary, JSON, arrays, times, durations, UUIDs, fields the
module does not know) runs on its own when it is met; anything that is not a plain SELECT (inserts, updates,
deletes) and anything outside `gather` runs as always.
"""

from __future__ import annotations

import contextvars
import datetime
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.core.exceptions import EmptyResultSet, FieldError
from django.db import connections
from django.db.models.sql.compiler import SQLAggregateCompiler, SQLCompiler
from django.db.models.sql.constants import GET_ITERATOR_CHUNK_SIZE, MULTI, SINGLE
from greenlet import getcurrent, greenlet

#: The answers of the current `gather` (None outside one): {(alias, sql, params): rows}.
_answers: contextvars.ContextVar[dict | None] = contextvars.ContextVar("query_batch_answers", default=None)

#: The attribute that marks the greenlet of a callable of `gather`.
_CHILD = "query_batch_child"


def _same(value):
    """A column whose JSON value is what the driver would have returned."""
    return value


#: How a column's JSON value becomes what the database driver would have returned, by the field's internal type;
#: a type that is not here makes the query run on its own.
_FROM_JSON: dict[str, Callable[[Any], Any]] = {
    **dict.fromkeys(
        (
            "AutoField",
            "BigAutoField",
            "SmallAutoField",
            "IntegerField",
            "BigIntegerField",
            "SmallIntegerField",
            "PositiveIntegerField",
            "PositiveBigIntegerField",
            "PositiveSmallIntegerField",
            "BooleanField",
            "CharField",
            "TextField",
            "SlugField",
            "EmailField",
            "URLField",
            "FileField",
            "ImageField",
            "FilePathField",
            "GenericIPAddressField",
        ),
        _same,
    ),
    "ForeignKey": _same,
    "OneToOneField": _same,
    "DecimalField": lambda value: Decimal(str(value)) if isinstance(value, int | float) else value,
    "FloatField": float,
    # A date column, or a timestamp that the ORM reads as a date (date_trunc of a date gives a timestamp in the
    # session's time zone, UTC, whose date the ORM keeps): the first ten characters either way.
    "DateField": lambda value: datetime.date.fromisoformat(value[:10]),
    "DateTimeField": datetime.datetime.fromisoformat,
}


class _Paused:
    """What a paused callable hands to its `gather`: the queries it waits for."""

    def __init__(self, queries: list[tuple]):
        self.queries = queries


def gather(*callables: Callable[[], Any]) -> list[Any]:
    """Run the callables, answering their queries in batches; return their results in order."""
    outer = _answers.get()
    answers = {} if outer is None else outer
    token = _answers.set(answers) if outer is None else None
    me = getcurrent()
    nested = getattr(me, _CHILD, False)
    try:
        children = []
        for fn in callables:
            child = greenlet(fn)
            # The caller's context: the same database connection (Django keeps it in a context variable).
            child.gr_context = me.gr_context
            setattr(child, _CHILD, True)
            children.append(child)
        results: dict[int, Any] = {}
        paused: dict[int, list[tuple]] = {}

        def resume(index: int) -> None:
            child = children[index]
            out = child.switch()
            if child.dead:
                results[index] = out
            else:
                paused[index] = out.queries

        for index in range(len(children)):
            resume(index)
        while paused:
            queries: dict[tuple, tuple] = {}
            for waiting in paused.values():
                for query in waiting:
                    if query[0] not in answers:
                        queries.setdefault(query[0], query)
            if queries:
                if nested:
                    # Inside another gather's callable: its round answers these with its own.
                    me.parent.switch(_Paused(list(queries.values())))
                else:
                    _answer(answers, list(queries.values()))
            waiting_now, paused = paused, {}
            for index in waiting_now:
                resume(index)
        return [results[index] for index in range(len(children))]
    finally:
        if token is not None:
            _answers.reset(token)


def _answer(answers: dict, queries: list[tuple]) -> None:
    """One statement for the queries of a round (per database alias), their rows stored in `answers`."""
    by_alias: dict[str, list[tuple]] = {}
    for query in queries:
        by_alias.setdefault(query[0][0], []).append(query)
    for alias, group in by_alias.items():
        parts, params = [], []
        for (_alias, sql, query_params), converters in group:
            parts.append(_as_json(sql, len(converters)))
            params.extend(query_params)
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT " + ", ".join(parts), params)
            row = cursor.fetchone()
        for (key, converters), value in zip(group, row, strict=True):
            rows = _json_rows(value)
            # An array has one value per column by construction; an object's keys are checked.
            if len(converters) > _MAX_ARRAY_COLUMNS and any(len(r) != len(converters) for r in rows):
                # Not the columns the ORM expects (should not happen): that query on its own.
                with connections[alias].cursor() as cursor:
                    cursor.execute(key[1], key[2])
                    answers[key] = cursor.fetchall()
                continue
            answers[key] = _converted(rows, converters)


#: PostgreSQL's limit on a function's arguments (FUNC_MAX_ARGS): `json_build_array` of more columns cannot be.
_MAX_ARRAY_COLUMNS = 100


def _as_json(sql: str, columns: int) -> str:
    """The query's rows as one JSON text. Each row an array of its values in column order (the derived table's
    column list names them c1…cN, whatever the ORM called them, duplicates included): arrays decode in Python
    several times faster than objects, which would need a hook per row to keep duplicate names. A query of
    more columns than a function takes: each row an object (`json_agg` of the row), read back in order."""
    if columns > _MAX_ARRAY_COLUMNS:
        return f"(SELECT json_agg(batched_row) FROM ({sql}) batched_row)::text"
    names = ", ".join(f"c{i}" for i in range(1, columns + 1))
    return f"(SELECT json_agg(json_build_array({names})) FROM ({sql}) batched_row({names}))::text"


def _json_rows(value) -> list[list]:
    """The rows of `_as_json` as lists of values in column order (an object's duplicate column names kept)."""
    if value is None:
        return []
    if value.startswith("[["):
        return json.loads(value, parse_float=Decimal)
    return json.loads(value, parse_float=Decimal, object_pairs_hook=lambda pairs: [v for _k, v in pairs])


def _converted(rows: list[list], converters: list[Callable]) -> list[tuple]:
    """The rows with each value as the driver would have returned it: only the columns that need it converted
    (dates, decimals, floats), NULL left as None."""
    slots = [(index, convert) for index, convert in enumerate(converters) if convert is not _same]
    if slots:
        for row in rows:
            for index, convert in slots:
                value = row[index]
                if value is not None:
                    row[index] = convert(value)
    return [tuple(row) for row in rows]


def _converters(compiler: SQLCompiler) -> list[Callable] | None:
    """How to read each selected column back from JSON, or None if one of them cannot be."""
    if isinstance(compiler, SQLAggregateCompiler):
        expressions = list(compiler.query.annotation_select.values())
    else:
        if compiler.has_extra_select:
            return None
        expressions = [expression for expression, _sql, _alias in compiler.select]
    out = []
    for expression in expressions:
        try:
            internal_type = expression.output_field.get_internal_type()
        except (AttributeError, FieldError):
            return None
        convert = _FROM_JSON.get(internal_type)
        if convert is None:
            return None
        out.append(convert)
    return out


_original_execute_sql = SQLCompiler.execute_sql

#: The compilers of plain SELECTs (Django's and the backends' subclasses of the same name); inserts, updates and
#: deletes have compilers of other names.
_SELECTS = {"SQLCompiler", "SQLAggregateCompiler"}


def _execute_sql(self, result_type=MULTI, chunked_fetch=False, chunk_size=GET_ITERATOR_CHUNK_SIZE):
    answers = _answers.get()
    if (
        answers is None
        or not getattr(getcurrent(), _CHILD, False)
        or type(self).__name__ not in _SELECTS
        or result_type not in (MULTI, SINGLE)
    ):
        return _original_execute_sql(self, result_type, chunked_fetch, chunk_size)
    try:
        sql, params = self.as_sql()
        if not sql:
            raise EmptyResultSet
    except EmptyResultSet:
        return iter([]) if result_type == MULTI else None
    try:
        key = (self.using, sql, tuple(params))
        hash(key)
    except TypeError:
        return _original_execute_sql(self, result_type, chunked_fetch, chunk_size)
    if key not in answers:
        converters = _converters(self)
        if converters is not None:
            getcurrent().parent.switch(_Paused([(key, converters)]))
        else:
            # Not for JSON: on its own, now.
            with self.connection.cursor() as cursor:
                cursor.execute(sql, params)
                answers[key] = cursor.fetchall()
    rows = answers[key]
    if result_type == SINGLE:
        return rows[0][0 : self.col_count] if rows else None
    return [rows] if rows else []


SQLCompiler.execute_sql = _execute_sql
