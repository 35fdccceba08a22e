"""The raw data behind a company's page: every count with its source and batch, and its
latest wait measurements."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import String, cast, literal, null, select, union_all
from sqlalchemy.orm import Session

from app.models import ComplaintCount, CustomerCount, Source, WaitMeasurement

# The latest measurements a company page lists: enough to see what the figures are made
# of; every one of them is in the company's CSV, linked at the top of the page.
RAW_WAIT_LIMIT = 50


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
    """The company's complaint and customer counts, with source and batch (one query)."""
    complaints = select(
        literal("complaints").label("kind"),
        ComplaintCount.metric.label("what"),
        ComplaintCount.period.label("period"),
        ComplaintCount.value.label("value"),
        ComplaintCount.source_id.label("source_id"),
        ComplaintCount.batch_id.label("batch_id"),
        ComplaintCount.source_url.label("source_url"),
    ).where(ComplaintCount.company_id == company_id)
    customers = select(
        literal("customers"),
        literal("customers"),
        cast(CustomerCount.year, String),
        CustomerCount.customers,
        CustomerCount.source_id,
        CustomerCount.batch_id,
        null(),
    ).where(CustomerCount.company_id == company_id)
    both = union_all(complaints, customers).subquery()
    query = (
        select(both.c.kind, both.c.what, both.c.period, both.c.value, Source.slug)
        .add_columns(both.c.batch_id, both.c.source_url)
        .join(Source, Source.id == both.c.source_id)
        .order_by(both.c.kind, both.c.what, both.c.period)
    )
    return [RawRow(*row) for row in session.execute(query)]


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
