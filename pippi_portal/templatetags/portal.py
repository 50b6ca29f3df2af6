"""Presentation helpers shared by every app: money, hours and dates the Italian way."""

from __future__ import annotations

import datetime

from django import template

from pippi_portal.formatting import format_minutes, format_number

register = template.Library()


@register.filter
def euro(value) -> str:
    """Format an amount as '€ 1.234,56'."""
    if value is None or value == "":
        return "—"
    return f"€ {format_number(value, 2)}"


@register.filter
def hours(value, places: int = 1) -> str:
    """Format a number of hours with the decimal comma: 1234.5 -> '1.234,5'."""
    if value is None or value == "":
        return "—"
    return format_number(value, int(places))


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


@register.filter
def minutes_as_hours(minutes) -> str:
    """90 -> '1:30' (h:mm, see `format_minutes`); 0 or None -> '0:00'."""
    if not minutes:
        return "0:00"
    return format_minutes(minutes)


@register.filter
def minutes_as_hours_blank(minutes) -> str:
    """Like minutes_as_hours, but an empty string for 0 (the empty cells of the hours grid): 90 -> '1:30'."""
    return format_minutes(minutes) if minutes else ""


@register.filter
def iso_it(value) -> str:
    """'2025-06-30' (as stored in report snapshots) -> '30/06/2025'."""
    if not value:
        return "—"
    try:
        return datetime.date.fromisoformat(str(value)[:10]).strftime("%d/%m/%Y")
    except ValueError:
        return str(value)


@register.filter
def num(value) -> str:
    """A report figure as printed: integers as they are, decimals with the comma, text (e.g. "< 3") unchanged."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "sì" if value else "no"
    if isinstance(value, int):
        return format_number(value, 0)
    if isinstance(value, float):
        places = 0 if value == int(value) and abs(value) >= 100 else (1 if abs(value) >= 10 else 2)
        return format_number(value, places)
    return str(value)


@register.filter
def redact(text, redactor) -> str:
    """Free text through the page's redactor (`families.pseudonymisation`): `{{ note.text|redact:redactor }}`.
    Every request's context has one (`families.context_processors.redactor`); a template rendered without
    one fails, and one given anything but a redactor withholds the text: forgetting it must not leak."""
    if not callable(redactor):
        return "[testo non disponibile]"
    return redactor(text)
