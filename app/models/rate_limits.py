"""Requests counted for the rate limits, one row per limited thing and window."""

from __future__ import annotations

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base, BigNumber


class RateLimitCount(Base):
    """How many requests ``subject`` (``token:ID`` or ``address:IP``) made to ``bucket``
    (``imports``, ``replies``) in the fixed window that began at ``window_start`` (Unix
    seconds). Kept in the database so that every app server counts the same requests;
    rows of past windows are deleted as new windows begin."""

    __tablename__ = "rate_limit_counts"

    bucket: Mapped[str] = mapped_column(String(16), primary_key=True)
    subject: Mapped[str] = mapped_column(String(80), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigNumber, primary_key=True)
    hits: Mapped[int] = mapped_column(Integer)


# Past windows are deleted by their start.
Index("ix_rate_limit_counts_window_start", RateLimitCount.window_start)
