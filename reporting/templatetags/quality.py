"""Presentation helpers of the quality pages."""

from __future__ import annotations

from django import template

from pippi_portal.formatting import format_number

register = template.Library()


@register.filter
def number_it(value, places: int = 2) -> str:
    """A mean or an indicator value with the decimal comma: 4.25 -> '4,25'; '—' when there is none."""
    if value is None or value == "":
        return "—"
    return format_number(value, int(places))
