"""Charts drawn on the server as SVG, so that pages and PDFs show the same picture without JavaScript."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Avg
from django.utils.html import escape

from .models import AssessmentRating, Family, Framework, Side, TimePoint

COLOURS = {TimePoint.T0: "#8aa1b8", TimePoint.T1: "#0b5cad", TimePoint.T2: "#17324d"}


@dataclass
class SideRatings:
    side: Side
    means: dict[str, Decimal | None]  # time point -> mean rating of the side's rated sub-dimensions


def ratings_by_side(family: Family) -> list[SideRatings]:
    """Mean rating per side of the triangle at T0, T1 and T2 (one aggregate query)."""
    framework = (
        family.assessments.select_related("framework").values_list("framework", flat=True).first()
        or Framework.current().pk
    )
    rows = (
        AssessmentRating.objects.filter(assessment__family=family, rating__isnull=False)
        .values("subdimension__side", "assessment__time_point")
        .annotate(mean=Avg("rating"))
    )
    means = {(r["subdimension__side"], r["assessment__time_point"]): r["mean"] for r in rows}
    return [
        SideRatings(
            side,
            {
                tp: Decimal(means[(side.pk, tp)]).quantize(Decimal("0.1"), ROUND_HALF_UP)
                if (side.pk, tp) in means
                else None
                for tp in TimePoint.values
            },
        )
        for side in Side.objects.filter(framework_id=framework).order_by("number")
    ]


def side_chart_svg(
    ratings: list[SideRatings],
    width: int = 640,
    height: int = 260,
    title: str = "Valutazioni medie per lato del triangolo a T0, T1 e T2",
    time_points: tuple[str, ...] = tuple(TimePoint.values),
) -> str:
    """Grouped bars: for each side, one bar per time point on the 1–6 scale. Returns an <svg> string with a
    title and description for screen readers. `ratings` needs `.side.short_title` and `.means[time point]`."""
    left, right, top, bottom = 40, 10, 20, 60
    plot_w, plot_h = width - left - right, height - top - bottom
    group_w = plot_w / max(len(ratings), 1)
    bar_w = group_w / (len(time_points) + 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="chart-title chart-desc" font-family="sans-serif" font-size="12">',
        f'<title id="chart-title">{escape(title)}</title>',
    ]
    description = "; ".join(
        f"{r.side.short_title}: "
        + ", ".join(
            f"{tp} {str(r.means.get(tp)).replace('.', ',')}" if r.means.get(tp) is not None else f"{tp} non rilevata"
            for tp in time_points
        )
        for r in ratings
    )
    parts.append(f'<desc id="chart-desc">{escape(description)}</desc>')
    for level in range(1, 7):
        y = top + plot_h - (level / 6) * plot_h
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{width - right}" y2="{y:.1f}" stroke="#dde3ea"/>')
        parts.append(f'<text x="{left - 8}" y="{y + 4:.1f}" text-anchor="end" fill="#333">{level}</text>')
    for i, row in enumerate(ratings):
        x0 = left + i * group_w + bar_w / 2
        for j, tp in enumerate(time_points):
            value = row.means.get(tp)
            if value is None:
                continue
            bar_h = float(value) / 6 * plot_h
            x = x0 + j * bar_w
            y = top + plot_h - bar_h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar_w - 4:.1f}" height="{bar_h:.1f}" fill="{COLOURS[tp]}">'
                f"<title>{tp}: {str(value).replace('.', ',')}</title></rect>"
            )
        label_x = left + i * group_w + group_w / 2
        parts.append(
            f'<text x="{label_x:.1f}" y="{top + plot_h + 18}" text-anchor="middle" fill="#222">'
            f"{escape(row.side.short_title)}</text>"
        )
    legend_y = height - 14
    for j, tp in enumerate(time_points):
        x = left + j * 70
        parts.append(f'<rect x="{x}" y="{legend_y - 10}" width="12" height="12" fill="{COLOURS[tp]}"/>')
        parts.append(f'<text x="{x + 16}" y="{legend_y}" fill="#222">{tp}</text>')
    parts.append("</svg>")
    return "".join(parts)
