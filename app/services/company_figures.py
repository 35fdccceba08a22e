"""The raw data behind a company's page: every count with its source and batch, and its
latest wait measurements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import ComplaintCount, CustomerCount, Source, WaitMeasurement

RAW_WAIT_LIMIT = 200


@dataclass(frozen=True)
class RawRow:
    kind: str
    what: str
    period: str
    value: int
    source: str
    batch_id: int
    source_url: str | None


@dataclass(frozen=True)
class RawWait:
    measured_at: datetime
    channel: str
    wait_seconds: int
    outcome: str
    source: str
    batch_id: int
    source_url: str | None


def raw_counts(session: Session, company_id: int) -> list[RawRow]:
    """The company's complaint and customer counts, with source and batch."""
    complaints = session.execute(
        select(ComplaintCount, Source.slug)
        .join(Source, Source.id == ComplaintCount.source_id)
        .where(ComplaintCount.company_id == company_id)
        .order_by(ComplaintCount.metric, ComplaintCount.period)
    )
    rows = [
        RawRow("complaints", c.metric, c.period, c.value, slug, c.batch_id, c.source_url)
        for c, slug in complaints
    ]
    customers = session.execute(
        select(CustomerCount, Source.slug)
        .join(Source, Source.id == CustomerCount.source_id)
        .where(CustomerCount.company_id == company_id)
        .order_by(CustomerCount.year)
    )
    rows.extend(
        RawRow("customers", "customers", str(c.year), c.customers, slug, c.batch_id, None)
        for c, slug in customers
    )
    return rows


def latest_waits(
    session: Session, company_id: int, *, limit: int = RAW_WAIT_LIMIT
) -> list[RawWait]:
    query = (
        select(WaitMeasurement, Source.slug)
        .join(Source, Source.id == WaitMeasurement.source_id)
        .where(WaitMeasurement.company_id == company_id)
        .order_by(WaitMeasurement.measured_at.desc(), WaitMeasurement.id.desc())
        .limit(limit)
    )
    return [
        RawWait(w.measured_at, w.channel, w.wait_seconds, w.outcome, slug, w.batch_id, w.source_url)
        for w, slug in session.execute(query)
    ]
