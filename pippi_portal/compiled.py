"""A read by primary key whose SQL is compiled once per process (issue 16).

The family page's own query (the family with its referral, closure, due dates and timeline, inside the user's
scope) has fifteen subqueries and some two hundred columns: Django took longer to compile it to SQL than
PostgreSQL took to run it. For the same user the SQL differs only in the family's id. `get_by_pk(key, build,
pk)` compiles `build()` filtered by a placeholder id the first time it meets `key`, keeps the compiler, and
afterwards runs that SQL with the id put in place of the placeholder: the rows, their conversions and the model
instances (related objects, annotations) come from Django's own iterable and the kept compiler, as if the
queryset had been compiled again.

What the caller owes: `key` must name everything `build()` depends on (for a user's scope: the user and the
attributes the scope reads), since the SQL compiled for a key is reused for as long as the process lives
(at most `SIZE` keys, the least recently used dropped). Values that change with time (today's date) must not
be written into the SQL by `build()`.
"""

from __future__ import annotations

import copy
from collections import OrderedDict
from collections.abc import Callable, Hashable

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, QuerySet

#: The id the SQL is compiled with: no row has it (ids are positive), and no other value of a page's query is it.
PLACEHOLDER = -7_305_019_228_451_606_123
#: Compiled reads kept per process (the family page's: about 100 KB each).
SIZE = 128
_BIGINT = range(-(2**63), 2**63)

_compiled: OrderedDict[Hashable, tuple | None] = OrderedDict()


def _compile(build: Callable[[], QuerySet]) -> tuple | None:
    """(queryset, compiler, sql, params, index of the placeholder), or None when it cannot be kept."""
    queryset = build().filter(pk=PLACEHOLDER)
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    at = [i for i, value in enumerate(params) if type(value) is int and value == PLACEHOLDER]
    if len(at) != 1 or queryset._prefetch_related_lookups:
        return None
    return queryset, compiler, sql, tuple(params), at[0]


def get_by_pk(key: Hashable, build: Callable[[], QuerySet], pk: int) -> Model | None:
    """The object of primary key `pk` in `build()`, or None when it is not there."""
    if pk not in _BIGINT:
        return None
    if key in _compiled:
        _compiled.move_to_end(key)
        entry = _compiled[key]
    else:
        entry = _compiled[key] = _compile(build)
        while len(_compiled) > SIZE:
            _compiled.popitem(last=False)
    if entry is None:
        return build().filter(pk=pk).first()
    queryset, compiler, sql, params, at = entry
    values = list(params)
    values[at] = pk
    runner = copy.copy(compiler)
    # The compiler was made on the connection of the thread that compiled it: this thread's own.
    runner.connection = connections[queryset.db]
    runner.as_sql = lambda *args, **kwargs: (sql, values)
    query = copy.copy(compiler.query)
    query.get_compiler = lambda *args, **kwargs: runner
    rows = list(type(queryset)(model=queryset.model, query=query, using=queryset.db))
    return rows[0] if rows else None
