"""The one write path: every import (API, CLI, demo, scrapers) goes through ``import_batch``.

The caller owns the transaction. ``import_batch`` writes the batch row and its
figures into the session and flushes; the caller commits a ``committed``
result and rolls back anything else, so a batch exists whole or not at all,
also when the process dies in the middle (the database never saw a commit).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import IO, Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import (
    Company,
    CompanyAlias,
    ComplaintCount,
    ComplaintPeriodValue,
    CustomerCount,
    ImportBatch,
    SearchTerm,
    WaitMonthCount,
)
from app.models.base import utcnow
from app.schemas import KINDS, FieldError, Record, parse_row
from app.services.bulk import analyse_if_grown
from app.services.data_version import bump_data_version
from app.services.ingest.companies import CompanyHandler
from app.services.ingest.context import BatchContext, RowError
from app.services.ingest.reader import CellRow, HeaderError, UnreadableBody, read_csv, read_json
from app.services.ingest.snapshots import UNSHOWN, batch_snapshots, link_snapshots
from app.services.ingest.values import COMPLAINTS, CUSTOMERS, ValueHandler
from app.services.ingest.waits import WaitHandler

CHUNK_ROWS = 5_000
FORMATS = ("csv", "json")


class Handler(Protocol):
    def apply(self, ctx: BatchContext, rows: list[tuple[int, Record]]) -> None: ...

    def finish(self, ctx: BatchContext) -> None:
        """After the last row of a batch without errors: bring its aggregates up to date."""


# The tables each kind's rows fill (company tables aside, which any kind may add to).
COMPANY_TABLES = tuple(m.__tablename__ for m in (Company, CompanyAlias, SearchTerm))
TABLES_WRITTEN: dict[str, tuple[str, ...]] = {
    "companies": COMPANY_TABLES,
    "complaints": (ComplaintCount.__tablename__, ComplaintPeriodValue.__tablename__),
    "customers": (CustomerCount.__tablename__,),
    "waits": (WaitMonthCount.__tablename__,),
}

# A new handler for each batch: a handler may keep what it learns during one batch.
HANDLERS: dict[str, Callable[[], Handler]] = {
    "companies": CompanyHandler,
    "complaints": partial(ValueHandler, COMPLAINTS),
    "waits": WaitHandler,
    "customers": partial(ValueHandler, CUSTOMERS),
}


@dataclass
class ImportRequest:
    kind: str
    source_id: int
    body: IO[bytes]
    format: str  # csv or json
    origin: str  # api, cli, demo or scraper
    token_id: int | None = None
    idempotency_key: str | None = None
    # Known up front when an idempotency key has to be checked before reading.
    body_sha256: str | None = None
    dry_run: bool = False
    # A scraper's batch: the raw snapshots it was parsed from and what stands behind its rows.
    snapshot_ids: list[int] = field(default_factory=list)
    evidence: list[dict[str, str]] = field(default_factory=list)


@dataclass
class ImportResult:
    """``status`` is committed, dry_run, replayed, rejected or key_conflict."""

    status: str
    report: dict[str, Any] = field(default_factory=dict)
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    @property
    def accepted(self) -> bool:
        return self.status in ("committed", "dry_run", "replayed")

    def error_body(self) -> dict[str, Any]:
        listed = len(self.errors)
        detail = (
            f"{self.error_count} problem(s) found; nothing was imported. "
            "Correct the rows listed and send the whole file again."
        )
        if self.error_count > listed:
            detail += f" Only the first {listed} are listed."
        return {"detail": detail, "errors": [e.as_dict() for e in self.errors]}


class _HashingReader:
    """Passes reads through while hashing every byte, for the batch's body_sha256."""

    def __init__(self, raw: IO[bytes]) -> None:
        self.raw = raw
        self.sha256 = hashlib.sha256()

    def read(self, size: int = -1) -> bytes:
        data = self.raw.read(size)
        self.sha256.update(data)
        return data

    def readline(self, size: int = -1) -> bytes:
        data = self.raw.readline(size)
        self.sha256.update(data)
        return data

    def drain(self) -> str:
        while self.read(1 << 20):
            pass
        return self.sha256.hexdigest()


def find_batch_by_key(session: Session, source_id: int, key: str) -> ImportBatch | None:
    return session.scalar(
        select(ImportBatch).where(
            ImportBatch.source_id == source_id, ImportBatch.idempotency_key == key
        )
    )


def import_batch(session: Session, request: ImportRequest) -> ImportResult:
    """Validate and apply one batch inside the caller's transaction."""
    if request.kind not in KINDS or request.format not in FORMATS:
        raise ValueError(f"unknown kind {request.kind!r} or format {request.format!r}")
    if request.idempotency_key is not None and not request.dry_run:
        replay = _replay(session, request)
        if replay is not None:
            return replay
    body = _HashingReader(request.body)
    batch = ImportBatch(
        kind=request.kind,
        source_id=request.source_id,
        token_id=request.token_id,
        origin=request.origin,
        idempotency_key=None if request.dry_run else request.idempotency_key,
        body_sha256="",
        status="running",
    )
    session.add(batch)
    session.flush()
    ctx = BatchContext(session=session, batch=batch)
    _apply_rows(ctx, request, body)
    if ctx.error_count:
        return ImportResult("rejected", errors=ctx.errors, error_count=ctx.error_count)
    return _finish(ctx, request, body.drain())


def _replay(session: Session, request: ImportRequest) -> ImportResult | None:
    assert request.idempotency_key is not None
    earlier = find_batch_by_key(session, request.source_id, request.idempotency_key)
    if earlier is None:
        return None
    if earlier.body_sha256 != request.body_sha256 or earlier.kind != request.kind:
        message = "this Idempotency-Key was used before with another body; use a new key"
        return ImportResult("key_conflict", errors=[RowError(0, "", message)], error_count=1)
    return ImportResult("replayed", report=json.loads(earlier.report))


def _rows(request: ImportRequest, body: Any) -> Iterator[tuple[int, CellRow | FieldError]]:
    reader = read_csv if request.format == "csv" else read_json
    return reader(body, request.kind)


def _apply_rows(ctx: BatchContext, request: ImportRequest, body: Any) -> None:
    handler = HANDLERS[request.kind]()
    chunk: list[tuple[int, Record]] = []
    rows = 0  # counted here, not on the batch: an ORM attribute costs more per row
    try:
        for line, record in _records(ctx, request, _rows(request, body)):
            rows += 1
            if record is None or ctx.error_count:
                continue  # past the first error we only look for more errors
            chunk.append((line, record))
            if len(chunk) >= CHUNK_ROWS:
                handler.apply(ctx, chunk)
                chunk = []
        ctx.batch.rows = rows
        if chunk and not ctx.error_count:
            handler.apply(ctx, chunk)
        if not ctx.error_count:
            handler.finish(ctx)
            _keep_statistics_true(ctx, request.kind)
    except HeaderError as error:
        for problem in error.errors:
            ctx.error(1, problem.column, problem.message)
    except UnreadableBody as error:
        ctx.error(error.line, error.column, error.message)


def _keep_statistics_true(ctx: BatchContext, kind: str) -> None:
    written = ctx.inserted + ctx.updated
    analyse_if_grown(ctx.session, TABLES_WRITTEN[kind], written)
    analyse_if_grown(ctx.session, COMPANY_TABLES, len(ctx.created))


def _records(
    ctx: BatchContext, request: ImportRequest, rows: Iterable[tuple[int, CellRow | FieldError]]
) -> Iterator[tuple[int, Record | None]]:
    now = utcnow()
    for line, cells in rows:
        parsed = cells if isinstance(cells, FieldError) else parse_row(request.kind, cells, now=now)
        if isinstance(parsed, FieldError):
            parsed = [parsed]
        if isinstance(parsed, list):
            for problem in parsed:
                ctx.error(line, problem.column, problem.message)
            yield line, None
        else:
            yield line, parsed


def _finish(ctx: BatchContext, request: ImportRequest, body_sha256: str) -> ImportResult:
    batch = ctx.batch
    if request.body_sha256 is not None and request.body_sha256 != body_sha256:
        raise ValueError("the body changed while it was read")
    batch.body_sha256 = body_sha256
    batch.status = "dry_run" if request.dry_run else "committed"
    batch.inserted, batch.updated, batch.unchanged = ctx.inserted, ctx.updated, ctx.unchanged
    batch.companies_created = len(ctx.created)
    batch.finished_at = utcnow()
    if not request.dry_run:
        link_snapshots(ctx.session, batch.id, request.snapshot_ids)
        bump_data_version(ctx.session)
    report = batch_report(batch, ctx)
    if request.snapshot_ids:
        report["snapshots"] = [s.as_dict() for s in batch_snapshots(ctx.session, batch.id)]
    if request.evidence:
        report["evidence"] = request.evidence
    batch.report = json.dumps(report, ensure_ascii=False)
    ctx.session.flush()
    return ImportResult(batch.status, report=report)


def batch_report(batch: ImportBatch, ctx: BatchContext) -> dict[str, Any]:
    return {
        "batch_id": None if batch.status == "dry_run" else batch.id,
        "status": batch.status,
        "kind": batch.kind,
        "rows": batch.rows,
        "inserted": batch.inserted,
        "updated": batch.updated,
        "unchanged": batch.unchanged,
        "companies_created": [
            {
                "name": company.name,
                "slug": company.slug,
                "org_number": company.org_number,
                "verified": company.verified,
            }
            for company in ctx.created
        ],
    }


def get_batch_report(session: Session, batch_id: int) -> dict[str, Any] | None:
    batch = session.get(ImportBatch, batch_id)
    if batch is None or batch.status in UNSHOWN:
        return None
    report: dict[str, Any] = json.loads(batch.report)
    return report
