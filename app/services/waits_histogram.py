"""Keeps ``wait_histograms`` in step with ``wait_measurements``."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import WaitHistogram, WaitMeasurement

# (company_id, month, channel, outcome, wait_seconds)
HistogramKey = tuple[int, str, str, str, int]


def histogram_key(row: Any) -> HistogramKey:
    return (row.company_id, row.local_month, row.channel, row.outcome, row.wait_seconds)


def apply_histogram_deltas(session: Session, deltas: Counter[HistogramKey]) -> None:
    """Add each delta to its histogram cell, creating cells as needed and dropping empty ones."""
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
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = WaitHistogram.metadata.tables[WaitHistogram.__tablename__]
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=["company_id", "month", "channel", "outcome", "wait_seconds"],
        set_={"n": table.c.n + statement.excluded.n},
    )
    # One statement compiled once and run for every cell (executemany).
    session.execute(statement, changes)
    if any(change["n"] < 0 for change in changes):
        session.execute(delete(WaitHistogram).where(WaitHistogram.n <= 0))


def rebuild_histograms(session: Session, company_ids: list[int]) -> None:
    """Recount the histograms of some companies from their measurements."""
    session.execute(delete(WaitHistogram).where(WaitHistogram.company_id.in_(company_ids)))
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
