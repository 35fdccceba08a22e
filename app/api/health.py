"""``GET /healthz``: 200 when the database answers."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse

from app.db import Database
from app.deps import DatabaseDep
from app.services.health import database_answers

router = APIRouter(tags=["health"])


def _check(database: Database) -> bool:
    try:
        with database.read() as session:
            return database_answers(session)
    except Exception:  # any failure to reach the database means "not healthy"
        return False


@router.get("/healthz")
async def healthz(database: DatabaseDep) -> JSONResponse:
    if await run_in_threadpool(_check, database):
        return JSONResponse({"status": "ok"})
    return JSONResponse({"status": "unavailable"}, status_code=503)
