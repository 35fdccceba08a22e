"""Runs one source: fetch (or read a given file), keep the raw bytes, parse, check,
and hand the rows to the ingest service, all in one transaction that the run owns.

A result that breaks its source's expectations is stored as a quarantined batch
(snapshots and reason, no figure); a suspicious improvement on a page the
company controls, or a figure an implausible factor from what the same source last
published (``scrapers.magnitude``, every source), is stored as a held batch until a
person approves it.
"""

from __future__ import annotations

import io
import json
import mimetypes
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from app.schemas import normalize_company_name
from app.services.ingest import (
    ImportRequest,
    import_batch,
    known_companies,
    last_published_rows,
    latest_announced_waits,
    mark_approved,
    record_unpublished_batch,
    store_snapshot,
    sync_source,
    unpublished_batch,
)
from app.services.ingest.published_figures import PublishedFigures, published_figures
from scrapers.base import (
    Document,
    DriftError,
    Fetcher,
    HeldForReview,
    LastRun,
    ParseResult,
    ScrapeOptions,
    SourceModule,
)
from scrapers.http import FetchError, PoliteClient
from scrapers.magnitude import check_magnitudes
from scrapers.registry import all_sources, load_source

SessionFactory = Callable[[], Session]


@dataclass
class RunOutcome:
    """``status``: committed, dry_run, quarantined, held or rejected."""

    source: str
    status: str
    message: str = ""
    report: dict[str, Any] = field(default_factory=dict)

    @property
    def published_or_dry(self) -> bool:
        return self.status in ("committed", "dry_run")


def file_document(path: Path) -> Document:
    """A given file as a document: its bytes, a file: URL and a guessed content type."""
    content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return Document(url=path.resolve().as_uri(), body=path.read_bytes(), content_type=content_type)


def _last_run(session: Session, source_id: int, module: SourceModule) -> LastRun | None:
    rows = last_published_rows(session, source_id)
    if rows is None:
        return None
    values = latest_announced_waits(session, source_id) if module.SOURCE.kind == "waits" else {}
    return LastRun(rows=rows, values=values)


def _with_known(session: Session, options: ScrapeOptions) -> ScrapeOptions:
    if not options.only_known:
        return options
    org_numbers, names = known_companies(session)
    return replace(
        options,
        known_org_numbers=org_numbers,
        known_names=names,
        normalize_name=normalize_company_name,
    )


def _parse_and_check(
    module: SourceModule,
    documents: list[Document],
    options: ScrapeOptions,
    last: LastRun | None,
    published: PublishedFigures,
) -> ParseResult:
    try:
        result = module.parse(documents, options)
    except (DriftError, HeldForReview):
        raise
    except Exception as error:  # a page that trips the parser is drift too, never a crash
        raise DriftError("the page parses", f"{type(error).__name__}: {error}") from error
    module.check(result, last)
    check_magnitudes(module.SOURCE.kind, result.rows, published, normalize_company_name)
    return result


def run_source(
    slug: str,
    sessions: SessionFactory,
    *,
    options: ScrapeOptions,
    client: Fetcher | None = None,
    dry_run: bool = False,
) -> RunOutcome:
    module = load_source(slug)
    try:
        documents = _documents(module, options, client)
    except (DriftError, FetchError, OSError) as error:
        # Nothing could be read: a quarantined batch says so, and nothing is published.
        failure = (
            error if isinstance(error, DriftError) else DriftError("the source answers", str(error))
        )
        with sessions() as session:
            return _unpublished(session, module, [], "quarantined", str(failure), dry_run)
    with sessions() as session:
        return _run_in_session(session, module, documents, options, dry_run)


def _documents(
    module: SourceModule, options: ScrapeOptions, client: Fetcher | None
) -> list[Document]:
    if options.file is not None:
        return [file_document(options.file)]
    if client is not None:
        return module.fetch(client, options)
    with PoliteClient() as polite:
        return module.fetch(polite, options)


def _run_in_session(
    session: Session,
    module: SourceModule,
    documents: list[Document],
    options: ScrapeOptions,
    dry_run: bool,
) -> RunOutcome:
    info = module.SOURCE
    source_id = _sync(session, module)
    options = _with_known(session, options)
    last = _last_run(session, source_id, module)
    published = published_figures(session, source_id, info.kind)
    try:
        result = _parse_and_check(module, documents, options, last, published)
    except DriftError as error:
        return _unpublished(session, module, documents, "quarantined", str(error), dry_run)
    except HeldForReview as held:
        return _unpublished(session, module, documents, "held", held.reason, dry_run)
    snapshot_ids = [] if dry_run else _store(session, documents)
    outcome = import_batch(session, _request(module, source_id, result, snapshot_ids, dry_run))
    if outcome.status == "committed":
        session.commit()
        return RunOutcome(info.slug, "committed", report=outcome.report)
    session.rollback()
    if outcome.status == "dry_run":
        return RunOutcome(info.slug, "dry_run", report=outcome.report)
    problems = "; ".join(f"row {e.line - 1} {e.column}: {e.message}" for e in outcome.errors[:5])
    reason = f"values that parse: {outcome.error_count} row(s) refused by the import ({problems})"
    return _unpublished(session, module, documents, "quarantined", reason, dry_run)


def _request(
    module: SourceModule,
    source_id: int,
    result: ParseResult,
    snapshot_ids: list[int],
    dry_run: bool = False,
) -> ImportRequest:
    """The rows as an import: the same ingest, validation and counts as the import API."""
    return ImportRequest(
        kind=module.SOURCE.kind,
        source_id=source_id,
        body=io.BytesIO(_rows_json(result.rows)),
        format="json",
        origin="scraper",
        dry_run=dry_run,
        snapshot_ids=snapshot_ids,
        evidence=result.evidence,
    )


def sync_all_sources(sessions: SessionFactory) -> list[SourceModule]:
    """Record every source's declared metadata (for /sources), fetching nothing."""
    modules = all_sources()
    with sessions() as session:
        for module in modules:
            _sync(session, module)
        session.commit()
    return modules


def _rows_json(rows: list[dict[str, str]]) -> bytes:
    """``{"rows": [...]}`` with one row per line, so that an error's line is row + 1."""
    lines = ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)
    return ('{"rows": [\n' + lines + "\n]}").encode("utf-8")


def _sync(session: Session, module: SourceModule) -> int:
    info = module.SOURCE
    source = sync_source(
        session,
        slug=info.slug,
        name=info.name,
        url=info.url,
        terms=info.terms,
        cadence=info.cadence,
        terms_sv=info.terms_sv,
        cadence_sv=info.cadence_sv,
    )
    return source.id


def _store(session: Session, documents: list[Document]) -> list[int]:
    return [
        store_snapshot(
            session,
            url=doc.url,
            body=doc.body,
            content_type=doc.content_type,
            status=doc.status,
            fetched_at=doc.fetched_at,
        )
        for doc in documents
    ]


def _unpublished(
    session: Session,
    module: SourceModule,
    documents: list[Document],
    status: str,
    reason: str,
    dry_run: bool,
) -> RunOutcome:
    if dry_run:
        session.rollback()
        return RunOutcome(module.SOURCE.slug, status, message=reason)
    batch = record_unpublished_batch(
        session,
        kind=module.SOURCE.kind,
        source_id=_sync(session, module),  # again: a rolled-back import took a new source with it
        status=status,
        reason=reason,
        snapshot_ids=_store(session, documents),
    )
    report = {"batch_id": batch.id, "status": status, "reason": reason}
    session.commit()
    return RunOutcome(module.SOURCE.slug, status, message=reason, report=report)


def _stored_documents(session: Session, batch_id: int) -> tuple[SourceModule, list[Document], str]:
    batch = unpublished_batch(session, batch_id)
    if batch is None:
        raise ValueError(f"batch {batch_id} is not a held or quarantined batch")
    documents = [
        Document(info.url, body, info.content_type, info.status, info.fetched_at)
        for info, body in batch.snapshots
    ]
    return load_source(batch.source_slug), documents, batch.status


def reparse_batch_snapshots(session: Session, batch_id: int, options: ScrapeOptions) -> ParseResult:
    """Parse a stored batch's raw snapshots again, exactly as they were fetched."""
    module, documents, _status = _stored_documents(session, batch_id)
    return module.parse(documents, options)


def approve_held_batch(
    sessions: SessionFactory, batch_id: int, options: ScrapeOptions
) -> RunOutcome:
    """Publish a held batch: parse its snapshots again and import them as a new batch."""
    with sessions() as session:
        module, documents, status = _stored_documents(session, batch_id)
        if status != "held":
            raise ValueError(f"batch {batch_id} is {status}, not held for review")
        source_id = _sync(session, module)
        result = module.parse(documents, options)
        outcome = import_batch(
            session, _request(module, source_id, result, _store(session, documents))
        )
        if outcome.status != "committed":
            session.rollback()
            return RunOutcome(module.SOURCE.slug, "rejected", message=str(outcome.error_body()))
        mark_approved(session, batch_id, published_as=outcome.report["batch_id"])
        session.commit()
        return RunOutcome(module.SOURCE.slug, "committed", report=outcome.report)


__all__ = [
    "RunOutcome",
    "approve_held_batch",
    "file_document",
    "reparse_batch_snapshots",
    "run_source",
]
