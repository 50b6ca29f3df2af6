"""Background jobs that survive a crash (docs/decisions.md, "Background jobs survive a dead worker").

django-tasks-db claims a job by locking its row (SELECT … FOR UPDATE SKIP LOCKED) only for the moment of the
claim: it then marks it RUNNING, appends its worker id to `worker_ids` and commits. A worker that dies leaves the
job RUNNING for ever. The portal's worker (`manage.py run_worker`, `PortalWorker`) adds the least on top:

- a heartbeat: every few seconds a thread of the worker writes its `BackgroundWorker` row (`seen_at`);
- a reclaim step, run by the same thread of every live worker: a RUNNING job whose last worker has not been seen
  for `TASK_LEASE_SECONDS` is put back in the queue (READY), or failed for good once it has been claimed
  `TASK_MAX_ATTEMPTS` times (the claims are `worker_ids`, kept by django-tasks-db itself);
- a job that raises is tried again after `TASK_RETRY_DELAY_SECONDS`, up to `TASK_MAX_ATTEMPTS` claims;
- SIGTERM lets the running job finish within `TASK_SHUTDOWN_GRACE_SECONDS`, then releases it (READY, the claim
  not counted) and exits.

A job that fails for good sends django-tasks' `task_finished` signal with a FAILED result, whatever the cause:
the app that owns the job records the error for its users there. Every job must be idempotent: it may run again
from the start after a crash.
"""

from __future__ import annotations

import datetime
import logging
import os
import signal
import socket
import threading
from dataclasses import dataclass
from types import FrameType

from django.conf import settings
from django.db import close_old_connections, connection, transaction
from django.db.models import Count, Max, Min, Q
from django.utils import timezone
from django_tasks.signals import task_finished
from django_tasks_db.compat import TaskContext, task_started
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult, get_date_max

from .models import BackgroundWorker

logger = logging.getLogger("pippi_portal.tasks")

READY, RUNNING, FAILED, SUCCESSFUL = "READY", "RUNNING", "FAILED", "SUCCESSFUL"


class WorkerLost(Exception):
    """The job's worker stopped while running it (killed, out of memory, server restarted), too many times."""


class ReleaseJob(BaseException):
    """Raised in the worker's main thread when it must stop before its job is done (SIGTERM)."""


def lease() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.TASK_LEASE_SECONDS)


def heartbeat_interval() -> float:
    return max(0.2, min(settings.TASK_LEASE_SECONDS / 3, 10.0))


def attempts(job: DBTaskResult) -> int:
    """How many times the job has been claimed by a worker (django-tasks-db appends the worker id each time)."""
    return len(job.worker_ids or [])


def beat(worker_id: str, *, started_at: datetime.datetime | None = None) -> None:
    now = timezone.now()
    BackgroundWorker.objects.update_or_create(
        worker_id=worker_id,
        defaults={"seen_at": now},
        create_defaults={
            "seen_at": now,
            "started_at": started_at or now,
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
        },
    )


def _give_up(job: DBTaskResult, error: BaseException) -> None:
    """Fail the job for good and tell its app (django-tasks' `task_finished`, with a FAILED result)."""
    job.set_failed(error)
    try:
        result = job.task_result
    except Exception:  # the job's code is gone: nobody to tell
        logger.exception("Job %s failed for good", job.id)
        return
    task_finished.send(sender=type(job.task.get_backend()), task_result=result)


def take_up(job: DBTaskResult) -> bool:
    """The job's worker died: back in the queue (True), or failed for good after the last attempt (False)."""
    if attempts(job) >= settings.TASK_MAX_ATTEMPTS:
        _give_up(job, WorkerLost(f"worker lost {attempts(job)} times"))
        return False
    job.status = READY
    job.save(update_fields=["status"])
    return True


def reclaim(now: datetime.datetime | None = None) -> tuple[int, int]:
    """Take up the jobs of dead workers: (put back in the queue, failed for good). Any live worker may run it at
    any time; the row locks make two workers running it at once harmless."""
    now = now or timezone.now()
    cutoff = now - lease()
    requeued = given_up = 0
    with transaction.atomic():
        stale = list(DBTaskResult.objects.running().filter(started_at__lt=cutoff).select_for_update(skip_locked=True))
        if not stale:
            return 0, 0
        alive = set(BackgroundWorker.objects.filter(seen_at__gte=cutoff).values_list("worker_id", flat=True))
        for job in stale:
            if job.worker_ids and job.worker_ids[-1] in alive:
                continue
            if take_up(job):
                requeued += 1
            else:
                given_up += 1
        BackgroundWorker.objects.filter(seen_at__lt=now - 10 * lease()).delete()  # long dead, not worth showing
    if requeued or given_up:
        logger.warning("Jobs of dead workers: %d queued again, %d failed for good", requeued, given_up)
    return requeued, given_up


def release(job: DBTaskResult) -> None:
    """Put back in the queue a job this worker stops before finishing it; the claim does not count as an attempt."""
    DBTaskResult.objects.filter(pk=job.pk, status=RUNNING).update(
        status=READY, worker_ids=job.worker_ids[:-1], started_at=None
    )


class PortalWorker(Worker):
    """django-tasks-db's worker with a heartbeat, the reclaim step, retries and a clean stop on SIGTERM."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.in_job = False
        self.stopped = threading.Event()

    # --- liveness -------------------------------------------------------------------------------------------

    def _beat_forever(self) -> None:
        while not self.stopped.is_set():
            close_old_connections()
            try:
                if self.stopped.is_set():
                    break
                beat(self.worker_id)
                reclaim()
            except Exception:  # the database is away: try again at the next beat
                logger.exception("Heartbeat of worker %s failed", self.worker_id)
            self.stopped.wait(heartbeat_interval())
        connection.close()

    def run(self) -> None:
        beater = threading.Thread(target=self._beat_forever, name="heartbeat", daemon=True)
        # Everything after the first beat is inside the try: a SIGTERM may arrive at any point once the row exists.
        try:
            beat(self.worker_id)  # seen before its first claim
            # A worker started again under the same --worker-id: the jobs the dead one left are not alive.
            with transaction.atomic():
                running = DBTaskResult.objects.running().filter(worker_ids__contains=[self.worker_id])
                for job in running.select_for_update():
                    if job.worker_ids[-1] == self.worker_id:
                        take_up(job)
            beater.start()
            super().run()
        finally:
            self.stopped.set()
            # A beat under way (a slow database) must end before the row goes, or it would write the row again.
            if beater.is_alive():
                beater.join(timeout=30)
            close_old_connections()
            BackgroundWorker.objects.filter(worker_id=self.worker_id).delete()

    # --- SIGTERM ----------------------------------------------------------------------------------------------

    def shutdown(self, signum: int, frame: FrameType | None) -> None:
        if not self.running_task:
            self.running = False
            raise SystemExit(0)  # idle (sleeping between polls): stop now
        if self.running:
            logger.warning(
                "Received %s: finishing the job within %ss, then stopping",
                signal.strsignal(signum),
                settings.TASK_SHUTDOWN_GRACE_SECONDS,
            )
            self.running = False
            signal.signal(signal.SIGALRM, self._release_now)
            signal.alarm(max(1, int(settings.TASK_SHUTDOWN_GRACE_SECONDS)))
            return
        self._release_now(signum, frame)  # a second signal: do not wait

    def _release_now(self, signum: int, frame: FrameType | None) -> None:
        if self.in_job:
            raise ReleaseJob

    # --- running a job --------------------------------------------------------------------------------------

    def run_task(self, db_task_result: DBTaskResult) -> None:
        self.running_task = True
        try:
            task = db_task_result.task
            task_result = db_task_result.task_result
            backend_type = task.get_backend()
            task_started.send(sender=backend_type, task_result=task_result)
            self.in_job = True
            try:
                if task.takes_context:
                    value = task.call(TaskContext(task_result=task_result), *task_result.args, **task_result.kwargs)
                else:
                    value = task.call(*task_result.args, **task_result.kwargs)
            finally:
                self.in_job = False
            signal.alarm(0)
            db_task_result.set_successful(value)
            task_finished.send(sender=backend_type, task_result=db_task_result.task_result)
        except ReleaseJob:
            logger.warning("Job %s released: it will run again on the next worker", db_task_result.id)
            release(db_task_result)
            self.running = False
        except Exception as error:
            signal.alarm(0)
            if attempts(db_task_result) < settings.TASK_MAX_ATTEMPTS:
                logger.exception("Job %s failed: it will be tried again", db_task_result.id)
                run_after = timezone.now() + datetime.timedelta(seconds=settings.TASK_RETRY_DELAY_SECONDS)
                DBTaskResult.objects.filter(pk=db_task_result.pk).update(status=READY, run_after=run_after)
            else:
                logger.exception("Job %s failed for good", db_task_result.id)
                _give_up(db_task_result, error)
        except BaseException as error:  # SystemExit, KeyboardInterrupt: fail it, as django-tasks-db does
            _give_up(db_task_result, error)
            raise
        finally:
            self.running_task = False
            self._run_tasks += 1


# --- What pages and monitoring read -----------------------------------------------------------------------


def latest_job(task_path: str, *args) -> DBTaskResult | None:
    """The last job enqueued for `task_path` with these positional arguments (one query)."""
    return (
        DBTaskResult.objects.filter(task_path=task_path, args_kwargs__args=list(args)).order_by("-enqueued_at").first()
    )


@dataclass(frozen=True)
class JobProgress:
    """What a page polling a job shows: whether to go on polling, and why it stopped."""

    attempt: int
    max_attempts: int
    waited: datetime.timedelta
    timed_out: bool

    @property
    def minutes(self) -> int:
        return int(self.waited.total_seconds() // 60)


def job_progress(job: DBTaskResult | None, now: datetime.datetime | None = None) -> JobProgress:
    now = now or timezone.now()
    waited = now - job.enqueued_at if job else datetime.timedelta(0)
    over = job is None or job.status not in (READY, RUNNING)  # nothing will move the page any more
    timed_out = over or waited.total_seconds() > settings.TASK_POLL_TIMEOUT_SECONDS
    return JobProgress(
        attempt=max(1, attempts(job)) if job else 0,
        max_attempts=settings.TASK_MAX_ATTEMPTS,
        waited=waited,
        timed_out=timed_out,
    )


def worker_seen_recently(now: datetime.datetime | None = None) -> bool:
    now = now or timezone.now()
    return BackgroundWorker.objects.filter(seen_at__gte=now - lease()).exists()


def queue_health(now: datetime.datetime | None = None) -> dict:
    """The queue for monitoring: jobs waiting and running, the oldest waiting job's age, the workers alive and
    when one was last seen (two queries)."""
    now = now or timezone.now()
    due = Q(status=READY) & (Q(run_after=get_date_max()) | Q(run_after__lte=now))
    jobs = DBTaskResult.objects.aggregate(
        waiting=Count("pk", filter=due),
        running=Count("pk", filter=Q(status=RUNNING)),
        oldest=Min("enqueued_at", filter=due),
    )
    workers = BackgroundWorker.objects.aggregate(
        alive=Count("pk", filter=Q(seen_at__gte=now - lease())), last_seen=Max("seen_at")
    )
    return {
        "jobs_waiting": jobs["waiting"],
        "jobs_running": jobs["running"],
        "oldest_waiting_seconds": round((now - jobs["oldest"]).total_seconds()) if jobs["oldest"] else 0,
        "workers_alive": workers["alive"],
        "worker_last_seen_seconds": (
            round((now - workers["last_seen"]).total_seconds()) if workers["last_seen"] else None
        ),
    }
