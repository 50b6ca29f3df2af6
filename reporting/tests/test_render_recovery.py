"""A report's PDF survives its worker: killed in the middle of a render (SIGKILL, the worker process on the test
database), the next worker finishes it from the same frozen figures; a job the worker gives up shows its error in
Italian with "Riprova"; the page stops polling after TASK_POLL_TIMEOUT_SECONDS and says why."""

from __future__ import annotations

import datetime
import hashlib
import signal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from pippi_portal import tasks
from pippi_portal.models import BackgroundWorker
from pippi_portal.tests.workers import start_worker, stop, wait_for
from reporting import reports
from reporting.models import ReportRun

from .test_indicators import fixture  # noqa: F401 — the hand-built families, hours and outcomes


def start_report(world) -> ReportRun:
    return reports.report_start(project=world.project, kind="semester", label="2024-S1", by=world.users.ufficio_piano)


def fresh(run: ReportRun) -> ReportRun:
    return ReportRun.objects.get(pk=run.pk)


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_a_render_leaves_the_run_to_the_next_worker(world, fixture):  # noqa: F811
    run = start_report(world)  # committed: the job is in the queue
    first = start_worker(TASK_LEASE_SECONDS=2, REPORT_RENDER_PAUSE_SECONDS=120)
    try:
        # The figures are frozen and the PDF is being rendered (the job pauses there) when the worker dies.
        wait_for(lambda: fresh(run).progress == 40, timeout=60, process=first)
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=10)
    finally:
        stop(first)
    frozen = fresh(run)
    assert (frozen.render_status, frozen.pdf_sha256) == ("in_corso", "")
    assert reports.render_job(run).status == "RUNNING"  # django-tasks-db alone would leave it there for ever

    second = start_worker(TASK_LEASE_SECONDS=2)
    try:
        done = wait_for(lambda: fresh(run).render_status == "pronto" and fresh(run), timeout=120, process=second)
    finally:
        output = stop(second)
    # Rendered again from the same frozen figures: the same file, the same hash.
    assert (done.snapshot_file.name, done.snapshot_sha256) == (frozen.snapshot_file.name, frozen.snapshot_sha256)
    with done.snapshot_file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == frozen.snapshot_sha256
    with done.pdf.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == done.pdf_sha256
    job = reports.render_job(run)
    assert (job.status, len(job.worker_ids)) == ("SUCCESSFUL", 2), output


def given_up(run: ReportRun, *worker_ids: str) -> None:
    """The run's job as the reclaim step finds it: claimed by workers that are all dead."""
    job = reports.render_job(run)
    DBTaskResult.objects.filter(pk=job.pk).update(
        status="RUNNING", worker_ids=list(worker_ids), started_at=timezone.now() - datetime.timedelta(minutes=5)
    )
    tasks.reclaim()


def test_after_the_last_attempt_the_page_shows_the_error_in_italian_and_riprova(
    world,
    fixture,  # noqa: F811
    client_for,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.TASK_MAX_ATTEMPTS = 3
    with django_capture_on_commit_callbacks(execute=True):
        run = start_report(world)
    given_up(run, "w1", "w2", "w3")
    run = fresh(run)
    assert run.render_status == "errore"
    assert run.render_error == (
        "il processo che lo preparava si è interrotto 3 volte (riavvio del server o memoria esaurita)."
    )
    url = reverse("reporting:report-status", args=[run.pk])
    udp = client_for(world.users.ufficio_piano).get(url).content.decode()
    assert "La preparazione del PDF non è riuscita: il processo che lo preparava si è interrotto 3 volte" in udp
    assert "Riprova" in udp and reverse("reporting:report-retry", args=[run.pk]) in udp
    assert "hx-trigger" not in udp  # nothing more to wait for
    # The coordinator reads the report and may not start it: the error, no button.
    coordinator = client_for(world.users.coordinatore).get(url).content.decode()
    assert "si è interrotto 3 volte" in coordinator and "Riprova" not in coordinator
    assert "L'Ufficio di Piano capofila può avviare di nuovo la preparazione." in coordinator
    assert (
        client_for(world.users.coordinatore).post(reverse("reporting:report-retry", args=[run.pk])).status_code == 403
    )

    # Riprova: a new job, its attempts counted from zero; the page polls it again.
    old_job = reports.render_job(run)
    client = client_for(world.users.ufficio_piano)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reporting:report-retry", args=[run.pk]), follow=True)
    assert "Preparazione del PDF avviata di nuovo." in response.content.decode()
    run = fresh(run)
    job = reports.render_job(run)
    assert (run.render_status, run.render_error) == ("in_coda", "")
    assert job.pk != old_job.pk and (job.status, job.worker_ids) == ("READY", [])
    assert 'hx-trigger="every 2s"' in client.get(url).content.decode()
    # A second click while the job waits starts nothing more.
    response = client.post(reverse("reporting:report-retry", args=[run.pk]), follow=True)
    assert "Il PDF è già in preparazione: attendi che sia pronto." in response.content.decode()
    assert DBTaskResult.objects.count() == 2
    # The new job runs: the PDF is ready, and there is nothing to retry.
    reports.run_report(run.pk)
    response = client.post(reverse("reporting:report-retry", args=[run.pk]), follow=True)
    assert "Il PDF è già pronto." in response.content.decode()


def test_an_error_in_the_job_is_named_in_italian(world, fixture, settings, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=True):
        run = start_report(world)
    job = reports.render_job(run)
    job.worker_ids = ["w1", "w2"]
    job.set_failed(ValueError("broken"))
    reports._record_failure(sender=None, task_result=job.task_result)
    assert fresh(run).render_error == "si è verificato un errore interno 2 volte di seguito (ValueError)."


def test_an_older_job_given_up_does_not_touch_a_run_rendered_since(
    world,
    fixture,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_report(world)
    first = reports.render_job(run)
    with django_capture_on_commit_callbacks(execute=True):
        reports.report_save_narrative(run=run, texts={"critical_issues": "x"}, by=world.users.ufficio_piano)
    first.worker_ids = ["w1", "w2", "w3"]
    first.set_failed(tasks.WorkerLost("lost"))
    reports._record_failure(sender=None, task_result=first.task_result)
    assert fresh(run).render_status == "in_coda"  # the later job follows the run


def test_the_page_polls_then_stops_after_the_timeout_and_says_why(
    world,
    fixture,  # noqa: F811
    client_for,
    settings,
    django_capture_on_commit_callbacks,
):
    settings.TASK_POLL_TIMEOUT_SECONDS, settings.TASK_MAX_ATTEMPTS = 600, 3
    with django_capture_on_commit_callbacks(execute=True):
        run = start_report(world)
    client = client_for(world.users.ufficio_piano)
    url = reverse("reporting:report-status", args=[run.pk])
    job = reports.render_job(run)
    DBTaskResult.objects.filter(pk=job.pk).update(status="RUNNING", worker_ids=["w1", "w2"])
    page = client.get(url).content.decode()
    assert 'hx-trigger="every 2s"' in page and "(tentativo 2 di 3)" in page

    # Eleven minutes later, no worker alive: the page stops polling and says the service is down.
    DBTaskResult.objects.filter(pk=job.pk).update(enqueued_at=timezone.now() - datetime.timedelta(minutes=11))
    page = client.get(url).content.decode()
    assert "hx-trigger" not in page
    assert "Il PDF non è pronto dopo 11 minuti: il servizio che prepara i documenti non è attivo." in page
    assert "avvisa l'assistenza tecnica" in page and "ricaricala per vedere lo stato" in page
    assert "Riprova" not in page  # the job is still in the queue: it resumes with the worker

    # A worker is alive: the job just takes long.
    now = timezone.now()
    BackgroundWorker.objects.create(worker_id="w3", hostname="h", pid=1, started_at=now, seen_at=now)
    page = client.get(url).content.decode()
    assert "hx-trigger" not in page
    assert "Il PDF non è pronto dopo 11 minuti: la preparazione richiede più tempo del previsto." in page

    # The job ended without touching the run (e.g. failed under a worker of another kind), or no job follows the
    # run any more (the queue was emptied): the page says so at once and offers Riprova.
    DBTaskResult.objects.filter(pk=job.pk).update(status="FAILED", enqueued_at=timezone.now())
    page = client.get(url).content.decode()
    assert "hx-trigger" not in page
    assert "Nessuna preparazione del PDF è in corso per questa versione." in page and "Riprova" in page
    DBTaskResult.objects.all().delete()
    page = client.get(url).content.decode()
    assert "Nessuna preparazione del PDF è in corso per questa versione." in page and "Riprova" in page


def test_the_page_of_a_run_being_rendered_makes_few_queries(
    world,
    fixture,  # noqa: F811
    client_for,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        run = start_report(world)
    client = client_for(world.users.ufficio_piano)
    for url in (reverse("reporting:report-status", args=[run.pk]), run.get_absolute_url()):
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        assert len(queries) <= 12, [q["sql"] for q in queries.captured_queries]
