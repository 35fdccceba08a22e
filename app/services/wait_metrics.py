"""Wait metrics computed inside the database from ``wait_histograms``.

Each query sums a period's months per company and hands back one row per
company, so Python never sees the histogram rows themselves.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from app.models import WaitHistogram, WaitMonthCount
from app.periods import Period

SLOW_SECONDS = 180
_SHARE = Decimal("0.0001")


def _in_period(
    period: Period, channel: str, company_ids: Iterable[int] | None
) -> list[ColumnElement[bool]]:
    """The conditions that pick a period's months, a channel and (maybe) some companies."""
    conditions = [WaitHistogram.month.in_(period.months()), WaitHistogram.channel == channel]
    if company_ids is not None:
        conditions.append(WaitHistogram.company_id.in_(list(company_ids)))
    return conditions


def medians(
    session: Session, outcome: str, period: Period, channel: str, company_ids: Iterable[int] | None
) -> dict[int, tuple[Decimal, int]]:
    """company -> (the usual median of its waits with ``outcome``, how many there were).

    The lower middle value is the first whose running count passes (n - 1) / 2, the
    upper the first whose running count passes n / 2; written as 2 x count > n - 1
    and 2 x count > n so the arithmetic stays in whole numbers on every database.
    """
    summed = (
        select(
            WaitHistogram.company_id.label("company_id"),
            WaitHistogram.wait_seconds.label("wait"),
            func.sum(WaitHistogram.n).label("n"),
        )
        .where(WaitHistogram.outcome == outcome, *_in_period(period, channel, company_ids))
        .group_by(WaitHistogram.company_id, WaitHistogram.wait_seconds)
        .subquery()
    )
    running = select(
        summed.c.company_id,
        summed.c.wait,
        func.sum(summed.c.n)
        .over(partition_by=summed.c.company_id, order_by=summed.c.wait)
        .label("upto"),
        func.sum(summed.c.n).over(partition_by=summed.c.company_id).label("total"),
    ).subquery()
    query = select(
        running.c.company_id,
        running.c.total,
        func.min(case((2 * running.c.upto > running.c.total - 1, running.c.wait))),
        func.min(case((2 * running.c.upto > running.c.total, running.c.wait))),
    ).group_by(running.c.company_id, running.c.total)
    return {
        company_id: ((Decimal(lower) + Decimal(upper)) / 2, int(total))
        for company_id, total, lower, upper in session.execute(query)
    }


def share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(_SHARE, ROUND_HALF_UP)


def contact_counts(
    session: Session, period: Period, channel: str, company_ids: Iterable[int] | None
) -> dict[int, tuple[int, int, int]]:
    """company -> (contacts, abandoned, not answered within 180 s) over the period,
    from the monthly counts: companies x months rows, whatever the measurements."""
    conditions = [WaitMonthCount.month.in_(period.months()), WaitMonthCount.channel == channel]
    if company_ids is not None:
        conditions.append(WaitMonthCount.company_id.in_(list(company_ids)))
    query = (
        select(
            WaitMonthCount.company_id,
            func.sum(WaitMonthCount.contacts),
            func.sum(WaitMonthCount.abandoned),
            func.sum(WaitMonthCount.slow),
        )
        .where(*conditions)
        .group_by(WaitMonthCount.company_id)
    )
    return {
        company_id: (int(contacts), int(abandoned), int(slow))
        for company_id, contacts, abandoned, slow in session.execute(query)
    }
