"""A company's answer to one of its figures: bound to the metric, period and value."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigIntId, IdMixin, UTCDateTime, utcnow


class Reply(IdMixin, Base):
    """A reply or dispute by a company, moderated before the public sees it.

    ``value`` keeps the figure as it stood when the company answered (in the form the
    CSV writes it), so that a reply stays bound to the number it answered even after
    a new import changes that number.
    """

    __tablename__ = "replies"

    company_id: Mapped[int] = mapped_column(
        BigIntId, ForeignKey("companies.id", ondelete="CASCADE")
    )
    token_id: Mapped[int | None] = mapped_column(
        BigIntId, ForeignKey("api_tokens.id", ondelete="SET NULL")
    )
    metric: Mapped[str] = mapped_column(String(32))
    period: Mapped[str] = mapped_column(String(7))
    kind: Mapped[str] = mapped_column(String(8))  # reply or dispute
    text: Mapped[str] = mapped_column(Text)
    value: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="pending")
    reason: Mapped[str | None] = mapped_column(Text)  # why it was rejected
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


Index("ix_replies_company_id_status", Reply.company_id, Reply.status)
# The rate limit counts a token's replies in the last hour.
Index("ix_replies_token_id_created_at", Reply.token_id, Reply.created_at)
