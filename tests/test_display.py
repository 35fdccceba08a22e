"""Figures as pages write them, in Swedish and English."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.display import NBSP, duration, metric_value, number, percent, period_name
from app.metrics import get_metric


@pytest.mark.parametrize(
    ("metric", "value", "swedish", "english"),
    [
        ("complaints", "1234567", f"1{NBSP}234{NBSP}567", "1,234,567"),
        ("complaints", "0", "0", "0"),
        ("complaints_per_100k", "12.34", "12,34", "12.34"),
        ("complaints_per_100k", "1234.50", f"1{NBSP}234,50", "1,234.50"),
        ("abandoned_share", "0.3631", f"36,3{NBSP}%", "36.3%"),
        ("abandoned_share", "0.3635", f"36,4{NBSP}%", "36.4%"),  # half-up, not half-even
        ("over_3min_share", "1.0000", f"100,0{NBSP}%", "100.0%"),
        ("over_3min_share", "0.0000", f"0,0{NBSP}%", "0.0%"),
        ("wait_median", "45", f"45{NBSP}s", f"45{NBSP}s"),
        ("wait_median", "252", f"4{NBSP}min 12{NBSP}s", f"4{NBSP}min 12{NBSP}s"),
        ("wait_median", "752.5", f"12{NBSP}min 32,5{NBSP}s", f"12{NBSP}min 32.5{NBSP}s"),
        ("wait_median", "3600", f"1{NBSP}h 0{NBSP}min 0{NBSP}s", f"1{NBSP}h 0{NBSP}min 0{NBSP}s"),
        ("announced_wait_median", "0", f"0{NBSP}s", f"0{NBSP}s"),
    ],
)
def test_each_metric_reads_as_its_readers_write_it(
    metric: str, value: str, swedish: str, english: str
) -> None:
    assert metric_value(get_metric(metric), Decimal(value), "sv") == swedish
    assert metric_value(get_metric(metric), Decimal(value), "en") == english


def test_numbers_never_break_inside_and_never_use_a_point_in_swedish() -> None:
    assert number(100_000, "sv") == f"100{NBSP}000"
    assert " " not in number(2**63 - 1, "sv")
    assert percent(Decimal("0.0005"), "sv") == f"0,1{NBSP}%"
    assert "." not in duration(Decimal("0.5"), "sv")


@pytest.mark.parametrize(
    ("period", "swedish", "english"),
    [
        ("2025", "2025", "2025"),
        ("2025-Q3", "kvartal 3 2025", "Q3 2025"),
        ("2025-03", "mars 2025", "March 2025"),
        ("2024-12", "december 2024", "December 2024"),
    ],
)
def test_periods_are_named_not_coded(period: str, swedish: str, english: str) -> None:
    assert period_name(period, "sv") == swedish
    assert period_name(period, "en") == english
