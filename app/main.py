"""The application factory. Nothing is built at import: ``create_app`` builds it all."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from anyio import to_thread
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.exc import OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from app.api import editions as edition_api
from app.api import health, imports, read, replies
from app.client_address import parse_trusted_proxies
from app.config import Settings
from app.db import Database, PoolSettings
from app.deps import RankingMemo
from app.services.errors import BadQueryError, UnknownNameError
from app.services.rate_limits import RateLimitedError
from app.web import downloads, editions, feeds, findable, metrics, pages
from app.web.allowed_methods import allowed_methods
from app.web.data_version_reader import DataVersionReader
from app.web.errors import error_page, wants_html
from app.web.overload import ConcurrencyLimitMiddleware
from app.web.page_cache import PageCacheMiddleware
from app.web.rate_limits import SearchRateLimitMiddleware, rate_limited_handler
from app.web.request_guards import HeadAsGetMiddleware, RejectNulMiddleware
from app.web.request_log import RequestLogMiddleware
from app.web.security import SECURITY_HEADERS, SecurityHeadersMiddleware
from app.web.site_facts import SiteFactsMemo
from app.web.templating import STATIC_DIR, Templates

logger = logging.getLogger("shamelist")

GZIP_LEVEL = 5
# Objects allocated (less those freed) before the youngest generation is collected.
GC_YOUNG_THRESHOLD = 50_000


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database.from_url(
            settings.database_url,
            sqlite_busy_timeout_seconds=settings.sqlite_busy_timeout_seconds,
            pool=PoolSettings(settings.db_pool_size, settings.db_pool_timeout_seconds),
        )
        app.state.database = database
        app.state.data_version = DataVersionReader(database.engine)
        # As many threads as connections: a request in a thread always finds one soon.
        to_thread.current_default_thread_limiter().total_tokens = settings.db_pool_size
        app.state.templates.compile_all()
        # Everything loaded so far lives as long as the process: frozen, the garbage
        # collector stops walking it each time a ranking's thousands of rows trigger a
        # collection (a fifth of a cold ranking's time at 5,000 companies).
        gc.collect()
        gc.freeze()
        # A ranking makes tens of thousands of short-lived tuples, none in a cycle, and
        # at the default threshold (700) they set off a collection every few hundred
        # rows: a third of a cold ranking's time. Collections stay, only less often.
        gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])
        try:
            yield
        finally:
            app.state.data_version.close()
            database.dispose()

    # FastAPI's own /docs loads Swagger UI from a CDN with inline script, which our
    # Content-Security-Policy forbids; app.web.pages serves a /docs page instead.
    app = FastAPI(
        title=settings.site_name, version="1", lifespan=lifespan, docs_url=None, redoc_url=None
    )
    app.state.settings = settings
    app.state.templates = Templates(settings)
    app.state.rankings = RankingMemo()
    app.state.site_facts = SiteFactsMemo()
    # Added inside out: the last one added sees the request first. A page served from
    # the cache never reaches the concurrency limit; gzip sits inside the cache, which
    # keeps the compressed answer for clients that take it.
    # Level 5, not Starlette's 9: a 400 KB rankings.csv compresses in 5 ms instead of
    # 14, 4 % larger; each answer is compressed once per data version and kept.
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=GZIP_LEVEL)
    app.add_middleware(ConcurrencyLimitMiddleware, limit=settings.max_concurrency)
    app.add_middleware(PageCacheMiddleware)
    # Outside the page cache, so that searches answered from memory count too.
    trusted = parse_trusted_proxies(settings.trusted_proxies)
    app.add_middleware(
        SearchRateLimitMiddleware,
        limit=settings.search_limit_per_address,
        window_seconds=settings.rate_limit_window_seconds,
        trusted=trusted,
    )
    app.add_middleware(RejectNulMiddleware)
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(HeadAsGetMiddleware)
    # Outermost, so that answers from the page cache carry it too: the data is public,
    # and other sites' scripts may read it (GET only; no credentials).
    app.add_middleware(CORSMiddleware, allow_origins=["*"], allow_methods=["GET", "HEAD"])
    # Outermost: every answer, even a 503 or one from the cache, has its request id.
    app.add_middleware(RequestLogMiddleware, trusted=trusted)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")
    app.include_router(imports.router)
    app.include_router(imports.snapshots_router)
    app.include_router(read.router)
    app.include_router(replies.router)
    app.include_router(edition_api.router)
    app.include_router(health.router)
    app.include_router(metrics.router)
    app.include_router(downloads.router)
    app.include_router(editions.router)
    app.include_router(feeds.router)
    app.include_router(findable.router)
    app.include_router(pages.router)
    _add_error_handlers(app)
    app.add_exception_handler(RateLimitedError, rate_limited_handler)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, error: StarletteHTTPException) -> Response:
        if error.status_code == 405:
            allow = {"Allow": allowed_methods(request)}
            error = StarletteHTTPException(405, error.detail, {**(error.headers or {}), **allow})
        if wants_html(request) and error.status_code in (404, 405, 422):
            page = error_page(request, error.status_code, None)
            page.headers.update(error.headers or {})
            return page
        return await http_exception_handler(request, error)

    @app.exception_handler(RequestValidationError)
    async def _bad_request(request: Request, error: RequestValidationError) -> Response:
        if wants_html(request):
            return error_page(request, 422, None)
        errors = [
            {"line": 0, "column": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in error.errors()
        ]
        return JSONResponse({"detail": "the request is not valid", "errors": errors}, 422)

    @app.exception_handler(BadQueryError)
    async def _bad_query(request: Request, error: BadQueryError) -> Response:
        # One place where a query naming something unknown becomes a 422.
        if wants_html(request):
            return error_page(request, 422, error)
        return JSONResponse({"detail": str(error)}, status_code=422)

    @app.exception_handler(UnknownNameError)
    async def _unknown_name(request: Request, error: UnknownNameError) -> Response:
        # A query naming a thing that does not exist (a sector): 404, as a company's.
        if wants_html(request):
            return error_page(request, 404, error)
        return JSONResponse({"detail": str(error)}, status_code=404)

    @app.exception_handler(OperationalError)
    @app.exception_handler(PoolTimeoutError)
    async def _database_busy(_request: Request, error: Exception) -> JSONResponse:
        logger.warning("database error: %s", error)
        return JSONResponse(
            {"detail": "the database is busy or unreachable; try again shortly"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
        logger.exception("unexpected error", exc_info=error)
        # This handler runs outside the middleware stack: add the security headers here.
        return JSONResponse(
            {"detail": "something went wrong on our side"},
            status_code=500,
            headers=SECURITY_HEADERS,
        )
