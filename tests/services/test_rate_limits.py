"""Counting requests in the database: fixed windows, exact Retry-After, old windows
forgotten, a refused request counted nowhere."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select

from app.db import Database
from app.models import RateLimitCount
from app.services.rate_limits import Limit, RateLimitedError, count_request

TOKEN = Limit("token:1", 2, "token")
ADDRESS = Limit("address:192.0.2.1", 3, "client address")


def count(database: Database, now: float, *limits: Limit) -> None:
    with database.read() as session:
        count_request(session, "imports", limits or (TOKEN, ADDRESS), 60, now)


def hits(database: Database) -> dict[tuple[str, int], int]:
    with database.read() as session:
        rows = session.execute(select(RateLimitCount)).scalars()
        return {(row.subject, row.window_start): row.hits for row in rows}


def test_past_the_limit_retry_after_is_the_seconds_left_in_the_window(database: Database) -> None:
    count(database, 1_000_000_020.0)
    count(database, 1_000_000_030.0)
    with pytest.raises(RateLimitedError, match="at most 2 in 60 seconds per token") as refused:
        count(database, 1_000_000_049.5)
    # The window began at 1,000,000,020 (a multiple of 60): 30.5 seconds are left.
    assert refused.value.retry_after == 31
    # Refused, it counted nowhere: the address has made two requests, not three.
    assert hits(database) == {
        ("token:1", 1_000_000_020): 2,
        ("address:192.0.2.1", 1_000_000_020): 2,
    }


def test_the_next_window_starts_afresh_and_windows_long_gone_are_forgotten(
    database: Database,
) -> None:
    count(database, 1_000_000_020.0)
    count(database, 1_000_000_021.0)
    count(database, 1_000_000_080.0)  # the next window
    assert hits(database)[("token:1", 1_000_000_080)] == 1
    assert ("token:1", 1_000_000_020) in hits(database)  # the window before is kept
    count(database, 1_000_000_140.0)
    assert set(hits(database)) == {
        ("token:1", 1_000_000_080),
        ("address:192.0.2.1", 1_000_000_080),
        ("token:1", 1_000_000_140),
        ("address:192.0.2.1", 1_000_000_140),
    }


def test_the_address_limit_holds_across_subjects_and_says_so(database: Database) -> None:
    for n in range(3):
        count(database, 1_000_000_020.0 + n, Limit(f"token:{n}", 5, "token"), ADDRESS)
    with pytest.raises(RateLimitedError, match="per client address"):
        count(database, 1_000_000_030.0, Limit("token:9", 5, "token"), ADDRESS)


def test_requests_counted_at_once_from_many_connections_let_exactly_the_limit_through(
    database: Database,
) -> None:
    limit = Limit("token:1", 10, "token")

    def one(_n: int) -> bool:
        try:
            count(database, 1_000_000_020.0, limit)
        except RateLimitedError:
            return False
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        passed = list(pool.map(one, range(40)))
    assert passed.count(True) == 10
    assert hits(database) == {("token:1", 1_000_000_020): 10}
