"""An import batch as a reader checks it: where its figures came from, when, and what
it changed. Every figure on the site links to the batch that brought it."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, union
from sqlalchemy.orm import Session

from app.models import ComplaintCount, ImportBatch, Source, WaitMeasurement
from app.services.ingest.snapshots import PUBLISHED, UNSHOWN, SnapshotInfo, batch_snapshots
from app.services.sources import demo_data_query

# Source addresses listed on a batch's page; a batch of a million measurements from
# one page has one, and a page listing thousands would help nobody.
MAX_SOURCE_URLS = 50


@dataclass(frozen=True)
class BatchFacts:
    id: int
    kind: str
    status: str
    origin: str
    source_slug: str
    source_name: str
    source_url: str | None
    started_at: datetime
    finished_at: datetime | None
    rows: int
    inserted: int
    updated: int
    unchanged: int
    companies_created: list[dict[str, Any]] = field(default_factory=list)
    snapshots: list[SnapshotInfo] = field(default_factory=list)
    source_urls: list[str] = field(default_factory=list)


def batch_facts(session: Session, batch_id: int) -> BatchFacts | None:
    """The batch ``batch_id`` as its page shows it; None when there is none to show."""
    found = session.execute(
        select(ImportBatch, Source)
        .join(Source, Source.id == ImportBatch.source_id)
        .where(ImportBatch.id == batch_id, ImportBatch.status.not_in(UNSHOWN))
    ).first()
    if found is None:
        return None
    batch, source = found
    report: dict[str, Any] = json.loads(batch.report or "{}")
    return BatchFacts(
        id=batch.id,
        kind=batch.kind,
        status=batch.status,
        origin=batch.origin,
        source_slug=source.slug,
        source_name=source.name,
        source_url=source.url,
        started_at=batch.started_at,
        finished_at=batch.finished_at,
        rows=batch.rows,
        inserted=batch.inserted,
        updated=batch.updated,
        unchanged=batch.unchanged,
        companies_created=report.get("companies_created", []),
        snapshots=batch_snapshots(session, batch.id),
        source_urls=_source_urls(session, batch.id),
    )


def _source_urls(session: Session, batch_id: int) -> list[str]:
    """The distinct source addresses of the figures the batch brought (at most 50)."""
    urls = union(
        select(ComplaintCount.source_url).where(
            ComplaintCount.batch_id == batch_id, ComplaintCount.source_url.is_not(None)
        ),
        select(WaitMeasurement.source_url).where(
            WaitMeasurement.batch_id == batch_id, WaitMeasurement.source_url.is_not(None)
        ),
    ).subquery()
    query = select(urls.c.source_url).order_by(urls.c.source_url).limit(MAX_SOURCE_URLS)
    return [url for url in session.scalars(query) if url]


@dataclass(frozen=True)
class SiteFacts:
    demo_loaded: bool  # the fictional demo data is on the site: every page says so
    data_as_of: datetime | None  # when the newest published batch was written


def site_facts(session: Session) -> SiteFacts:
    """Both facts in one statement: every page's statements are counted."""
    latest = select(func.max(ImportBatch.finished_at)).where(ImportBatch.status.in_(PUBLISHED))
    demo, as_of = session.execute(
        select(demo_data_query().exists(), latest.scalar_subquery())
    ).one()
    return SiteFacts(bool(demo), as_of)


def rows_imported_by_kind(session: Session) -> dict[str, int]:
    """Rows of published batches, by kind (for /metrics: the same on every app server)."""
    query = select(ImportBatch.kind, func.sum(ImportBatch.rows)).where(
        ImportBatch.status.in_(PUBLISHED)
    )
    grouped = session.execute(query.group_by(ImportBatch.kind))
    return {kind: int(rows or 0) for kind, rows in grouped}


def last_batches(session: Session) -> list[tuple[str, str, datetime]]:
    """(source, status, when) of each source's latest batch per status."""
    when = func.max(func.coalesce(ImportBatch.finished_at, ImportBatch.started_at))
    query = (
        select(Source.slug, ImportBatch.status, when)
        .join(Source, Source.id == ImportBatch.source_id)
        .where(ImportBatch.status.not_in(UNSHOWN))
        .group_by(Source.slug, ImportBatch.status)
    )
    return [(slug, status, moment) for slug, status, moment in session.execute(query)]
