"""Rate limits of the import and reply APIs, per token and per client address (contract v2).

A route takes one of them as a dependency (``dependencies=[IMPORT_RATE_LIMIT]``); past
its limit a request raises RateLimitedError, which the app answers 429 with
``Retry-After`` in one place. Only requests with a live token are counted: a missing,
unknown or revoked token is the route's 401, never a 429, so a client always learns
that its token is wrong. ``RATE_LIMITED_RESPONSE`` describes the 429 for OpenAPI.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam

from app.api.auth import bearer_secret
from app.client_address import client_address, parse_trusted_proxies, rate_key
from app.config import Settings
from app.db import Database
from app.deps import DatabaseDep, SettingsDep
from app.services.rate_limits import Limit, count_request
from app.services.tokens import authenticate

RATE_LIMITED_RESPONSE: dict[int | str, dict[str, Any]] = {
    429: {
        "description": "Too many requests from this token or client address in the window",
        "headers": {
            "Retry-After": {
                "description": "Seconds until the window ends and requests are taken again",
                "schema": {"type": "integer", "minimum": 1},
            }
        },
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {"detail": {"type": "string"}},
                    "required": ["detail"],
                }
            }
        },
    }
}


def _count(
    request: Request, database: Database, settings: Settings, bucket: str, limits: tuple[int, int]
) -> None:
    """Count the request against ``limits`` (per token, per client address)."""
    secret = bearer_secret(request.headers.get("authorization"))
    if secret is None:
        return
    with database.read() as session:
        token = authenticate(session, secret)
    if token is None:
        return
    address = client_address(request.scope, parse_trusted_proxies(settings.trusted_proxies))
    per_token, per_address = limits
    counted = [
        Limit(f"token:{token.id}", per_token, "token"),
        Limit(f"address:{rate_key(address)}", per_address, "client address"),
    ]
    # A transaction of its own, committed before the route runs, whatever the route
    # answers. Not a write session: on PostgreSQL that would queue behind every import's
    # advisory lock, and the upsert locks only its own rows. On SQLite its first statement
    # is the write, so it waits for the one writer as any write does.
    with database.read() as session:
        count_request(session, bucket, counted, settings.rate_limit_window_seconds, time.time())


def limit_imports(request: Request, database: DatabaseDep, settings: SettingsDep) -> None:
    limits = (settings.import_limit_per_token, settings.import_limit_per_address)
    _count(request, database, settings, "imports", limits)


def limit_replies(request: Request, database: DatabaseDep, settings: SettingsDep) -> None:
    limits = (settings.reply_limit_per_token, settings.reply_limit_per_address)
    _count(request, database, settings, "replies", limits)


IMPORT_RATE_LIMIT: DependsParam = Depends(limit_imports)
REPLY_RATE_LIMIT: DependsParam = Depends(limit_replies)
