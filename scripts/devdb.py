"""Run a command against the project's database, starting an embedded PostgreSQL when none is configured.

Usage:
    python scripts/devdb.py run -- COMMAND [ARGS...]   run COMMAND with DATABASE_URL set
    python scripts/devdb.py url                        print the DATABASE_URL that would be used
    python scripts/devdb.py stop                       stop the embedded server, if it runs

When DATABASE_URL is already set it is used as it is and nothing is started. Otherwise the `pgserver`
wheel (a PostgreSQL build shipped inside a Python package) starts a server whose data lives in
`var/pgdata`, listening only on a Unix socket in that folder, and the database `pippi` is created in it.
The server keeps running between commands so that `make run` and `make test` start fast; `make db-stop`
stops it.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PGDATA = ROOT / "var" / "pgdata"
DATABASE = "pippi"


def embedded_url() -> str:
    """Start (or reuse) the embedded server and return a URL for the project's database."""
    import pgserver  # imported here: only needed when no DATABASE_URL is given

    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    server = pgserver.get_server(PGDATA, cleanup_mode=None)
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE};")
    # The socket folder goes in the path ("postgres://user@//socket/dir/dbname"), the form django-environ
    # reads as a Unix-socket host.
    return f"postgres://postgres@/{PGDATA}/{DATABASE}"


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or embedded_url()


def stop() -> None:
    pid_file = PGDATA / "postmaster.pid"
    if not pid_file.exists():
        print("devdb: the embedded PostgreSQL is not running")
        return
    import pgserver

    pgserver.get_server(PGDATA, cleanup_mode="stop").cleanup()
    print("devdb: embedded PostgreSQL stopped")


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "url", "stop"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "stop":
        stop()
        return 0
    url = database_url()
    if command == "url":
        print(url)
        return 0
    if rest[:1] == ["--"]:
        rest = rest[1:]
    if not rest:
        print("devdb: nothing to run", file=sys.stderr)
        return 2
    os.environ["DATABASE_URL"] = url
    os.execvp(rest[0], rest)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
