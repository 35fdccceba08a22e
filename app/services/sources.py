"""Sources: who a figure came from."""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Select, func, select
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
    # Declared by a scraper's module, in English and in Swedish.
    terms: str | None = None
    cadence: str | None = None
    terms_sv: str | None = None
    cadence_sv: str | None = None

    def terms_in(self, language: str) -> tuple[str | None, str]:
        """The terms in ``language`` where the source says them so, else in English;
        with the language they are in (a page marks English on a Swedish page)."""
        return _in(language, self.terms_sv, self.terms)

    def cadence_in(self, language: str) -> tuple[str | None, str]:
        return _in(language, self.cadence_sv, self.cadence)


def _in(language: str, swedish: str | None, english: str | None) -> tuple[str | None, str]:
    if language == "sv" and swedish:
        return swedish, "sv"
    return english, "en"


def sources_with_batches(session: Session) -> list[SourceSummary]:
    declared = (Source.terms, Source.cadence, Source.terms_sv, Source.cadence_sv)
    query = (
        select(Source.slug, Source.name, Source.url, func.count(ImportBatch.id), *declared)
        .outerjoin(ImportBatch, ImportBatch.source_id == Source.id)
        .group_by(Source.id, Source.slug, Source.name, Source.url, *declared)
        .order_by(Source.slug)
    )
    return [SourceSummary(*row) for row in session.execute(query)]


def demo_data_query() -> Select[int]:
    """The published batches of the fictional demo data (every page then says so)."""
    return select(ImportBatch.id).where(
        ImportBatch.origin == "demo", ImportBatch.status.in_(PUBLISHED)
    )
