"""Every spreadsheet the portal exports, downloaded on the synthetic demo and read back as an Italian office
would open it: in the XLSX, figures are number cells in Italian number formats, dates are date cells shown as
31/12/2024, percentages are percent cells, headers are Italian labels (never a key such as `funding_decree`),
each section has its own sheet with a frozen header row and set column widths. The CSV has a byte-order mark,
";" between cells, decimal commas and the same labels, and carries the same values.

The exports are found, not listed by hand: every `{% url … 'xlsx' %}` or `'csv'` link in the templates must name
an endpoint of `EXPORTS`, and every report run of the demo (semester, annual and final) is downloaded."""

from __future__ import annotations

import csv
import datetime
import io
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from equipes.models import User
from pippi_portal import spreadsheets
from reporting import exports
from reporting.models import ReportRun

pytestmark = [pytest.mark.django_db, pytest.mark.demo_seed]

ROOT = Path(__file__).resolve().parents[1]
# The URL names that answer a spreadsheet, with the formats they take.
EXPORTS = {"reporting:report-download": ("xlsx", "csv")}
# Text that is a number written as text: what an export must never hold ("7624.7", "1.234,56", "12,5%").
NUMBER_AS_TEXT = re.compile(r"^-?\d[\d.,]*%?$")
SNAKE_CASE_KEY = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
NUMBER_FORMATS = {spreadsheets.INTEGER, spreadsheets.DECIMAL, spreadsheets.HOURS}


@pytest.fixture(scope="module")
def downloads(seeded_demo, django_db_blocker):
    """Every report run of the demo, each downloaded as XLSX and CSV by a user of its project's ambito."""
    with django_db_blocker.unblock():
        runs = list(ReportRun.objects.filter(snapshot_sha256__gt="").select_related("project"))
        result = []
        for run in runs:
            user = User.objects.filter(role="ufficio_piano", ambito_id=run.project.ambito_id, is_active=True).first()
            client = Client()
            client.force_login(user)
            files = {}
            for fmt in EXPORTS["reporting:report-download"]:
                response = client.get(reverse("reporting:report-download", args=[run.pk, fmt]))
                assert response.status_code == 200, (run, fmt)
                files[fmt] = (response["Content-Type"], response.getvalue())
            result.append((run, files))
    return result


def workbook(files):
    content_type, body = files["xlsx"]
    assert content_type == spreadsheets.XLSX_CONTENT_TYPE
    return load_workbook(io.BytesIO(body))


def csv_rows(files) -> list[list[str]]:
    content_type, body = files["csv"]
    assert content_type == spreadsheets.CSV_CONTENT_TYPE
    assert body.startswith("\ufeff".encode()), "the CSV starts with the UTF-8 byte-order mark"
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_every_spreadsheet_link_of_the_templates_is_an_endpoint_checked_here():
    linked = set()
    for template in (ROOT / "templates").rglob("*.html"):
        for name, args in re.findall(r"{%\s*url\s+'([\w:-]+)'([^%]*)%}", template.read_text(encoding="utf-8")):
            if re.search(r"'(xlsx|csv)'", args):
                linked.add(name)
    assert linked and linked <= set(EXPORTS)


def test_the_demo_exports_every_kind_of_report(downloads):
    assert {run.kind for run, _files in downloads} == set(ReportRun.Kind.values)


def test_every_xlsx_has_one_sheet_per_section_with_a_frozen_italian_header_and_set_widths(downloads):
    for run, files in downloads:
        book = workbook(files)
        expected = [name for key, name in exports.SECTIONS.items() if key in run.snapshot]
        assert book.sheetnames == expected, run
        for sheet in book.worksheets:
            assert [cell.value for cell in sheet[1]] == [column.label for column in exports.COLUMNS]
            assert all(cell.font.bold for cell in sheet[1])
            assert sheet.freeze_panes == "A2", sheet.title
            widths = [sheet.column_dimensions[letter].width for letter in "ABCD"]
            assert widths == [column.width for column in exports.COLUMNS], sheet.title


def test_every_xlsx_value_is_a_typed_cell_in_an_italian_format(downloads):
    kinds = set()
    for run, files in downloads:
        for sheet in workbook(files).worksheets:
            for indicator, detail, _period, value in sheet.iter_rows(min_row=2):
                where = (run.kind, run.label, sheet.title, indicator.value, detail.value)
                assert indicator.data_type == "s" and indicator.value, where
                if value.value is None:
                    continue
                if value.data_type == "s":
                    # Text is text: a name, a phase, "sì", "< 3"; never a figure written as text.
                    assert not NUMBER_AS_TEXT.match(value.value), where
                    kinds.add("testo")
                elif value.data_type == "d":
                    assert isinstance(value.value, datetime.datetime) and value.number_format == "DD/MM/YYYY", where
                    kinds.add("data")
                else:
                    assert value.data_type == "n", where
                    assert value.number_format in NUMBER_FORMATS | {spreadsheets.PERCENT}, where
                    kinds.add(value.number_format)
    # Over the demo every kind of cell appears: counts, amounts, hours, percentages, dates and texts.
    assert kinds == NUMBER_FORMATS | {spreadsheets.PERCENT, "data", "testo"}


def test_amounts_are_euro_cells_and_percentages_percent_cells(downloads):
    run, files = next((run, files) for run, files in downloads if run.kind == ReportRun.Kind.SEMESTER)
    finance = {
        (row[0].value, row[1].value, row[2].value): row[3] for row in workbook(files)["Finanza"].iter_rows(min_row=2)
    }
    amount = finance[("Importo finanziato (€)", None, None)]
    assert (amount.data_type, amount.number_format) == ("n", spreadsheets.DECIMAL)
    assert amount.value == float(run.snapshot["finance"]["amount"])
    share = finance[("Spesa totale sul finanziato", None, None)]
    assert share.number_format == spreadsheets.PERCENT
    assert share.value == pytest.approx(run.snapshot["finance"]["total_percent"] / 100)


def test_no_header_or_label_is_a_key_of_the_snapshot(downloads):
    for run, files in downloads:
        keys = set(_keys(run.snapshot))
        for sheet in workbook(files).worksheets:
            for indicator, detail, period, _value in sheet.iter_rows():
                labels = [indicator.value, period.value, *(detail.value or "").split(" / ")]
                for text in filter(None, labels):
                    assert text not in keys - set(exports.LABELS.values()), (sheet.title, text)
                    assert not SNAKE_CASE_KEY.match(text), (sheet.title, text)


def test_every_key_of_the_demo_snapshots_has_an_italian_label(downloads):
    unlabelled = set()
    for run, _files in downloads:
        for section in exports.SECTIONS:
            unlabelled |= set(_keys(run.snapshot.get(section))) - set(exports.LABELS) - exports.SKIPPED
    assert unlabelled <= set(exports.PERIODS), unlabelled


def _keys(value, parent=None):
    """The keys of the snapshot's dictionaries, without those of the breakdowns keyed by a label."""
    if isinstance(value, dict):
        for key, inner in value.items():
            if parent not in exports.KEYED_BY_LABEL:
                yield key
            yield from _keys(inner, key)
    elif isinstance(value, list):
        for item in value:
            yield from _keys(item, parent)


def test_the_csv_has_the_same_rows_italian_numbers_and_dates(downloads):
    for run, files in downloads:
        rows = csv_rows(files)
        assert rows[0] == ["Sezione", *(column.label for column in exports.COLUMNS)]
        sheets = workbook(files).worksheets
        from_xlsx = [[sheet.title, *(c.value for c in row)] for sheet in sheets for row in sheet.iter_rows(min_row=2)]
        assert len(rows) - 1 == len(from_xlsx), run
        for csv_row, xlsx_row in zip(rows[1:], from_xlsx, strict=True):
            assert csv_row[:4] == [value or "" for value in xlsx_row[:4]]
            text, value = csv_row[4], xlsx_row[4]
            if isinstance(value, datetime.datetime):
                assert text == f"{value:%d/%m/%Y}"
            elif isinstance(value, int | float) and not isinstance(value, bool):
                assert re.fullmatch(r"-?\d+(,\d+)?%?", text), (csv_row, value)
                number = float(text.rstrip("%").replace(",", "."))
                expected = value * 100 if text.endswith("%") else value
                assert number == pytest.approx(expected, abs=0.051), csv_row
            else:
                assert text == (value or ""), csv_row
