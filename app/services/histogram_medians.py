"""A company's median wait per period, and its 95 % interval, from its histogram rows.

The histograms count waits per company, month, channel, outcome and second. The
median of a period (a month, its quarter, its year) is that of the period's months
added together: with the waits sorted, the mean of the two middle ones (the same one
when their number is odd). Its distribution-free 95 % interval (contract v2) is
[x(l), x(n - l + 1)] with l = binom.ppf(0.025, n, 0.5), at least 1.

Computed here, in one pass over one company's rows, rather than by the database: one
window query per period, channel and outcome read every histogram row three times (as
a month, a quarter and a year) and was the slowest part of an import.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from app.periods import Period


@dataclass(frozen=True)
class PeriodMedian:
    """The median kept as its whole part and whether a half is added (see the model)."""

    period: str
    n: int
    floor: int
    half: int
    ci_low: int
    ci_high: int

    def stored(self) -> tuple[int, int, int, int, int]:
        """As ``wait_period_medians`` keeps it, after company, period, channel and outcome."""
        return self.floor, self.half, self.n, self.ci_low, self.ci_high


def periods_holding(month: str) -> list[str]:
    """The month itself, its quarter and its year."""
    return list(_holding(month))


# Cached: a refresh asks about the same few dozen months for every histogram row.
@lru_cache(maxsize=1_024)
def _holding(month: str) -> tuple[str, ...]:
    return tuple(str(period) for period in Period.parse(month).with_parents())


@lru_cache(maxsize=65_536)
def lower_rank(n: int) -> int:
    """l for n waits: the order statistic that opens the 95 % interval of their median."""
    # SciPy's ``binom.ppf(q, n, p)`` is this function once its arguments are checked (q
    # in (0, 1), n at least 0, p in [0, 1]: true here). Called directly, an import need
    # not load scipy.stats (a second and 50 MB); imported here, on first use, an import
    # of other figures than waits does not load SciPy at all (half a second of every
    # ``shamelist import``). A test holds the two equal.
    from scipy.special._ufuncs import _binom_ppf

    return max(1, int(_binom_ppf(0.025, n, 0.5)))


def period_medians(
    rows: Iterable[tuple[str, int, int]], periods: Collection[str]
) -> Iterator[PeriodMedian]:
    """The median of each of ``periods`` that has waits, from ``(month, wait, count)``
    rows of one company, channel and outcome (quickest in order of wait)."""
    # Each period's (wait, count) pairs in a list, sorted once at the end: rows that come
    # in order of wait are sorted already, and a sort finds that in one pass. (A tally
    # per period cost more: most waits of a cell are counted once, each a new key.)
    lists: dict[str, list[tuple[int, int]]] = {period: [] for period in periods}
    # Each month's wanted lists, found once per month rather than once per row.
    into: dict[str, list[list[tuple[int, int]]]] = {}
    for month, wait, count in rows:
        targets = into.get(month)
        if targets is None:
            targets = into[month] = [
                lists[period] for period in periods_holding(month) if period in lists
            ]
        if count > 0:
            pair = (wait, count)
            for target in targets:
                target.append(pair)
    for period, waits in lists.items():
        if waits:
            waits.sort()
            yield _median(period, waits)


def _median(period: str, waits: list[tuple[int, int]]) -> PeriodMedian:
    """The order statistics, found in one walk up the running count: the lower middle
    wait is the first whose running count passes (n - 1) / 2, the upper the first that
    passes n / 2 (whole-number arithmetic: 2 x count > n - 1 and 2 x count > n)."""
    total = sum(count for _wait, count in waits)
    low_rank = lower_rank(total)
    high_rank = total - low_rank + 1
    lower = upper = ci_low = ci_high = None
    running = 0
    for wait, count in waits:
        running += count
        if ci_low is None and running >= low_rank:
            ci_low = wait
        if lower is None and 2 * running > total - 1:
            lower = wait
        if upper is None and 2 * running > total:
            upper = wait
        if running >= high_rank:
            ci_high = wait
            break
    # The last wait reaches every rank, so each was found.
    assert lower is not None
    assert upper is not None
    assert ci_low is not None
    assert ci_high is not None
    spread = upper - lower
    # The mean of the two middle waits as a whole part and a half: their sum could pass
    # what a 64-bit column keeps, lower + (upper - lower) / 2 cannot.
    return PeriodMedian(period, total, lower + spread // 2, spread % 2, ci_low, ci_high)
