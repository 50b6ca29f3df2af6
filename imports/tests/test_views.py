"""The import pages as the Ufficio di Piano uses them: upload a real file, read the dry-run report, confirm (the job
is queued and runs in the worker), watch the result, undo; a bad file is a form error, never a 500; the pages' query
counts stay flat."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from imports import services
from imports.importers import HoursImporter, StaffImporter
from imports.models import ImportRun
from interventions.models import TimeEntry

from .helpers import csv_file, xlsx

pytestmark = pytest.mark.django_db


def upload(client, kind, content, name):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return client.post(reverse("imports:run-list"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


def run_worker() -> None:
    """What the background worker does with the queued import jobs: each runs its body, once."""
    queued = DBTaskResult.objects.filter(status="READY", task_path="imports.services.apply_import")
    assert queued.exists(), "no import job was queued"
    for job in queued:
        services.import_apply(*job.args_kwargs["args"])
    queued.delete()


def test_upload_dry_run_confirm_and_undo(world, client_for, django_capture_on_commit_callbacks):
    client = client_for(world.users.ufficio_piano)
    rows = [
        ["educatore", "10/11/2026", "Coordinamento", "", "2", ""],
        ["educatore", "10/11/2026", "Gruppo", "", "1", ""],
    ]
    response = upload(client, "hours", csv_file(HoursImporter.columns, rows), "ore.csv")
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    page = client.get(run.get_absolute_url()).content.decode()
    assert "La prova non ha scritto nulla" in page and "Le ore dei gruppi si registrano nel portale" in page
    assert TimeEntry.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:run-confirm", args=[run.pk]))
    run.refresh_from_db()
    assert run.state == ImportRun.State.QUEUED
    assert "hx-get" in client.get(reverse("imports:run-status", args=[run.pk])).content.decode()
    run_worker()
    run.refresh_from_db()
    assert run.state == ImportRun.State.APPLIED and TimeEntry.objects.count() == 1
    assert "Importazione eseguita" in client.get(run.get_absolute_url()).content.decode()
    client.post(reverse("imports:run-confirm", args=[run.pk]))  # a second click queues nothing
    assert not DBTaskResult.objects.filter(task_path="imports.services.apply_import").exists()
    client.post(reverse("imports:run-undo", args=[run.pk]))
    run.refresh_from_db()
    assert run.state == ImportRun.State.UNDONE and TimeEntry.objects.count() == 0


@pytest.mark.parametrize(
    "content, name, message",
    [
        (xlsx(["Persona", "Data"], [["educatore", "10/11/2026"]]), "ore.xlsx", "mancano le colonne"),
        (b"\x00\x01\x02 not a workbook", "ore.xlsx", "non si può leggere"),
        ((";".join(HoursImporter.columns) + "\n").encode(), "ore.csv", "non ha righe"),
        (b"qualcosa", "ore.pdf", "Si caricano solo file XLSX o CSV"),
    ],
)
def test_a_bad_file_is_a_form_error(world, client_for, content, name, message):
    response = upload(client_for(world.users.ufficio_piano), "hours", content, name)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_template_has_the_italian_headers_and_an_example(world, client_for):
    response = client_for(world.users.ufficio_piano).get(reverse("imports:template-download", args=["staff"]))
    sheet = load_workbook(filename=__import__("io").BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert list(rows[0]) == StaffImporter.columns
    assert list(rows[1])[2] == "giulia.esempio@example.org"


def test_the_template_of_each_kind_reads_back_as_a_clean_dry_run_of_its_columns(world, client_for):
    client = client_for(world.users.ufficio_piano)
    for kind in ("staff", "families", "hours"):
        content = b"".join(client.get(reverse("imports:template-download", args=[kind])).streaming_content)
        run = services.import_dry_run(
            ambito=world.ambito, by=world.users.ufficio_piano, kind=kind, file_name="modello.xlsx", content=content
        )
        assert run.rows == 1


def add_runs(world, n):
    for _ in range(n):
        run = ImportRun.objects.create(
            ambito=world.ambito, kind="hours", by=world.users.ufficio_piano, file_name="ore.csv", file_sha256="0" * 64
        )
        run.refused = [{"row": i, "column": "Ore", "value": "30", "reason": "Troppe"} for i in range(2, 2 + n)]
        run.save()


@pytest.mark.parametrize("page", ["list", "detail"])
def test_query_count_is_the_same_at_1_and_30_runs(world, client_for, count_queries, page):
    client = client_for(world.users.ufficio_piano)

    def url():
        return reverse("imports:run-list") if page == "list" else ImportRun.objects.last().get_absolute_url()

    add_runs(world, 1)
    client.get(url())
    with_one = count_queries(lambda: client.get(url()))
    add_runs(world, 30)
    with_thirty = count_queries(lambda: client.get(url()))
    assert with_one == with_thirty <= 12


def test_a_day_in_the_future_is_refused(world):
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    run = services.import_dry_run(
        ambito=world.ambito,
        by=world.users.ufficio_piano,
        kind="hours",
        file_name="ore.csv",
        content=csv_file(HoursImporter.columns, [["educatore", f"{tomorrow:%d/%m/%Y}", "Coordinamento", "", "1", ""]]),
    )
    assert run.refused[0]["reason"] == "Non si registrano ore per giorni futuri."


def test_a_large_file_is_followed_on_the_page_until_the_worker_has_tried_it(
    world, client_for, settings, django_capture_on_commit_callbacks
):
    settings.IMPORT_DRY_RUN_IN_WORKER_ABOVE = 1
    client = client_for(world.users.ufficio_piano)
    rows = [["educatore", "10/11/2026", activity, "", "1", ""] for activity in ("Coordinamento", "Formazione")]
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, "hours", csv_file(HoursImporter.columns, rows), "ore.csv")
    run = ImportRun.objects.get()
    status = client.get(reverse("imports:run-status", args=[run.pk])).content.decode()
    assert "Prova in corso" in status and "0 di 2 righe" in status and "hx-get" in status
    assert "Conferma" not in status and "Righe rifiutate" not in status
    queued = DBTaskResult.objects.get(task_path="imports.services.check_import")
    services.import_check(*queued.args_kwargs["args"])
    status = client.get(reverse("imports:run-status", args=[run.pk])).content.decode()
    assert "hx-get" not in status and "Confermando verranno creati 2 elementi" in status
    assert "Che cosa verrebbe creato o modificato (2)" in status


def test_the_page_stops_polling_a_run_without_news(world, client_for, settings):
    import datetime as dt

    from django.utils import timezone

    run = ImportRun.objects.create(
        ambito=world.ambito, kind="hours", by=world.users.ufficio_piano, file_name="ore.csv", file_sha256="0" * 64,
        state=ImportRun.State.QUEUED, rows=10, progress_at=timezone.now(),
    )  # fmt: skip
    client = client_for(world.users.ufficio_piano)
    status = client.get(reverse("imports:run-status", args=[run.pk])).content.decode()
    assert "hx-get" in status and "Da troppo tempo" not in status
    ImportRun.objects.filter(pk=run.pk).update(
        progress_at=timezone.now() - dt.timedelta(seconds=settings.IMPORT_POLL_TIMEOUT + 1)
    )
    status = client.get(reverse("imports:run-status", args=[run.pk])).content.decode()
    assert "hx-get" not in status and "Da troppo tempo non arrivano notizie" in status


def test_the_report_counts_the_users_changed(world, client_for):
    from equipes.models import User

    User.objects.filter(pk=world.users.operatore.pk).update(email="educatore@example.org")
    rows = [["Edo", "Catore", "educatore@example.org", "", "Psicologo", "", ""]]
    upload(client_for(world.users.ufficio_piano), "staff", xlsx(StaffImporter.columns, rows), "personale.xlsx")
    page = client_for(world.users.ufficio_piano).get(ImportRun.objects.get().get_absolute_url()).content.decode()
    assert "Confermando verrà modificato 1 elemento già presente" in page and "Modificato: utente" in page
    assert "Conferma l'importazione" in page


def test_query_count_of_the_polled_status_is_the_same_at_1_and_30_refused_rows(world, client_for, count_queries):
    client = client_for(world.users.ufficio_piano)
    run = ImportRun.objects.create(
        ambito=world.ambito, kind="hours", by=world.users.ufficio_piano, file_name="ore.csv", file_sha256="0" * 64,
        state=ImportRun.State.RUNNING, rows=31, rows_done=12,
    )  # fmt: skip
    url = reverse("imports:run-status", args=[run.pk])
    assert "12 di 31 righe" in client.get(url).content.decode()
    counts = []
    for n in (1, 30):
        ImportRun.objects.filter(pk=run.pk).update(
            state=ImportRun.State.APPLIED, applied_at=run.created_at,
            refused=[{"row": i, "column": "Ore", "value": "30", "reason": "Troppe"} for i in range(2, 2 + n)],
        )  # fmt: skip
        counts.append(count_queries(lambda: client.get(url)))
    assert counts[0] == counts[1] <= 12
