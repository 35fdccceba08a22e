"""The funnel plot behind the signals (Spiegelhalter, 2005): each company's value
against its size, with the limits within which 95 % and 99.8 % of companies of that
size would fall if they all had the list's overall rate.

The limits are exact, from Poisson (rates) or binomial (shares) quantiles, smoothed
between whole counts by Spiegelhalter's interpolation. Pure computation: no database.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.stats import binom, poisson

from app.metrics import RATE, SHARE, Metric

# Two-sided limits: 95 % and 99.8 %.
LIMITS = {"95": (0.025, 0.975), "99.8": (0.001, 0.999)}
PER_100K = 100_000
CURVE_POINTS = 40


@dataclass(frozen=True)
class FunnelCompany:
    name: str
    slug: str
    size: int  # customers (rates) or contacts (shares)
    value: float  # as the ranking shows it: per 100,000, or a share 0..1
    signal: str | None


@dataclass(frozen=True)
class Funnel:
    target: float  # the list's overall rate, on the value's scale
    sizes: list[float]  # where the limits are drawn, smallest first
    limits: dict[str, tuple[list[float], list[float]]]  # "95" -> (lower, upper) per size
    companies: list[FunnelCompany]


def funnel(metric: Metric, companies: list[FunnelCompany], parts: list[int]) -> Funnel | None:
    """The funnel of ``companies`` (``parts``: each one's complaints or counted contacts);
    None for metrics without one, or fewer than two companies."""
    if metric.family not in (RATE, SHARE) or len(companies) < 2:
        return None
    sizes = np.array([c.size for c in companies], dtype=float)
    p0 = float(np.sum(parts) / sizes.sum())
    scale = PER_100K if metric.family == RATE else 1
    grid = np.geomspace(max(sizes.min(), 1.0), max(sizes.max(), 2.0), CURVE_POINTS)
    limits = {
        name: (
            list(_limit(metric, grid, p0, low) * scale),
            list(_limit(metric, grid, p0, high) * scale),
        )
        for name, (low, high) in LIMITS.items()
    }
    return Funnel(p0 * scale, list(grid), limits, companies)


def _limit(metric: Metric, n: np.ndarray, p0: float, p: float) -> np.ndarray:
    """Spiegelhalter's exact limit at probability ``p`` for sizes ``n``, as a rate."""
    if metric.family == RATE:
        mean = n * p0
        r = poisson.ppf(p, mean)
        below, at = poisson.cdf(r - 1, mean), poisson.cdf(r, mean)
    else:
        whole = np.round(n)
        r = binom.ppf(p, whole, p0)
        below, at = binom.cdf(r - 1, whole, p0), binom.cdf(r, whole, p0)
    step = np.where(at - below > 0, at - below, 1.0)
    alpha = (at - p) / step
    limit: np.ndarray = np.clip((r - alpha) / n, 0.0, None)
    return limit
