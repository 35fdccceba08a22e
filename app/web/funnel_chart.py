"""The funnel plot's geometry: sizes on a log scale, values on a linear one. The
template draws the SVG.

The plot shows every ranked company, but only the companies of the page shown are
drawn one element each, named and listed in the table beside it; the others are one
path per colour. A ranking of 5,000 companies drawn and listed whole made a page of
2 MB that took a quarter of a second to render (its CSV lists them all)."""

from __future__ import annotations

import math
from dataclasses import dataclass

from app.services.funnel import Funnel, FunnelCompany, funnel
from app.services.rankings import RankedCompany, Ranking

WIDTH, HEIGHT, PAD = 560, 300, 36


# A dot's colour by its signal: worse than its size predicts, better, or as predicted.
WORSE, BETTER, AS_EXPECTED = "#8a1c00", "#1f4e9c", "#767676"


def _colour(signal: str | None) -> str:
    if signal in ("worse", "much_worse"):
        return WORSE
    return BETTER if signal in ("better", "much_better") else AS_EXPECTED


@dataclass(frozen=True)
class FunnelDot:
    x: float
    y: float
    label: str
    colour: str


@dataclass(frozen=True)
class FunnelChart:
    width: int
    height: int
    pad: int
    target_y: float
    curves: dict[str, tuple[str, str]]  # "95" -> (lower polyline, upper polyline)
    dots: list[FunnelDot]  # the page's companies
    others: dict[str, str]  # colour -> one path of a dot for each other company
    y_max: float
    size_min: float
    size_max: float


def funnel_chart(plot: Funnel, shown: set[str]) -> FunnelChart:
    """The plot of every company, those whose slugs are ``shown`` as dots of their own."""
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
    dots: list[FunnelDot] = []
    others: dict[str, list[str]] = {}
    for c in plot.companies:
        if c.slug in shown:
            dots.append(FunnelDot(x_of(c.size), y_of(c.value), c.name, _colour(c.signal)))
        else:
            # A move and a line of no length: with round caps, a dot.
            others.setdefault(_colour(c.signal), []).append(f"M{x_of(c.size)} {y_of(c.value)}h0")
    # The companies as predicted underneath, those with a signal drawn over them.
    paths = {c: "".join(others[c]) for c in (AS_EXPECTED, BETTER, WORSE) if c in others}
    return FunnelChart(
        WIDTH, HEIGHT, PAD, y_of(plot.target), curves, dots, paths, y_max,
        plot.sizes[0], plot.sizes[-1],
    )  # fmt: skip


def ranking_funnel(
    ranking: Ranking, shown: set[str]
) -> tuple[FunnelChart | None, list[RankedCompany]]:
    """The funnel of a ranking of a rate or a share, and the rows of the companies whose
    slugs are ``shown`` (the page's) for the table beside it."""
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
    return funnel_chart(plot, shown), [row for row in rows if row.slug in shown]
