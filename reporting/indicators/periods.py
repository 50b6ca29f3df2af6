"""The periods a report covers: a semester or a year."""

from __future__ import annotations

import datetime


def semester_bounds(label: str) -> tuple[datetime.date, datetime.date]:
    """'2025-S1' -> (1 Jan 2025, 30 Jun 2025); '2025-S2' -> (1 Jul 2025, 31 Dec 2025)."""
    try:
        year_text, half = label.upper().split("-S")
        year, half = int(year_text), int(half)
    except ValueError as error:
        raise ValueError(f"Semestre non valido: {label!r} (formato 2025-S1 o 2025-S2).") from error
    if half == 1:
        return datetime.date(year, 1, 1), datetime.date(year, 6, 30)
    if half == 2:
        return datetime.date(year, 7, 1), datetime.date(year, 12, 31)
    raise ValueError(f"Semestre non valido: {label!r} (formato 2025-S1 o 2025-S2).")


def year_bounds(year: int) -> tuple[datetime.date, datetime.date]:
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
