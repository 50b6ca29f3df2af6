"""Back up and restore the project's database with pg_dump / pg_restore (custom format).

Usage (DATABASE_URL set, as `make backup` and `make restore` do through scripts/devdb.py):
    python scripts/backup.py dump [--output DIR]      write DIR/pippi-YYYYMMDD-HHMMSS.dump (default var/backups)
    python scripts/backup.py restore FILE             replace the database's content with FILE's

The client programs must be at least as new as the server: the embedded PostgreSQL 16 (pgserver) ships
its own under its package's pginstall/bin, a system server has its own on PATH or under
/usr/lib/postgresql/N/bin. The newest client found is used; its major version is checked against the
server's. A restore runs in one transaction (all or nothing), owns the objects as the connecting role and
brings no grants: run `manage.py grant_app_role` afterwards (docs/security.md, "Backups").
"""

from __future__ import annotations

import argparse
import datetime
import os
import re
import shutil
import subprocess
import sys
import warnings
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_OUTPUT = ROOT / "var" / "backups"


def connection_from_url(url: str) -> dict[str, str]:
    """libpq settings from a postgres:// URL, including the socket form postgres://user@//abs/dir/dbname."""
    parts = urlsplit(url)
    if parts.scheme not in ("postgres", "postgresql", "pgsql"):
        raise SystemExit("backup: DATABASE_URL must point to PostgreSQL")
    path = unquote(parts.path)
    host = unquote(parts.hostname or "")
    if not host and path.startswith("//"):
        # Socket directory in the path: everything but the last segment.
        socket_dir, _, name = path[1:].rpartition("/")
        host = socket_dir
    else:
        name = path.lstrip("/")
    settings = {"PGHOST": host or "localhost", "PGDATABASE": name}
    if parts.port:
        settings["PGPORT"] = str(parts.port)
    if parts.username:
        settings["PGUSER"] = unquote(parts.username)
    if parts.password:
        settings["PGPASSWORD"] = unquote(parts.password)
    return settings


def client_dirs() -> list[Path]:
    dirs = []
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            import pgserver  # the embedded server's own client programs

        dirs.append(Path(pgserver.__file__).parent / "pginstall" / "bin")
    except ImportError:
        pass
    dirs += sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    on_path = shutil.which("pg_dump")
    if on_path:
        dirs.append(Path(on_path).resolve().parent)
    return [d for d in dirs if (d / "pg_dump").exists()]


def major_version(program: Path) -> int:
    output = subprocess.run([str(program), "--version"], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"\(PostgreSQL\)\s+(\d+)", output).group(1))


def server_major_version(environment: dict[str, str]) -> int:
    psql = newest_client_dir() / "psql"
    result = subprocess.run(
        [str(psql), "-X", "-A", "-t", "-c", "SHOW server_version_num"],
        env=environment,
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise SystemExit(f"backup: cannot reach the database: {result.stderr.strip()}")
    return int(result.stdout.strip()) // 10000


def newest_client_dir() -> Path:
    dirs = client_dirs()
    if not dirs:
        raise SystemExit("backup: pg_dump not found (install postgresql-client or the pgserver wheel)")
    return max(dirs, key=lambda d: major_version(d / "pg_dump"))


def client(program: str, environment: dict[str, str]) -> str:
    directory = newest_client_dir()
    server = server_major_version(environment)
    if major_version(directory / program) < server:
        raise SystemExit(f"backup: {program} {major_version(directory / program)} is older than the server ({server})")
    return str(directory / program)


def environment_for(url: str) -> dict[str, str]:
    environment = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    environment.update(connection_from_url(url))
    return environment


def dump(url: str, output: Path) -> Path:
    environment = environment_for(url)
    output.mkdir(parents=True, exist_ok=True)
    os.chmod(output, 0o700)  # backups hold the same data as the database
    stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = output / f"pippi-{stamp}.dump"
    subprocess.run(
        [client("pg_dump", environment), "--format=custom", "--no-owner", "--no-privileges", f"--file={target}"],
        env=environment,
        check=True,
    )
    os.chmod(target, 0o600)
    return target


def restore(url: str, archive: Path) -> None:
    if not archive.is_file():
        raise SystemExit(f"backup: {archive} does not exist")
    environment = environment_for(url)
    subprocess.run(
        [
            client("pg_restore", environment),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            f"--dbname={environment['PGDATABASE']}",
            str(archive),
        ],
        env=environment,
        check=True,
    )


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    dump_parser = commands.add_parser("dump")
    dump_parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    restore_parser = commands.add_parser("restore")
    restore_parser.add_argument("file", type=Path)
    args = parser.parse_args(argv)
    url = os.environ.get("DATABASE_URL")
    if not url:
        print("backup: DATABASE_URL is not set (use make backup / make restore)", file=sys.stderr)
        return 2
    if args.command == "dump":
        print(f"backup: written {dump(url, args.output)}")
    else:
        restore(url, args.file)
        print(f"backup: restored {args.file}; now run `manage.py grant_app_role` if the app uses its own role")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
