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

from collections import defaultdict
from collections.abc import Iterable
from itertools import islice

from sqlalchemy import delete, select, tuple_
from sqlalchemy.orm import Session

from app.models import ComplaintCount, ComplaintPeriodValue
from app.periods import Period
from app.schemas import MAX_INT
from app.services.bulk import insert_rows

# (company_id, metric, year)
CountYear = tuple[int, str, int]
# (company_id, metric, period)
CountPeriod = tuple[int, str, str]
_CHUNK = 300
_TABLE = ComplaintPeriodValue.metadata.tables[ComplaintPeriodValue.__tablename__]
_COLUMNS = ("company_id", "metric", "year", "period", "value")


def resolve_year(year: int, rows: dict[str, int]) -> dict[str, int]:
    """Every month, quarter and the year itself that ``rows`` (period -> value, all
    inside ``year``) give a value for, by the contract's rule."""
    resolved = {name: value for name, value in rows.items() if len(name) == 7 and "Q" not in name}
    year_period = Period(year, "year")
    for period in (*(Period.parse(q) for q in year_period.quarters()), year_period):
        value = _resolve(period, rows)
        if value is not None:
            resolved[str(period)] = value
    return resolved


def _resolve(period: Period, rows: dict[str, int]) -> int | None:
    if str(period) in rows:
        return rows[str(period)]
    months = [rows[m] for m in period.months() if m in rows]
    if months:
        return sum(months)
    quarters = [rows[q] for q in period.quarters() if q in rows and q != str(period)]
    return sum(quarters) if quarters else None


def _chunks(items: Iterable[CountYear]) -> Iterable[list[CountYear]]:
    iterator = iter(sorted(set(items)))
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk


def refresh_complaint_periods(session: Session, touched: Iterable[CountYear]) -> list[CountPeriod]:
    """Compute again the period values of every (company, metric, year) in ``touched``;
    return the periods left without one because their sum would pass ``MAX_INT``."""
    too_large: list[CountPeriod] = []
    for chunk in _chunks(touched):
        key = tuple_(ComplaintCount.company_id, ComplaintCount.metric, ComplaintCount.year)
        found: dict[CountYear, dict[str, int]] = defaultdict(dict)
        query = select(
            ComplaintCount.company_id,
            ComplaintCount.metric,
            ComplaintCount.year,
            ComplaintCount.period,
            ComplaintCount.value,
        ).where(key.in_(chunk))
        for company_id, metric, year, period, value in session.execute(query):
            found[company_id, metric, year][period] = value
        stored = tuple_(
            ComplaintPeriodValue.company_id, ComplaintPeriodValue.metric, ComplaintPeriodValue.year
        )
        session.execute(delete(ComplaintPeriodValue).where(stored.in_(chunk)))
        rows = [
            (cid, metric, year, period, value)
            for (cid, metric, year), periods in found.items()
            for period, value in resolve_year(year, periods).items()
        ]
        too_large += [
            (cid, metric, period) for cid, metric, _y, period, value in rows if value > MAX_INT
        ]
        insert_rows(session, _TABLE, _COLUMNS, [row for row in rows if row[4] <= MAX_INT])
    return too_large


def refresh_company_complaint_periods(
    session: Session, company_ids: list[int]
) -> list[CountPeriod]:
    """Compute again every period value of some companies (after a merge); return the
    periods left without one, as ``refresh_complaint_periods`` does."""
    session.execute(
        delete(ComplaintPeriodValue).where(ComplaintPeriodValue.company_id.in_(company_ids))
    )
    keys = session.execute(
        select(ComplaintCount.company_id, ComplaintCount.metric, ComplaintCount.year)
        .where(ComplaintCount.company_id.in_(company_ids))
        .distinct()
    )
    return refresh_complaint_periods(session, [(cid, metric, year) for cid, metric, year in keys])
