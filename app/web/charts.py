"""Server-rendered SVG charts: geometry only; the templates draw the SVG."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from app.services.series import MetricHistory


@dataclass(frozen=True)
class Dot:
    x: float
    y: float
    label: str  # the period
    value: Decimal


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    segments: list[str]  # polyline "x,y x,y" strings; a gap in the data starts a new one
    dots: list[Dot]
    y_min: Decimal
    y_max: Decimal
    x_first: str
    x_last: str
    pad: int

    @property
    def baseline(self) -> float:
        return self.height - self.pad

    @property
    def top(self) -> int:
        return self.pad


def line_chart(
    points: list[tuple[str, Decimal | None]], *, width: int = 560, height: int = 180, pad: int = 24
) -> Chart | None:
    """The chart of ``points`` (label, value or None), or None when no point has a value."""
    values = [value for _label, value in points if value is not None]
    if not values:
        return None
    low, high = min(min(values), Decimal(0)), max(values)
    span = high - low or Decimal(1)
    step = (width - 2 * pad) / max(len(points) - 1, 1)
    segments: list[str] = []
    current: list[str] = []
    dots = []
    for index, (label, value) in enumerate(points):
        if value is None:
            if current:
                segments.append(" ".join(current))
            current = []
            continue
        x = round(pad + index * step, 1)
        y = round(height - pad - float((value - low) / span) * (height - 2 * pad), 1)
        current.append(f"{x},{y}")
        dots.append(Dot(x, y, label, value))
    if current:
        segments.append(" ".join(current))
    return Chart(width, height, segments, dots, low, high, points[0][0], points[-1][0], pad)


def sparkline(values: list[Decimal | None], *, width: int = 96, height: int = 24) -> Chart | None:
    """A small chart without labels."""
    return line_chart([("", value) for value in values], width=width, height=height, pad=3)


def history_charts(histories: list[MetricHistory]) -> dict[str, Chart | None]:
    """Each metric's chart over its points, by metric slug (None where no point has a value)."""
    return {h.metric: line_chart([(str(p.period), p.value) for p in h.points]) for h in histories}
