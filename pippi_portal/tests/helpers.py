"""Helpers shared by the tests that run the project's programs in a subprocess."""

from __future__ import annotations

from django.db import connection


def database_url(name: str | None = None) -> str:
    """A DATABASE_URL for the database the tests use (or another database on the same server)."""
    database = connection.settings_dict
    name = name or database["NAME"]
    user = database["USER"] or "postgres"
    password = f":{database['PASSWORD']}" if database["PASSWORD"] else ""
    host = database["HOST"] or "localhost"
    if host.startswith("/"):  # the embedded server's socket directory (scripts/devdb.py)
        return f"postgres://{user}{password}@/{host}/{name}"
    return f"postgres://{user}{password}@{host}:{database['PORT'] or 5432}/{name}"
