"""Helpers shared by the tests that run the project's programs in a subprocess."""

from __future__ import annotations

import os
import re
import subprocess

from django.conf import settings
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


def make_variables(target: str) -> dict[str, str]:
    """The variables `make <target>` sets, from make's own database (`make -pn`, which runs nothing), with
    none of them inherited from the environment of the test run."""
    environment = {name: value for name, value in os.environ.items() if name in ("PATH", "HOME")}
    output = subprocess.run(
        ["make", "-pn", target], cwd=settings.BASE_DIR, env=environment, capture_output=True, text=True, timeout=60
    ).stdout
    variables = {}
    for line in output.splitlines():
        if match := re.fullmatch(rf"(?:{target}: )?([A-Z_]+) :?= (.*)", line):
            variables[match[1]] = match[2]
    return variables
