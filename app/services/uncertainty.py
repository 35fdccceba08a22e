"""How sure a rank is (contract v2): each figure's 95 % interval, the places a company
likely holds, and whether it is worse or better than its size predicts.

The statistics are SciPy's: the exact Poisson (Garwood) interval for a rate, the
Wilson score interval for a share, Poisson and binomial tails for the signals.
A median's interval comes stored with it (``histogram_medians``): the places are
counted from it here. Pure computation: no database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import NamedTuple

import numpy as np
from scipy.stats import binom, chi2, poisson

from app.metrics import RATE, SHARE, Metric

Z = 1.959964  # the contract's z for a 95 % Wilson interval
# Tail probabilities that make a signal (contract v2).
MUCH = 0.001
SOME = 0.025


@dataclass(frozen=True)
class Counted:
    """What a rate or a share is made of: ``part`` of ``whole`` (complaints of customers,
    or abandoned or slow contacts of all contacts)."""

    part: int
    whole: int


class Certainty(NamedTuple):
    """A tuple, not a dataclass: a ranking makes thousands."""

    value_low: Decimal | None = None
    value_high: Decimal | None = None
    rank_low: int | None = None
    rank_high: int | None = None
    signal: str | None = None
    # What a rate or share is made of (for the funnel plot): complaints of customers,
    # or counted contacts of all contacts.
    part: int | None = None
    base: int | None = None


NONE = Certainty()


def interval(metric: Metric, counted: Counted) -> tuple[Decimal, Decimal] | None:
    """The 95 % interval of a rate or a share, rounded as its value is; None otherwise."""
    return intervals(metric, {0: counted}).get(0)


def intervals(metric: Metric, counted: dict[int, Counted]) -> dict[int, tuple[Decimal, Decimal]]:
    """Each company's 95 % interval, SciPy working on all of them at once (a ranking has
    thousands); rounded as the value is, half-up. Empty for metrics without one."""
    if metric.family not in (RATE, SHARE) or not counted:
        return {}
    ids, k, whole = _arrays(counted)
    if metric.family == RATE:
        low = np.where(k > 0, chi2.ppf(0.025, 2 * k) / 2, 0.0)
        high = chi2.ppf(0.975, 2 * k + 2) / 2
        scales = [Decimal(100_000) / Decimal(counted[cid].whole) for cid in ids]
    else:
        p, z2 = k / whole, Z * Z
        centre = (p + z2 / (2 * whole)) / (1 + z2 / whole)
        spread = Z * np.sqrt(p * (1 - p) / whole + z2 / (4 * whole * whole)) / (1 + z2 / whole)
        low, high = np.maximum(centre - spread, 0.0), np.minimum(centre + spread, 1.0)
        scales = [Decimal(1)] * len(ids)
    step = metric.step  # rounded as the value is published
    return {
        cid: (_rounded(lo, scale, step), _rounded(hi, scale, step))
        for cid, lo, hi, scale in zip(ids, low.tolist(), high.tolist(), scales, strict=True)
    }


def _arrays(counted: dict[int, Counted]) -> tuple[list[int], np.ndarray, np.ndarray]:
    """The companies in order, and their parts and wholes as arrays for SciPy."""
    ids = list(counted)
    k = np.array([counted[cid].part for cid in ids], dtype=float)
    whole = np.array([counted[cid].whole for cid in ids], dtype=float)
    return ids, k, whole


def _rounded(value: float, scale: Decimal, step: Decimal) -> Decimal:
    return (Decimal(repr(value)) * scale).quantize(step, ROUND_HALF_UP)


def likely_places(
    intervals: Mapping[int, tuple[Decimal, Decimal] | tuple[int, int]],
) -> dict[int, tuple[int, int]]:
    """company -> (rank_low, rank_high): 1 + those surely worse, and those that may be
    as bad or worse (itself included), among the ranked companies."""
    ids = list(intervals)
    # As floats: the same order as the rounded decimals (or a median's whole seconds),
    # and counted for all companies at once (a ranking has thousands; one binary search
    # each in Python cost more). Python's float() of a Decimal is quicker than NumPy's.
    floats = [(float(low), float(high)) for low, high in intervals.values()]
    bounds = np.array(floats, dtype=float).reshape(-1, 2)
    lows, highs = bounds[:, 0], bounds[:, 1]
    count = len(ids)
    surely_worse = count - np.searchsorted(np.sort(lows), highs, side="right")
    maybe_as_bad = count - np.searchsorted(np.sort(highs), lows, side="left")
    return dict(
        zip(ids, zip((surely_worse + 1).tolist(), maybe_as_bad.tolist(), strict=True), strict=True)
    )


def signals(metric: Metric, counted: dict[int, Counted]) -> dict[int, str]:
    """Whether each company is worse or better than the whole list predicts for its size:
    Poisson tails for a rate, binomial tails for a share (contract v2)."""
    if metric.family not in (RATE, SHARE) or not counted:
        return {}
    ids, k, whole = _arrays(counted)
    p0 = k.sum() / whole.sum()
    if metric.family == RATE:
        expected = p0 * whole
        at_least, at_most = poisson.sf(k - 1, expected), poisson.cdf(k, expected)
    else:
        at_least, at_most = binom.sf(k - 1, whole, p0), binom.cdf(k, whole, p0)
    return {
        cid: _signal(float(up), float(down))
        for cid, up, down in zip(ids, at_least, at_most, strict=True)
    }


def _signal(at_least: float, at_most: float) -> str:
    if at_least < MUCH:
        return "much_worse"
    if at_least < SOME:
        return "worse"
    if at_most < MUCH:
        return "much_better"
    if at_most < SOME:
        return "better"
    return "as_expected"


def median_certainties(stored: dict[int, tuple[int, int]]) -> dict[int, Certainty]:
    """Every ranked company's certainty from its median's stored interval (whole
    seconds): no parts, no signal."""
    places = likely_places(stored)
    return {
        cid: Certainty(Decimal(low), Decimal(high), *places[cid])
        for cid, (low, high) in stored.items()
    }


def certainties(metric: Metric, counted: dict[int, Counted]) -> dict[int, Certainty]:
    """Every ranked company's certainty from ``counted``: the ranked companies' parts of
    a rate or a share."""
    found = intervals(metric, counted)
    if not found:
        return {}
    places = likely_places(found)
    signal = signals(metric, counted)
    return {
        cid: Certainty(
            low,
            high,
            *places[cid],
            signal.get(cid),
            counted[cid].part if cid in counted else None,
            counted[cid].whole if cid in counted else None,
        )
        for cid, (low, high) in found.items()
    }
