"""Companies, their sectors and the names they are known by."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigIntId, IdMixin, UTCDateTime, utcnow


class Sector(IdMixin, Base):
    __tablename__ = "sectors"

    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))


class Company(IdMixin, Base):
    __tablename__ = "companies"

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    normalized_name: Mapped[str] = mapped_column(String(300), index=True)
    # Stored as NNNNNN-NNNN; unique when present.
    org_number: Mapped[str | None] = mapped_column(String(11), unique=True)
    sector_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("sectors.id", ondelete="SET NULL"), index=True
    )
    website: Mapped[str | None] = mapped_column(String(500))
    # False for companies created from a bare name that matched nobody.
    verified: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class CompanyAlias(IdMixin, Base):
    """A normalised name that resolves to a company (its own name included)."""

    __tablename__ = "company_aliases"

    company_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
    alias: Mapped[str] = mapped_column(String(300))
    normalized: Mapped[str] = mapped_column(String(300), unique=True)


class CompanyRedirect(IdMixin, Base):
    """The slug of a company that was merged away, kept so that old links still work."""

    __tablename__ = "company_redirects"

    old_slug: Mapped[str] = mapped_column(String(120), unique=True)
    company_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("companies.id", ondelete="CASCADE"), index=True
    )
