"""`pippi_portal.spreadsheets`: which values are neutralised, and the CSV and XLSX files read back."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from pippi_portal.spreadsheets import Column, Sheet, csv_bytes, euro, hours, neutralise, percent, xlsx_bytes

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
COLUMNS = [Column("a"), Column("b"), Column("c"), Column("d"), Column("e")]


def read_xlsx(sheets):
    return load_workbook(io.BytesIO(xlsx_bytes(sheets)))


def read_csv(content: bytes) -> list[list[str]]:
    assert content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_csv_neutralises_text_and_writes_numbers_with_a_decimal_comma():
    assert read_csv(csv_bytes(["a", "b", "c", "d", "e"], ROWS)) == [
        ["a", "b", "c", "d", "e"],
        ['\'=HYPERLINK("http://x","clic")', "-8,38", "-2,50", "3", ""],
        ["'\r=1+1", "'-8,38", "#N/A", "Testo normale", "'\t@SUM(1,2)"],
    ]


def test_the_csv_writes_figures_dates_and_percentages_as_an_italian_spreadsheet_reads_them():
    row = [
        euro("7624.7"),
        euro(Decimal("-1234.567")),
        hours(12.25),
        percent(12.5),
        percent(Decimal("-3")),
        datetime.date(2024, 6, 30),
        1234567,
        True,
    ]
    assert read_csv(csv_bytes(["x"] * len(row), [row]))[1] == [
        "7624,70",
        "-1234,57",
        "12,3",
        "12,5%",
        "-3,0%",
        "30/06/2024",
        "1234567",
        "sì",
    ]


def test_the_xlsx_has_no_formula_text_cells_for_text_and_number_cells_for_numbers():
    sheet = read_xlsx([Sheet("Prova", COLUMNS, ROWS)]).active
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


def test_xlsx_figures_dates_and_percentages_are_typed_cells_in_italian_formats():
    row = [euro("7624.7"), hours(12.25), percent(12.5), datetime.date(2024, 6, 30), 1234567, 2.5, True]
    sheet = read_xlsx([Sheet("Prova", [Column("x")] * len(row), [row])]).active
    cells = list(sheet.iter_rows(min_row=2))[0]
    assert [(c.data_type, c.value, c.number_format) for c in cells] == [
        ("n", 7624.7, "#,##0.00"),  # 7.624,70 in an Italian Excel
        ("n", 12.25, "#,##0.0"),
        ("n", 0.125, "0.0%"),
        ("d", datetime.datetime(2024, 6, 30), "DD/MM/YYYY"),
        ("n", 1234567, "#,##0"),
        ("n", 2.5, "#,##0.00"),
        ("s", "sì", "General"),
    ]


def test_a_datetime_is_written_in_local_time():
    moment = datetime.datetime(2024, 6, 30, 22, 15, tzinfo=datetime.UTC)
    sheet = read_xlsx([Sheet("Prova", [Column("x")], [[moment]])]).active
    assert (sheet["A2"].value, sheet["A2"].number_format) == (datetime.datetime(2024, 7, 1, 0, 15), "DD/MM/YYYY HH:MM")
    assert read_csv(csv_bytes(["x"], [[moment]]))[1] == ["01/07/2024 00:15"]


def test_each_sheet_has_its_bold_frozen_header_with_filters_and_its_column_widths():
    book = read_xlsx(
        [
            Sheet("Copertina", [Column("Indicatore", 40), Column("Valore", 18)], [["CUP", "B24H22000190001"]]),
            Sheet("Finanza", [Column("Voce", 30)], []),
        ]
    )
    assert book.sheetnames == ["Copertina", "Finanza"]
    first, second = book.worksheets
    assert [c.value for c in first[1]] == ["Indicatore", "Valore"] and all(c.font.bold for c in first[1])
    assert (first.freeze_panes, second.freeze_panes) == ("A2", "A2")
    assert (first.auto_filter.ref, second.auto_filter.ref) == ("A1:B2", "A1:A1")
    assert (first.column_dimensions["A"].width, first.column_dimensions["B"].width) == (40, 18)
    assert second.column_dimensions["A"].width == 30


def test_sheet_titles_are_cut_to_excels_limit_cleaned_and_unique():
    book = read_xlsx([Sheet("x" * 40, [Column("a")], []), Sheet("x" * 40, [Column("a")], []), Sheet("a/b:c", [], [])])
    assert book.sheetnames == ["x" * 31, "x" * 27 + " (2)", "a-b-c"]


def test_control_characters_are_dropped_from_the_xlsx_instead_of_failing():
    book = read_xlsx([Sheet("t", [Column("testo")], [["a\x01b\x1fc", "=x\x02"]])])
    assert [cell.value for cell in book.active[2]] == ["abc", "'=x"]
