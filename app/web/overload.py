"""Beyond capacity, answer 503 at once instead of queueing until requests time out.

Each worker lets at most ``limit`` requests into the application at a time
(a cached page answered by ``PageCacheMiddleware`` never counts: it sits
outside). The next one is told to come back (``Retry-After``) in a few
microseconds, rather than waiting for a thread and a database connection and
timing out as a 500 after seconds.
"""

from __future__ import annotations

from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Receive, Scope, Send

RETRY_AFTER_SECONDS = 2
# Health checks are answered however busy the worker is.
_ALWAYS = ("/healthz", "/readyz")


class ConcurrencyLimitMiddleware:
    def __init__(self, app: ASGIApp, limit: int) -> None:
        self.app = app
        self.limit = limit
        self.active = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"] in _ALWAYS:
            await self.app(scope, receive, send)
            return
        if self.active >= self.limit:
            busy = JSONResponse(
                {"detail": "the site is busy; try again in a moment"},
                status_code=503,
                headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
            )
            await busy(scope, receive, send)
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
