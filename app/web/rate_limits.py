"""The 429 answer every rate limit gives, and the limit on ``/search`` per client address.

``/search`` is counted in each worker process's memory, not in the database: it is
the site's busiest form, and a database write per search would cost more than the
search itself. So the limit holds per worker: behind a proxy on several app servers
with several workers each, one address gets at most the limit times the number of
workers in a window. That still stops a script flooding the search, which is the
point; the write APIs, whose limits must hold exactly, count in the database.

The middleware sits outside the page cache, so a search answered from memory counts
as well: a flood of one query is as much a flood as a flood of many.
"""

from __future__ import annotations

import time

from fastapi import Request
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from app.client_address import TrustedProxies, client_address, rate_key
from app.services.rate_limits import Limit, RateLimitedError, refusal, window_start
from app.web.errors import error_page, wants_html

SEARCH_PATHS = ("/search",)


def rate_limited_response(request: Request, error: RateLimitedError) -> Response:
    """429 with ``Retry-After``: the error page for people, ``{"detail"}`` for machines."""
    headers = {"Retry-After": str(error.retry_after)}
    if wants_html(request):
        page = error_page(request, 429, None)
        page.headers.update(headers)
        return page
    return JSONResponse({"detail": error.message}, status_code=429, headers=headers)


async def rate_limited_handler(request: Request, error: Exception) -> Response:
    """The app's handler for RateLimitedError, wherever a limit raises it."""
    assert isinstance(error, RateLimitedError)
    return rate_limited_response(request, error)


class WindowCounter:
    """Requests per key in the current fixed window, in this process only.

    Used from the event loop alone (never from a thread), so it needs no lock. A new
    window drops the last one whole, so memory holds one window's addresses at most.
    """

    def __init__(self, window_seconds: int) -> None:
        self.window_seconds = window_seconds
        self.start = -1
        self.counts: dict[str, int] = {}

    def hit(self, key: str, now: float) -> tuple[int, int]:
        """The key's requests in this window, this one included, and the window's start."""
        start = window_start(now, self.window_seconds)
        if start != self.start:
            self.start, self.counts = start, {}
        hits = self.counts.get(key, 0) + 1
        self.counts[key] = hits
        return hits, start


class SearchRateLimitMiddleware:
    def __init__(
        self, app: ASGIApp, *, limit: int, window_seconds: int, trusted: TrustedProxies
    ) -> None:
        self.app = app
        self.limit = limit
        self.trusted = trusted
        self.counter = WindowCounter(window_seconds)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] not in SEARCH_PATHS:
            await self.app(scope, receive, send)
            return
        address = rate_key(client_address(scope, self.trusted))
        now = time.time()
        hits, start = self.counter.hit(address, now)
        if hits <= self.limit:
            await self.app(scope, receive, send)
            return
        limit = Limit(f"address:{address}", self.limit, "client address")
        error = refusal(limit, self.counter.window_seconds, start, now)
        await rate_limited_response(Request(scope), error)(scope, receive, send)
