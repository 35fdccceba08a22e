"""The site's own address, as readers reach it."""

from __future__ import annotations

from fastapi import Request

from app.config import Settings


def public_base(request: Request, settings: Settings) -> str:
    """The configured public address (behind a proxy), else the request's own."""
    return (settings.public_url or str(request.base_url)).rstrip("/")
