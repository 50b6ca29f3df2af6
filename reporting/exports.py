"""The same frozen snapshot as the PDF, as rows for CSV and XLSX: one row per figure, with the section, the
indicator, the breakdown and the value exactly as printed (suppressed cells stay "< 3")."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font

HEADER = ["sezione", "indicatore", "dettaglio", "periodo", "valore"]
SECTIONS = {
    "cover": "Copertina",
    "procedural": "Avanzamento procedurale",
    "physical": "Indicatori fisici",
    "outcomes": "Esiti",
    "finance": "Finanza",
    "partner": "Sezione del partner",
    "narrative": "Valutazione dell'Ufficio di Piano",
}
PERIOD_KEYS = {"period": "semestre", "cumulative": "cumulato"}


def rows(snapshot: dict[str, Any]) -> Iterator[list[str]]:
    """Flatten the snapshot: nested dictionaries become "indicator / detail" paths; the period and
    cumulative variants of a figure go in the "periodo" column."""
    for key, label in SECTIONS.items():
        if key in snapshot:
            yield from _walk(label, [], snapshot[key])


def _walk(section: str, path: list[str], value: Any) -> Iterator[list[str]]:
    if isinstance(value, dict):
        if value and set(value) <= set(PERIOD_KEYS) and not any(isinstance(v, dict | list) for v in value.values()):
            for period_key, period_value in value.items():
                yield _row(section, path, PERIOD_KEYS[period_key], period_value)
            return
        for key, inner in value.items():
            yield from _walk(section, [*path, str(key)], inner)
    elif isinstance(value, list):
        if value and all(isinstance(item, list) and len(item) == 2 for item in value):
            # A breakdown: [label, value] pairs.
            for label, cell in value:
                yield _row(section, [*path, str(label)], "", cell)
            return
        if all(not isinstance(item, dict | list) for item in value):
            yield _row(section, path, "", "; ".join(str(item) for item in value))
            return
        for item in value:
            name = (
                item.get("name")
                or item.get("implementation")
                or item.get("profile")
                or item.get("side")
                or item.get("kind")
                if isinstance(item, dict)
                else None
            )
            yield from _walk(section, [*path, str(name)] if name else path, item)
    else:
        yield _row(section, path, "", value)


def _row(section: str, path: list[str], period: str, value: Any) -> list[str]:
    indicator = path[0] if path else ""
    detail = " / ".join(path[1:])
    text = "" if value is None else (("sì" if value else "no") if isinstance(value, bool) else str(value))
    return [section, indicator, detail, period, text]


def to_csv(snapshot: dict[str, Any]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows(snapshot))
    # A byte-order mark so that spreadsheets open the Italian accents correctly.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(snapshot: dict[str, Any], title: str = "Rendicontazione") -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(HEADER)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows(snapshot):
        sheet.append(row)
    for column, width in zip("ABCDE", (28, 40, 50, 12, 20), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
