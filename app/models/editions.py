"""Editions: rankings frozen for good, so that a journalist can cite one."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, LargeBinary, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigIntId, IdMixin, UTCDateTime, utcnow


class Edition(IdMixin, Base):
    """Every ranking of one period, as it stood when the edition was published.

    ``sha256`` is the hash of its files (see ``app.services.editions``): a reader can
    check that what they downloaded is what was published.
    """

    __tablename__ = "editions"

    period: Mapped[str] = mapped_column(String(7), index=True)
    title: Mapped[str] = mapped_column(String(300))
    sha256: Mapped[str] = mapped_column(String(64))
    published_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class EditionFile(IdMixin, Base):
    """One ranking of an edition: the bytes of its rankings.csv, never changed."""

    __tablename__ = "edition_files"
    __table_args__ = (UniqueConstraint("edition_id", "metric", "channel"),)

    edition_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    metric: Mapped[str] = mapped_column(String(32))
    channel: Mapped[str] = mapped_column(String(8))  # "" for count metrics
    content: Mapped[bytes] = mapped_column(LargeBinary)


class EditionNote(IdMixin, Base):
    """A dated correction note; the edition's numbers never change."""

    __tablename__ = "edition_notes"

    edition_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("editions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
