"""The seeded demo, seeded once per test process and put back for each module that asks for it (`seeded_demo`).

`seed_demo` takes about ten seconds; eight modules use the demo. The first of them on a process seeds it for
real, inside its module's transaction, and a snapshot is taken of what the database then holds: every table's
rows (PostgreSQL's binary COPY, so every value comes back bit for bit), the sequences' positions, the uploaded
files. Each later module restores that snapshot inside its own module transaction (rolled back at its end, as
before): the tables are emptied and filled again with the snapshot's rows, reference data and content types
included, so the ids the demo's rows point to are the snapshot's whatever earlier tests did to those tables
(a transactional test's flush loads the reference data again under new ids). Triggers are off while the rows
are copied back (`session_replication_role = replica`): the rows were written by the real services and checked
by the triggers once, and the history and audit triggers would otherwise add rows the snapshot already has.
The planner's statistics of the tables are gathered again, as `seed_demo` does.

Where the snapshot cannot be restored (a database user that may not turn the triggers off) the module seeds the
demo itself, as it always did.

With several processes (`pytest -n`), the first process to need the demo seeds it and leaves its snapshot in the
run's common temporary folder (`shared`): the other processes restore that one instead of seeding their own.
The folder's lock is held while the demo is seeded, so a process that needs the demo at the same moment waits
for it rather than seeding it a second time. Each process's database is migrated from the same migrations, so
the rows fit any of them."""

from __future__ import annotations

import contextlib
import datetime
import fcntl
import io
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import DatabaseError, connection, transaction

#: Never restored: the migration history is the schema's, not the data's.
KEEP = frozenset({"django_migrations"})


@dataclass
class Snapshot:
    day: datetime.date
    tables: dict[str, bytes] = field(default_factory=dict)
    sequences: dict[str, int] = field(default_factory=dict)
    media: Path | None = None


def _tables(cursor) -> list[str]:
    return [name for name in connection.introspection.table_names(cursor) if name not in KEEP]


def take(media_copy: Path) -> Snapshot:
    """What the database and the media folder hold now, in the running transaction."""
    snapshot = Snapshot(day=datetime.date.today())
    with connection.cursor() as cursor:
        for table in _tables(cursor):
            buffer = io.BytesIO()
            cursor.copy_expert(f'COPY "{table}" TO STDOUT (FORMAT binary)', buffer)
            snapshot.tables[table] = buffer.getvalue()
        cursor.execute(
            "SELECT format('%I.%I', schemaname, sequencename), last_value FROM pg_sequences "
            "WHERE last_value IS NOT NULL"
        )
        snapshot.sequences = dict(cursor.fetchall())
    media = Path(settings.MEDIA_ROOT)
    if media.exists():
        shutil.copytree(media, media_copy)
        snapshot.media = media_copy
    return snapshot


def restore(snapshot: Snapshot) -> bool:
    """Put the snapshot back in the running transaction; False (and nothing changed) where it cannot be."""
    if snapshot.day != datetime.date.today():
        return False  # the demo's dates follow from the day it is seeded on
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL session_replication_role = replica")
            tables = _tables(cursor)
            cursor.execute("TRUNCATE " + ", ".join(f'"{table}"' for table in tables))
            for table, rows in snapshot.tables.items():
                cursor.copy_expert(f'COPY "{table}" FROM STDIN (FORMAT binary)', io.BytesIO(rows))
            # Sequences never go back: later rows are numbered after the snapshot's and after earlier tests'.
            for sequence, last_value in snapshot.sequences.items():
                cursor.execute(
                    "SELECT setval(%s, greatest(%s, (SELECT last_value FROM pg_sequences "
                    "WHERE format('%%I.%%I', schemaname, sequencename) = %s)))",
                    [sequence, last_value, sequence],
                )
            cursor.execute("SET LOCAL session_replication_role = origin")
            # Table by table: a bare ANALYZE also reads the system catalogs, which the TRUNCATE has just grown
            # (half a minute on a busy machine, against a fifth of a second for the tables).
            for table in tables:
                cursor.execute(f'ANALYZE "{table}"')
    except DatabaseError:
        return False
    ContentType.objects.clear_cache()
    if snapshot.media is not None:
        shutil.copytree(snapshot.media, settings.MEDIA_ROOT, dirs_exist_ok=True)
    return True


@contextlib.contextmanager
def shared(folder: Path) -> Iterator[tuple[Snapshot | None, Callable[[], Snapshot]]]:
    """The snapshot a process of the run left in `folder` (None if none yet), and a function that takes one
    (`take`) and leaves it there for the others, under the folder's lock: the other processes wait until it is
    released."""
    folder.mkdir(parents=True, exist_ok=True)
    stored = folder / "snapshot.pickle"
    with (folder / "lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed, or when the process ends

        def keep() -> Snapshot:
            snapshot = take(Path(tempfile.mkdtemp(dir=folder)) / "media")
            written = stored.with_suffix(".part")
            written.write_bytes(pickle.dumps(snapshot))
            written.replace(stored)
            return snapshot

        yield (pickle.loads(stored.read_bytes()) if stored.exists() else None), keep
