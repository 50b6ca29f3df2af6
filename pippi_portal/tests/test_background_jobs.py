"""The background worker survives crashes (pippi_portal/tasks.py): a dead worker's job is taken up again, a job
that keeps failing stops after TASK_MAX_ATTEMPTS, SIGTERM finishes or releases the running job, and /healthz/queue
tells monitoring about the queue. The worker runs in its own process, on the test database."""

from __future__ import annotations

import datetime
import os
import signal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_tasks.signals import task_finished
from django_tasks_db.models import DBTaskResult

from pippi_portal import tasks
from pippi_portal.models import BackgroundWorker

from .jobs import always_fails, sleep_then_write
from .workers import start_worker, stop, wait_for

SLOW = "pippi_portal.tests.jobs.sleep_then_write"


def job_of(result) -> DBTaskResult:
    return DBTaskResult.objects.get(pk=result.id)


def running(result):
    return job_of(result).status == "RUNNING"


# --- SIGTERM ------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_sigterm_lets_the_running_job_finish_then_the_worker_stops(tmp_path):
    done = tmp_path / "done.txt"
    result = sleep_then_write.enqueue(1.5, str(done))
    worker = start_worker(TASK_SHUTDOWN_GRACE_SECONDS=30)
    try:
        wait_for(lambda: running(result), timeout=30, process=worker)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=20) == 0
    finally:
        output = stop(worker)
    job = job_of(result)
    assert job.status == "SUCCESSFUL", output
    assert done.read_text(encoding="utf-8") == "fatto"
    assert not BackgroundWorker.objects.exists()  # a clean stop leaves no worker behind


@pytest.mark.django_db(transaction=True)
def test_sigterm_releases_a_job_that_does_not_finish_in_time(tmp_path):
    done = tmp_path / "done.txt"
    result = sleep_then_write.enqueue(60, str(done))
    worker = start_worker(TASK_SHUTDOWN_GRACE_SECONDS=1)
    try:
        wait_for(lambda: running(result), timeout=30, process=worker)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
    finally:
        output = stop(worker)
    job = job_of(result)
    # Back in the queue for the next worker, the interrupted claim not counted as an attempt.
    assert (job.status, job.worker_ids, job.started_at) == ("READY", [], None), output
    assert not done.exists()
    assert not BackgroundWorker.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_an_idle_worker_stops_at_once_on_sigterm():
    worker = start_worker()
    try:
        wait_for(BackgroundWorker.objects.exists, timeout=30, process=worker)
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=10) == 0
    finally:
        stop(worker)
    assert not BackgroundWorker.objects.exists()


# --- A killed worker, retries ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_worker_started_again_under_the_same_id_takes_up_the_job_its_predecessor_left(tmp_path):
    """As systemd would restart a worker with a fixed --worker-id: its heartbeat must not keep the dead one's job
    looking alive; the job runs again at once, without waiting for the lease (60 s here)."""
    done = tmp_path / "done.txt"
    result = sleep_then_write.enqueue(2, str(done))
    first = start_worker("--worker-id", "pippi-1")
    try:
        wait_for(lambda: running(result), timeout=30, process=first)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    assert job_of(result).status == "RUNNING" and not done.exists()  # nobody would ever finish it
    second = start_worker("--worker-id", "pippi-1")
    try:
        wait_for(lambda: job_of(result).status == "SUCCESSFUL", timeout=30, process=second)
    finally:
        stop(second)
    assert job_of(result).worker_ids == ["pippi-1", "pippi-1"] and done.exists()


@pytest.mark.django_db(transaction=True)
def test_a_failing_job_is_tried_again_then_stops_after_the_last_attempt():
    result = always_fails.enqueue()
    worker = start_worker("--batch", TASK_MAX_ATTEMPTS=2, TASK_RETRY_DELAY_SECONDS=0)
    try:
        assert worker.wait(timeout=60) == 0
    finally:
        output = stop(worker)
    job = job_of(result)
    assert (job.status, len(job.worker_ids)) == ("FAILED", 2), output
    assert "the job's data is broken" in job.traceback


# --- The reclaim step, in this process --------------------------------------------------------------------


def stale_job(*worker_ids: str, minutes: int = 5) -> DBTaskResult:
    result = sleep_then_write.enqueue(0, "/nonexistent")
    DBTaskResult.objects.filter(pk=result.id).update(
        status="RUNNING", worker_ids=list(worker_ids), started_at=timezone.now() - datetime.timedelta(minutes=minutes)
    )
    return job_of(result)


def test_reclaim_queues_again_the_jobs_of_dead_workers_only(db, settings):
    settings.TASK_LEASE_SECONDS, settings.TASK_MAX_ATTEMPTS = 60, 3
    now = timezone.now()
    BackgroundWorker.objects.create(worker_id="alive", hostname="h", pid=1, started_at=now, seen_at=now)
    BackgroundWorker.objects.create(
        worker_id="dead", hostname="h", pid=2, started_at=now, seen_at=now - datetime.timedelta(minutes=3)
    )
    of_the_dead = stale_job("dead")
    never_registered = stale_job("old-db-worker")
    of_the_living = stale_job("dead", "alive")
    just_claimed = stale_job("dead", minutes=0)
    given_up = []
    task_finished.connect(lambda sender, task_result, **kw: given_up.append(task_result), weak=False, dispatch_uid="t")
    try:
        assert tasks.reclaim() == (2, 0)
    finally:
        task_finished.disconnect(dispatch_uid="t")
    statuses = {job.pk: job.status for job in DBTaskResult.objects.all()}
    assert statuses[of_the_dead.pk] == statuses[never_registered.pk] == "READY"
    assert statuses[of_the_living.pk] == statuses[just_claimed.pk] == "RUNNING"
    assert not given_up


def test_reclaim_fails_a_job_whose_worker_died_too_many_times(db, settings):
    settings.TASK_MAX_ATTEMPTS = 3
    job = stale_job("a", "b", "c")
    given_up = []
    task_finished.connect(lambda sender, task_result, **kw: given_up.append(task_result), weak=False, dispatch_uid="t")
    try:
        assert tasks.reclaim() == (0, 1)
    finally:
        task_finished.disconnect(dispatch_uid="t")
    job.refresh_from_db()
    assert (job.status, job.exception_class_path) == ("FAILED", "pippi_portal.tasks.WorkerLost")
    assert [str(r.id) for r in given_up] == [str(job.pk)]  # the job's app is told (e.g. the report's page)


# --- Monitoring ---------------------------------------------------------------------------------------------


def test_the_queue_check_alerts_on_a_dead_worker(client, db, settings):
    settings.TASK_LEASE_SECONDS = 60
    sleep_then_write.enqueue(0, "/nonexistent")
    DBTaskResult.objects.update(enqueued_at=timezone.now() - datetime.timedelta(seconds=90))
    BackgroundWorker.objects.create(
        worker_id="dead",
        hostname="h",
        pid=2,
        started_at=timezone.now(),
        seen_at=timezone.now() - datetime.timedelta(minutes=5),
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/healthz/queue")
    assert len(queries) == 2
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and body["workers_alive"] == 0
    assert (body["jobs_waiting"], body["jobs_running"]) == (1, 0)
    assert 89 <= body["oldest_waiting_seconds"] <= 100
    assert 299 <= body["worker_last_seen_seconds"] <= 310
    assert body["problems"] == ["no worker seen in the last 60 seconds"]


def test_the_queue_check_is_ok_with_a_live_worker_and_alerts_on_a_job_waiting_too_long(client, db, settings):
    settings.TASK_POLL_TIMEOUT_SECONDS = 600
    now = timezone.now()
    BackgroundWorker.objects.create(worker_id="alive", hostname="h", pid=1, started_at=now, seen_at=now)
    response = client.get("/healthz/queue")
    assert response.status_code == 200
    assert response.json() | {"worker_last_seen_seconds": 0} == {
        "status": "ok",
        "jobs_waiting": 0,
        "jobs_running": 0,
        "oldest_waiting_seconds": 0,
        "workers_alive": 1,
        "worker_last_seen_seconds": 0,
        "problems": [],
    }
    sleep_then_write.enqueue(0, "/nonexistent")
    DBTaskResult.objects.update(enqueued_at=now - datetime.timedelta(minutes=11))
    response = client.get("/healthz/queue")
    assert response.status_code == 503
    assert response.json()["problems"] == ["a job has waited more than 600 seconds"]
    # The plain health check keeps its contract.
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}


# --- make run's supervision -----------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_the_supervising_loop_starts_a_killed_worker_again_and_stops_it_on_sigterm():
    """`make run` runs the worker under scripts/supervise.sh: killed, it comes back; SIGTERM stops both."""
    worker = start_worker(supervised=True)
    try:
        first = wait_for(BackgroundWorker.objects.first, timeout=30, process=worker)
        os.kill(first.pid, signal.SIGKILL)
        second = wait_for(lambda: BackgroundWorker.objects.exclude(pid=first.pid).first(), timeout=30, process=worker)
        assert second.pid != first.pid
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0
    finally:
        stop(worker)
    # The stopped worker removed its row; the killed one's is left to expire.
    assert list(BackgroundWorker.objects.values_list("pid", flat=True)) == [first.pid]
