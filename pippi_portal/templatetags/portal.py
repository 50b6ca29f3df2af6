"""Presentation helpers shared by every app: money, hours and dates the Italian way."""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template

register = template.Library()


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


@register.filter
def euro(value) -> str:
    """Format an amount as '€ 1.234,56'."""
    if value is None or value == "":
        return "—"
    return f"€ {format_decimal_it(value, 2)}"


@register.filter
def hours(value, places: int = 1) -> str:
    """Format a number of hours with the decimal comma: 1234.5 -> '1.234,5'."""
    if value is None or value == "":
        return "—"
    return format_decimal_it(value, int(places))


@register.filter
def it_date(value) -> str:
    """gg/mm/aaaa, whatever the active language."""
    if not value:
        return "—"
    if isinstance(value, datetime.datetime):
        from django.utils import timezone

        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.strftime("%d/%m/%Y %H:%M")
    return value.strftime("%d/%m/%Y")


@register.filter
def is_past(value) -> bool:
    """Whether a date is before today (Europe/Rome)."""
    from django.utils import timezone

    return bool(value) and value < timezone.localdate()


@register.filter
def split(value: str, separator: str = " ") -> list[str]:
    return value.split(separator)


@register.filter
def get_item(mapping, key):
    """mapping[key] in a template, or None."""
    return mapping.get(key) if mapping else None
