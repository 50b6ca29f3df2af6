"""Report runs: versions, the frozen snapshot and its hash, the PDF read back, the exports, the workflow and
immutability once approved (in the model's services, the views and the database)."""

import csv
import hashlib
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import InternalError, transaction
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from families.models import Member
from reporting import reports
from reporting.models import ReportRun

from .test_indicators import add_cost_items, fixture  # noqa: F401 — the hand-built families, hours and outcomes


def run_worker() -> None:
    """Do what the background worker does with the queued jobs (the worker process itself runs in the
    browser test): each queued render job runs its body, once."""
    from django_tasks_db.models import DBTaskResult

    queued = DBTaskResult.objects.filter(status="READY", task_path="reporting.reports.render_report")
    assert queued.exists(), "no render job was queued"
    for job in queued:
        reports.run_report(*job.args_kwargs["args"])
    queued.delete()


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


@pytest.fixture
def run(world, fixture, django_capture_on_commit_callbacks):  # noqa: F811
    with django_capture_on_commit_callbacks(execute=False):
        started = reports.report_start(
            project=world.project, kind="semester", label="2024-S1", by=world.users.ufficio_piano
        )
    return reports.run_report(started.pk)


def identities() -> list[str]:
    values = []
    for member in Member.objects.all():
        values += [member.first_name, member.last_name]
        if member.codice_fiscale:
            values.append(member.codice_fiscale)
    return values


def test_a_run_freezes_the_figures_and_renders_the_pdf(world, run):
    assert (run.version, run.state, run.render_status, run.progress) == (1, "bozza", "pronto", 100)
    with run.snapshot_file.open("rb") as handle:
        stored = handle.read()
    assert hashlib.sha256(stored).hexdigest() == run.snapshot_sha256
    with run.pdf.open("rb") as handle:
        pdf = handle.read()
    assert hashlib.sha256(pdf).hexdigest() == run.pdf_sha256
    text = pdf_text(pdf)
    assert world.project.cup in text
    assert "2 / 2" in text  # families included in the semester / cumulative
    assert "0 / 3" not in text and "3 / 3" in text  # referred
    for value in identities():
        assert value not in text, value


def test_the_pdf_shows_the_periods_other_costs_and_the_total_against_the_amount(
    world,
    fixture,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    parent = add_cost_items(world)
    with django_capture_on_commit_callbacks(execute=False):
        started = reports.report_start(
            project=world.project, kind="semester", label="2024-S1", by=world.users.ufficio_piano
        )
    with reports.run_report(started.pk).pdf.open("rb") as handle:
        text = " ".join(pdf_text(handle.read()).split())  # the table's cells wrap
    assert "Altre voci di costo del periodo" in text
    assert "05/03/2024" in text and "Fattura n. 12/2024 (documento non caricato)" in text and "€ 300,00" in text
    assert "Fattura n. 3/2023" not in text and "01/08/2024" not in text  # outside the semester
    assert parent.last_name not in text
    # Staff 220 € + the other costs to the end of the semester 800 €, against the financed 211.500 €.
    for figure in ("€ 800,00", "€ 1.020,00", "€ 211.500,00", "€ 210.480,00"):
        assert figure in text, figure


def test_the_hash_printed_in_the_pdf_matches_the_stored_snapshot(run):
    with run.pdf.open("rb") as handle:
        text = pdf_text(handle.read()).replace("\n", "")
    printed = set(re.findall(r"[0-9a-f]{64}", text))
    with run.snapshot_file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() in printed


def test_a_new_run_for_the_same_period_is_a_new_version(world, run, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        second = reports.report_start(
            project=world.project, kind="semester", label="2024-S1", by=world.users.ufficio_piano
        )
    assert second.version == 2
    assert ReportRun.objects.get(pk=run.pk).version == 1


def test_csv_and_xlsx_carry_the_same_figures_and_no_identity(world, client_for, run):
    client = client_for(world.users.ufficio_piano)
    csv_response = client.get(reverse("reporting:report-download", args=[run.pk, "csv"]))
    rows = list(csv.reader(io.StringIO(csv_response.getvalue().decode("utf-8-sig")), delimiter=";"))
    assert rows[0] == ["Sezione", "Indicatore", "Dettaglio", "Periodo", "Valore"]
    assert ["Copertina", "CUP", "", "", world.project.cup] in rows
    included = [r for r in rows if r[1] == "Famiglie" and r[2].endswith("Incluse")]
    assert ["nel periodo", "2"] in [r[3:] for r in included]
    xlsx = load_workbook(io.BytesIO(client.get(reverse("reporting:report-download", args=[run.pk, "xlsx"])).getvalue()))
    cells = [[c.value for c in row] for row in xlsx["Copertina"].iter_rows()]
    assert ["CUP", "", "", world.project.cup] in [[v or "" for v in row] for row in cells]
    cells += [[c.value for c in row] for sheet in xlsx.worksheets for row in sheet.iter_rows()]
    flat = " ".join(str(v) for row in cells for v in row if v) + " ".join(";".join(r) for r in rows)
    for value in identities():
        assert value not in flat, value


TEXTS = {"critical_issues": "Ritardi T1", "corrective_actions": "Calendario", "overall_evaluation": "Positiva"}


@pytest.fixture
def step(django_capture_on_commit_callbacks):
    """Run a workflow action as a request would (its job enqueued on commit), then the worker's job."""

    def do(action):
        with django_capture_on_commit_callbacks(execute=True):
            result = action()
        run_worker()
        return result

    return do


def test_the_workflow_needs_the_texts_and_approval_locks_the_run(world, run, step):
    udp = world.users.ufficio_piano
    with pytest.raises(reports.ReportRefused, match="Prima di inviare in revisione"):
        reports.report_submit(run=run, by=udp)
    step(lambda: reports.report_save_narrative(run=run, texts=TEXTS, by=udp))
    step(lambda: reports.report_submit(run=ReportRun.objects.get(pk=run.pk), by=udp))
    with pytest.raises(reports.ReportRefused):
        reports.report_save_narrative(run=run, texts={"critical_issues": "Cambiato"}, by=udp)
    step(lambda: reports.report_approve(run=ReportRun.objects.get(pk=run.pk), by=udp))
    approved = ReportRun.objects.get(pk=run.pk)
    assert (approved.state, approved.approved_by, approved.render_status) == ("approvato", udp, "pronto")
    with approved.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "approvata il" in text and "BOZZA" not in text and "Ritardi T1" in text
    # The services refuse...
    with pytest.raises(reports.ReportRefused):
        reports.report_back_to_draft(run=approved, by=udp)
    # ...and so does the database, whatever the code path.
    with pytest.raises(InternalError, match="report_run_approved_is_immutable"), transaction.atomic():
        ReportRun.objects.filter(pk=run.pk).update(critical_issues="Riscritto")
    with pytest.raises(InternalError, match="report_run_approved_is_immutable"), transaction.atomic():
        ReportRun.objects.filter(pk=run.pk).delete()
    assert ReportRun.objects.get(pk=run.pk).critical_issues == "Ritardi T1"


def test_the_views_refuse_to_change_an_approved_run(world, client_for, run, step):
    udp = world.users.ufficio_piano
    step(lambda: reports.report_save_narrative(run=run, texts=TEXTS, by=udp))
    step(lambda: reports.report_submit(run=ReportRun.objects.get(pk=run.pk), by=udp))
    step(lambda: reports.report_approve(run=ReportRun.objects.get(pk=run.pk), by=udp))
    client = client_for(udp)
    response = client.post(
        reverse("reporting:report-narrative", args=[run.pk]),
        {"critical_issues": "x", "corrective_actions": "y", "overall_evaluation": "z"},
        follow=True,
    )
    assert "Operazione non possibile" in response.content.decode()
    assert client.post(reverse("reporting:report-back", args=[run.pk])).status_code == 302
    assert ReportRun.objects.get(pk=run.pk).state == "approvato"
    assert ReportRun.objects.get(pk=run.pk).critical_issues == "Ritardi T1"


def test_report_pages_by_role(world, client_for, run):
    url = run.get_absolute_url()
    for role, status in [
        ("ufficio_piano", 200),
        ("coordinatore", 200),
        ("referente_ente", 200),
        ("case_manager", 403),
        ("operatore", 403),
    ]:
        assert client_for(getattr(world.users, role)).get(url).status_code == status, role
    assert client_for(world.other.ufficio_piano).get(url).status_code == 404
    # Only the Ufficio di Piano changes it.
    response = client_for(world.users.coordinatore).post(reverse("reporting:report-submit", args=[run.pk]))
    assert response.status_code == 403


def test_starting_a_run_from_the_page(world, client_for, fixture, django_capture_on_commit_callbacks):  # noqa: F811
    client = client_for(world.users.ufficio_piano)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = client.post(
            reverse("reporting:report-list"), {"project": world.project.pk, "kind": "semester", "semester": "2024-S1"}
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302 and response.url == run.get_absolute_url()
    assert (run.label, run.render_status) == ("2024-S1", "in_coda")
    assert len(callbacks) == 1  # the background job is enqueued once the request commits
    status = client.get(reverse("reporting:report-status", args=[run.pk])).content.decode()
    assert 'hx-trigger="every 2s"' in status


def test_the_live_indicators_page(world, client_for, fixture):  # noqa: F811
    page = client_for(world.users.coordinatore).get(reverse("reporting:indicators") + "?periodo=2024-S1")
    assert page.status_code == 200
    assert world.project.cup in page.content.decode()
    assert client_for(world.users.operatore).get(reverse("reporting:indicators")).status_code == 403


def test_the_command_writes_the_pdf_and_the_data(world, fixture, tmp_path):  # noqa: F811
    out, data = tmp_path / "report.pdf", tmp_path / "report.json"
    call_command("semester_report", cup=world.project.cup, semester="2024-S1", out=str(out), json=str(data))
    text = pdf_text(Path(out).read_bytes())
    assert world.project.cup in text
    assert hashlib.sha256(Path(data).read_bytes()).hexdigest() in text.replace("\n", "")
