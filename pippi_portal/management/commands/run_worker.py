"""`manage.py run_worker`: the background worker of the portal. django-tasks-db's `db_worker` with the options it
has, plus a heartbeat, the take-up of the jobs of dead workers, retries and a clean stop on SIGTERM
(pippi_portal.tasks). Run this one, never `db_worker`: a job run by a worker without heartbeat looks abandoned
after `TASK_LEASE_SECONDS` and would be run a second time."""

from __future__ import annotations

from django.core.management.base import CommandError
from django_tasks_db.management.commands import db_worker

from pippi_portal.tasks import PortalWorker


class Command(db_worker.Command):
    help = "Esegue le attività in background (rendicontazioni, importazioni) e riprende quelle interrotte."

    def handle(
        self,
        *,
        verbosity,
        queue_name,
        interval,
        batch,
        backend_name,
        startup_delay,
        max_tasks,
        worker_id,
        exclude_queues,
        **options,
    ) -> None:
        # No autoreload (--reload is ignored): a reload would kill the running job instead of releasing it.
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name=*")
        worker = PortalWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=backend_name,
            startup_delay=startup_delay,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=excluded,
        )
        worker.configure_signals()
        worker.run()
