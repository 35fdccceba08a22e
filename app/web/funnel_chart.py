"""The funnel plot's geometry: sizes on a log scale, values on a linear one. The
template draws the SVG; every point also stands in a table beside it."""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.services.funnel import Funnel, FunnelCompany, funnel
from app.services.rankings import RankedCompany, Ranking

WIDTH, HEIGHT, PAD = 560, 300, 36


@dataclass(frozen=True)
class FunnelDot:
    x: float
    y: float
    label: str
    worse: bool
    better: bool


@dataclass(frozen=True)
class FunnelChart:
    width: int
    height: int
    pad: int
    target_y: float
    curves: dict[str, tuple[str, str]]  # "95" -> (lower polyline, upper polyline)
    dots: list[FunnelDot]
    y_max: float
    size_min: float
    size_max: float


def funnel_chart(plot: Funnel) -> FunnelChart:
    lows = [math.log10(size) for size in plot.sizes]
    x_min, x_max = lows[0], max(lows[-1], lows[0] + 1e-9)
    highest = max(
        [company.value for company in plot.companies]
        + [value for _low, high in plot.limits.values() for value in high]
    )
    y_max = highest * 1.05 or 1.0

    def x_of(size: float) -> float:
        span = math.log10(max(size, 1.0)) - x_min
        return round(PAD + span / (x_max - x_min) * (WIDTH - 2 * PAD), 1)

    def y_of(value: float) -> float:
        return round(HEIGHT - PAD - min(value, y_max) / y_max * (HEIGHT - 2 * PAD), 1)

    def polyline(values: list[float]) -> str:
        return " ".join(f"{x_of(s)},{y_of(v)}" for s, v in zip(plot.sizes, values, strict=True))

    curves = {name: (polyline(low), polyline(high)) for name, (low, high) in plot.limits.items()}
    dots = [
        FunnelDot(
            x_of(c.size),
            y_of(c.value),
            c.name,
            c.signal in ("worse", "much_worse"),
            c.signal in ("better", "much_better"),
        )
        for c in plot.companies
    ]
    return FunnelChart(
        WIDTH, HEIGHT, PAD, y_of(plot.target), curves, dots, y_max, plot.sizes[0], plot.sizes[-1]
    )


def ranking_funnel(ranking: Ranking) -> tuple[FunnelChart | None, list[RankedCompany]]:
    """The funnel of a ranking of a rate or a share, and its rows for the table."""
    rows = [row for row in ranking.rows if row.certainty.base]
    companies = [
        FunnelCompany(
            row.name, row.slug, row.certainty.base or 0, float(row.value), row.certainty.signal
        )
        for row in rows
    ]
    plot = funnel(ranking.definition, companies, [row.certainty.part or 0 for row in rows])
    if plot is None:
        return None, []
    return funnel_chart(plot), rows
