"""Where figures come from: sources, API tokens and import batches."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigIntId, IdMixin, UTCDateTime, utcnow


class Source(IdMixin, Base):
    __tablename__ = "sources"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    url: Mapped[str | None] = mapped_column(String(500))
    # Declared in code by a scraper's module, in English and in Swedish; empty for
    # partners' import sources.
    terms: Mapped[str | None] = mapped_column(Text)
    cadence: Mapped[str | None] = mapped_column(String(200))
    terms_sv: Mapped[str | None] = mapped_column(Text)
    cadence_sv: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ApiToken(IdMixin, Base):
    """An API token. Only its SHA-256 is stored; the prefix lets people recognise it."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(200))
    prefix: Mapped[str] = mapped_column(String(16))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("sources.id"), index=True)
    # Only reply tokens speak for a company.
    company_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("companies.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ImportBatch(IdMixin, Base):
    """One import: written in the same transaction as its rows, so it exists only whole."""

    __tablename__ = "import_batches"
    __table_args__ = (UniqueConstraint("source_id", "idempotency_key"),)

    kind: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[int] = mapped_column(BigIntId, ForeignKey("sources.id"), index=True)
    token_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("api_tokens.id", ondelete="SET NULL"), index=True
    )
    # How the batch arrived: api, cli, demo or scraper.
    origin: Mapped[str] = mapped_column(String(16))
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    body_sha256: Mapped[str] = mapped_column(String(64))
    # committed (published); quarantined (a scraper's result failed its expectations) and
    # held (a suspicious improvement awaiting review) publish nothing; approved: a held
    # batch that a person released, whose rows a new committed batch carries.
    status: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int] = mapped_column(default=0)
    inserted: Mapped[int] = mapped_column(default=0)
    updated: Mapped[int] = mapped_column(default=0)
    unchanged: Mapped[int] = mapped_column(default=0)
    companies_created: Mapped[int] = mapped_column(default=0)
    # The JSON report, exactly as the API answered it.
    report: Mapped[str] = mapped_column(Text, default="{}")
    started_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


Index("ix_import_batches_body_sha256", ImportBatch.body_sha256)


class RawSnapshot(IdMixin, Base):
    """The exact bytes of a fetched page or given file, stored once by their SHA-256."""

    __tablename__ = "raw_snapshots"

    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    url: Mapped[str] = mapped_column(String(1000))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[int]
    content_type: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    content: Mapped[bytes] = mapped_column(LargeBinary)


class BatchSnapshot(Base):
    """Which raw snapshots a batch was parsed from."""

    __tablename__ = "batch_snapshots"

    batch_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("import_batches.id", ondelete="CASCADE"), primary_key=True
    )
    snapshot_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("raw_snapshots.id"), primary_key=True, index=True
    )


class DataVersion(Base):
    """One row: a number every committed write (import, merge, approval) advances.

    Every app server compares it with the version its cached pages were made at, so
    pages stay right with several servers on one database and no other service.
    ``figures_version`` is the version at which the figures last changed (an import or
    a merge; not a reply's approval or an edition): what a built ranking is kept by.
    """

    __tablename__ = "data_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    version: Mapped[int] = mapped_column(BigInteger)
    figures_version: Mapped[int] = mapped_column(BigInteger, server_default="1")
