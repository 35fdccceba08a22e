"""The funnel plot's limits against Spiegelhalter's exact method, computed by hand."""

from __future__ import annotations

import pytest
from scipy.stats import poisson

from app.metrics import get_metric
from app.services.funnel import FunnelCompany, funnel

RATE = get_metric("complaints_per_100k")
SHARE = get_metric("abandoned_share")


def _companies(sizes: list[int]) -> list[FunnelCompany]:
    return [FunnelCompany(f"F{n}", f"f{n}", size, 0.0, None) for n, size in enumerate(sizes)]


def test_limits_close_in_around_the_overall_rate_as_size_grows() -> None:
    plot = funnel(RATE, _companies([1_000, 100_000, 10_000_000]), [1, 30, 3_000])
    assert plot is not None
    assert plot.target == pytest.approx(3031 / 10_101_000 * 100_000)
    lower, upper = plot.limits["95"]
    widths = [high - low for low, high in zip(lower, upper, strict=True)]
    assert widths[0] > 10 * widths[-1]  # a funnel: wide for the small, narrow for the large
    outer_low, outer_high = plot.limits["99.8"]
    assert all(o <= i for o, i in zip(outer_low, lower, strict=True))
    assert all(o >= i for o, i in zip(outer_high, upper, strict=True))


def test_a_limit_is_spiegelhalters_interpolated_poisson_quantile() -> None:
    plot = funnel(RATE, _companies([100_000, 100_000]), [40, 60])
    assert plot is not None
    # At 100,000 customers and p0 = 0.0005 the expected count is 50.
    mean, p = 50.0, 0.975
    r = poisson.ppf(p, mean)
    alpha = (poisson.cdf(r, mean) - p) / (poisson.cdf(r, mean) - poisson.cdf(r - 1, mean))
    upper_at_first = plot.limits["95"][1][0]
    assert upper_at_first == pytest.approx((r - alpha) / 100_000 * 100_000)


def test_counts_and_medians_have_no_funnel() -> None:
    assert funnel(get_metric("complaints"), _companies([1, 2]), [1, 1]) is None
    assert funnel(SHARE, _companies([10]), [1]) is None
