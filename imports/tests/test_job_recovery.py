"""The import jobs survive their worker (issue 19): a worker killed (SIGKILL, its own process on the test database)
in the middle of a real run or of a large dry run leaves the run to the next worker, which ends it with exactly the
rows of the file; a job the worker gives up fails its run with an Italian reason and «Riprova»; a run without news
stops the polling and says whether the service is down."""

from __future__ import annotations

import datetime
import html
import signal

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from imports import services
from imports.importers import HoursImporter
from imports.models import ImportRun
from interventions.models import TimeEntry, Timesheet
from pippi_portal import tasks
from pippi_portal.models import BackgroundWorker
from pippi_portal.tests.workers import start_worker, stop, wait_for

from .helpers import xlsx

ROWS = 20
#: The worker that gets killed: the progress at every row, a pause after each (20 rows: about 10 s).
SLOW = {"IMPORT_PROGRESS_EVERY": 1, "IMPORT_THROTTLE_SECONDS": 0.5, "TASK_LEASE_SECONDS": 2}


def hours_file() -> bytes:
    """20 good rows of hours on 20 days of November 2026, and one refused (30 hours in a day)."""
    rows = [["educatore", f"{day:02d}/11/2026", "Coordinamento", "", "1,5", ""] for day in range(1, ROWS + 1)]
    rows.append(["educatore", "21/11/2026", "Coordinamento", "", "30", ""])
    return xlsx(HoursImporter.columns, rows)


def dry(world, content: bytes) -> ImportRun:
    return services.import_dry_run(
        ambito=world.ambito, by=world.users.ufficio_piano, kind="hours", file_name="ore.xlsx", content=content
    )


def said(response) -> str:
    """The page's text as read (the messages' apostrophes are escaped in the HTML)."""
    return html.unescape(response.content.decode())


def fresh(run: ImportRun) -> ImportRun:
    return ImportRun.objects.get(pk=run.pk)


def report(run: ImportRun) -> tuple:
    return (run.rows, run.created_count, run.changed_count, run.refused_count, run.refused, run.preview)


def kill_in_the_middle(run: ImportRun):
    """Start a slow worker, SIGKILL it once the job is half-way through the rows; the job as it left it."""
    first = start_worker(**SLOW)
    try:
        wait_for(lambda: fresh(run).rows_done >= 5, timeout=60, process=first)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    return DBTaskResult.objects.get()


def finish_with_a_new_worker(run: ImportRun, state: str) -> tuple[ImportRun, str]:
    second = start_worker(TASK_LEASE_SECONDS=2)
    try:
        done = wait_for(lambda: (r := fresh(run)).state == state and r, timeout=120, process=second)
    finally:
        output = stop(second)
    return done, output


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_a_real_run_leaves_it_to_the_next_worker(world):
    run = dry(world, hours_file())
    expected = report(run)
    assert (run.created_count, run.refused_count) == (ROWS, 1)
    services.import_confirm(run=run, by=run.by, base_url="http://testserver/")  # committed: the job is queued

    job = kill_in_the_middle(run)
    killed = fresh(run)
    assert killed.state == ImportRun.State.RUNNING and 5 <= killed.rows_done < ROWS + 1
    assert job.status == "RUNNING" and TimeEntry.objects.count() == 0  # the crash rolled back the transaction

    done, output = finish_with_a_new_worker(run, ImportRun.State.APPLIED)
    # Exactly the rows of the file, once each: the same counts as a run never interrupted.
    assert report(done) == expected, output
    entries = TimeEntry.objects.filter(user=world.users.operatore)
    assert entries.count() == TimeEntry.objects.count() == ROWS
    assert sorted(entries.values_list("date", flat=True)) == [datetime.date(2026, 11, d) for d in range(1, ROWS + 1)]
    assert sorted(done.created_ids["interventions.timeentry"]) == sorted(entries.values_list("pk", flat=True))
    assert Timesheet.objects.count() == 1 and done.content is None
    job = DBTaskResult.objects.get()
    assert (job.status, len(job.worker_ids)) == ("SUCCESSFUL", 2), output


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_a_large_dry_run_leaves_it_to_the_next_worker(world, settings):
    settings.IMPORT_DRY_RUN_IN_WORKER_ABOVE = 5  # this process queues the dry run: 21 rows are «large»
    run = dry(world, hours_file())
    assert run.state == ImportRun.State.CHECKING

    job = kill_in_the_middle(run)
    assert fresh(run).state == ImportRun.State.CHECKING and job.status == "RUNNING"

    done, output = finish_with_a_new_worker(run, ImportRun.State.DRY_RUN)
    job = DBTaskResult.objects.get()
    assert (job.status, len(job.worker_ids)) == ("SUCCESSFUL", 2), output
    # The report, once, as a dry run in the request writes it; nothing else written.
    settings.IMPORT_DRY_RUN_IN_WORKER_ABOVE = 1000
    assert report(done) == report(dry(world, hours_file()))
    assert (done.created_count, done.refused_count, done.rows_done, done.progress) == (ROWS, 1, ROWS + 1, 100)
    assert TimeEntry.objects.count() == Timesheet.objects.count() == 0


@pytest.mark.django_db(transaction=True)
def test_a_job_that_keeps_failing_fails_its_run_after_the_last_attempt(world):
    run = dry(world, hours_file())
    services.import_confirm(run=run, by=run.by, base_url="http://testserver/")
    # The file the run keeps is damaged: every attempt of the real job fails.
    ImportRun.objects.filter(pk=run.pk).update(content=b"\x00 not a workbook")
    worker = start_worker(TASK_MAX_ATTEMPTS=2, TASK_RETRY_DELAY_SECONDS=0.1)
    try:
        failed = wait_for(lambda: (r := fresh(run)).state == ImportRun.State.FAILED and r, timeout=60, process=worker)
    finally:
        output = stop(worker)
    assert failed.error == "si è verificato un errore interno a ognuno dei 2 tentativi (FileRefused).", output
    job = DBTaskResult.objects.get()
    assert (job.status, len(job.worker_ids)) == ("FAILED", 2)
    assert failed.content is not None and TimeEntry.objects.count() == 0  # kept for «Riprova»


# --- The page: the error in Italian, «Riprova», the polling that stops ------------------------------------------


def given_up(job: DBTaskResult, *worker_ids: str) -> None:
    """The job as the reclaim step finds it: claimed by workers that are all dead."""
    DBTaskResult.objects.filter(pk=job.pk).update(
        status="RUNNING", worker_ids=list(worker_ids), started_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    tasks.reclaim()


def confirmed(world, django_capture_on_commit_callbacks) -> ImportRun:
    run = dry(world, hours_file())
    with django_capture_on_commit_callbacks(execute=True):
        services.import_confirm(run=run, by=run.by, base_url="http://testserver/")
    return run


def test_after_the_last_attempt_the_page_shows_the_error_in_italian_and_riprova(
    world, client_for, settings, django_capture_on_commit_callbacks, count_queries
):
    settings.TASK_MAX_ATTEMPTS = 3
    run = confirmed(world, django_capture_on_commit_callbacks)
    old_job = tasks.latest_job(services.APPLY_TASK, run.pk)
    given_up(old_job, "w1", "w2", "w3")
    run = fresh(run)
    assert (run.state, run.error) == (
        "failed",
        "il processo che la eseguiva si è fermato 3 volte (riavvio del server o memoria esaurita).",
    )
    client = client_for(world.users.ufficio_piano)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "L'importazione non è riuscita e non ha scritto nulla. Motivo: il processo che la eseguiva" in page
    assert "Riprova" in page and reverse("imports:run-retry", args=[run.pk]) in page
    assert "hx-trigger" not in page
    assert count_queries(lambda: client.get(run.get_absolute_url())) <= 12
    # The other roles of the ambito and another ambito's Ufficio di Piano do not reach the run.
    for user in (world.users.coordinatore, world.other.ufficio_piano):
        assert client_for(user).post(reverse("imports:run-retry", args=[run.pk])).status_code == 404
    assert fresh(run).state == "failed"

    # Riprova: a new job of the real run, its attempts counted from zero; the page polls again.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("imports:run-retry", args=[run.pk]), follow=True)
    assert "Importazione avviata di nuovo." in said(response)
    run = fresh(run)
    job = tasks.latest_job(services.APPLY_TASK, run.pk)
    assert (run.state, run.error) == ("queued", "")
    assert job.pk != old_job.pk and (job.status, job.worker_ids) == ("READY", [])
    assert 'hx-trigger="every 2s"' in client.get(reverse("imports:run-status", args=[run.pk])).content.decode()
    # The old job given up again changes nothing: the run follows its latest job.
    services._record_failure(sender=None, task_result=DBTaskResult.objects.get(pk=old_job.pk).task_result)
    assert fresh(run).state == "queued"
    # A second click while the job waits queues nothing more.
    response = client.post(reverse("imports:run-retry", args=[run.pk]), follow=True)
    assert "L'importazione è già in corso: attendi che finisca." in said(response)
    assert DBTaskResult.objects.count() == 2
    # The job runs: the rows are written once, and there is nothing to retry.
    services.import_apply(run.pk)
    assert TimeEntry.objects.count() == ROWS
    response = client.post(reverse("imports:run-retry", args=[run.pk]), follow=True)
    assert "Questa importazione è già stata eseguita." in said(response)
    assert DBTaskResult.objects.count() == 2


def test_riprova_of_a_large_dry_run_tries_the_file_again(
    world, client_for, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_DRY_RUN_IN_WORKER_ABOVE = 5
    with django_capture_on_commit_callbacks(execute=True):
        run = dry(world, hours_file())
    job = tasks.latest_job(services.CHECK_TASK, run.pk)
    job.worker_ids = ["w1"]
    job.set_failed(ValueError("broken"))
    services._record_failure(sender=None, task_result=job.task_result)
    assert (fresh(run).state, fresh(run).error) == ("failed", "si è verificato un errore interno (ValueError).")
    client = client_for(world.users.ufficio_piano)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:run-retry", args=[run.pk]))
    assert fresh(run).state == "checking"
    assert tasks.latest_job(services.CHECK_TASK, run.pk).status == "READY"
    assert tasks.latest_job(services.APPLY_TASK, run.pk) is None
    services.import_check(run.pk)
    assert (fresh(run).state, fresh(run).created_count) == ("dry_run", ROWS)
    # A dry run is confirmed, not retried.
    response = client.post(reverse("imports:run-retry", args=[run.pk]), follow=True)
    assert "Si riprova solo un'importazione non riuscita." in said(response)


def test_a_failed_run_without_its_file_asks_to_load_it_again(world, client_for):
    run = ImportRun.objects.create(
        ambito=world.ambito, kind="hours", by=world.users.ufficio_piano, file_name="ore.csv", file_sha256="0" * 64,
        state=ImportRun.State.FAILED, error="disco pieno",
    )  # fmt: skip
    client = client_for(world.users.ufficio_piano)
    page = client.get(run.get_absolute_url()).content.decode()
    assert "Il file non è più conservato: per riprovare caricalo di nuovo." in page and ">Riprova<" not in page
    response = client.post(reverse("imports:run-retry", args=[run.pk]), follow=True)
    assert "Il file di questa importazione non è più conservato: caricalo di nuovo." in said(response)
    assert not DBTaskResult.objects.exists()


def test_a_run_without_news_stops_polling_and_says_whether_the_service_is_up(world, client_for, settings):
    run = ImportRun.objects.create(
        ambito=world.ambito, kind="hours", by=world.users.ufficio_piano, file_name="ore.csv", file_sha256="0" * 64,
        state=ImportRun.State.RUNNING, rows=10, rows_done=3,
        progress_at=timezone.now() - datetime.timedelta(seconds=settings.IMPORT_POLL_TIMEOUT + 1),
    )  # fmt: skip
    client = client_for(world.users.ufficio_piano)
    url = reverse("imports:run-status", args=[run.pk])
    page = client.get(url).content.decode()
    assert "hx-trigger" not in page
    assert "Il servizio che esegue le importazioni non è attivo" in page and "riprenderà da sola" in page
    now = timezone.now()
    BackgroundWorker.objects.create(worker_id="w1", hostname="h", pid=1, started_at=now, seen_at=now)
    page = client.get(url).content.decode()
    assert "hx-trigger" not in page and "il lavoro richiede più tempo del previsto" in page
