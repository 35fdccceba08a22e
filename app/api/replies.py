"""Right of reply through the API: ``/api/v1/companies/{slug}/replies``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import JSONResponse
from fastapi.security import HTTPAuthorizationCredentials
from sqlalchemy.orm import Session

from app.api.auth import credentials_secret, unauthorized
from app.api.models import CompanyReplies, Reply
from app.api.rate_limits import REPLY_RATE_LIMIT
from app.deps import DatabaseDep
from app.metrics import METRIC_SLUGS
from app.models import ApiToken, Company
from app.openapi import ALWAYS, BEARER, CACHED, SlugPath, answers
from app.periods import PERIOD_PATTERN
from app.services.companies import company_by_slug
from app.services.replies import (
    MAX_REPLY_LENGTH,
    REPLY_KINDS,
    ReplyInvalid,
    ReplyRefused,
    check_token_speaks_for,
    company_replies,
    create_reply,
    parse_reply,
    reply_json,
)
from app.services.tokens import authenticate

router = APIRouter(prefix="/api/v1/companies", tags=["replies"])
MAX_REPLY_BODY = 64 * 1024

Credentials = Annotated[HTTPAuthorizationCredentials | None, Depends(BEARER)]

_REPLY_BODY = {
    "required": True,
    "content": {
        "application/json": {
            "schema": {
                "type": "object",
                "properties": {
                    "metric": {"type": "string", "enum": list(METRIC_SLUGS)},
                    "period": {"type": "string", "pattern": PERIOD_PATTERN},
                    "kind": {"type": "string", "enum": list(REPLY_KINDS)},
                    "text": {
                        "type": "string",
                        "minLength": 1,
                        "maxLength": MAX_REPLY_LENGTH,
                        # Something to say, and no control characters but line breaks.
                        "pattern": "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f]*$",
                        "description": "Plain text: line breaks, no other control characters",
                    },
                },
                "required": ["metric", "period", "kind", "text"],
                "additionalProperties": False,
            },
            "example": {
                "metric": "complaints",
                "period": "2024",
                "kind": "reply",
                "text": "Vi bytte kundtjänstsystem under våren och svarar nu inom två dagar.",
            },
        }
    },
}


def refused(error: ReplyRefused) -> JSONResponse:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    if error.status == 401:
        headers = {"WWW-Authenticate": "Bearer"}
    return JSONResponse({"detail": error.message}, status_code=error.status, headers=headers)


def invalid(error: ReplyInvalid) -> JSONResponse:
    errors = [{"field": e.field, "message": e.message} for e in error.errors]
    return JSONResponse({"detail": "the reply is not valid", "errors": errors}, status_code=422)


def _company(session: Session, slug: str) -> Company:
    company = company_by_slug(session, slug)
    if company is None:
        raise HTTPException(404, detail=f"no company has the slug {slug!r}")
    return company


def _token(session: Session, credentials: HTTPAuthorizationCredentials | None) -> ApiToken | None:
    secret = credentials_secret(credentials)
    if secret is None:
        return None
    token = authenticate(session, secret)
    if token is None:
        raise unauthorized("this token is unknown or revoked")
    return token


@router.post(
    "/{slug}/replies",
    status_code=201,
    response_model=None,
    dependencies=[REPLY_RATE_LIMIT],
    responses={201: {"model": Reply}, **answers(*ALWAYS, 401, 403, 404, 413, 422, 429)},
    openapi_extra={"requestBody": _REPLY_BODY},
)
async def post_reply(
    slug: SlugPath, request: Request, database: DatabaseDep, credentials: Credentials
) -> JSONResponse:
    """A reply or dispute bound to one of the company's figures; pending until moderated."""
    body = await request.body()
    if len(body) > MAX_REPLY_BODY:
        raise HTTPException(413, detail=f"a reply body is at most {MAX_REPLY_BODY} bytes")
    try:
        fields: Any = await request.json() if body else None
    except ValueError:
        fields = None
    with database.write() as session:
        token = _token(session, credentials)
        company = _company(session, slug)
        try:
            speaker = check_token_speaks_for(token, company)
            reply = create_reply(session, speaker, company, parse_reply(fields))
        except ReplyRefused as error:
            return refused(error)
        except ReplyInvalid as error:
            return invalid(error)
        answer = reply_json(reply)
    return JSONResponse(answer, status_code=201)


@router.get(
    "/{slug}/replies",
    response_model=None,
    responses={200: {"model": CompanyReplies}, **answers(*CACHED, 401, 403, 404, 422)},
    # The token is optional: without one, the published replies.
    openapi_extra={"security": [{}]},
)
def list_replies(slug: SlugPath, database: DatabaseDep, credentials: Credentials) -> JSONResponse:
    """The published replies; with the company's own reply token, its pending and
    rejected ones too, with the reason."""
    with database.read() as session:
        token = _token(session, credentials)
        company = _company(session, slug)
        own = token is not None
        if own:
            try:
                check_token_speaks_for(token, company)
            except ReplyRefused as error:
                return refused(error)
        replies = [reply_json(r, own=own) for r in company_replies(session, company.id, own=own)]
    return JSONResponse({"company": company.slug, "replies": replies})
