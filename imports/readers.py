"""Reading a spreadsheet into rows: XLSX (the first sheet) and CSV (";" between cells, UTF-8 with or without BOM),
through django-import-export's formats (tablib, openpyxl). Whatever the bytes, the caller gets rows or one Italian
`FileRefused` message: never an exception of the parsers."""

from __future__ import annotations

import datetime
import io
import unicodedata
import zipfile
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _
from import_export.formats.base_formats import CSV, XLSX

from .models import MAX_FILE_BYTES

#: An XLSX is a zip: its sheets, unpacked, may be at most this big (a "zip bomb" is refused before it is read).
MAX_UNPACKED_BYTES = 100 * 1024 * 1024
#: Rows beyond this are refused whole: a file of an ambito's history is far below it.
MAX_ROWS = 20_000


class FileRefused(Exception):
    """The file cannot be read as a table of the kind chosen; the message says why, in Italian."""


@dataclass(frozen=True)
class Row:
    """A data row of the file: its number as a spreadsheet shows it (the header is row 1) and its cells by the
    Italian column names of the template."""

    number: int
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "")


def cell_text(value) -> str:
    """A cell as text: numbers without a useless ".0", dates as 31/12/2024, everything stripped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("sì") if value else _("no")
    if isinstance(value, datetime.datetime):
        value = value.date() if value.time() == datetime.time() else value
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return f"{value:%d/%m/%Y}"
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):  # NaN, infinities
            return ""
        value = Decimal(repr(value))
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f") if value == value.to_integral() else format(value, "f")
        return text.replace(".", ",")
    return str(value).strip()


def _normalise(header) -> str:
    """A column name as compared: no accents, no case, single spaces («Equipe» is «Équipe»)."""
    text = unicodedata.normalize("NFKD", cell_text(header))
    return " ".join("".join(c for c in text if not unicodedata.combining(c)).casefold().split())


def _dataset(content: bytes, file_name: str):
    name = file_name.lower()
    if name.endswith(".xlsx") or content[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
        except Exception:
            unpacked = 0  # not a zip: openpyxl says so below
        if unpacked > MAX_UNPACKED_BYTES:
            raise FileRefused(_("Il file XLSX è troppo grande una volta aperto: dividilo in più file."))
        try:
            return XLSX().create_dataset(content)
        except StopIteration:
            raise FileRefused(_("Il foglio di calcolo è vuoto.")) from None
        except Exception as error:  # zipfile, openpyxl and tablib raise many kinds on odd files; the page only says so
            raise FileRefused(_("Il file XLSX non si può leggere: è danneggiato o non è un foglio Excel.")) from error
    if name.endswith((".csv", ".txt")) or not name:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise FileRefused(_("Il file CSV deve essere codificato in UTF-8 (in Excel: «CSV UTF-8»).")) from None
        if "\x00" in text:
            raise FileRefused(_("Il file CSV contiene caratteri non validi: è davvero un file di testo?"))
        if not text.strip():
            raise FileRefused(_("Il file è vuoto."))
        try:
            return CSV().create_dataset(text, delimiter=";")
        except Exception as error:  # csv.Error, ragged rows (tablib's InvalidDimensions), …
            raise FileRefused(
                _(
                    "Il file CSV non si può leggere: le colonne vanno separate da «;» e ogni riga deve averne "
                    "lo stesso numero."
                )
            ) from error
    raise FileRefused(_("Si caricano solo file XLSX o CSV."))


def read_rows(content: bytes, file_name: str, columns: list[str], required: list[str]) -> list[Row]:
    """The data rows of a file whose header names the `columns` (in any order, any case); the `required` ones
    must all be there. Empty rows are skipped; cells of unknown columns are ignored."""
    if not content:
        raise FileRefused(_("Il file è vuoto."))
    if len(content) > MAX_FILE_BYTES:
        raise FileRefused(_("Il file è troppo grande: al massimo 5 MB."))
    dataset = _dataset(content, file_name)
    headers = [_normalise(h) for h in (dataset.headers or [])]
    known = {_normalise(column): column for column in columns}
    missing = [column for column in required if _normalise(column) not in headers]
    if missing:
        raise FileRefused(
            _("Nella prima riga mancano le colonne: %(columns)s. Scarica il modello per vedere i nomi giusti.")
            % {"columns": ", ".join(f"«{c}»" for c in missing)}
        )
    if len(dataset) > MAX_ROWS:
        raise FileRefused(
            _("Il file ha più di %(max)s righe: dividilo in più file.") % {"max": f"{MAX_ROWS:,}".replace(",", ".")}
        )
    rows = []
    for index, values in enumerate(dataset, start=2):
        cells = {}
        for header, value in zip(headers, values, strict=False):
            if header in known:
                cells[known[header]] = cell_text(value)
        if any(cells.values()):
            rows.append(Row(index, cells))
    if not rows:
        raise FileRefused(_("Il file non ha righe di dati sotto l'intestazione."))
    return rows
