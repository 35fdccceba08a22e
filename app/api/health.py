"""``GET /healthz``: 200 when the database answers; ``GET /readyz``: 200 when it also
holds the schema this code expects (a server started before its migration ran, or
after a newer one, is not ready for traffic)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from app.api.models import Health, Readiness
from app.db import Database
from app.deps import DatabaseDep
from app.migrate import head_revision
from app.openapi import answers
from app.services.health import database_answers, schema_revision

router = APIRouter(tags=["health"])


def _check(database: Database) -> bool:
    try:
        with database.read() as session:
            return database_answers(session)
    except Exception:  # any failure to reach the database means "not healthy"
        return False


@router.get(
    "/healthz",
    responses={
        200: {"model": Health, "description": "The database answers"},
        503: {"model": Health, "description": "The database does not answer"},
        **answers(400),
    },
)
async def healthz(database: DatabaseDep) -> JSONResponse:
    if await run_in_threadpool(_check, database):
        return JSONResponse({"status": "ok"})
    return JSONResponse({"status": "unavailable"}, status_code=503)


def _readiness(database: Database) -> tuple[bool, str]:
    try:
        with database.read() as session:
            revision = schema_revision(session)
    except Exception:  # any failure to reach the database, or no schema: not ready
        return False, "the database does not answer, or holds no schema"
    if revision != head_revision():
        return False, f"the schema is at {revision}, the code expects {head_revision()}"
    return True, "ready"


@router.get(
    "/readyz",
    responses={
        200: {"model": Readiness, "description": "Ready for traffic"},
        503: {"model": Readiness, "description": "Not ready: detail says why"},
        **answers(400),
    },
)
async def readyz(database: DatabaseDep) -> JSONResponse:
    ready, reason = await run_in_threadpool(_readiness, database)
    body = {"status": "ready" if ready else "unavailable", "detail": reason}
    return JSONResponse(body, status_code=200 if ready else 503)
