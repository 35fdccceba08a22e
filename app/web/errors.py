"""Friendly HTML error pages for people; the API keeps its JSON error bodies."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.web.templating import get_templates

_MACHINE_PREFIXES = ("/api/", "/openapi.json", "/healthz")
_MACHINE_SUFFIXES = (".csv", ".json")


def wants_html(request: Request) -> bool:
    """False for API paths and downloads: their errors stay JSON."""
    path = request.url.path
    return not (path.startswith(_MACHINE_PREFIXES) or path.endswith(_MACHINE_SUFFIXES))


def error_page(request: Request, status_code: int, message: str | None = None) -> HTMLResponse:
    """The error page for ``status_code`` (404, 422 or anything else), in the page's language."""
    return get_templates(request).render(
        request, "errors/error.html", {"status_code": status_code, "message": message}, status_code
    )
