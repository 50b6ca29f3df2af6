"""Numbers the Italian way, for pages, PDFs and exports alike: Django's `number_format` with the project's
language (LANGUAGE_CODE "it": decimal comma, a dot between thousands, USE_THOUSAND_SEPARATOR); recorded time
as h:mm (`format_minutes`)."""

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
    """90 -> '1:30', 100 -> '1:40', 1500 -> '25:00': minutes as hours and minutes (h:mm), the one way the portal
    shows recorded time (the hours grid, timesheets and their PDF, the family's pages); '' for 0 or None. Exact
    for any number of minutes, so hours typed as 1:40 never come back as '1,67'."""
    if not minutes:
        return ""
    sign = "-" if minutes < 0 else ""
    hours, rest = divmod(abs(int(minutes)), 60)
    return f"{sign}{hours}:{rest:02d}"
