"""Sources: who a figure came from."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import ImportBatch, Source
from app.services.ingest.snapshots import PUBLISHED

_SOURCE_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def get_or_create_source(session: Session, slug: str, *, name: str | None = None) -> Source:
    if not _SOURCE_SLUG.match(slug):
        raise ValueError(f"a source slug is lower-case a-z, 0-9 and '-', not {slug!r}")
    source = session.scalar(select(Source).where(Source.slug == slug))
    if source is None:
        source = Source(slug=slug, name=name or slug)
        session.add(source)
        session.flush()
    return source


@dataclass(frozen=True)
class SourceSummary:
    slug: str
    name: str
    url: str | None
    batches: int
    terms: str | None = None  # declared by a scraper's module
    cadence: str | None = None


def sources_with_batches(session: Session) -> list[SourceSummary]:
    query = (
        select(
            Source.slug,
            Source.name,
            Source.url,
            func.count(ImportBatch.id),
            Source.terms,
            Source.cadence,
        )
        .outerjoin(ImportBatch, ImportBatch.source_id == Source.id)
        .group_by(Source.id, Source.slug, Source.name, Source.url, Source.terms, Source.cadence)
        .order_by(Source.slug)
    )
    return [SourceSummary(*row) for row in session.execute(query)]


def demo_data_loaded(session: Session) -> bool:
    """Whether the fictional demo data is on the site (every page then says so)."""
    query = select(ImportBatch.id).where(
        ImportBatch.origin == "demo", ImportBatch.status.in_(PUBLISHED)
    )
    return session.scalar(query.limit(1)) is not None
