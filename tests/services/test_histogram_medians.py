"""Medians and their intervals from histogram rows, against the textbook definitions."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np
from scipy.stats import binom

from app.services.histogram_medians import lower_rank, period_medians, periods_holding


def test_lower_rank_is_scipys_binom_ppf() -> None:
    counts = np.concatenate([np.arange(1, 20_001), np.arange(20_001, 2_000_001, 997)])
    expected = np.maximum(1, binom.ppf(0.025, counts, 0.5).astype(int))
    assert [lower_rank(int(n)) for n in counts] == expected.tolist()


def textbook(waits: list[int]) -> tuple[Decimal, int, int, int]:
    """(median, n, x(l), x(n - l + 1)) of a list of waits, written as the contract says."""
    ordered = sorted(waits)
    n = len(ordered)
    low = max(1, int(binom.ppf(0.025, n, 0.5)))
    middle = (Decimal(ordered[(n - 1) // 2]) + Decimal(ordered[n // 2])) / 2
    return middle, n, ordered[low - 1], ordered[n - low]


def test_period_medians_equal_the_textbook_for_months_quarters_and_years() -> None:
    rng = random.Random(5)
    waits = {
        f"2025-{rng.randint(1, 12):02d}": [rng.randint(0, 900) for _ in range(rng.randint(1, 60))]
        for _ in range(30)
    }
    rows = [(month, wait, 1) for month, values in waits.items() for wait in values]
    rng.shuffle(rows)
    periods = {p for month in waits for p in periods_holding(month)}
    found = {m.period: m for m in period_medians(rows, periods)}
    assert set(found) == periods
    for period, m in found.items():
        inside = [
            w for month, values in waits.items() if period in periods_holding(month) for w in values
        ]
        median = Decimal(m.floor) + (Decimal("0.5") if m.half else 0)
        assert (median, m.n, m.ci_low, m.ci_high) == textbook(inside), period


def test_counted_rows_and_emptied_cells_count_as_often_as_they_say() -> None:
    rows = [("2025-03", 60, 3), ("2025-03", 120, 0), ("2025-04", 30, 2)]
    found = {m.period: m for m in period_medians(rows, ["2025-03", "2025-Q2", "2025-Q1"])}
    assert (found["2025-03"].floor, found["2025-03"].n) == (60, 3)
    assert (found["2025-Q2"].floor, found["2025-Q2"].n) == (30, 2)
    assert found["2025-Q1"].n == 3
    assert periods_holding("2025-12") == ["2025-12", "2025-Q4", "2025"]
