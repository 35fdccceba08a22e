"""Every request logged as one JSON line with a request id, sent back as X-Request-ID.

A request id a proxy already gave (``X-Request-ID``, letters, digits, ``-`` and
``_``, at most 64) is kept, so that one id follows a request through the proxy and
the app; otherwise a new one is made. The line says method, path, status and time,
and the client's address under the trusted-proxy rule (``app.client_address``).
"""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.client_address import TrustedProxies, client_address
from app.web.metrics import CACHED_ROUTE, record

logger = logging.getLogger("shamelist.access")
_GIVEN_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def request_id_of(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id":
            given: str = bytes(value).decode("latin-1")
            if _GIVEN_ID.match(given):
                return given
    return uuid.uuid4().hex


class RequestLogMiddleware:
    def __init__(self, app: ASGIApp, trusted: TrustedProxies | None = None) -> None:
        self.app = app
        self.trusted = trusted or TrustedProxies()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_of(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        started = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
                headers.append((b"x-request-id", request_id.encode("latin-1")))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            fields = {
                "request_id": request_id,
                "client": client_address(scope, self.trusted),
                "method": scope.get("method"),
                "path": scope.get("path"),
                "status": status,
                "duration_ms": round(seconds * 1000, 1),
            }
            logger.info("request", extra={"fields": fields})
            route = getattr(scope.get("route"), "path", None) or CACHED_ROUTE
            record(str(scope.get("method")), route, status, seconds)
