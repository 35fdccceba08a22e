"""A request with a token, counted against its token's and its client address's limits.

One place for the import and reply APIs (``app.api.rate_limits``) and the reply form
(``app.web.reply_form``), which take the token from different parts of the request.
Only live tokens are counted: a missing, unknown or revoked token is answered 401 by
the route, never 429, so a client always learns that its token is wrong.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from app.client_address import client_address, parse_trusted_proxies, rate_key
from app.config import Settings
from app.db import Database
from app.services.rate_limits import Limit, count_request
from app.services.tokens import authenticate


def _limits(settings: Settings, bucket: str) -> tuple[int, int]:
    """(per token, per client address) of ``imports`` or ``replies``."""
    if bucket == "imports":
        return settings.import_limit_per_token, settings.import_limit_per_address
    return settings.reply_limit_per_token, settings.reply_limit_per_address


def count_token_request(
    database: Database,
    settings: Settings,
    scope: Mapping[str, Any],
    secret: str | None,
    bucket: str,
) -> None:
    """Count a request to ``bucket`` made with ``secret``; RateLimitedError past a limit."""
    if not secret:
        return
    with database.read() as session:
        token = authenticate(session, secret)
    if token is None:
        return
    address = client_address(scope, parse_trusted_proxies(settings.trusted_proxies))
    per_token, per_address = _limits(settings, bucket)
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
