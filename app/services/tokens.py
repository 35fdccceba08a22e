"""API tokens. Only a token's SHA-256 is stored: a leaked database leaks no token."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from app.models import ApiToken
from app.models.base import utcnow
from app.services.companies import company_by_slug
from app.services.sources import get_or_create_source

SCOPES = ("import", "reply")
TOKEN_PREFIX = "shl_"  # noqa: S105 (a marker that makes leaked tokens easy to scan for)


def hash_token(raw: str) -> str:
    # Tokens carry 256 random bits, so a plain hash cannot be guessed backwards.
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def create_token(
    session: Session, *, name: str, source_slug: str, scope: str, company_slug: str | None = None
) -> tuple[ApiToken, str]:
    """A new token and its secret, which is shown once and never stored."""
    if scope not in SCOPES:
        raise ValueError(f"scope must be one of {', '.join(SCOPES)}")
    if not name.strip():
        raise ValueError("a token needs a --name that says who holds it")
    company_id = None
    if company_slug is not None:
        company = company_by_slug(session, company_slug)
        if company is None:
            raise ValueError(f"no company has the slug {company_slug!r}")
        company_id = company.id
    elif scope == "reply":
        raise ValueError("a reply token speaks for one company: give --company SLUG")
    source = get_or_create_source(session, source_slug)
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        name=name.strip(),
        prefix=raw[: len(TOKEN_PREFIX) + 6],
        token_hash=hash_token(raw),
        scope=scope,
        source_id=source.id,
        company_id=company_id,
    )
    session.add(token)
    session.flush()
    return token, raw


def revoke_token(session: Session, token_id: int) -> ApiToken:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise ValueError(f"there is no token with id {token_id}")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def authenticate(session: Session, raw: str) -> ApiToken | None:
    """The live token for a secret, or None for an unknown or revoked one."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(raw)))
    if token is None or token.revoked_at is not None:
        return None
    return token


def touch_token(session: Session, token_id: int, when: datetime | None = None) -> None:
    session.execute(
        update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=when or utcnow())
    )
