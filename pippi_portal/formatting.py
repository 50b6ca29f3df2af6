"""Numbers the Italian way, for pages, PDFs and exports alike."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def format_decimal_it(value: Decimal | float | int, places: int = 2) -> str:
    """1234.5 -> '1.234,50' (Italian grouping and decimal comma)."""
    quantum = Decimal(1).scaleb(-places)
    number = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    integer, _, fraction = f"{abs(number):f}".partition(".")
    groups = []
    while len(integer) > 3:
        groups.insert(0, integer[-3:])
        integer = integer[:-3]
    groups.insert(0, integer)
    text = ".".join(groups)
    return f"{sign}{text},{fraction}" if places else f"{sign}{text}"


def format_minutes(minutes: int | None) -> str:
    """90 -> '1,5': minutes as hours with the decimal comma (up to two decimals); '' for 0 or None."""
    if not minutes:
        return ""
    value = (Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
    return f"{value:f}".replace(".", ",")
