"""The application factory. Nothing is built at import: ``create_app`` builds it all."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import OperationalError

from app.api import health, imports, read
from app.config import Settings
from app.db import Database
from app.web import downloads, pages

logger = logging.getLogger("shamelist")


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        database = Database.from_url(
            settings.database_url, sqlite_busy_timeout_seconds=settings.sqlite_busy_timeout_seconds
        )
        app.state.database = database
        try:
            yield
        finally:
            database.dispose()

    app = FastAPI(title=settings.site_name, version="1", lifespan=lifespan)
    app.state.settings = settings
    app.include_router(imports.router)
    app.include_router(read.router)
    app.include_router(health.router)
    app.include_router(downloads.router)
    app.include_router(pages.router)
    _add_error_handlers(app)
    return app


def _add_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def _bad_request(_request: Request, error: RequestValidationError) -> JSONResponse:
        errors = [
            {"line": 0, "column": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in error.errors()
        ]
        return JSONResponse({"detail": "the request is not valid", "errors": errors}, 422)

    @app.exception_handler(OperationalError)
    async def _database_busy(_request: Request, error: OperationalError) -> JSONResponse:
        logger.warning("database error: %s", error)
        return JSONResponse(
            {"detail": "the database is busy or unreachable; try again shortly"},
            status_code=503,
            headers={"Retry-After": "5"},
        )

    @app.exception_handler(Exception)
    async def _unexpected(_request: Request, error: Exception) -> JSONResponse:
        logger.exception("unexpected error", exc_info=error)
        return JSONResponse({"detail": "something went wrong on our side"}, status_code=500)
