"""Keeps ``wait_period_medians`` right: after a batch, the medians of every period
(month, quarter, year) that holds a month the batch touched are computed again from
the histograms, and only those."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from decimal import Decimal
from itertools import groupby, islice
from operator import itemgetter
from typing import Any

from sqlalchemy import (
    Column,
    Integer,
    String,
    Subquery,
    delete,
    func,
    insert,
    select,
)
from sqlalchemy.orm import Session

from app.models import WaitHistogram, WaitMeasurement, WaitPeriodMedian
from app.periods import Period
from app.services.bulk import analyse, create_temporary, insert_rows, remember, temporary_table
from app.services.histogram_medians import period_medians, periods_holding
from app.services.wait_metrics import stored_median

MEDIAN_OUTCOMES = ("answered", "announced")
# (company_id, month, channel, outcome)
WaitCell = tuple[int, str, str, str]
_TABLE = WaitPeriodMedian.metadata.tables[WaitPeriodMedian.__tablename__]
_KEY_COLUMNS = ("company_id", "period", "channel", "outcome")
_COLUMNS = (*_KEY_COLUMNS, "median_floor", "median_half", "n", "ci_low", "ci_high")
# Companies whose medians are computed together: their histogram rows are in memory at once.
_CHUNK_COMPANIES = 100
_ROWS_AT_ONCE = 5_000
_cell_of = itemgetter(0, 1, 2)


# The cells a batch touched, kept in the database rather than in Python (``create_temporary``).
TOUCHED = temporary_table(
    "touched_wait_cells",
    Column("company_id", Integer),
    Column("month", String(7)),
    Column("channel", String(8)),
    Column("outcome", String(16)),
)


def record_touched_cells(session: Session, cells: Iterable[WaitCell]) -> None:
    """Remember cells a batch moved measurements out of (changed measurements)."""
    remember(session, TOUCHED, cells)


def refresh_batch_medians(session: Session, batch_id: int) -> None:
    """Compute again the medians of every period holding a cell the batch touched: the
    cells of its own measurements and those recorded by ``record_touched_cells``. The
    cells stay for ``touched_years`` until ``forget_touched_cells``."""
    create_temporary(session, TOUCHED)
    wm = WaitMeasurement
    # Every outcome: the shares of the years touched are counted again too.
    own = select(wm.company_id, wm.local_month, wm.channel, wm.outcome).distinct()
    session.execute(
        insert(TOUCHED).from_select(list(TOUCHED.c.keys()), own.where(wm.batch_id == batch_id))
    )
    _refresh_touched(session)


def touched_years(session: Session, channel: str) -> list[tuple[int, int]]:
    """(company, year) of every touched cell on ``channel``, by company."""
    year = func.substr(TOUCHED.c.month, 1, 4)
    query = select(TOUCHED.c.company_id, year).distinct().where(TOUCHED.c.channel == channel)
    rows = session.execute(query.order_by(TOUCHED.c.company_id, year))
    return [(company_id, int(name)) for company_id, name in rows]


def forget_touched_cells(session: Session) -> None:
    session.execute(delete(TOUCHED))


def refresh_company_medians(session: Session, company_ids: list[int]) -> None:
    """Compute again every median of some companies (after a merge)."""
    session.execute(delete(WaitPeriodMedian).where(WaitPeriodMedian.company_id.in_(company_ids)))
    create_temporary(session, TOUCHED)
    wh = WaitHistogram
    cells = select(wh.company_id, wh.month, wh.channel, wh.outcome).distinct()
    cells = cells.where(wh.company_id.in_(company_ids), wh.outcome.in_(MEDIAN_OUTCOMES))
    session.execute(insert(TOUCHED).from_select(list(TOUCHED.c.keys()), cells))
    _refresh_touched(session)
    forget_touched_cells(session)


def refresh_all_medians(session: Session, chunk: int = 500) -> int:
    """Compute every company's medians again; how many companies had any."""
    ids = list(session.scalars(select(WaitHistogram.company_id).distinct()))
    for start in range(0, len(ids), chunk):
        refresh_company_medians(session, ids[start : start + chunk])
    return len(ids)


def _refresh_touched(session: Session) -> None:
    """Replace the medians of every period holding a touched cell, a few companies at a
    time, so that memory holds one chunk's histogram rows, whatever the data's size."""
    # The planner knows nothing of a temporary table, and may still think the histograms
    # and medians as small as they were when last analysed; with the rows counted, it
    # joins them by index and hash instead of row by row.
    analyse(session, "touched_wait_cells", "wait_histograms", "wait_period_medians")
    _delete_touched_medians(session)
    last = 0
    while company_ids := _next_touched_companies(session, after=last):
        medians = _chunk_medians(session, company_ids)
        # Written a few thousand at a time: a chunk's companies may hold ten years of
        # months, quarters and years on three channels, 100k rows and 200 MB at once.
        while rows := list(islice(medians, _ROWS_AT_ONCE)):
            insert_rows(session, _TABLE, _COLUMNS, rows)
        last = company_ids[-1]


def _delete_touched_medians(session: Session) -> None:
    """Delete the stored medians of every period holding a touched cell: one statement
    per period, channel and outcome (bounded by the calendar), set-based in each."""
    groups: set[tuple[str, str, str]] = set()
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
        session.execute(
            delete(WaitPeriodMedian).where(
                WaitPeriodMedian.period == period,
                WaitPeriodMedian.channel == channel,
                WaitPeriodMedian.outcome == outcome,
                WaitPeriodMedian.company_id.in_(touched),
            )
        )


def _next_touched_companies(session: Session, *, after: int) -> list[int]:
    query = select(TOUCHED.c.company_id).where(TOUCHED.c.company_id > after).distinct()
    return list(session.scalars(query.order_by(TOUCHED.c.company_id).limit(_CHUNK_COMPANIES)))


def _chunk_medians(session: Session, company_ids: list[int]) -> Iterator[tuple[Any, ...]]:
    """The rows of ``wait_period_medians`` for the touched periods of some companies."""
    wanted: dict[tuple[int, str, str], set[str]] = defaultdict(set)
    cells = select(*TOUCHED.c).distinct().where(TOUCHED.c.company_id.in_(company_ids))
    for company_id, month, channel, outcome in session.execute(cells):
        if outcome in MEDIAN_OUTCOMES:
            wanted[company_id, channel, outcome].update(periods_holding(month))
    wh = WaitHistogram
    key = (wh.company_id, wh.channel, wh.outcome)
    # Only the years that hold a touched month: every period holding a month lies in its
    # year, and a company's other years may hold most of its history.
    years = _touched_years(company_ids)
    in_a_touched_year = (years.c.company_id == wh.company_id) & wh.month.between(
        years.c.year.concat("-01"), years.c.year.concat("-12")
    )
    histogram = (
        select(*key, wh.month, wh.wait_seconds, wh.n)
        .join(years, in_a_touched_year)
        .where(wh.outcome.in_(MEDIAN_OUTCOMES))
        .order_by(*key, wh.wait_seconds)
    )
    # Core, not the ORM: the ORM would fetch and convert every row of the chunk first.
    histogram_rows = session.connection().execute(histogram)
    for (company_id, channel, outcome), rows in groupby(histogram_rows, _cell_of):
        periods = wanted.get((company_id, channel, outcome))
        if periods:
            waits = (row[3:] for row in rows)
            for m in period_medians(waits, periods):
                yield (company_id, m.period, channel, outcome, *m.stored())


def _touched_years(company_ids: list[int]) -> Subquery:
    """(company, year) of the chunk's touched cells whose medians are kept."""
    year = func.substr(TOUCHED.c.month, 1, 4).label("year")
    query = select(TOUCHED.c.company_id, year).distinct()
    query = query.where(TOUCHED.c.company_id.in_(company_ids))
    return query.where(TOUCHED.c.outcome.in_(MEDIAN_OUTCOMES)).subquery()


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
