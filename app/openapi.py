"""What ``/openapi.json`` says about answers that many routes share: the one error body,
what each error status means, the CSV answer and the bearer scheme.

Routes look these up (``responses=answers(...)``) rather than describing an error
again; the API and the downloads both document themselves from here, which is why
this sits below both of them.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path
from fastapi.security import HTTPBearer
from pydantic import BaseModel, Field


class RowProblem(BaseModel):
    """One problem with an import's rows, or with the request's query or path."""

    line: int = Field(description="The line of the file (header = 1); 0 for the request")
    column: str = Field(description="The column, or the request field; empty for a whole row")
    message: str


class FieldProblem(BaseModel):
    """One problem with a field of a reply."""

    field: str
    message: str


class ErrorBody(BaseModel):
    """Every error the API answers in JSON: what is wrong and, where there is a list of
    problems (rows of an import, fields of a reply or of the query), each of them."""

    detail: str
    errors: list[RowProblem | FieldProblem] = Field(
        default_factory=list, description="Present when there are problems to list"
    )


_MEANINGS = {
    304: "Not Modified: the ETag sent in If-None-Match still holds",
    400: "The address holds a NUL character",
    401: "No token, or an unknown or revoked one",
    403: "The token may not do this",
    404: "There is no such thing",
    413: "The body is larger than the configured limit",
    415: "The body is neither text/csv nor application/json",
    422: "The request is not valid: detail says why, errors lists each problem",
    429: "Too many requests: wait Retry-After seconds",
    503: "Busy, or the database is unreachable: try again after Retry-After seconds",
}
_SECONDS = {"schema": {"type": "integer", "minimum": 0}, "required": True}
_HEADERS: dict[int, dict[str, Any]] = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}, "required": True}},
    429: {"Retry-After": {**_SECONDS, "description": "Seconds to wait"}},
    503: {"Retry-After": {**_SECONDS, "description": "Seconds to wait"}},
}
# The NUL guard answers before any route, in plain text (app.web.request_guards).
_PLAIN_TEXT = {"text/plain": {"schema": {"type": "string"}}}

# Free text in an address: anything but NUL, which the NUL guard answers 400 before
# any route (so a schema that allowed it would promise what no route answers).
NO_NUL = "^[^\\x00]*$"
# A slug in a path: a company's, or an old one that leads to it (else 404).
# The example is the demo data's first company, so a run against the demo finds it.
SlugPath = Annotated[
    str, Path(pattern=NO_NUL, description="A company's slug", examples=["exempeltele"])
]

# Every route may answer these: a NUL in the address, and a busy site or database.
ALWAYS = (400, 503)
# Every cacheable GET may answer a matching If-None-Match with 304.
CACHED = (304, *ALWAYS)


def answers(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The documented answers for ``statuses``, each with the error body it carries."""
    documented: dict[int | str, dict[str, Any]] = {}
    for status in sorted(set(statuses)):
        answer: dict[str, Any] = {"description": _MEANINGS[status]}
        if status == 400:
            answer["content"] = _PLAIN_TEXT
        elif status != 304:
            answer["model"] = ErrorBody
        if status in _HEADERS:
            answer["headers"] = _HEADERS[status]
        documented[status] = answer
    return documented


CSV_MEDIA_TYPE = "text/csv"
CSV_ANSWER: dict[str, Any] = {
    "description": "A CSV file: UTF-8 with a BOM, CRLF line ends, a header row",
    "content": {CSV_MEDIA_TYPE: {"schema": {"type": "string"}}},
}

# The import and reply tokens: ``Authorization: Bearer TOKEN``. Not an automatic error:
# each route says itself what a missing token means (401, or less to see).
BEARER = HTTPBearer(
    scheme_name="bearer",
    description="An API token from `shamelist token create` (import or reply scope)",
    auto_error=False,
)
