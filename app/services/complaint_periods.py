"""Keeps ``complaint_period_values`` right: each company's count per metric and period
with the contract's rule applied, recomputed for the (company, metric, year) a batch
or a merge touched, and only those.

The rule: the row for exactly the period when the company has one; otherwise the
sum of its rows inside the period at the finest granularity it has there (months
if it has months in the period, else quarters), never both.

A sum can pass the largest figure a column holds (``MAX_INT``, 2^63-1) although every
row is within it: such a period is left without a value, never given a wrong one, and
reported to the caller, so that an import can refuse the rows behind it.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from itertools import groupby
from operator import itemgetter

from sqlalchemy import (
    Column,
    Integer,
    String,
    cast,
    delete,
    func,
    insert,
    literal,
    select,
    tuple_,
)
from sqlalchemy.orm import Session

from app.models import ComplaintCount, ComplaintPeriodValue
from app.periods import Period
from app.schemas import MAX_INT
from app.services.bulk import create_temporary, insert_rows, remember, temporary_table

# (company_id, metric, period)
CountPeriod = tuple[int, str, str]
# Companies whose period values are computed together: their counts are in memory at once.
_CHUNK_COMPANIES = 200
_TABLE = ComplaintPeriodValue.metadata.tables[ComplaintPeriodValue.__tablename__]
_COLUMNS = ("company_id", "metric", "year", "period", "value")
_year_key = itemgetter(0, 1, 2)

# The (company, metric, year) a batch touched, with a line of the batch that did (0 for
# a merge), kept in the database rather than in Python (``create_temporary``).
TOUCHED = temporary_table(
    "touched_complaint_years",
    Column("company_id", Integer),
    Column("metric", String(32)),
    Column("year", Integer),
    Column("line", Integer),
)


def resolve_year(year: int, rows: dict[str, int]) -> dict[str, int]:
    """Every month, quarter and the year itself that ``rows`` (period -> value, all
    inside ``year``) give a value for, by the contract's rule."""
    resolved = {name: value for name, value in rows.items() if len(name) == 7 and "Q" not in name}
    for period, months, quarters in _year_periods(year):
        value = _resolve(period, months, quarters, rows)
        if value is not None:
            resolved[period] = value
    return resolved


# Cached: a batch resolves the same few years for thousands of companies.
@lru_cache(maxsize=256)
def _year_periods(year: int) -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """Each quarter of ``year``, then the year: its name, its months, and its quarters
    (none for a quarter)."""
    year_period = Period(year, "year")
    quarters = [Period.parse(name) for name in year_period.quarters()]
    return (
        *((str(q), tuple(q.months()), ()) for q in quarters),
        (str(year_period), tuple(year_period.months()), tuple(map(str, quarters))),
    )


def _resolve(
    period: str, months: tuple[str, ...], quarters: tuple[str, ...], rows: dict[str, int]
) -> int | None:
    if period in rows:
        return rows[period]
    in_months = [rows[m] for m in months if m in rows]
    if in_months:
        return sum(in_months)
    in_quarters = [rows[q] for q in quarters if q in rows]
    return sum(in_quarters) if in_quarters else None


def record_touched_years(session: Session, touched: Iterable[tuple[int, str, int, int]]) -> None:
    """Remember (company, metric, year, line) for ``refresh_touched_complaint_periods``."""
    remember(session, TOUCHED, touched)


def refresh_touched_complaint_periods(session: Session) -> list[tuple[int, str, str, int]]:
    """Compute again the period values of every (company, metric, year) recorded, then
    forget them; return each period left without a value because its sum would pass
    ``MAX_INT``, with the last line that touched its year."""
    create_temporary(session, TOUCHED)
    touched = select(TOUCHED.c.company_id, TOUCHED.c.metric, TOUCHED.c.year).distinct()
    cpv = ComplaintPeriodValue
    stored = tuple_(cpv.company_id, cpv.metric, cpv.year)
    session.execute(delete(cpv).where(stored.in_(touched)))
    too_large: list[CountPeriod] = []
    last = None
    while company_ids := _next_touched_companies(session, after=last):
        too_large += _refresh_companies(session, company_ids)
        last = company_ids[-1]
    found = [(*period, _last_line(session, period)) for period in too_large]
    session.execute(delete(TOUCHED))
    return found


def _next_touched_companies(session: Session, *, after: int | None) -> list[int]:
    query = select(TOUCHED.c.company_id).distinct().order_by(TOUCHED.c.company_id)
    if after is not None:
        query = query.where(TOUCHED.c.company_id > after)
    return list(session.scalars(query.limit(_CHUNK_COMPANIES)))


def _refresh_companies(session: Session, company_ids: list[int]) -> list[CountPeriod]:
    """Insert the period values of some companies' touched years; return those too large."""
    touched = select(TOUCHED.c.company_id, TOUCHED.c.metric, TOUCHED.c.year).distinct()
    keys = touched.where(TOUCHED.c.company_id.in_(company_ids)).subquery()
    cc = ComplaintCount
    same_company = (keys.c.company_id == cc.company_id) & (keys.c.metric == cc.metric)
    # The year's periods as a range of the unique key (company, metric, period): "2024"
    # sorts before "2024-01" and "2024-Q4" before "2025". Matched on the year column, each
    # key read every year of its company and metric from the table to keep one.
    in_year = (cc.period >= cast(keys.c.year, String)) & (cc.period < cast(keys.c.year + 1, String))
    same_year = same_company & in_year
    query = select(cc.company_id, cc.metric, cc.year, cc.period, cc.value).join(keys, same_year)
    query = query.order_by(cc.company_id, cc.metric, cc.year)
    rows = []
    # Core, not the ORM: thousands of plain rows.
    for (cid, metric, year), counts in groupby(session.connection().execute(query), _year_key):
        periods = {period: value for *_key, period, value in counts}
        rows += [(cid, metric, year, p, value) for p, value in resolve_year(year, periods).items()]
    insert_rows(session, _TABLE, _COLUMNS, [row for row in rows if row[4] <= MAX_INT])
    return [(cid, metric, period) for cid, metric, _y, period, value in rows if value > MAX_INT]


def _last_line(session: Session, period: CountPeriod) -> int:
    company_id, metric, name = period
    query = select(func.max(TOUCHED.c.line)).where(
        TOUCHED.c.company_id == company_id,
        TOUCHED.c.metric == metric,
        TOUCHED.c.year == int(name[:4]),
    )
    return session.scalar(query) or 0


def refresh_company_complaint_periods(
    session: Session, company_ids: list[int]
) -> list[CountPeriod]:
    """Compute again every period value of some companies (after a merge); return the
    periods left without a value because their sum would pass ``MAX_INT``."""
    cpv, cc = ComplaintPeriodValue, ComplaintCount
    session.execute(delete(cpv).where(cpv.company_id.in_(company_ids)))
    years = select(cc.company_id, cc.metric, cc.year, literal(0)).distinct()
    create_temporary(session, TOUCHED)
    # Straight from the counts into the table of touched years, without a round trip
    # through Python (as the medians after a merge, ``refresh_company_medians``).
    session.execute(
        insert(TOUCHED).from_select(
            list(TOUCHED.c.keys()), years.where(cc.company_id.in_(company_ids))
        )
    )
    left_out = refresh_touched_complaint_periods(session)
    return [(company_id, metric, period) for company_id, metric, period, _line in left_out]
