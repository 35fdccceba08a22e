"""The import API: ``POST /api/v1/imports/{kind}`` and ``GET /api/v1/imports/{batch_id}``.

Each kind is a route of its own, so that ``/openapi.json`` gives each its columns; a
batch id is digits only (``{batch_id:int}``), so no address means both a kind and a
batch and ``Allow`` names exactly the methods of each.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Depends, Header, HTTPException, Path, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, Response
from fastapi.security import HTTPAuthorizationCredentials

from app.api.auth import credentials_secret, unauthorized
from app.api.body import receive_body
from app.api.import_docs import import_body
from app.api.models import BatchReport, ImportReport
from app.api.rate_limits import IMPORT_RATE_LIMIT
from app.db import Database
from app.deps import BatchId, DatabaseDep, ReadSessionDep, SettingsDep
from app.imports import run_import
from app.models import ApiToken
from app.openapi import ALWAYS, BEARER, answers
from app.schemas import KINDS
from app.services.ingest import ImportRequest, get_batch_report, snapshot_content
from app.services.tokens import authenticate

router = APIRouter(prefix="/api/v1/imports", tags=["imports"])
snapshots_router = APIRouter(prefix="/api/v1/snapshots", tags=["imports"])
MAX_KEY_LENGTH = 200

Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]
IdempotencyKey = Annotated[
    str | None,
    Header(
        min_length=1,
        max_length=MAX_KEY_LENGTH,
        description="The same key with the same body answers the first answer again",
    ),
]


def _import_token(database: Database, credentials: HTTPAuthorizationCredentials | None) -> ApiToken:
    secret = credentials_secret(credentials)
    if secret is None:
        raise unauthorized("send your API token as 'Authorization: Bearer TOKEN'")
    with database.read() as session:
        token = authenticate(session, secret)
    if token is None:
        raise unauthorized("this token is unknown or revoked")
    if token.scope != "import":
        raise HTTPException(403, detail="this token may not import: it needs the import scope")
    return token


ImportRoute = Callable[..., Awaitable[JSONResponse]]


def _import_route(kind: str) -> ImportRoute:
    async def create_import(
        request: Request,
        database: DatabaseDep,
        settings: SettingsDep,
        credentials: Credentials,
        dry_run: bool = False,
        idempotency_key: IdempotencyKey = None,
    ) -> JSONResponse:
        token = await run_in_threadpool(_import_token, database, credentials)
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
        status = 200 if result.status == "dry_run" else 201
        return JSONResponse(result.report, status_code=status)

    return create_import


_IMPORT_ANSWERS = {
    201: {"model": ImportReport, "description": "Committed"},
    200: {"model": ImportReport, "description": "A dry run: the same report, nothing written"},
    **answers(*ALWAYS, 401, 403, 413, 415, 422, 429),
}

for _kind in KINDS:
    router.add_api_route(
        f"/{_kind}",
        _import_route(_kind),
        methods=["POST"],
        status_code=201,
        response_model=None,
        dependencies=[IMPORT_RATE_LIMIT],
        responses=_IMPORT_ANSWERS,
        openapi_extra={"requestBody": import_body(_kind)},
        name=f"import_{_kind}",
        summary=f"Import {_kind}",
    )

_SNAPSHOT = {
    "description": "The bytes as fetched, always as a download",
    "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}},
}


@snapshots_router.get(
    "/{sha256}", response_class=Response, responses={200: _SNAPSHOT, **answers(*ALWAYS, 404, 422)}
)
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


@router.get(
    "/{batch_id:int}",
    response_model=None,
    responses={200: {"model": BatchReport}, **answers(*ALWAYS, 404, 422)},
)
def import_report(batch_id: BatchId, session: ReadSessionDep) -> JSONResponse:
    report = get_batch_report(session, batch_id)
    if report is None:
        raise HTTPException(404, detail=f"there is no committed import {batch_id}")
    return JSONResponse(report)
