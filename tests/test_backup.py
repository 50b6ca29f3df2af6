"""`make backup` / `make restore` (scripts/backup.py): a dump restored into a fresh database holds the same
rows, table by table."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from families.models import DiaryNote
from pippi_portal.tests.helpers import database_url
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)  # pg_dump sees only committed data
SCRIPT = Path(settings.BASE_DIR) / "scripts" / "backup.py"


def run_backup(url: str, *args: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "DATABASE_URL": url}
    result = subprocess.run(
        [sys.executable, str(SCRIPT), *args], env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result


def table_fingerprints(cursor) -> dict[str, tuple[int, str]]:
    """Row count and an order-independent checksum of every table of the schema."""
    cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename")
    fingerprints = {}
    for (table,) in cursor.fetchall():
        quoted = connection.ops.quote_name(table)
        cursor.execute(f"SELECT count(*), md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) FROM {quoted} t")
        fingerprints[table] = cursor.fetchone()
    return fingerprints


def other_database_cursor(name: str):
    import psycopg2

    params = connection.get_connection_params()
    params.pop("database", None)
    params["dbname"] = name
    return psycopg2.connect(**params)


def test_a_backup_restored_into_a_fresh_database_has_the_same_rows(world, tmp_path):
    family = f.make_family(world, children=2)
    DiaryNote.objects.create(family=family, author=world.users.case_manager, date=f._dt.date(2024, 2, 1), text="Nota")
    with connection.cursor() as cursor:
        source = table_fingerprints(cursor)
    assert source["families_member"][0] == 3 and source["families_memberevent"][0] >= 3

    run_backup(database_url(), "dump", "--output", str(tmp_path))
    (archive,) = tmp_path.glob("pippi-*.dump")
    assert oct(archive.stat().st_mode & 0o777) == "0o600"

    fresh = f"pippi_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {fresh}")
    try:
        run_backup(database_url(fresh), "restore", str(archive))
        with other_database_cursor(fresh) as restored, restored.cursor() as cursor:
            assert table_fingerprints(cursor) == source
        restored.close()
        # Restoring again over the same database replaces its content rather than doubling it.
        run_backup(database_url(fresh), "restore", str(archive))
        with other_database_cursor(fresh) as restored, restored.cursor() as cursor:
            assert table_fingerprints(cursor) == source
        restored.close()
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {fresh} WITH (FORCE)")
