"""Wait figures computed inside the database from the wait aggregates.

Medians come from ``wait_histograms`` (summed per company in SQL, so Python never
sees the histogram rows); contacts, abandoned and slow contacts from
``wait_month_counts``; and which months have data, by a loose index scan.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, literal_column, select
from sqlalchemy.orm import Session

from app.models import WaitHistogram, WaitMonthCount
from app.periods import Period

_SHARE = Decimal("0.0001")
_HALF = Decimal("0.5")
# Company ids as a list, or as a query that selects them (a sector's companies).
CompanyIds = Iterable[int] | Select[Any] | None


def company_condition(column: Any, company_ids: CompanyIds) -> list[Any]:
    """The condition that keeps ``company_ids`` (none when all companies count)."""
    if company_ids is None:
        return []
    if isinstance(company_ids, Select):
        return [column.in_(company_ids)]
    return [column.in_(list(company_ids))]


def _in_period(period: Period, channel: str, company_ids: CompanyIds) -> list[ColumnElement[bool]]:
    """The conditions that pick a period's months, a channel and (maybe) some companies."""
    conditions = [WaitHistogram.month.in_(period.months()), WaitHistogram.channel == channel]
    return conditions + company_condition(WaitHistogram.company_id, company_ids)


def stored_median(floor: int, half: int) -> Decimal:
    """The median kept as its whole part and whether a half is added (see the model)."""
    return Decimal(floor) + _HALF if half else Decimal(floor)


def share(part: int, whole: int) -> Decimal:
    return (Decimal(part) / Decimal(whole)).quantize(_SHARE, ROUND_HALF_UP)


def month_counts(
    session: Session,
    months: Sequence[str] | None,
    channels: Sequence[str],
    company_ids: CompanyIds,
    *,
    summed: bool = False,
) -> Iterator[tuple[int, str, str, tuple[int, int, int]]]:
    """(company, month, channel, (contacts, abandoned, not answered within 180 s)) from the
    monthly counts; with ``summed``, one row per company over all ``months`` of one
    channel (the month given as ""). Companies x months rows, whatever the measurements."""
    wmc = WaitMonthCount
    conditions = [wmc.channel.in_(channels), *company_condition(wmc.company_id, company_ids)]
    if months is not None:
        conditions.append(wmc.month.in_(months))
    if summed:
        query = select(
            wmc.company_id,
            literal(""),
            func.min(wmc.channel),
            func.sum(wmc.contacts),
            func.sum(wmc.abandoned),
            func.sum(wmc.slow),
        ).group_by(wmc.company_id)
    else:
        query = select(
            wmc.company_id, wmc.month, wmc.channel, wmc.contacts, wmc.abandoned, wmc.slow
        )
    rows: Any = session.connection().execute(query.where(*conditions)).fetchall()
    for cid, month, channel, contacts, abandoned, slow in rows:
        yield cid, month, channel, (int(contacts), int(abandoned), int(slow))


def _has_outcome(outcomes: Sequence[str]) -> ColumnElement[bool]:
    """A month row with data for these outcomes: announcements, or measured contacts.

    The 0 is written into the SQL, not bound: only then may a planner use the partial
    index of months with announcements, whose condition is ``announced > 0``."""
    zero: ColumnElement[int] = literal_column("0")
    return (
        WaitMonthCount.announced > zero
        if "announced" in outcomes
        else WaitMonthCount.contacts > zero
    )


def latest_month(session: Session, channel: str, outcomes: Sequence[str]) -> str | None:
    month: str | None = session.scalar(
        select(func.max(WaitMonthCount.month)).where(
            WaitMonthCount.channel == channel, _has_outcome(outcomes)
        )
    )
    return month


def months_with_data(session: Session, channel: str, outcomes: Sequence[str]) -> list[str]:
    """Every month with data for the outcomes on the channel, by a loose index scan: one
    index probe per month found, however many companies and rows each month has."""
    wmc = WaitMonthCount
    found = select(func.min(wmc.month)).where(wmc.channel == channel, _has_outcome(outcomes))
    steps = found.cte("months", recursive=True)
    following = (
        select(func.min(wmc.month))
        .where(wmc.month > steps.c[0], wmc.channel == channel, _has_outcome(outcomes))
        .scalar_subquery()
    )
    steps = steps.union_all(select(following).where(steps.c[0].is_not(None)))
    return [month for month in session.scalars(select(steps.c[0])) if month is not None]
