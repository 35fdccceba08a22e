"""Keeps ``wait_period_medians`` right: after a batch, the medians of every period
(month, quarter, year) that holds a month the batch touched are computed again from
the histograms, and only those."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal

from sqlalchemy import delete, insert, literal, select
from sqlalchemy.orm import Session

from app.models import WaitHistogram, WaitMeasurement, WaitPeriodMedian
from app.periods import Period
from app.services.wait_metrics import median_parts

MEDIAN_OUTCOMES = ("answered", "announced")
# (company_id, month, channel, outcome)
WaitCell = tuple[int, str, str, str]
_TABLE = WaitPeriodMedian.metadata.tables[WaitPeriodMedian.__tablename__]


def periods_holding(month: str) -> list[str]:
    """The month itself, its quarter and its year."""
    year, number = int(month[:4]), int(month[5:7])
    return [month, f"{year}-Q{(number - 1) // 3 + 1}", str(year)]


def refresh_period_medians(session: Session, cells: Iterable[WaitCell]) -> None:
    """Compute again the medians of every period holding one of ``cells``."""
    groups: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for company_id, month, channel, outcome in cells:
        if outcome in MEDIAN_OUTCOMES:
            for period in periods_holding(month):
                groups[period, channel, outcome].add(company_id)
    for (period, channel, outcome), company_ids in sorted(groups.items()):
        _refresh_group(session, period, channel, outcome, sorted(company_ids))


def _refresh_group(
    session: Session, period: str, channel: str, outcome: str, company_ids: list[int]
) -> None:
    session.execute(
        delete(WaitPeriodMedian).where(
            WaitPeriodMedian.period == period,
            WaitPeriodMedian.channel == channel,
            WaitPeriodMedian.outcome == outcome,
            WaitPeriodMedian.company_id.in_(company_ids),
        )
    )
    # Computed and written by the database itself: a group holds thousands of companies.
    parts = median_parts(outcome, Period.parse(period), channel, company_ids).subquery()
    rows = select(
        parts.c.company_id,
        literal(period),
        literal(channel),
        literal(outcome),
        parts.c.lower + parts.c.upper,
        parts.c.total,
    )
    columns = ["company_id", "period", "channel", "outcome", "middle_sum", "n"]
    session.execute(insert(_TABLE).from_select(columns, rows))


def batch_cells(session: Session, batch_id: int) -> Iterator[WaitCell]:
    """The cells of every measurement a batch now holds, each once."""
    wm = WaitMeasurement
    cells = select(wm.company_id, wm.local_month, wm.channel, wm.outcome).distinct()
    for row in session.execute(cells.where(wm.batch_id == batch_id)):
        yield tuple(row)  # type: ignore[misc]


def refresh_company_medians(session: Session, company_ids: list[int]) -> None:
    """Compute again every median of some companies (after a merge)."""
    session.execute(delete(WaitPeriodMedian).where(WaitPeriodMedian.company_id.in_(company_ids)))
    cells = session.execute(
        select(
            WaitHistogram.company_id,
            WaitHistogram.month,
            WaitHistogram.channel,
            WaitHistogram.outcome,
        )
        .where(WaitHistogram.company_id.in_(company_ids))
        .distinct()
    )
    refresh_period_medians(session, [tuple(cell) for cell in cells])  # type: ignore[misc]


def stored_medians(
    session: Session, outcome: str, period: Period, channel: str, company_ids: Iterable[int] | None
) -> dict[int, tuple[Decimal, int]]:
    """company -> (median, how many waits) for the period, as last refreshed."""
    query = select(
        WaitPeriodMedian.company_id, WaitPeriodMedian.middle_sum, WaitPeriodMedian.n
    ).where(
        WaitPeriodMedian.period == str(period),
        WaitPeriodMedian.channel == channel,
        WaitPeriodMedian.outcome == outcome,
    )
    if company_ids is not None:
        query = query.where(WaitPeriodMedian.company_id.in_(list(company_ids)))
    return {cid: (Decimal(middle_sum) / 2, n) for cid, middle_sum, n in session.execute(query)}
