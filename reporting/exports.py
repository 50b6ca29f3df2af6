"""The same frozen snapshot as the PDF, as rows for CSV and XLSX: one row per figure, with the section, the
indicator, the breakdown and the value exactly as printed (suppressed cells stay "< 3"). Figures keep their
type, so the XLSX has number cells; `pippi_portal.spreadsheets` writes the files and neutralises the texts."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pippi_portal.spreadsheets import CellValue, csv_bytes, xlsx_bytes

HEADER = ["sezione", "indicatore", "dettaglio", "periodo", "valore"]
SECTIONS = {
    "cover": "Copertina",
    "procedural": "Avanzamento procedurale",
    "physical": "Indicatori fisici",
    "ambiti": "Per ambito",
    "outcomes": "Esiti",
    "finance": "Finanza",
    "partner": "Sezione del partner",
    "narrative": "Valutazione dell'Ufficio di Piano",
}
PERIOD_KEYS = {"period": "semestre", "cumulative": "cumulato"}


def rows(snapshot: dict[str, Any]) -> Iterator[list[CellValue]]:
    """Flatten the snapshot: nested dictionaries become "indicator / detail" paths; the period and
    cumulative variants of a figure go in the "periodo" column."""
    for key, label in SECTIONS.items():
        if key in snapshot:
            yield from _walk(label, [], snapshot[key])


def _walk(section: str, path: list[str], value: Any) -> Iterator[list[CellValue]]:
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
                or item.get("ambito")
                or item.get("profile")
                or item.get("side")
                or item.get("kind")
                or item.get("description")
                if isinstance(item, dict)
                else None
            )
            yield from _walk(section, [*path, str(name)] if name else path, item)
    else:
        yield _row(section, path, "", value)


def _row(section: str, path: list[str], period: str, value: Any) -> list[CellValue]:
    indicator = path[0] if path else ""
    detail = " / ".join(path[1:])
    if isinstance(value, bool):
        value = "sì" if value else "no"
    return [section, indicator, detail, period, value]


def to_csv(snapshot: dict[str, Any]) -> bytes:
    return csv_bytes(HEADER, rows(snapshot))


def to_xlsx(snapshot: dict[str, Any], title: str = "Rendicontazione") -> bytes:
    return xlsx_bytes(HEADER, rows(snapshot), title=title, widths=(28, 40, 50, 12, 20))
