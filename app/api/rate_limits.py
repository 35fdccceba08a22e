"""Rate limits of the import and reply APIs, per token and per client address (contract v2).

A route takes one of them as a dependency (``dependencies=[IMPORT_RATE_LIMIT]``); past
its limit a request raises RateLimitedError, which the app answers 429 with
``Retry-After`` in one place. Only live tokens are counted (``app.token_limits``).
``app.openapi.answers(429)`` describes the 429 for OpenAPI.
"""

from __future__ import annotations

from fastapi import Depends, Request
from fastapi.params import Depends as DependsParam

from app.api.auth import bearer_secret
from app.deps import DatabaseDep, SettingsDep
from app.token_limits import count_token_request


def limit_imports(request: Request, database: DatabaseDep, settings: SettingsDep) -> None:
    secret = bearer_secret(request.headers.get("authorization"))
    count_token_request(database, settings, request.scope, secret, "imports")


def limit_replies(request: Request, database: DatabaseDep, settings: SettingsDep) -> None:
    secret = bearer_secret(request.headers.get("authorization"))
    count_token_request(database, settings, request.scope, secret, "replies")


IMPORT_RATE_LIMIT: DependsParam = Depends(limit_imports)
REPLY_RATE_LIMIT: DependsParam = Depends(limit_replies)
