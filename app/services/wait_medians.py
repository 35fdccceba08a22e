"""Keeps ``wait_period_medians`` right: after a batch, the medians of every period
(month, quarter, year) that holds a month the batch touched are computed again from
the histograms, and only those."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from sqlalchemy import (
    Column,
    Integer,
    MetaData,
    String,
    Table,
    delete,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.orm import Session

from app.models import WaitHistogram, WaitMeasurement, WaitPeriodMedian
from app.periods import Period
from app.services.median_intervals import RANKS, prepare_ranks
from app.services.wait_metrics import (
    CompanyIds,
    company_condition,
    median_parts,
    stored_median,
)

MEDIAN_OUTCOMES = ("answered", "announced")
# (company_id, month, channel, outcome)
WaitCell = tuple[int, str, str, str]
_TABLE = WaitPeriodMedian.metadata.tables[WaitPeriodMedian.__tablename__]


def periods_holding(month: str) -> list[str]:
    """The month itself, its quarter and its year."""
    year, number = int(month[:4]), int(month[5:7])
    return [month, f"{year}-Q{(number - 1) // 3 + 1}", str(year)]


def refresh_period_medians(session: Session, cells: Iterable[WaitCell]) -> None:
    """Compute again the medians of every period holding one of ``cells`` (a few
    companies' cells: a merge's; a batch's are kept in the database, see below)."""
    groups: dict[tuple[str, str, str], set[int]] = defaultdict(set)
    for company_id, month, channel, outcome in cells:
        if outcome in MEDIAN_OUTCOMES:
            for period in periods_holding(month):
                groups[period, channel, outcome].add(company_id)
    for (period, channel, outcome), company_ids in sorted(groups.items()):
        _refresh_group(session, period, channel, outcome, sorted(company_ids))


# The cells a batch touched, kept in the database rather than in Python, so that the
# memory an import needs does not grow with the companies and months it touches.
# A temporary table is private to the connection and goes with a rollback.
TOUCHED = Table(
    "touched_wait_cells",
    MetaData(),
    Column("company_id", Integer),
    Column("month", String(7)),
    Column("channel", String(8)),
    Column("outcome", String(16)),
)
_CREATE_TOUCHED = (
    "CREATE TEMPORARY TABLE IF NOT EXISTS touched_wait_cells "
    "(company_id INTEGER, month VARCHAR(7), channel VARCHAR(8), outcome VARCHAR(16))"
)


def record_touched_cells(session: Session, cells: Iterable[WaitCell]) -> None:
    """Remember cells a batch moved measurements out of (changed measurements)."""
    rows = [dict(zip(TOUCHED.c.keys(), cell, strict=True)) for cell in cells]
    if rows:
        _ensure_touched(session)
        session.execute(insert(TOUCHED), rows)


def refresh_batch_medians(session: Session, batch_id: int) -> None:
    """Compute again the medians of every period holding a cell the batch touched: the
    cells of its own measurements and those recorded by ``record_touched_cells``."""
    _ensure_touched(session)
    wm = WaitMeasurement
    own = select(wm.company_id, wm.local_month, wm.channel, wm.outcome).distinct()
    own = own.where(wm.batch_id == batch_id, wm.outcome.in_(MEDIAN_OUTCOMES))
    session.execute(insert(TOUCHED).from_select(list(TOUCHED.c.keys()), own))
    if session.get_bind().dialect.name == "postgresql":
        # The planner knows nothing of a temporary table, and may still think the
        # histograms and medians as small as they were when last analysed; with the
        # rows counted, it joins them by index and hash instead of row by row.
        session.execute(text("ANALYZE touched_wait_cells, wait_histograms, wait_period_medians"))
    groups: set[tuple[str, str, str]] = set()
    # How many months, channels and outcomes there are: bounded by the calendar.
    months = select(TOUCHED.c.month, TOUCHED.c.channel, TOUCHED.c.outcome).distinct()
    for month, channel, outcome in session.execute(months):
        if outcome in MEDIAN_OUTCOMES:
            groups.update((period, channel, outcome) for period in periods_holding(month))
    for period, channel, outcome in sorted(groups):
        touched = select(TOUCHED.c.company_id).where(
            TOUCHED.c.month.in_(Period.parse(period).months()),
            TOUCHED.c.channel == channel,
            TOUCHED.c.outcome == outcome,
        )
        _refresh_group(session, period, channel, outcome, touched)
    session.execute(delete(TOUCHED))


def _ensure_touched(session: Session) -> None:
    create = _CREATE_TOUCHED
    if session.get_bind().dialect.name == "postgresql":
        create += " ON COMMIT DROP"
    session.execute(text(create))


def _refresh_group(
    session: Session, period: str, channel: str, outcome: str, company_ids: CompanyIds
) -> None:
    session.execute(
        delete(WaitPeriodMedian).where(
            WaitPeriodMedian.period == period,
            WaitPeriodMedian.channel == channel,
            WaitPeriodMedian.outcome == outcome,
            *company_condition(WaitPeriodMedian.company_id, company_ids),
        )
    )
    # Computed and written by the database itself: a group holds thousands of companies.
    prepare_ranks(session, Period.parse(period), channel, outcome, company_ids)
    parts = median_parts(outcome, Period.parse(period), channel, company_ids, RANKS).subquery()
    # The mean of the two middle waits as a whole part and a half: their sum could
    # pass what a 64-bit column keeps, lower + (upper - lower) / 2 cannot.
    spread = parts.c.upper - parts.c.lower
    rows = select(
        parts.c.company_id,
        literal(period),
        literal(channel),
        literal(outcome),
        parts.c.lower + spread // 2,
        spread % 2,
        parts.c.total,
        parts.c.ci_low,
        parts.c.ci_high,
    )
    columns = ["company_id", "period", "channel", "outcome", "median_floor", "median_half", "n"]
    columns += ["ci_low", "ci_high"]
    session.execute(insert(_TABLE).from_select(columns, rows))


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


def refresh_all_medians(session: Session, chunk: int = 500) -> int:
    """Compute every company's medians again; how many companies had any."""
    ids = list(session.scalars(select(WaitHistogram.company_id).distinct()))
    for start in range(0, len(ids), chunk):
        refresh_company_medians(session, ids[start : start + chunk])
    return len(ids)


def stored_medians(
    session: Session, outcome: str, period: Period, channel: str, company_ids: Iterable[int] | None
) -> dict[int, tuple[Decimal, int]]:
    """company -> (median, how many waits) for the period, as last refreshed."""
    wpm = WaitPeriodMedian
    query = select(wpm.company_id, wpm.median_floor, wpm.median_half, wpm.n).where(
        wpm.period == str(period), wpm.channel == channel, wpm.outcome == outcome
    )
    if company_ids is not None:
        query = query.where(wpm.company_id.in_(list(company_ids)))
    return {cid: (stored_median(floor, half), n) for cid, floor, half, n in session.execute(query)}
