"""Every CSV and XLSX file the portal writes is made here, for an Italian office: figures are numbers, dates are
dates and percentages are percentages, so that a column can be summed; and no text typed into the portal can
become a live formula in the spreadsheet of whoever downloads it (OWASP, "CSV Injection"). Apps build their
sheets and rows and call `csv_bytes` or `xlsx_bytes`; `tests/test_spreadsheet_writers.py` fails if any other
module writes CSV or XLSX by itself.

The Python type of a value decides its cell: `int` is a whole number, `float` and `Decimal` a number with two
decimals, `datetime.date` a date, a `Figure` a number in the format it names (`euro`, `hours`, `percent`), a
`str` text. XLSX number formats are stored in the file's own notation ("#,##0.00") and shown by each program in
its user's locale: 1.234,56 in an Italian Excel or LibreOffice. The CSV, which has no formats, is written as an
Italian spreadsheet reads it: ";" between cells, decimal comma, dates as 31/12/2024, percentages as "12,5%"."""

from __future__ import annotations

import csv
import datetime
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils import numberformat, timezone
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# Number formats, in the notation of the XLSX file (Excel shows "," and "." as the locale wants).
INTEGER = "#,##0"
DECIMAL = "#,##0.00"
HOURS = "#,##0.0"
PERCENT = "0.0%"
DATE = "DD/MM/YYYY"
DATE_TIME = "DD/MM/YYYY HH:MM"
# How many decimals the CSV writes for a figure of each format (the XLSX keeps the whole value).
CSV_PLACES = {INTEGER: 0, DECIMAL: 2, HOURS: 1, PERCENT: 1}


@dataclass(frozen=True)
class Figure:
    """A number and the format it is shown in. For `PERCENT` the value is a fraction (0.125 is 12,5%), as
    spreadsheets store percentages."""

    value: int | float | Decimal
    format: str


def euro(value: str | int | float | Decimal) -> Figure:
    """An amount in euro, from a number or from the text of a Decimal ("211500.00")."""
    return Figure(Decimal(str(value)), DECIMAL)


def hours(value: int | float | Decimal) -> Figure:
    return Figure(value, HOURS)


def percent(points: int | float | Decimal) -> Figure:
    """A percentage given in points (12.5 for 12,5%), as the portal computes them."""
    return Figure(Decimal(str(points)) / 100, PERCENT)


CellValue = str | int | float | Decimal | datetime.date | Figure | None


@dataclass(frozen=True)
class Column:
    """A column's Italian header and its width in characters."""

    label: str
    width: float = 16


@dataclass
class Sheet:
    """One sheet of a workbook: its title (Excel allows 31 characters and no []:*?/\\), columns and rows."""

    title: str
    columns: Sequence[Column]
    rows: Iterable[Sequence[CellValue]]


# What makes a spreadsheet read a cell as a formula: =, + and - start one, @ starts a function call in
# Excel, and a leading tab or carriage return is skipped by some programs before they look at the rest.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: CellValue) -> CellValue:
    """The value as a spreadsheet cell: text that would start a formula gets a leading apostrophe, which
    spreadsheets read as "this is text" and show; everything else is returned as it is.

    The Python type decides, not the look of the text. Numbers (int, float, Decimal, Figure) are figures the
    portal computed and stay numbers, negative ones included. A str is text that may come from a user, so
    "-8,38" typed into a field is prefixed like any other text starting with "-". Text whose first character
    after leading spaces is a trigger (" =1+1") is prefixed as well, because some programs trim cells on
    import."""
    if isinstance(value, str) and (value.startswith(FORMULA_TRIGGERS) or value.lstrip().startswith(FORMULA_TRIGGERS)):
        return "'" + value
    return value


# --- CSV ----------------------------------------------------------------------------------------------------


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[CellValue]]) -> bytes:
    """A CSV for Italian spreadsheets: cells separated by ";", quoted when they hold ";", quotes or line
    breaks, UTF-8 with a byte-order mark so that accents open correctly; numbers with a decimal comma, dates
    as 31/12/2024, percentages as 12,5%; every text cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([neutralise(value) for value in header])
    writer.writerows([csv_text(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def csv_text(value: CellValue) -> str:
    """A cell as the CSV writes it."""
    if value is None:
        return ""
    if isinstance(value, str):
        return str(neutralise(value))
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, datetime.datetime):
        return f"{_local(value):%d/%m/%Y %H:%M}"
    if isinstance(value, datetime.date):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, Figure):
        number = value.value * 100 if value.format == PERCENT else value.value
        places = CSV_PLACES.get(value.format)
        if places is not None:
            number = Decimal(str(number)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
        return _decimal_comma(number) + ("%" if value.format == PERCENT else "")
    return _decimal_comma(value)


def _decimal_comma(number: int | float | Decimal) -> str:
    # Without grouping: "1234,56" is read as a number by every Italian spreadsheet, whatever its settings.
    return numberformat.format(number, ",", use_l10n=False)


# --- XLSX ---------------------------------------------------------------------------------------------------

SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def xlsx_bytes(sheets: Sequence[Sheet]) -> bytes:
    """An XLSX workbook with one sheet per `Sheet`: the header in bold, frozen (it stays in view while
    scrolling) and with filters, the columns at their widths, then the rows with every text cell neutralised;
    numbers, dates and percentages are typed cells in Italian formats, text is always a text cell (never a
    formula or an error code)."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    titles: set[str] = set()
    for sheet in sheets:
        worksheet = workbook.create_sheet(_unique_title(sheet.title, titles))
        worksheet.append([_cell(worksheet, column.label) for column in sheet.columns])
        for cell in worksheet[1]:
            cell.font = Font(bold=True)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
        worksheet.freeze_panes = "A2"
        for index, column in enumerate(sheet.columns, start=1):
            worksheet.column_dimensions[get_column_letter(index)].width = column.width
        for row in sheet.rows:
            worksheet.append([_cell(worksheet, value) for value in row])
        if sheet.columns:
            # The header's filter buttons: an office narrows a section to one indicator or one period.
            worksheet.auto_filter.ref = f"A1:{get_column_letter(len(sheet.columns))}{worksheet.max_row}"
    if not workbook.worksheets:
        workbook.create_sheet("Dati")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _unique_title(title: str, taken: set[str]) -> str:
    base = SHEET_TITLE_FORBIDDEN.sub("-", title).strip("'")[:31] or "Foglio"
    candidate, number = base, 2
    while candidate.lower() in taken:
        suffix = f" ({number})"
        candidate, number = base[: 31 - len(suffix)] + suffix, number + 1
    taken.add(candidate.lower())
    return candidate


def _cell(sheet, value: CellValue) -> Cell:
    number_format = None
    if value == "":
        value = None  # an empty cell, not an empty text
    elif isinstance(value, str):
        # Control characters (a pasted "\x01") cannot be stored in an XLSX at all: they are dropped.
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    elif isinstance(value, Figure):
        value, number_format = value.value, value.format
    elif isinstance(value, bool):
        value = "sì" if value else "no"
    elif isinstance(value, datetime.datetime):
        value, number_format = _local(value).replace(tzinfo=None), DATE_TIME
    elif isinstance(value, datetime.date):
        number_format = DATE
    elif isinstance(value, int):
        number_format = INTEGER
    elif isinstance(value, float | Decimal):
        number_format = DECIMAL
    cell = Cell(sheet, value=neutralise(value))
    # openpyxl guesses the type of a str: "=…" becomes a formula and "#N/A" an error. Neutralised text
    # can no longer start with "=", and saying "text" outright leaves nothing to guessing.
    if isinstance(cell.value, str):
        cell.data_type = TYPE_STRING
    elif number_format:
        cell.number_format = number_format
    return cell


def _local(moment: datetime.datetime) -> datetime.datetime:
    return timezone.localtime(moment) if timezone.is_aware(moment) else moment
