"""Keeps the wait aggregates in step with ``wait_measurements``.

``wait_histograms`` (how many rows had each wait) gives exact medians;
``wait_month_counts`` (contacts, abandoned, slow, announced per month) gives the
shares. Both change by the same deltas, in the batch's own transaction.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Select, case, delete, func, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.metrics import SLOW_SECONDS
from app.models import WaitHistogram, WaitMeasurement, WaitMonthCount
from app.services.wait_medians import refresh_company_medians

# (company_id, month, channel, outcome, wait_seconds)
HistogramKey = tuple[int, str, str, str, int]
HISTOGRAM_COLUMNS = ("company_id", "month", "channel", "outcome", "wait_seconds")
MONTH_COLUMNS = ("company_id", "month", "channel")
MONTH_COUNTS = ("contacts", "abandoned", "slow", "announced")


def histogram_key(row: Any) -> HistogramKey:
    return (row.company_id, row.local_month, row.channel, row.outcome, row.wait_seconds)


def _upsert_add(
    session: Session,
    model: Any,
    keys: list[str],
    counts: list[str],
    changes: list[dict[str, Any]] | Select[*tuple[Any, ...]],
) -> None:
    """Add ``counts`` of each change to its row (by ``keys``), creating rows as needed.

    ``changes`` are rows sent from here, or a query whose columns are keys then counts,
    which the database reads itself.
    """
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = model.metadata.tables[model.__tablename__]
    statement = insert(table)
    # Rows sent from here: one statement compiled once and run for every row (executemany).
    rows: list[dict[str, Any]] | None = None
    if isinstance(changes, Select):
        statement = statement.from_select([*keys, *counts], changes)
    else:
        rows = changes
    statement = statement.on_conflict_do_update(
        index_elements=keys,
        set_={name: table.c[name] + statement.excluded[name] for name in counts},
    )
    session.execute(statement, rows)


def _month_count_changes(deltas: Counter[HistogramKey]) -> list[dict[str, Any]]:
    months: dict[tuple[int, str, str], dict[str, Any]] = {}
    for (company_id, month, channel, outcome, wait), n in sorted(deltas.items()):
        row = months.setdefault(
            (company_id, month, channel),
            {
                "company_id": company_id,
                "month": month,
                "channel": channel,
                "contacts": 0,
                "abandoned": 0,
                "slow": 0,
                "announced": 0,
            },
        )
        if outcome == "announced":
            row["announced"] += n
            continue
        row["contacts"] += n
        row["abandoned"] += n if outcome == "abandoned" else 0
        row["slow"] += n if outcome == "abandoned" or wait > SLOW_SECONDS else 0
    return list(months.values())


def apply_histogram_deltas(session: Session, deltas: Counter[HistogramKey]) -> None:
    """Add each delta to its histogram cell and to its month's counts, creating rows as
    needed and dropping emptied ones."""
    changes: list[dict[str, Any]] = [
        {
            "company_id": k[0],
            "month": k[1],
            "channel": k[2],
            "outcome": k[3],
            "wait_seconds": k[4],
            "n": n,
        }
        for k, n in sorted(deltas.items())
        if n != 0
    ]
    if not changes:
        return
    _upsert_add(session, WaitHistogram, list(HISTOGRAM_COLUMNS), ["n"], changes)
    month_changes = _month_count_changes(deltas)
    _upsert_add(session, WaitMonthCount, list(MONTH_COLUMNS), list(MONTH_COUNTS), month_changes)
    if any(change["n"] < 0 for change in changes):
        session.execute(delete(WaitHistogram).where(WaitHistogram.n <= 0))
        empty = (WaitMonthCount.contacts <= 0) & (WaitMonthCount.announced <= 0)
        session.execute(delete(WaitMonthCount).where(empty))


def add_batch_to_aggregates(session: Session, batch_id: int) -> None:
    """Count every measurement the batch now holds (new or changed) into the histograms
    and the month counts: set-based, in the database, whatever the batch's size."""
    wm = WaitMeasurement
    cell = [wm.company_id, wm.local_month, wm.channel, wm.outcome, wm.wait_seconds]
    histogram = select(*cell, func.count()).where(wm.batch_id == batch_id).group_by(*cell)
    _upsert_add(session, WaitHistogram, list(HISTOGRAM_COLUMNS), ["n"], histogram)
    measured = wm.outcome != "announced"
    slow = or_(wm.outcome == "abandoned", measured & (wm.wait_seconds > SLOW_SECONDS))
    month = [wm.company_id, wm.local_month, wm.channel]
    months = (
        select(
            *month,
            _count_where(measured),
            _count_where(wm.outcome == "abandoned"),
            _count_where(slow),
            _count_where(wm.outcome == "announced"),
        )
        .where(wm.batch_id == batch_id)
        .group_by(*month)
    )
    _upsert_add(session, WaitMonthCount, list(MONTH_COLUMNS), list(MONTH_COUNTS), months)


def _count_where(condition: Any) -> Any:
    return func.sum(case((condition, 1), else_=0))


def rebuild_histograms(session: Session, company_ids: list[int]) -> None:
    """Recount the histograms of some companies from their measurements."""
    session.execute(delete(WaitHistogram).where(WaitHistogram.company_id.in_(company_ids)))
    session.execute(delete(WaitMonthCount).where(WaitMonthCount.company_id.in_(company_ids)))
    rows = session.execute(
        select(
            WaitMeasurement.company_id,
            WaitMeasurement.local_month,
            WaitMeasurement.channel,
            WaitMeasurement.outcome,
            WaitMeasurement.wait_seconds,
        ).where(WaitMeasurement.company_id.in_(company_ids))
    )
    apply_histogram_deltas(session, Counter(histogram_key(row) for row in rows))
    refresh_company_medians(session, company_ids)
