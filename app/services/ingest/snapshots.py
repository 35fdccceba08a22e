"""Raw snapshots and the batches that publish nothing (quarantined, held).

Every document a scraper fetched (or was given) is kept by its SHA-256 and
linked to the batch it produced, so a published figure leads back to the bytes
it came from and can be parsed again.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    BatchSnapshot,
    Company,
    CompanyAlias,
    ImportBatch,
    RawSnapshot,
    Source,
    WaitMeasurement,
)
from app.models.base import utcnow

UNPUBLISHED = ("quarantined", "held")
# Batches whose figures the site shows: committed, or approved after being held.
PUBLISHED = ("committed", "approved")
# Batches nobody is shown, not even their report: one still being written, a dry run.
UNSHOWN = ("running", "dry_run")


@dataclass(frozen=True)
class SnapshotInfo:
    sha256: str
    url: str
    fetched_at: datetime
    status: int
    content_type: str
    size: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "sha256": self.sha256,
            "url": self.url,
            "fetched_at": self.fetched_at.isoformat(),
            "status": self.status,
            "content_type": self.content_type,
            "size": self.size,
        }


def store_snapshot(
    session: Session, *, url: str, body: bytes, content_type: str, status: int, fetched_at: datetime
) -> int:
    """The id of the snapshot holding exactly these bytes, storing them if they are new."""
    sha256 = hashlib.sha256(body).hexdigest()
    existing = session.scalar(select(RawSnapshot.id).where(RawSnapshot.sha256 == sha256))
    if existing is not None:
        return existing
    snapshot = RawSnapshot(
        sha256=sha256,
        url=url[:1000],
        fetched_at=fetched_at,
        status=status,
        content_type=content_type[:200],
        size=len(body),
        content=body,
    )
    session.add(snapshot)
    session.flush()
    return snapshot.id


def link_snapshots(session: Session, batch_id: int, snapshot_ids: list[int]) -> None:
    for snapshot_id in dict.fromkeys(snapshot_ids):
        session.add(BatchSnapshot(batch_id=batch_id, snapshot_id=snapshot_id))
    session.flush()


def batch_snapshots(session: Session, batch_id: int) -> list[SnapshotInfo]:
    rows = session.scalars(
        select(RawSnapshot)
        .join(BatchSnapshot, BatchSnapshot.snapshot_id == RawSnapshot.id)
        .where(BatchSnapshot.batch_id == batch_id)
        .order_by(RawSnapshot.id)
    )
    return [
        SnapshotInfo(s.sha256, s.url, s.fetched_at, s.status, s.content_type, s.size) for s in rows
    ]


def snapshot_content(session: Session, sha256: str) -> tuple[SnapshotInfo, bytes] | None:
    snapshot = session.scalar(select(RawSnapshot).where(RawSnapshot.sha256 == sha256))
    if snapshot is None:
        return None
    info = SnapshotInfo(
        snapshot.sha256,
        snapshot.url,
        snapshot.fetched_at,
        snapshot.status,
        snapshot.content_type,
        snapshot.size,
    )
    return info, snapshot.content


def record_unpublished_batch(
    session: Session,
    *,
    kind: str,
    source_id: int,
    status: str,
    reason: str,
    snapshot_ids: list[int],
    rows: list[dict[str, str]] | None = None,
) -> ImportBatch:
    """A quarantined or held batch: its snapshots and the reason, and no published row."""
    if status not in UNPUBLISHED:
        raise ValueError(f"an unpublished batch is {' or '.join(UNPUBLISHED)}, not {status!r}")
    batch = ImportBatch(
        kind=kind,
        source_id=source_id,
        origin="scraper",
        body_sha256="",
        status=status,
        rows=len(rows or []),
        finished_at=utcnow(),
    )
    session.add(batch)
    session.flush()
    link_snapshots(session, batch.id, snapshot_ids)
    report = {"batch_id": batch.id, "status": status, "kind": kind, "reason": reason}
    report["snapshots"] = [s.as_dict() for s in batch_snapshots(session, batch.id)]
    batch.report = json.dumps(report, ensure_ascii=False)
    session.flush()
    return batch


def last_published_rows(session: Session, source_id: int) -> int | None:
    """How many rows the source's last committed scraper batch had."""
    return session.scalar(
        select(ImportBatch.rows)
        .where(
            ImportBatch.source_id == source_id,
            ImportBatch.status == "committed",
            ImportBatch.origin == "scraper",
        )
        .order_by(ImportBatch.id.desc())
        .limit(1)
    )


def latest_announced_waits(session: Session, source_id: int) -> dict[str, float]:
    """Each company's most recent announced wait from this source, by company name."""
    latest = (
        select(WaitMeasurement.company_id, func.max(WaitMeasurement.measured_at).label("at"))
        .where(WaitMeasurement.source_id == source_id, WaitMeasurement.outcome == "announced")
        .group_by(WaitMeasurement.company_id)
        .subquery()
    )
    rows = session.execute(
        select(Company.name, WaitMeasurement.wait_seconds)
        .join(Company, Company.id == WaitMeasurement.company_id)
        .join(
            latest,
            (latest.c.company_id == WaitMeasurement.company_id)
            & (latest.c.at == WaitMeasurement.measured_at),
        )
        .where(WaitMeasurement.source_id == source_id, WaitMeasurement.outcome == "announced")
    )
    return {name: float(wait) for name, wait in rows}


def sync_source(
    session: Session,
    *,
    slug: str,
    name: str,
    url: str,
    terms: str,
    cadence: str,
    terms_sv: str = "",
    cadence_sv: str = "",
) -> Source:
    """Create or update a scraper's source row from the metadata its module declares
    (terms and cadence in English, and in Swedish where the module says them)."""
    source = session.scalar(select(Source).where(Source.slug == slug))
    if source is None:
        source = Source(slug=slug, name=name)
        session.add(source)
    source.name, source.url, source.terms, source.cadence = name, url, terms, cadence
    source.terms_sv, source.cadence_sv = terms_sv or None, cadence_sv or None
    session.flush()
    return source


@dataclass(frozen=True)
class UnpublishedBatch:
    id: int
    kind: str
    status: str
    source_slug: str
    snapshots: list[tuple[SnapshotInfo, bytes]]


def unpublished_batch(session: Session, batch_id: int) -> UnpublishedBatch | None:
    """A held or quarantined batch with its snapshots' bytes, for review and re-parsing."""
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.status not in UNPUBLISHED:
        return None
    source_slug = session.scalar(select(Source.slug).where(Source.id == batch.source_id)) or ""
    snapshots = [
        snapshot_content(session, info.sha256) for info in batch_snapshots(session, batch.id)
    ]
    return UnpublishedBatch(
        batch.id, batch.kind, batch.status, source_slug, [s for s in snapshots if s is not None]
    )


def mark_approved(session: Session, batch_id: int, *, published_as: int) -> None:
    """Record that a held batch was released, and which committed batch carries its rows."""
    batch = session.get_one(ImportBatch, batch_id)
    batch.status = "approved"
    report = json.loads(batch.report)
    report.update(status="approved", published_as=published_as)
    batch.report = json.dumps(report, ensure_ascii=False)
    session.flush()


def known_companies(session: Session) -> tuple[frozenset[str], frozenset[str]]:
    """The org numbers and normalised names the site already knows (for --only-known)."""
    org_numbers = frozenset(
        n
        for n in session.scalars(select(Company.org_number).where(Company.org_number.is_not(None)))
        if n
    )
    names = frozenset(session.scalars(select(CompanyAlias.normalized)))
    return org_numbers, names
