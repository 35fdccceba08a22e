"""/search per client address (contract v2), counted in each app server's memory."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.main import create_app
from app.web.rate_limits import WindowCounter

WINDOW = 86_400  # a window boundary never falls inside a test


@pytest.fixture
def proxy(settings: Settings) -> Iterator[TestClient]:
    """The site behind a trusted proxy, three searches a window per client."""
    limited = settings.model_copy(
        update={
            "rate_limit_window_seconds": WINDOW,
            "search_limit_per_address": 3,
            "trusted_proxies": "10.0.0.0/8",
        }
    )
    with TestClient(create_app(limited), client=("10.0.0.2", 40_000)) as client:
        yield client


def search(client: TestClient, forwarded_for: str, q: str = "bolag", **params: str) -> int:
    headers = {"X-Forwarded-For": forwarded_for}
    return client.get("/search", params={"q": q, **params}, headers=headers).status_code


def test_a_search_flood_gets_429_with_retry_after_even_for_one_cached_query(
    proxy: TestClient,
) -> None:
    # The same query thrice: the second and third come from the page cache, and count.
    assert [search(proxy, "203.0.113.1") for _ in range(3)] == [200, 200, 200]
    refused = proxy.get(
        "/search", params={"q": "bolag"}, headers={"X-Forwarded-For": "203.0.113.1"}
    )
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= WINDOW
    assert "För många förfrågningar" in refused.text
    assert refused.headers["Content-Security-Policy"]  # still inside the security headers
    assert "x-request-id" in refused.headers
    english = proxy.get(
        "/search", params={"q": "x", "lang": "en"}, headers={"X-Forwarded-For": "203.0.113.1"}
    )
    assert english.status_code == 429
    assert "Too many requests" in english.text


def test_another_client_address_is_unaffected_by_a_flooded_one(proxy: TestClient) -> None:
    assert [search(proxy, "203.0.113.1", q=str(n)) for n in range(4)][-1] == 429
    assert search(proxy, "203.0.113.2") == 200
    # A client behind the proxy cannot shed its count by forging the header's start.
    assert search(proxy, "6.6.6.6, 203.0.113.1") == 429
    # Other pages and the JSON search are not counted.
    assert proxy.get("/rankings", headers={"X-Forwarded-For": "203.0.113.1"}).status_code == 200
    assert proxy.get("/api/v1/search", params={"q": "x"}).status_code == 200


def test_one_ipv6_block_shares_a_count(proxy: TestClient) -> None:
    assert [search(proxy, f"2001:db8:5:6::{n}") for n in range(1, 5)] == [200, 200, 200, 429]
    assert search(proxy, "2001:db8:5:7::1") == 200


def test_a_new_window_starts_a_new_count() -> None:
    counter = WindowCounter(60)
    assert [counter.hit("a", 120.0 + n)[0] for n in range(3)] == [1, 2, 3]
    assert counter.hit("b", 130.0) == (1, 120)
    assert counter.hit("a", 180.0) == (1, 180)
    assert counter.counts == {"a": 1}  # the last window's keys are gone
