"""The report's charts, drawn from the frozen snapshot with the same functions as the live pages."""

from __future__ import annotations

from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from families.charts import side_chart_svg
from interventions.charts import budget_chart_svg


def mondo_del_bambino_chart(snapshot: dict[str, Any]) -> str:
    rows = [
        SimpleNamespace(side=SimpleNamespace(short_title=row["side"]), means={"T0": row.get("t0"), "T2": row.get("t2")})
        for row in snapshot["outcomes"]["mondo_del_bambino"]
    ]
    return side_chart_svg(
        rows, title="Mondo del Bambino: valutazione media per lato a T0 e a T2", time_points=("T0", "T2")
    )


def hours_chart(snapshot: dict[str, Any]) -> str:
    rows = [
        SimpleNamespace(
            label=profile["profile"],
            delivered_hours=Decimal(str(profile["cumulative_hours"])),
            forecast_hours=Decimal(str(profile["forecast_hours"] or profile["cumulative_hours"])),
            minimum_hours=Decimal(profile["minimum_hours"]),
            percent=Decimal(str(profile["percent_of_minimum"] or 0)),
            will_miss_minimum=bool(profile["will_miss_minimum"]),
        )
        for profile in snapshot["finance"]["profiles"]
    ]
    return budget_chart_svg(rows)
