"""Numbers the Italian way, for pages, PDFs and exports alike: Django's `number_format` with the project's
language (LANGUAGE_CODE "it": decimal comma, a dot between thousands, USE_THOUSAND_SEPARATOR)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format


def format_number(value: Decimal | float | int, places: int | None = 2) -> str:
    """1234.565 -> '1.234,57'. Rounded half up to `places` decimals first, since `number_format` cuts the
    digits it does not show; `places=None` keeps the digits the value has."""
    number = Decimal(str(value))
    if places is not None:
        number = number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return number_format(number, places, force_grouping=True)


def format_minutes(minutes: int | None) -> str:
    """90 -> '1,5': minutes as hours with the decimal comma (up to two decimals); '' for 0 or None."""
    if not minutes:
        return ""
    return format_number((Decimal(minutes) / 60).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize(), None)
