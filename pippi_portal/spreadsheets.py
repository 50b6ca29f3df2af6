"""Every CSV and XLSX file the portal writes is made here, so that no text typed into the portal can become a
live formula in the spreadsheet of whoever downloads it (OWASP, "CSV Injection"). Apps build their rows and
call `csv_bytes` or `xlsx_bytes`; `tests/test_spreadsheet_writers.py` fails if any other module writes CSV or
XLSX by itself."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, TYPE_STRING, Cell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

CellValue = str | int | float | Decimal | None

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# What makes a spreadsheet read a cell as a formula: =, + and - start one, @ starts a function call in
# Excel, and a leading tab or carriage return is skipped by some programs before they look at the rest.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: CellValue) -> CellValue:
    """The value as a spreadsheet cell: text that would start a formula gets a leading apostrophe, which
    spreadsheets read as "this is text" and show; everything else is returned as it is.

    The Python type decides, not the look of the text. Numbers (int, float, Decimal) are figures the portal
    computed and stay numbers, negative ones included. A str is text that may come from a user, so "-8,38"
    typed into a field is prefixed like any other text starting with "-". Text whose first character after
    leading spaces is a trigger (" =1+1") is prefixed as well, because some programs trim cells on import."""
    if isinstance(value, str) and (value.startswith(FORMULA_TRIGGERS) or value.lstrip().startswith(FORMULA_TRIGGERS)):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[CellValue]]) -> bytes:
    """A CSV for Italian spreadsheets: cells separated by ";", quoted when they hold ";", quotes or line
    breaks, UTF-8 with a byte-order mark so that accents open correctly; every cell neutralised."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow([neutralise(value) for value in header])
    writer.writerows([neutralise(value) for value in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def xlsx_bytes(
    header: Sequence[str], rows: Iterable[Sequence[CellValue]], *, title: str, widths: Sequence[float] = ()
) -> bytes:
    """An XLSX workbook of one sheet named `title`: the header in bold, then the rows, every cell
    neutralised; numbers are number cells, text is always a text cell (never a formula or an error code)."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]  # Excel's limit on sheet names
    _append(sheet, header)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        _append(sheet, row)
    for column, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _append(sheet, row: Sequence[CellValue]) -> None:
    cells = []
    for value in row:
        if isinstance(value, str):
            # Control characters (a pasted "\x01") cannot be stored in an XLSX at all: they are dropped.
            value = ILLEGAL_CHARACTERS_RE.sub("", value)
        cell = Cell(sheet, value=neutralise(value))
        # openpyxl guesses the type of a str: "=…" becomes a formula and "#N/A" an error. Neutralised text
        # can no longer start with "=", and saying "text" outright leaves nothing to guessing.
        if isinstance(cell.value, str):
            cell.data_type = TYPE_STRING
        cells.append(cell)
    sheet.append(cells)
