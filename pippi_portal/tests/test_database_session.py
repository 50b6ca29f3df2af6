"""What every connection of the portal sets for itself (settings.DATABASES "options")."""

import pytest
from django.db import connection

pytestmark = pytest.mark.django_db


def setting(name: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SHOW {name}")
        return cursor.fetchone()[0]


def test_no_jit_and_no_parallel_workers_for_the_pages_short_queries():
    """JIT compiling cost a second where the query took milliseconds; a parallel plan's workers cost more to start
    than they save on a page's query and take the cores the other requests are served on (docs/decisions.md)."""
    assert setting("jit") == "off"
    assert setting("max_parallel_workers_per_gather") == "0"
