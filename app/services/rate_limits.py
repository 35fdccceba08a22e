"""Rate limits in fixed windows (contract v2): a request past its limit is refused with
the seconds until its window ends.

The import and reply APIs count in the database (``rate_limit_counts``), one upsert
per limit, so that several app servers on one database share each count without any
other service. Fixed windows rather than sliding ones: one row per subject and
window, one statement per request, and a ``Retry-After`` that is exact.

Written here rather than taken from a library: the well-kept ones (``limits``, and
``slowapi`` on top of it) keep their counts in memory, Redis, Memcached or MongoDB,
never in the SQL database the app servers already share.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from sqlalchemy import Executable, delete, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from app.models import RateLimitCount


@dataclass(frozen=True)
class Limit:
    """At most ``requests`` a window for ``subject`` (``token:12``, ``address:192.0.2.1``);
    ``per`` says what is counted, for the message (``token``, ``client address``)."""

    subject: str
    requests: int
    per: str


class RateLimitedError(Exception):
    """A request past its limit: 429 with ``Retry-After: retry_after`` (seconds)."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


def window_start(now: float, window_seconds: int) -> int:
    """The start of the window ``now`` falls in; windows are aligned to the epoch, so
    every app server puts a request in the same window."""
    return int(now // window_seconds) * window_seconds


def refusal(limit: Limit, window_seconds: int, start: int, now: float) -> RateLimitedError:
    """The one 429 every limit gives: what was passed, and when to come back."""
    retry_after = max(1, math.ceil(start + window_seconds - now))
    message = (
        f"too many requests: at most {limit.requests} in {window_seconds} seconds"
        f" per {limit.per}; try again in {retry_after} seconds"
    )
    return RateLimitedError(message, retry_after)


def count_request(
    session: Session, bucket: str, limits: Sequence[Limit], window_seconds: int, now: float
) -> None:
    """Count one request to ``bucket`` against each limit; RateLimitedError past any.

    The caller's transaction rolls back with the error, so a refused request counts
    nowhere: one token's flood does not use up its address's allowance for the others.
    """
    start = window_start(now, window_seconds)
    if session.get_bind().dialect.name == "postgresql":
        # A count is not a figure: losing the last moment's counts in a crash costs
        # nothing, and not waiting for the disk at commit saves most of the time.
        session.execute(text("SET LOCAL synchronous_commit = off"))
    passed = None
    for limit in limits:
        hits = _add_hit(session, bucket, limit.subject[:80], start)
        if hits == 1:  # the first request of a window: forget windows long gone
            _forget_before(session, start - window_seconds)
        if hits > limit.requests and passed is None:
            passed = limit
    if passed is not None:
        raise refusal(passed, window_seconds, start, now)


def _add_hit(session: Session, bucket: str, subject: str, start: int) -> int:
    row = {"bucket": bucket, "subject": subject, "window_start": start}
    hits: int = session.execute(_upsert_hit(session.get_bind().dialect.name), row).scalar_one()
    return hits


@cache
def _upsert_hit(dialect: str) -> Executable:
    """One statement that adds a request and says how many there are now. On PostgreSQL
    it locks only its own row, so servers counting different subjects never wait."""
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = RateLimitCount.metadata.tables[RateLimitCount.__tablename__]
    statement = insert(table).values(hits=1)
    return statement.on_conflict_do_update(
        index_elements=["bucket", "subject", "window_start"],
        set_={"hits": table.c.hits + 1},
    ).returning(table.c.hits)


def _forget_before(session: Session, start: int) -> None:
    # The window before the current one is kept: app servers whose clocks differ by
    # less than a window never delete a count another server is still adding to.
    session.execute(delete(RateLimitCount).where(RateLimitCount.window_start < start))
