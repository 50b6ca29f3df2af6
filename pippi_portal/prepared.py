"""Server-side prepared statements for the long reads of a request (issue 16): PostgreSQL plans such a statement
once per connection instead of at every request.

Why: the family page's own query (the family with its referral, closure, due dates and timeline) takes about
3 ms to plan and under 1 ms to run; the indicators' batched rounds about 7 ms to plan. Django sends every
statement as text with its values written in (psycopg2 interpolates them), so PostgreSQL plans it anew each time.

How: inside `statements()` (the request, through `PreparedStatementsMiddleware`), a SELECT of at least
`MIN_LENGTH` characters becomes `PREPARE pp_<hash> (types) AS <the SQL with $1…$n>` the first time its text
is met on a connection, then `EXECUTE pp_<hash>(values)` every time. PostgreSQL plans the first executions
with their values and then keeps a generic plan if it is no costlier (`plan_cache_mode = auto`).

What keeps the results identical to the plain statement:
- the same value is the same parameter wherever it appears, so that an expression repeated in GROUP BY (a
  `date_trunc(%s, …)`, a `CASE`) is still the same expression;
- each parameter is declared with the type PostgreSQL gives the literal psycopg2 would have written (an int
  an integer, a float or Decimal a numeric, a date a date, a timestamp with its zone a timestamptz), and a
  string is left to be inferred from where it stands, as a quoted literal is; NULL stays written in;
- values of any other type (lists, JSON, bytes…), parameters by name, `executemany` and named (server-side)
  cursors run the statement as written;
- a statement PostgreSQL refuses to prepare (a parameter whose type cannot be inferred) runs as written from
  then on in this process; the first attempt sits in a savepoint, so the request's transaction goes on;
- while queries are being logged (DEBUG, a test or the bench counting them) statements run as written, so
  that the log shows their SQL.

Each connection keeps at most `PER_CONNECTION` statements (the least recently used is deallocated); a new
connection starts with none. Prepared statements live in the server's session: a pooler in transaction mode
(PgBouncer's default) would lose them, so PREPARED_STATEMENTS=false turns this off (README).
"""

from __future__ import annotations

import datetime
import hashlib
import re
from collections import OrderedDict
from contextlib import contextmanager
from decimal import Decimal

import psycopg2
from django.db import connection

#: Shorter SELECTs plan in about a tenth of a millisecond: preparing them would not pay (docs/benchmarks.md).
MIN_LENGTH = 1500
#: Statements kept per connection.
PER_CONNECTION = 64

#: Statements prepared once in this process (no savepoint needed again) and those that cannot be.
_preparable: set[str] = set()
_refused: set[str] = set()
#: How many statement names the two sets hold at most.
_KNOWN = 10_000

_PLACEHOLDER = re.compile(r"%%|%s")
_INT4 = range(-(2**31), 2**31)


def _type_of(value) -> str | None:
    """The SQL type of the literal psycopg2 writes for `value` ("unknown" for a quoted string: inferred from
    its place), or None for a value this module leaves written in the statement."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer" if value in _INT4 else "bigint"
    if isinstance(value, float):
        return "numeric" if value == value and value not in (float("inf"), float("-inf")) else None
    if isinstance(value, Decimal):
        return "numeric" if value.is_finite() else None
    if isinstance(value, str):
        return "unknown"
    if isinstance(value, datetime.datetime):
        return "timestamp with time zone" if value.tzinfo else "timestamp without time zone"
    if isinstance(value, datetime.date):
        return "date"
    return None


def parametrised(sql: str, params) -> tuple[str, list[str], list] | None:
    """The statement with $1…$n in place of its values (one per distinct value), the parameters' types and
    values; None when a value is not one this module carries."""
    numbers: dict[tuple, int] = {}
    types: list[str] = []
    values: list = []
    given = iter(params)
    unsupported = False

    def replace(match: re.Match) -> str:
        nonlocal unsupported
        if match.group() == "%%":
            return "%"
        value = next(given)
        if value is None:
            return "NULL"
        kind = _type_of(value)
        if kind is None:
            unsupported = True
            return ""
        key = (type(value), value)
        if key not in numbers:
            types.append(kind)
            values.append(value)
            numbers[key] = len(values)
        return f"${numbers[key]}"

    text = _PLACEHOLDER.sub(replace, sql)
    if unsupported or next(given, given) is not given:
        return None
    return text, types, values


def _statements(db) -> OrderedDict:
    """The statements prepared on the database connection now open (a new connection has none)."""
    state = getattr(db, "_prepared_statements", None)
    if state is None or state[0] is not db.connection:
        state = db._prepared_statements = (db.connection, OrderedDict())
    return state[1]


def _prepare(db, cursor, name: str, text: str, types: list[str]) -> bool:
    declared = f" ({', '.join(types)})" if types else ""
    statement = f"PREPARE {name}{declared} AS {text}"
    if name in _preparable or not db.in_atomic_block:
        try:
            cursor.execute(statement)
        except psycopg2.Error:
            if db.in_atomic_block:
                raise
            return False
        return True
    # Not yet known to prepare: a refusal must not abort the request's transaction.
    cursor.execute("SAVEPOINT prepared_statement")
    try:
        cursor.execute(statement)
    except psycopg2.Error:
        cursor.execute("ROLLBACK TO SAVEPOINT prepared_statement")
        return False
    finally:
        cursor.execute("RELEASE SAVEPOINT prepared_statement")
    return True


def execute(execute_, sql, params, many, context):
    """A `connection.execute_wrapper`: long SELECTs as prepared statements (see the module's doc)."""
    db, wrapper = context["connection"], context["cursor"]
    cursor = wrapper.cursor
    if (
        many
        or len(sql) < MIN_LENGTH
        or not isinstance(params, list | tuple)
        or not sql.startswith("SELECT")
        or db.queries_logged
        or getattr(cursor, "name", None)
    ):
        return execute_(sql, params, many, context)
    found = parametrised(sql, params)
    if found is None:
        return execute_(sql, params, many, context)
    text, types, values = found
    name = "pp_" + hashlib.blake2b(f"{types}{text}".encode(), digest_size=12).hexdigest()
    if name in _refused:
        return execute_(sql, params, many, context)
    statements = _statements(db)
    if name in statements:
        statements.move_to_end(name)
    else:
        if len(_preparable) + len(_refused) > _KNOWN:
            # A long-lived process that met this many texts forgets which prepare (a savepoint again next time).
            _preparable.clear()
            _refused.clear()
        if not _prepare(db, cursor, name, text, types):
            _refused.add(name)
            return execute_(sql, params, many, context)
        _preparable.add(name)
        statements[name] = True
        while len(statements) > PER_CONNECTION:
            oldest, _ = statements.popitem(last=False)
            cursor.execute(f"DEALLOCATE {oldest}")
    arguments = f"({', '.join(['%s'] * len(values))})" if values else ""
    return execute_(f"EXECUTE {name}{arguments}", values, many, context)


@contextmanager
def statements():
    """Long SELECTs made inside as prepared statements, on the default database."""
    with connection.execute_wrapper(execute):
        yield
