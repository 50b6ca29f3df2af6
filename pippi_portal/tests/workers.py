"""The background worker in its own process (`manage.py run_worker`), on the test database and the test's media
folder, for the tests that kill it or stop it. Their tests are transactional: the worker sees committed rows."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from django.conf import settings

from .helpers import database_url

ROOT = Path(__file__).resolve().parents[2]


def start_worker(*options: str, supervised: bool = False, **env: object) -> subprocess.Popen:
    """`manage.py run_worker` polling every 0.2 s; `env` sets its settings (e.g. TASK_LEASE_SECONDS=2).
    `supervised`: under scripts/supervise.sh, as `make run` starts it."""
    environment = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
        **{name: str(value) for name, value in env.items()},
    }
    command = [sys.executable, "manage.py", "run_worker", "--no-startup-delay", "--interval", "0.2", *options]
    if supervised:
        command = ["sh", "scripts/supervise.sh", *command]
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def stop(process: subprocess.Popen) -> str:
    """Kill the worker if it still runs; its output, for the assertion messages."""
    if process.poll() is None:
        process.kill()
    output, _ = process.communicate(timeout=10)
    return output or ""


def wait_for(condition: Callable[[], object], *, timeout: float, process: subprocess.Popen | None = None):
    """Poll `condition` until it is true (its value) or `timeout` seconds pass (AssertionError, with the worker's
    output)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if process is not None and process.poll() is not None:
            break
        time.sleep(0.1)
    value = condition()
    if value:
        return value
    output = stop(process) if process is not None else ""
    raise AssertionError(f"condition not met in {timeout} s\n{output}")
