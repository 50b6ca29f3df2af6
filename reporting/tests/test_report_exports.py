"""The CSV and XLSX of a report run, downloaded as a coordinator and as a partner's referent, when the texts
people typed (project title, funding decree, partner name, survey title and statements, indicator name and
unit) look like spreadsheet formulas: every such text arrives neutralised with a leading apostrophe, no XLSX
cell is a formula, and the figures (negative ones included) stay numbers."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reporting import reports
from reporting.tests.conftest import answer, make_indicator, make_survey

from .test_indicators import fixture  # noqa: F401 — the hand-built families, hours and outcomes
from .test_report_runs import run  # noqa: F401 — a semester run of those families

D = datetime.date
TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
HOSTILE = {
    "project_title": '=HYPERLINK("http://x","clic")',
    "funding_decree": "+SUM(1,1)",
    "partner": "@SUM(1,2)",
    "survey_title": "-2+3",
    "statement_tab": "\t=1+1",
    "statement_cr": "\r=1+1",
    "indicator": '=HYPERLINK("http://x","indicatore")',
    "unit": "-8,38",  # typed as text: it is text, however much it looks like a number
}
HOSTILE_READ_FROM_XLSX = [text.replace("\r", "\n") for text in HOSTILE.values()]  # XML turns \r into \n
BENIGN_STATEMENT = "Il rapporto = fiducia"


@pytest.fixture
def hostile_project(world):
    udp, project = world.users.ufficio_piano, world.project
    project.title, project.funding_decree = HOSTILE["project_title"], HOSTILE["funding_decree"]
    project.save(update_fields=["title", "funding_decree"])
    world.coop.name = HOSTILE["partner"]
    world.coop.save(update_fields=["name"])
    survey = make_survey(
        project,
        udp,
        title=HOSTILE["survey_title"],
        statements=[HOSTILE["statement_tab"], HOSTILE["statement_cr"], BENIGN_STATEMENT],
    )
    for _ in range(3):  # three answers, so that the means are published
        answer(survey, udp, [4, 5, 3])
    make_indicator(
        project,
        name=HOSTILE["indicator"],
        unit=HOSTILE["unit"],
        baseline=Decimal("-8.38"),
        target=Decimal("-2"),
        direction="higher",
        values=[(D(2024, 1, 1), D(2024, 3, 31), "-5.5")],
    )
    return project


@pytest.fixture(params=[("semester", "2024-S1"), ("annual", "2024")], ids=["semestrale", "annuale"])
def hostile_run(request, world, hostile_project, django_capture_on_commit_callbacks):
    kind, label = request.param
    with django_capture_on_commit_callbacks(execute=False):
        started = reports.report_start(project=hostile_project, kind=kind, label=label, by=world.users.ufficio_piano)
    return reports.run_report(started.pk)


def download(client, report_run, fmt: str) -> bytes:
    response = client.get(reverse("reporting:report-download", args=[report_run.pk, fmt]))
    assert response.status_code == 200
    return response.getvalue()


def csv_cells(content: bytes) -> list[str]:
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";")
    return [cell for row in reader for cell in row]


def is_number(text: str) -> bool:
    """A figure as the CSV writes it for Italian spreadsheets: "-8,38", "3", "12,5%"."""
    try:
        float(text.removesuffix("%").replace(",", "."))
    except ValueError:
        return False
    return "." not in text


def xlsx_cells(content: bytes) -> list:
    """The cells of every sheet of the workbook (one per section of the report)."""
    sheets = load_workbook(io.BytesIO(content)).worksheets
    return [cell for sheet in sheets for row in sheet.iter_rows() for cell in row]


def neutralised_from(cell: str, texts) -> bool:
    return cell.startswith("'") and any(cell[1:].startswith(text) for text in texts)


@pytest.mark.parametrize("role", ["coordinatore", "referente_ente"])
def test_the_csv_neutralises_every_text_that_would_start_a_formula(world, client_for, hostile_run, role):
    cells = csv_cells(download(client_for(getattr(world.users, role)), hostile_run, "csv"))
    for text in HOSTILE.values():
        assert "'" + text in cells, repr(text)
    for cell in cells:
        # A cell may begin with a trigger only when it is a figure (a negative number), never text.
        assert not cell.startswith(TRIGGERS) or is_number(cell), repr(cell)
        # Only the hostile texts are prefixed: figures, labels and codes are untouched.
        assert not cell.startswith("'") or neutralised_from(cell, HOSTILE.values()), repr(cell)
    assert BENIGN_STATEMENT in cells
    assert world.project.cup in cells


def test_the_csv_prints_negative_figures_as_numbers_with_a_decimal_comma(world, client_for, hostile_run):
    cells = csv_cells(download(client_for(world.users.coordinatore), hostile_run, "csv"))
    assert "-8,38" in cells and "-5,5" in cells  # the baseline and the latest value: figures
    assert "'-8,38" in cells  # the unit, typed as text: neutralised
    assert "-8.38" not in cells


@pytest.mark.parametrize("role", ["coordinatore", "referente_ente"])
def test_no_xlsx_cell_is_a_formula_and_hostile_texts_are_neutralised(world, client_for, hostile_run, role):
    content = download(client_for(getattr(world.users, role)), hostile_run, "xlsx")
    cells = [cell for cell in xlsx_cells(content) if cell.value is not None]
    assert all(cell.data_type != "f" for cell in cells), [c.value for c in cells if c.data_type == "f"]
    texts = [cell.value for cell in cells if cell.data_type == "s"]
    for text in HOSTILE_READ_FROM_XLSX:
        assert "'" + text in texts, repr(text)
    for text in texts:
        assert not text.startswith(TRIGGERS), repr(text)
        assert not text.startswith("'") or neutralised_from(text, HOSTILE_READ_FROM_XLSX), repr(text)
    assert BENIGN_STATEMENT in texts


def test_xlsx_figures_are_numbers_negative_ones_included(world, client_for, hostile_run):
    book = load_workbook(io.BytesIO(download(client_for(world.users.coordinatore), hostile_run, "xlsx")))
    rows = list(book["Sezione del partner"].iter_rows(min_row=2))
    by_detail = {
        (row[1].value or "").rsplit(" / ", 1)[-1]: row[3] for row in rows if row[0].value == "Indicatori di impatto"
    }
    for detail, value in [("Valore di partenza", -8.38), ("Valore atteso", -2.0), ("Ultimo valore", -5.5)]:
        assert (by_detail[detail].data_type, by_detail[detail].value) == ("n", value), detail
    responses = [row[3] for row in rows if (row[1].value or "").endswith("-2+3 / Risposte")]
    assert [(cell.data_type, cell.value) for cell in responses] == [("n", 3)]


def test_a_report_of_ordinary_data_has_no_neutralised_cell(world, client_for, run):  # noqa: F811
    """Families, hours, outcomes and finance: every figure and label the portal computes reaches the files
    as it is, negative changes of the scores included."""
    client = client_for(world.users.coordinatore)
    assert not [cell for cell in csv_cells(download(client, run, "csv")) if cell.startswith("'")]
    values = [cell.value for cell in xlsx_cells(download(client, run, "xlsx"))]
    assert not [value for value in values if isinstance(value, str) and value.startswith("'")]
