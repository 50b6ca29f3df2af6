"""Jobs for the tests of the background worker (pippi_portal/tests/test_background_jobs.py): the worker process
imports them by their path, as it imports the portal's own."""

import time
from pathlib import Path

from django_tasks import task


@task()
def sleep_then_write(seconds: float, path: str) -> str:
    """Sleep, then write a file: the job is done only if the file is there."""
    time.sleep(seconds)
    Path(path).write_text("fatto", encoding="utf-8")
    return path


@task()
def always_fails() -> None:
    raise RuntimeError("the job's data is broken")
