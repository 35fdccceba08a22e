"""Companies, their sectors and the names they are known by."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
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


# Compared by code point on both databases (SQLite's BINARY; "C" on PostgreSQL, whatever
# the server's locale), so that the terms beginning with a text are one range of the index.
_SEARCH_TERM = String(300).with_variant(String(300, collation="C"), "postgresql")


class SearchTerm(Base):
    """One way search finds a company: a name of it, folded, from one word's start to its end.

    Made by ``app.names.search_terms``; kept by ``app.services.search.add_search_terms``.
    """

    __tablename__ = "search_terms"
    __table_args__ = (Index("ix_search_terms_is_start_term", "is_start", "term"),)

    company_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("companies.id", ondelete="CASCADE"), primary_key=True
    )
    term: Mapped[str] = mapped_column(_SEARCH_TERM, primary_key=True)
    matched: Mapped[str] = mapped_column(String(300))  # the name or alias as written
    is_start: Mapped[bool]  # the term is the whole name, from its first word
