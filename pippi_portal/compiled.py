"""Reads whose SQL is compiled once per process (issue 16).

Building a queryset and compiling it to SQL took most of a page's time in Python: the family page's own query
(fifteen subqueries, some two hundred columns) took longer to compile than PostgreSQL took to run it, and on
every page of the hours and of the families the ORM's building and compiling came to about half of the CPU
of the request (py-spy on the gunicorn workers under `make load`). For the same user the SQL of such a read
differs only in its values: a family's id, a day, a week.

`rows(key, build, *args)` gives `list(build(*args))`: the first time it meets `key` it builds the queryset with
stand-in values in place of `args`, compiles it, and finds where each stand-in landed among the SQL's
parameters; afterwards it runs that SQL with the real values put in their place. The rows, their conversions
and the objects (model instances with their related objects and annotations, dicts of `values()`, tuples of
`values_list()`) come from Django's own iterable and the kept compiler, as if the queryset had been built and
compiled again. `get_by_pk(key, build, pk)` is the object of one id in `build()`, or None; `aggregate(key, build,
*args)` is `queryset.aggregate(**aggregates)` for the `(queryset, aggregates)` that `build(*args)` returns.

What the caller owes: `key` names everything `build` depends on besides its arguments (for a user's scope: the
user and the attributes the scope reads), since the SQL compiled for a key is reused for as long as the
process lives (at most `SIZE` keys, the least recently used dropped). A value that may change between calls
(today's date, an id) is an argument, never read by `build` from elsewhere.

What is checked, so that a wrong use is slow rather than wrong: the queryset is built and compiled twice, with
two different sets of stand-ins, and kept only if the two SQL texts are the same and every parameter is either
a stand-in in both (the same argument) or the same value in both: a value `build` derived from an argument
(the day after it, a list made of it) or wrote into the SQL text differs between the two; and every argument
must land among the parameters (Django drops a comparison it can decide alone, with a value outside the
column's range, say). A read that fails a check is not kept but built and compiled each time. So are reads with
`prefetch_related`, and arguments of types without stand-ins (integers, strings, dates and datetimes have
them; None, booleans and lists must be in the key).
"""

from __future__ import annotations

import contextlib
import datetime
from collections import OrderedDict
from collections.abc import Callable, Hashable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import BigIntegerField, IntegerField, Model, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.sql.compiler import SQLCompiler

#: Compiled reads kept per process: about ten per active user (the family list, page, grid and saved cell), 78 KB
#: each on average (the family page's about 100 KB): ~80 MB at most, the reads of ~100 users.
SIZE = 1024
_BIGINT = range(-(2**63), 2**63)


@dataclass(frozen=True)
class _Entry:
    queryset: QuerySet
    compiler: SQLCompiler
    sql: str
    params: tuple
    slots: tuple[tuple[int, int], ...]  # (index among the parameters, index of the argument)


_compiled: OrderedDict[Hashable, _Entry | None] = OrderedDict()
_MISSING = object()


def _stand_in(value: Any, index: int, round_: int) -> Any:
    """A value of the argument's type that no real argument has: distinct for each argument and round."""
    kind = type(value)
    serial = 2 * index + round_
    if kind is int:
        # Inside the range of every integer column, small and positive ones too: Django drops a comparison with
        # a value outside the column's range (an always-false or always-true condition).
        return 32_000 + serial
    if kind is str:
        return f"\u2063stand-in {serial}\u2063"
    if kind is datetime.date:
        return datetime.date(1111, 1, 1) + datetime.timedelta(days=serial)
    if kind is datetime.datetime:
        return datetime.datetime(1111, 1, 1, tzinfo=value.tzinfo) + datetime.timedelta(days=serial)
    return None


def _sql_of(build: Callable[..., QuerySet], args: list) -> tuple[QuerySet, SQLCompiler, str, tuple] | None:
    queryset = build(*args)
    compiler = queryset.query.get_compiler(using=queryset.db)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:
        return None
    return queryset, compiler, sql, tuple(params)


def _slot(value: Any, stand_ins: list) -> int | None:
    for index, stand_in in enumerate(stand_ins):
        if type(value) is type(stand_in) and value == stand_in:
            return index
    return None


def _compile(build: Callable[..., QuerySet], args: tuple) -> _Entry | None:
    """The kept read, or None when it cannot be kept (see the module's documentation)."""
    rounds = [[_stand_in(arg, index, round_) for index, arg in enumerate(args)] for round_ in (0, 1)]
    if any(stand_in is None for stand_in in rounds[0]):
        return None
    first, second = (_sql_of(build, stand_ins) for stand_ins in rounds)
    if first is None or second is None:
        return None
    queryset, compiler, sql, params = first
    if sql != second[2] or len(params) != len(second[3]) or queryset._prefetch_related_lookups:
        return None
    slots = []
    for position, (one, other) in enumerate(zip(params, second[3], strict=True)):
        at, again = _slot(one, rounds[0]), _slot(other, rounds[1])
        if at is None and again is None:
            if type(one) is not type(other) or one != other:
                return None  # a value derived from an argument
        elif at != again:
            return None
        else:
            slots.append((position, at))
    if {index for _position, index in slots} != set(range(len(args))):
        return None  # an argument that landed nowhere: dropped as out of range, or derived, or unused
    if any(str(stand_in) in sql for stand_in in rounds[0]):
        return None  # an argument written into the SQL text
    return _Entry(queryset, compiler, sql, params, tuple(slots))


def _entry(key: Hashable, build: Callable[..., QuerySet], args: tuple) -> _Entry | None:
    # The arguments' types are part of the key: None (IS NULL) or a boolean compiles to other SQL.
    key = (key, *(type(arg) for arg in args))
    # Each step stands alone: under threads another may drop the key between two of them (then it is compiled
    # again, not lost).
    entry = _compiled.get(key, _MISSING)
    if entry is not _MISSING:
        with contextlib.suppress(KeyError):
            _compiled.move_to_end(key)
        return entry
    entry = _compiled[key] = _compile(build, args)
    while len(_compiled) > SIZE:
        with contextlib.suppress(KeyError):
            _compiled.popitem(last=False)
    return entry


def rows(key: Hashable, build: Callable[..., QuerySet], *args: Any) -> list:
    """`list(build(*args))`, from SQL compiled once per `key`."""
    if any(type(arg) is int and arg not in _BIGINT for arg in args):
        return list(build(*args))  # Django decides such a comparison without PostgreSQL
    entry = _entry(key, build, args)
    if entry is None:
        return list(build(*args))
    values = list(entry.params)
    for position, index in entry.slots:
        values[position] = args[index]
    runner = copy_compiler(entry.compiler)
    # The compiler was made on the connection of the thread that compiled it: this thread's own.
    runner.connection = connections[entry.queryset.db]
    runner.as_sql = lambda *a, **kw: (entry.sql, values)
    query = copy_query(entry.compiler.query)
    query.get_compiler = lambda *a, **kw: runner
    queryset = entry.queryset._chain()
    queryset._query = query  # not the `query` setter, which would turn a values_list() into values()
    return list(queryset)


def count(key: Hashable, build: Callable[..., QuerySet], *args: Any) -> int:
    """`build(*args).count()`, from SQL compiled once per `key`: COUNT(*) over the queryset's rows (its
    ordering dropped). For querysets without aggregates or DISTINCT, whose rows are what they count."""
    return rows((key, "count"), lambda *values: _counting(build(*values)), *args)[0]


def _counting(queryset: QuerySet) -> QuerySet:
    query = queryset.query
    if query.distinct or query.is_sliced or any(a.contains_aggregate for a in query.annotations.values()):
        raise ValueError("compiled.count: a queryset sliced, with aggregates or DISTINCT counts otherwise")
    return queryset.order_by().values_list(RawSQL("COUNT(*)", (), output_field=BigIntegerField()), flat=True)


#: The constant column that `aggregate` selects beside the aggregates (Django groups by no constant: one row).
_ONE = "compiled_one"


def aggregate(key: Hashable, build: Callable[..., tuple[QuerySet, dict]], *args: Any) -> dict:
    """`queryset.aggregate(**aggregates)` for `queryset, aggregates = build(*args)`, from SQL compiled once per
    `key`: the aggregates selected beside a constant, which PostgreSQL answers with one row (of zeros and NULLs
    when no row matches), as `aggregate()` does. For querysets without DISTINCT, slicing or aggregates of their
    own, whose rows are what the aggregates read."""
    row = rows((key, "aggregate"), lambda *values: _aggregating(*build(*values)), *args)[0]
    del row[_ONE]
    return row


def _aggregating(queryset: QuerySet, aggregates: dict) -> QuerySet:
    query = queryset.query
    if query.distinct or query.is_sliced or any(a.contains_aggregate for a in query.annotations.values()):
        raise ValueError("compiled.aggregate: a queryset sliced, with aggregates or DISTINCT aggregates otherwise")
    return (
        queryset.order_by()
        .annotate(**{_ONE: Value(1, output_field=IntegerField())})
        .values(_ONE)
        .annotate(**aggregates)
    )


def get_by_pk(key: Hashable, build: Callable[[], QuerySet], pk: int) -> Model | None:
    """The object of primary key `pk` in `build()`, or None when it is not there."""
    if pk not in _BIGINT:
        return None
    found = rows(key, lambda id_: build().filter(pk=id_), pk)
    return found[0] if found else None


def copy_compiler(compiler: SQLCompiler) -> SQLCompiler:
    runner = object.__new__(type(compiler))
    runner.__dict__.update(compiler.__dict__)
    return runner


def copy_query(query):
    copied = object.__new__(type(query))
    copied.__dict__.update(query.__dict__)
    return copied
