"""The request bodies of ``POST /api/v1/imports/{kind}`` as ``/openapi.json`` shows them:
CSV and JSON, the columns of each kind from the record contract, and an example.

A JSON row's cells may be text or numbers (the import reads each as text), so a
column's schema says what its text may be; what no schema can say (an org number's
check digit, a period that has not begun, a company name already taken by an alias)
stays in the descriptions, and the import answers it with 422 and the row.
"""

from __future__ import annotations

from typing import Any

from app.metrics import COMPLAINT_METRICS
from app.periods import PERIOD_PATTERN
from app.schemas import (
    CHANNELS,
    COLUMNS,
    MAX_EXTERNAL_ID_LENGTH,
    MAX_INT,
    MAX_NAME_LENGTH,
    MAX_SECTOR_NAME_LENGTH,
    MAX_URL_LENGTH,
    OUTCOMES,
)

# A cell may be a number where its text would be right: the import reads it as text.
_NUMBER = {"type": "number"}
_NAME_TEXT = {"type": "string", "minLength": 1, "maxLength": MAX_NAME_LENGTH}
_NAME = {
    "anyOf": [_NAME_TEXT, _NUMBER],
    "description": "A name: no control characters, stored NFC with white space collapsed",
}
_URL = {"type": "string", "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://", "maxLength": MAX_URL_LENGTH}


def _whole(minimum: int) -> dict[str, Any]:
    return {
        "anyOf": [
            {"type": "integer", "minimum": minimum, "maximum": MAX_INT},
            {"type": "string", "pattern": "^[0-9]+$", "description": "digits"},
        ]
    }


def _choice(values: tuple[str, ...]) -> dict[str, Any]:
    return {"type": "string", "enum": list(values)}


_CELLS: dict[str, dict[str, Any]] = {
    "name": _NAME,
    "company": _NAME,
    "org_number": {
        "anyOf": [
            {"type": "string", "pattern": "^ *(16)?[0-9]{2}[2-9][0-9]{3}-?[0-9]{4} *$"},
            {"type": "integer", "minimum": 0},
        ],
        "description": "NNNNNN-NNNN or 10 digits (12 with the prefix 16); the last digit is "
        "the Luhn check digit",
    },
    "sector": {
        "anyOf": [
            {"type": "string", "pattern": "^[a-z0-9-]+$", "maxLength": 64},
            {"type": "integer"},
        ]
    },
    "sector_name": {"anyOf": [{**_NAME_TEXT, "maxLength": MAX_SECTOR_NAME_LENGTH}, _NUMBER]},
    "website": _URL,
    "source_url": _URL,
    "aliases": {
        "anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}, _NUMBER],
        "description": "Other names: separated by |, or a list",
    },
    "metric": _choice(COMPLAINT_METRICS),
    "period": {
        "anyOf": [
            {"type": "string", "pattern": PERIOD_PATTERN},
            {"type": "integer", "minimum": 1900, "maximum": 9999},
        ],
        "description": "YYYY, YYYY-Qn or YYYY-MM that has begun",
    },
    "value": _whole(0),
    "measured_at": {
        "type": "string",
        "format": "date-time",
        "description": "ISO 8601 with a UTC offset, at most a day ahead",
    },
    "channel": _choice(CHANNELS),
    "wait_seconds": _whole(0),
    "outcome": _choice(OUTCOMES),
    "transfers": _whole(0),
    "external_id": {"anyOf": [{"type": "string", "maxLength": MAX_EXTERNAL_ID_LENGTH}, _NUMBER]},
    "year": {
        "anyOf": [
            {"type": "integer", "minimum": 1900, "maximum": 9999},
            {"type": "string", "pattern": "^(19|[2-9][0-9])[0-9]{2}$"},
        ],
        "description": "YYYY, this year at the latest",
    },
    "customers": _whole(1),
}

_EXAMPLES: dict[str, list[dict[str, Any]]] = {
    "companies": [
        {
            "name": "Exempeltele AB",
            "org_number": "556000-0001",
            "sector": "telekom",
            "sector_name": "Telekom",
            "website": "https://exempeltele.example",
            "aliases": "Exempeltele|ET",
        }
    ],
    "complaints": [
        {"company": "Exempeltele AB", "metric": "complaints", "period": "2024", "value": 412}
    ],
    "waits": [
        {
            "company": "Exempeltele AB",
            "measured_at": "2025-03-01T09:15:00+01:00",
            "channel": "phone",
            "wait_seconds": 754,
            "outcome": "answered",
            "external_id": "call-1",
        }
    ],
    "customers": [{"company": "Exempeltele AB", "year": "2024", "customers": 1200000}],
}


_ABSENT = {"anyOf": [{"type": "null"}, {"const": ""}]}


def _row_schema(kind: str) -> dict[str, Any]:
    required, optional = COLUMNS[kind]
    properties = {name: _CELLS[name] for name in required}
    # An optional cell may also be null or empty: the same as leaving it out.
    properties |= {name: {"anyOf": [_CELLS[name], _ABSENT]} for name in optional}
    return {
        "type": "object",
        "properties": properties,
        "required": list(required),
        "additionalProperties": False,
    }


def _csv_example(kind: str) -> str:
    rows = _EXAMPLES[kind]
    header = list(rows[0])
    lines = [",".join(header)] + [",".join(str(row[name]) for name in header) for row in rows]
    return "\r\n".join(lines) + "\r\n"


def import_body(kind: str) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of an import of ``kind``."""
    rows = {"type": "array", "items": _row_schema(kind)}
    json_body = {
        "type": "object",
        "properties": {"rows": rows},
        "required": ["rows"],
        "additionalProperties": False,
    }
    required, optional = COLUMNS[kind]
    columns = ", ".join([*required, *(f"[{name}]" for name in optional)])
    return {
        "required": True,
        "description": f"The rows: CSV with a header row, or JSON. Columns: {columns}.",
        "content": {
            "text/csv": {"schema": {"type": "string"}, "example": _csv_example(kind)},
            "application/json": {"schema": json_body, "example": {"rows": _EXAMPLES[kind]}},
        },
    }
