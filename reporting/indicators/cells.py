"""How a figure becomes a cell of the snapshot: rounding, percentages, hours, and small-cell suppression."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings


def suppress(cells: dict[str, int], threshold: int | None = None) -> list[list]:
    """A breakdown as ordered [label, value] pairs, where values from 1 to threshold-1 print as
    "< threshold". If only one cell would be hidden, the next smallest non-zero cell is hidden too, so that
    no hidden value can be recovered by subtracting the others from a published total. (Pairs rather than
    a mapping: the snapshot's JSON is stored with sorted keys, and a breakdown keeps its own order.)"""
    threshold = threshold or settings.REPORT_SMALL_CELL_THRESHOLD
    hidden = {key for key, value in cells.items() if 0 < value < threshold}
    if len(hidden) == 1:
        others = sorted((value, key) for key, value in cells.items() if value > 0 and key not in hidden)
        if others:
            hidden.add(others[0][1])
    return [[key, f"< {threshold}" if key in hidden else value] for key, value in cells.items()]


def columns(period: dict[str, int], cumulative: dict[str, int]) -> list[dict]:
    """A breakdown with a period and a cumulative column, each suppressed on its own."""
    period_cells, cumulative_cells = dict(suppress(period)), dict(suppress(cumulative))
    return [{"label": key, "period": period_cells[key], "cumulative": cumulative_cells[key]} for key in cumulative]


def rate(part, whole, places: int = 1) -> float | None:
    """`part` as a percentage of `whole`, or None when there is no whole."""
    if not whole:
        return None
    return float((Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def rounded(value, places: int = 2) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP))


def hours(minutes) -> float:
    """Minutes (None for none) as hours with one decimal."""
    return rounded(Decimal(minutes or 0) / 60, 1)
