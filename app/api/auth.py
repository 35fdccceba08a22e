"""The bearer token of a request, read the same way by every API route that takes one."""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.security import HTTPAuthorizationCredentials


def unauthorized(message: str) -> HTTPException:
    return HTTPException(401, detail=message, headers={"WWW-Authenticate": "Bearer"})


def bearer_secret(authorization: str | None) -> str | None:
    """The secret of ``Authorization: Bearer SECRET``; None when there is none."""
    scheme, _, secret = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        return None
    return secret.strip()


def credentials_secret(credentials: HTTPAuthorizationCredentials | None) -> str | None:
    """The secret the bearer scheme (``app.openapi.BEARER``) read; None when there is none."""
    if credentials is None or not credentials.credentials.strip():
        return None
    return credentials.credentials.strip()
