"""The import API: ``POST /api/v1/imports/{kind}`` and ``GET /api/v1/imports/{batch_id}``."""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Header, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response

from app.api.auth import bearer_secret, unauthorized
from app.api.body import receive_body
from app.api.rate_limits import IMPORT_RATE_LIMIT
from app.db import Database
from app.deps import BatchId, DatabaseDep, ReadSessionDep, SettingsDep
from app.imports import run_import
from app.models import ApiToken
from app.schemas import KINDS
from app.services.ingest import ImportRequest, get_batch_report, snapshot_content
from app.services.tokens import authenticate

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])
snapshots_router = APIRouter(prefix="/api/v1/snapshots", tags=["imports"])
MAX_KEY_LENGTH = 200


def _import_token(database: Database, authorization: str | None) -> ApiToken:
    secret = bearer_secret(authorization)
    if secret is None:
        raise unauthorized("send your API token as 'Authorization: Bearer TOKEN'")
    with database.read() as session:
        token = authenticate(session, secret)
    if token is None:
        raise unauthorized("this token is unknown or revoked")
    if token.scope != "import":
        raise HTTPException(403, detail="this token may not import: it needs the import scope")
    return token


@router.post("/{kind}", status_code=201, response_model=None, dependencies=[IMPORT_RATE_LIMIT])
async def create_import(
    kind: str,
    request: Request,
    database: DatabaseDep,
    settings: SettingsDep,
    dry_run: bool = False,
    authorization: Annotated[str | None, Header()] = None,
    idempotency_key: Annotated[str | None, Header()] = None,
) -> JSONResponse | dict[str, Any]:
    if kind not in KINDS:
        raise HTTPException(404, detail=f"unknown kind {kind!r}; use one of {', '.join(KINDS)}")
    token = await run_in_threadpool(_import_token, database, authorization)
    if idempotency_key is not None and not 0 < len(idempotency_key) <= MAX_KEY_LENGTH:
        return _unprocessable(f"an Idempotency-Key has 1 to {MAX_KEY_LENGTH} characters")
    body = await receive_body(request, settings.max_body_bytes)
    import_request = ImportRequest(
        kind=kind,
        source_id=token.source_id,
        body=body.file,
        format=body.format,
        origin="api",
        token_id=token.id,
        idempotency_key=idempotency_key,
        body_sha256=body.sha256,
        dry_run=dry_run,
    )
    try:
        result = await run_in_threadpool(run_import, database, import_request)
    finally:
        body.file.close()
    if not result.accepted:
        return JSONResponse(result.error_body(), status_code=422)
    return JSONResponse(result.report, status_code=200 if result.status == "dry_run" else 201)


def _unprocessable(message: str) -> JSONResponse:
    return JSONResponse({"detail": message, "errors": []}, status_code=422)


@snapshots_router.get("/{sha256}")
def snapshot_bytes(
    sha256: Annotated[str, Path(pattern="^[0-9a-f]{64}$")], session: ReadSessionDep
) -> Response:
    """The exact bytes a scraper fetched, as evidence: always a download, never rendered."""
    found = snapshot_content(session, sha256)
    if found is None:
        raise HTTPException(404, detail=f"there is no snapshot {sha256}")
    info, body = found
    headers = {
        "Content-Disposition": f'attachment; filename="{sha256}"',
        "X-Snapshot-Url": quote(info.url, safe=":/?&=%#"),
        "X-Snapshot-Content-Type": info.content_type.encode("ascii", "replace").decode(),
        "X-Snapshot-Fetched-At": info.fetched_at.isoformat(),
    }
    return Response(body, media_type="application/octet-stream", headers=headers)


@router.get("/{batch_id}")
def import_report(batch_id: BatchId, session: ReadSessionDep) -> dict[str, Any]:
    report = get_batch_report(session, batch_id)
    if report is None:
        raise HTTPException(404, detail=f"there is no committed import {batch_id}")
    return report
