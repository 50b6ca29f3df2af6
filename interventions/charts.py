"""The budget chart, drawn on the server as SVG (the page and the semester PDF show the same picture)."""

from __future__ import annotations

from decimal import Decimal

from django.utils.html import escape

from pippi_portal.formatting import format_number


def _it(value: Decimal) -> str:
    return format_number(value, 0)


def budget_chart_svg(rows, width: int = 640) -> str:
    """Horizontal bars per profile: hours delivered and forecast against the minimum (a vertical mark).
    `rows` need `label`, `delivered_hours`, `forecast_hours`, `minimum_hours`, `percent`, `will_miss_minimum`
    (the budget page's ProfileBudget lines, or the same figures read back from a report snapshot)."""
    row_h, left, right, top = 46, 150, 70, 26
    height = top + row_h * max(len(rows), 1) + 30
    scale_max = max([float(max(r.minimum_hours, r.forecast_hours, r.delivered_hours)) for r in rows] or [1.0]) or 1.0
    plot_w = width - left - right

    def x(value) -> float:
        return left + float(value) / scale_max * plot_w

    description = "; ".join(
        f"{r.label}: {_it(r.delivered_hours)} ore erogate, "
        f"previsione {_it(r.forecast_hours)}, minimo {_it(r.minimum_hours)}"
        for r in rows
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="budget-title budget-desc" font-family="Titillium Web, sans-serif" font-size="12">',
        '<title id="budget-title">Ore erogate e previsione rispetto al monte ore minimo, per profilo</title>',
        f'<desc id="budget-desc">{escape(description)}</desc>',
    ]
    for i, r in enumerate(rows):
        y = top + i * row_h
        parts.append(f'<text x="{left - 8}" y="{y + 16}" text-anchor="end" fill="#222">{escape(r.label)}</text>')
        parts.append(
            f'<rect x="{left}" y="{y + 4}" width="{x(r.forecast_hours) - left:.1f}" height="16" fill="#cfdbe8"/>'
        )
        parts.append(
            f'<rect x="{left}" y="{y + 4}" width="{x(r.delivered_hours) - left:.1f}" height="16" '
            f'fill="{"#b02a37" if r.will_miss_minimum else "#0b5cad"}"/>'
        )
        mx = x(r.minimum_hours)
        parts.append(f'<line x1="{mx:.1f}" y1="{y}" x2="{mx:.1f}" y2="{y + 24}" stroke="#17324d" stroke-width="2"/>')
        parts.append(
            f'<text x="{left}" y="{y + 36}" fill="#333" font-size="11">{_it(r.delivered_hours)} / '
            f"{_it(r.minimum_hours)} ore ({str(r.percent).replace('.', ',')} %)</text>"
        )
    legend_y = height - 10
    parts.append(
        f'<rect x="{left}" y="{legend_y - 10}" width="12" height="12" fill="#0b5cad"/>'
        f'<text x="{left + 16}" y="{legend_y}" fill="#222">erogate</text>'
        f'<rect x="{left + 90}" y="{legend_y - 10}" width="12" height="12" fill="#cfdbe8"/>'
        f'<text x="{left + 106}" y="{legend_y}" fill="#222">previsione a fine progetto</text>'
        f'<line x1="{left + 290}" y1="{legend_y - 11}" x2="{left + 290}" y2="{legend_y + 2}" '
        f'stroke="#17324d" stroke-width="2"/><text x="{left + 296}" y="{legend_y}" fill="#222">minimo</text>'
    )
    parts.append("</svg>")
    return "".join(parts)
