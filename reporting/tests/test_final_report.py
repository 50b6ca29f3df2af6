"""The final report of a concluded project (issue 13 §5): the semester report's figures over the project's whole
duration, frozen with the same snapshot, hash and PDF, started from the same page."""

import datetime

import pytest
from django.urls import reverse

from equipes import services as project_services
from reporting import reports
from reporting.models import ReportRun

from .test_indicators import add_cost_items, fixture  # noqa: F401 — the hand-built families and hours
from .test_report_runs import pdf_text

END = datetime.date(2026, 5, 31)


def start_final(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        return reports.report_start(project=world.project, kind="final", label="", by=world.users.ufficio_piano)


def test_the_final_report_waits_for_the_conclusion(world, django_capture_on_commit_callbacks):
    with pytest.raises(reports.ReportRefused, match="concluso"):
        start_final(world, django_capture_on_commit_callbacks)
    assert not ReportRun.objects.exists()


def test_the_final_report_covers_the_whole_duration_and_is_frozen(world, django_capture_on_commit_callbacks):
    project_services.project_conclude(project=world.project, on=END, by=world.users.ufficio_piano)
    run = reports.run_report(start_final(world, django_capture_on_commit_callbacks).pk)
    assert (run.kind, run.label, run.period_start, run.period_end) == ("final", "finale", world.project.start_date, END)
    assert run.snapshot["meta"]["period"] == {"start": "2023-06-01", "end": "2026-05-31"}
    assert run.snapshot["cover"]["concluded_on"] == "2026-05-31"
    assert "physical" in run.snapshot and "finance" in run.snapshot
    assert run.snapshot_sha256 and run.pdf_sha256
    with run.pdf.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Relazione finale del progetto" in text
    assert "concluso il 31/05/2026" in text


def test_the_final_report_lists_every_cost_item_of_the_project(
    world,
    fixture,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    """The final report's period is the project's: each of its other cost items, with its document, and the whole
    spending against the financed amount."""
    add_cost_items(world)
    project_services.project_conclude(project=world.project, on=END, by=world.users.ufficio_piano)
    run = reports.run_report(start_final(world, django_capture_on_commit_callbacks).pk)
    finance = run.snapshot["finance"]
    assert [item["date"] for item in finance["cost_items"]] == ["2023-12-01", "2024-03-05", "2024-08-01"]
    assert finance["other_costs"] == {"period": "950.00", "cumulative": "950.00"}
    assert finance["total_spent"] == "1170.00"  # 220 € of validated hours + 950 €
    with run.pdf.open("rb") as handle:
        text = " ".join(pdf_text(handle.read()).split())  # the table's cells wrap
    for shown in ("Fattura n. 3/2023", "Fattura n. 12/2024", "senza riferimento", "€ 950,00", "€ 1.170,00"):
        assert shown in text, shown


def test_the_report_page_starts_a_final_report_only_for_a_concluded_project(world, client_for):
    client = client_for(world.users.ufficio_piano)
    url = reverse("reporting:report-list")
    response = client.post(url, {"project": world.project.pk, "kind": "final"})
    assert response.status_code == 200
    assert "si prepara quando il progetto è concluso" in response.content.decode()
    assert not ReportRun.objects.exists()
    project_services.project_conclude(project=world.project, on=END, by=world.users.ufficio_piano)
    response = client.post(url, {"project": world.project.pk, "kind": "final"})
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert (run.kind, run.label) == ("final", "finale")
