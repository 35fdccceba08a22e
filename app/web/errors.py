"""Friendly HTML error pages for people; the API keeps its JSON error bodies."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse

from app.services.errors import QueryWordError
from app.web.templating import get_templates

_MACHINE_PREFIXES = ("/api/", "/openapi.json", "/healthz")
_MACHINE_SUFFIXES = (".csv", ".json")


@dataclass(frozen=True)
class Detail:
    """What was wrong, for errors/error.html to say in the page's language: ``what`` picks
    the sentence there (so that the catalogs translate it), ``word`` and ``choices`` fill
    it in. The API's English detail is the error's message and stays as it is."""

    what: str
    word: str = ""
    choices: tuple[str, ...] = ()


def wants_html(request: Request) -> bool:
    """False for API paths and downloads: their errors stay JSON."""
    path = request.url.path
    return not (path.startswith(_MACHINE_PREFIXES) or path.endswith(_MACHINE_SUFFIXES))


def error_page(
    request: Request, status_code: int, detail: Detail | QueryWordError | str | None = None
) -> HTMLResponse:
    """The error page for ``status_code`` (404, 422 or anything else), in the page's
    language. A plain string is shown as given (in English); a ``Detail`` or a query's
    error is said in the page's language."""
    if isinstance(detail, QueryWordError):
        detail = Detail(detail.what, detail.word, detail.choices)
    context = {
        "status_code": status_code,
        "detail": detail if isinstance(detail, Detail) else None,
        "message": detail if isinstance(detail, str) else None,
    }
    return get_templates(request).render(request, "errors/error.html", context, status_code)
