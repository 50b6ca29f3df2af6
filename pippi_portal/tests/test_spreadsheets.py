"""`pippi_portal.spreadsheets`: which values are neutralised, and the CSV and XLSX files read back."""

import csv
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pippi_portal.spreadsheets import csv_bytes, neutralise, xlsx_bytes

HOSTILE = [
    '=HYPERLINK("http://x","clic")',
    "+SUM(1,1)",
    "-2+3",
    "@SUM(1,2)",
    "\t=1+1",
    "\r=1+1",
    "=",
    "-",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_starting_with_a_formula_trigger_gets_an_apostrophe(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("text", [" =1+1", "   +SUM(1,1)", "\n=1+1", "\u00a0@SUM(1,2)", " \t-3"])
def test_a_trigger_after_leading_whitespace_is_neutralised_too(text):
    # Some programs trim the cell on import and would then read the formula.
    assert neutralise(text) == "'" + text


def test_text_that_looks_like_a_negative_number_is_still_text():
    """The type decides: "-8,38" typed into a field is a str, whoever meant what, so it is prefixed; the
    figures the portal computes are numbers and never are."""
    assert neutralise("-8,38") == "'-8,38"
    assert neutralise("-8.38") == "'-8.38"


@pytest.mark.parametrize("number", [0, 3, -3, -8.38, 2.5, Decimal("-8.38"), Decimal("1234.50"), True, False])
def test_numbers_are_returned_as_they_are(number):
    result = neutralise(number)
    assert result == number and type(result) is type(number)


@pytest.mark.parametrize(
    "text", ["", "   ", "Il rapporto = fiducia", "a-b", "info@example.it", "B24H22000190001", "< 3", "'=già neutro"]
)
def test_ordinary_text_is_untouched(text):
    assert neutralise(text) == text


def test_none_stays_empty():
    assert neutralise(None) is None


def test_neutralising_twice_changes_nothing_more():
    assert neutralise(neutralise("=1+1")) == "'=1+1"


ROWS = [
    ['=HYPERLINK("http://x","clic")', -8.38, Decimal("-2.50"), 3, None],
    ["\r=1+1", "-8,38", "#N/A", "Testo normale", "\t@SUM(1,2)"],
]


def test_the_csv_neutralises_text_and_writes_numbers_as_they_are():
    content = csv_bytes(["a", "b", "c", "d", "e"], ROWS)
    assert content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))
    assert rows == [
        ["a", "b", "c", "d", "e"],
        ['\'=HYPERLINK("http://x","clic")', "-8.38", "-2.50", "3", ""],
        ["'\r=1+1", "'-8,38", "#N/A", "Testo normale", "'\t@SUM(1,2)"],
    ]


def test_the_xlsx_has_no_formula_text_cells_for_text_and_number_cells_for_numbers():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["a", "b", "c", "d", "e"], ROWS, title="Prova"))).active
    assert sheet.title == "Prova"
    first, second = list(sheet.iter_rows(min_row=2))
    assert [(c.data_type, c.value) for c in first[:4]] == [
        ("s", '\'=HYPERLINK("http://x","clic")'),
        ("n", -8.38),
        ("n", -2.5),
        ("n", 3),
    ]
    assert first[4].value is None
    assert [(c.data_type, c.value) for c in second] == [
        ("s", "'\n=1+1"),  # XML reads a carriage return back as a line feed
        ("s", "'-8,38"),
        ("s", "#N/A"),  # a user's text, not Excel's error value
        ("s", "Testo normale"),
        ("s", "'\t@SUM(1,2)"),
    ]
    assert sheet["A1"].font.bold


def test_the_xlsx_sheet_title_is_cut_to_excels_limit():
    sheet = load_workbook(io.BytesIO(xlsx_bytes(["a"], [], title="x" * 40))).active
    assert sheet.title == "x" * 31


def test_control_characters_are_dropped_from_the_xlsx_instead_of_failing():
    workbook = load_workbook(io.BytesIO(xlsx_bytes(["testo"], [["a\x01b\x1fc", "=x\x02"]], title="t")))
    assert [cell.value for cell in workbook.active[2]] == ["abc", "'=x"]
