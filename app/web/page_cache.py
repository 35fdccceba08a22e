"""Answers for a crowd: pages kept per data version, ETags, 304s and cache headers.

Every GET of a page, a CSV or a JSON is keyed by its path, its sorted query, its
language and whether the client takes gzip. The data version (one row that
every committed write advances, ``app.services.data_version``) is read once per
request on a connection kept for that alone; while it is unchanged the rendered
answer is served again from this process's memory, and a client that already
has it gets ``304 Not Modified``. Several app servers on one database agree,
since they all read the same version; no other service is needed.

Downloads that stream (the bulk and company CSVs) get the same ETag and 304
but are never held in memory. Only one request renders a missing page at a
time; the others wait for its answer (no stampede when a list is published).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urlencode

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from app.i18n import choose_language
from app.web.data_version_reader import DataVersionReader

logger = logging.getLogger("shamelist.cache")

CACHE_CONTROL = "public, max-age=60, stale-while-revalidate=600"
IMMUTABLE = "public, max-age=31536000, immutable"
VARY = "Accept-Encoding, Accept-Language"
# Paths that are never cached here: health checks, the write API, static files.
_PASS_PREFIXES = ("/healthz", "/readyz", "/metrics", "/static/", "/api/v1/imports")
# Answers that never change once they exist.
_IMMUTABLE_PREFIXES = ("/api/v1/snapshots/",)
_MAX_BODY = 4 * 1024 * 1024


def _is_immutable(path: str) -> bool:
    """Snapshots and an edition's files never change once they exist."""
    edition_file = path.startswith("/editions/") and path.endswith("/rankings.csv")
    return edition_file or path.startswith(_IMMUTABLE_PREFIXES)


def _is_streamed(path: str) -> bool:
    return path.startswith("/downloads/") or (
        path.startswith("/companies/") and path.endswith(".csv")
    )


def _has_credentials(scope: Scope) -> bool:
    """A request with a token may be answered what others may not see (a company's own
    pending replies): it is never served from, nor kept in, the shared cache."""
    return any(name == b"authorization" for name, _value in scope.get("headers", []))


@dataclass(frozen=True)
class Stored:
    version: int
    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes


class PageCache:
    """A bounded least-recently-used store of rendered answers."""

    def __init__(self, max_bytes: int = 128 * 1024 * 1024) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self.entries: OrderedDict[str, Stored] = OrderedDict()

    def get(self, key: str, version: int) -> Stored | None:
        entry = self.entries.get(key)
        if entry is None or entry.version != version:
            return None
        self.entries.move_to_end(key)
        return entry

    def put(self, key: str, entry: Stored) -> None:
        old = self.entries.pop(key, None)
        if old is not None:
            self.size -= len(old.body)
        self.entries[key] = entry
        self.size += len(entry.body)
        while self.size > self.max_bytes and self.entries:
            _key, dropped = self.entries.popitem(last=False)
            self.size -= len(dropped.body)


def _header(scope: Scope, name: bytes) -> str:
    for key, value in scope.get("headers", []):
        if key == name:
            return str(value.decode("latin-1"))
    return ""


def cache_key(scope: Scope) -> str:
    """Path, sorted query, language and gzip: everything that changes the answer."""
    query = sorted(parse_qsl(scope.get("query_string", b"").decode("latin-1"), True))
    params = dict(query)
    language = choose_language(params.get("lang"), _header(scope, b"accept-language"))
    gzip = "gzip" in _header(scope, b"accept-encoding").lower()
    return f"{scope['path']}?{urlencode(query)}|{language}|{'gz' if gzip else 'id'}"


def _etag(key: str, version: int) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return f'"v{version}-{digest}"'


def _matches(scope: Scope, etag: str) -> bool:
    wanted = _header(scope, b"if-none-match")
    return bool(wanted) and (
        wanted.strip() == "*" or etag in [t.strip() for t in wanted.split(",")]
    )


def _with_cache_headers(headers: list[tuple[bytes, bytes]], etag: str, path: str) -> list[Any]:
    control = IMMUTABLE if _is_immutable(path) else CACHE_CONTROL
    skip = {b"etag", b"cache-control", b"vary", b"content-length"}
    kept = [(k, v) for k, v in headers if k.lower() not in skip]
    return [
        *kept,
        (b"etag", etag.encode()),
        (b"cache-control", control.encode()),
        (b"vary", VARY.encode()),
    ]


async def _send_stored(send: Send, entry: Stored, etag: str, path: str, head: bool) -> None:
    headers = _with_cache_headers(entry.headers, etag, path)
    headers.append((b"content-length", str(len(entry.body)).encode()))
    await send({"type": "http.response.start", "status": entry.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else entry.body})


async def _send_not_modified(send: Send, etag: str, path: str) -> None:
    headers = _with_cache_headers([], etag, path)
    await send({"type": "http.response.start", "status": 304, "headers": headers})
    await send({"type": "http.response.body", "body": b""})


class PageCacheMiddleware:
    """ETag, 304 and stored answers by data version (see the module's docstring)."""

    def __init__(self, app: ASGIApp, cache: PageCache | None = None) -> None:
        self.app = app
        self.cache = cache or PageCache()
        self.rendering: dict[str, asyncio.Future[Stored | None]] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "")
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or path.startswith(_PASS_PREFIXES)
            or _has_credentials(scope)
        ):
            await self.app(scope, receive, send)
            return
        reader: DataVersionReader | None = getattr(scope["app"].state, "data_version", None)
        versions = reader.read() if reader is not None else None
        if versions is None:  # the database does not answer: let the app say so
            await self.app(scope, receive, send)
            return
        # The routes key what they keep by the same versions (app.deps.RankingMemo).
        state = scope.setdefault("state", {})
        state["data_version"], state["figures_version"] = versions
        version = versions.data
        key = cache_key(scope)
        etag = _etag(key, version)
        if _matches(scope, etag):
            await _send_not_modified(send, etag, path)
            return
        if _is_streamed(path):
            await self._pass_with_headers(scope, receive, send, etag)
            return
        entry = await self._entry(scope, receive, key, version)
        if entry is None:  # not storable (an error, a redirect): rendered for this request
            await self._pass_with_headers(scope, receive, send, None)
            return
        await _send_stored(send, entry, etag, path, scope["method"] == "HEAD")

    async def _entry(self, scope: Scope, receive: Receive, key: str, version: int) -> Stored | None:
        entry = self.cache.get(key, version)
        if entry is not None:
            return entry
        pending = self.rendering.get(key)
        if pending is not None:
            return await asyncio.shield(pending)
        future: asyncio.Future[Stored | None] = asyncio.get_running_loop().create_future()
        self.rendering[key] = future
        try:
            entry = await self._render(scope, receive, version)
            if entry is not None:
                self.cache.put(key, entry)
            future.set_result(entry)
            return entry
        except BaseException as error:
            future.set_exception(error)
            future.exception()  # the waiters see it; nobody else needs to
            raise
        finally:
            del self.rendering[key]

    async def _render(self, scope: Scope, receive: Receive, version: int) -> Stored | None:
        """The app's answer, kept whole when it is a 200 of a reasonable size."""
        start: Message = {}
        chunks: list[bytes] = []

        async def collect(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app({**scope, "method": "GET"}, receive, collect)
        body = b"".join(chunks)
        if start.get("status") != 200 or len(body) > _MAX_BODY:
            return None
        return Stored(version, 200, list(start.get("headers", [])), body)

    async def _pass_with_headers(
        self, scope: Scope, receive: Receive, send: Send, etag: str | None
    ) -> None:
        path = scope["path"]

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200 and etag:
                message["headers"] = _with_cache_headers(
                    list(message.get("headers", [])), etag, path
                )
            await send(message)

        await self.app(scope, receive, with_headers)
