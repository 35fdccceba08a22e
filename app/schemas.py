"""The record contract: what one import row may say, validated field by field.

The import API, the CLI import and the scrapers all hand rows to the ingest
service as plain ``{column: text}`` mappings; ``parse_row`` turns one into a
typed record or into the list of everything wrong with it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from typing import Any

from app.names import clean_display_name, parse_org_number
from app.names import normalize_company_name as normalize_company_name  # part of the contract
from app.periods import Period

KINDS = ("companies", "complaints", "waits", "customers")
COMPLAINT_METRICS = ("complaints", "arn_cases", "arn_unfollowed")
CHANNELS = ("phone", "chat", "email")
OUTCOMES = ("answered", "abandoned", "announced")
MEASURED_OUTCOMES = ("answered", "abandoned")
# The largest figure (contract v2): a signed 64-bit integer, what both databases store.
MAX_INT = 2**63 - 1
MAX_NAME_LENGTH = 300
MAX_SECTOR_NAME_LENGTH = 200
MAX_URL_LENGTH = 1000
MAX_EXTERNAL_ID_LENGTH = 200

# Column sets per kind: (required, optional).
COLUMNS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "companies": (("name",), ("org_number", "sector", "sector_name", "website", "aliases")),
    "complaints": (("company", "metric", "period", "value"), ("org_number", "source_url")),
    "waits": (
        ("company", "measured_at", "channel", "wait_seconds", "outcome"),
        ("org_number", "transfers", "external_id", "source_url"),
    ),
    "customers": (("company", "year", "customers"), ("org_number",)),
}

_SECTOR = re.compile(r"^[a-z0-9-]+$")
_INTEGER = re.compile(r"^[0-9]+$")
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")
_CONTROL = re.compile("[\x00-\x1f]")


@dataclass(frozen=True)
class FieldError:
    column: str
    message: str


@dataclass(frozen=True)
class CompanyRecord:
    name: str
    org_number: str | None = None
    sector: str | None = None
    sector_name: str | None = None
    website: str | None = None
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class ComplaintRecord:
    company: str
    org_number: str | None
    metric: str
    period: Period
    value: int
    source_url: str | None = None


@dataclass(frozen=True)
class WaitRecord:
    company: str
    org_number: str | None
    measured_at: datetime
    channel: str
    wait_seconds: int
    outcome: str
    transfers: int | None = None
    external_id: str | None = None
    source_url: str | None = None


@dataclass(frozen=True)
class CustomerRecord:
    company: str
    org_number: str | None
    year: int
    customers: int


Record = CompanyRecord | ComplaintRecord | WaitRecord | CustomerRecord


def check_columns(kind: str, header: list[str]) -> list[FieldError]:
    """Everything wrong with a header: unknown, repeated and missing columns."""
    required, optional = COLUMNS[kind]
    known = set(required) | set(optional)
    errors = [
        FieldError(name, f"unknown column {name!r}; {kind} take: {', '.join(required + optional)}")
        for name in header
        if name not in known
    ]
    seen: set[str] = set()
    for name in header:
        if name in seen:
            errors.append(FieldError(name, f"column {name!r} appears twice"))
        seen.add(name)
    errors += [
        FieldError(name, f"required column {name!r} is missing")
        for name in required
        if name not in header
    ]
    return errors


class _Fields:
    """Reads one row's cells, collecting an error per bad field instead of stopping."""

    def __init__(self, cells: Mapping[str, str | None]) -> None:
        self.cells = cells
        self.errors: list[FieldError] = []

    def take(self, column: str, parse: Callable[[str], Any], required: bool = False) -> Any:
        """The field parsed, or None (and an error when it is wrong or required)."""
        raw = self.cells.get(column)
        text = raw.strip() if raw else ""
        if not text:
            if required:
                self.errors.append(FieldError(column, f"{column} is required"))
            return None
        # Text no database should be asked to keep: NUL, lone surrogates (neither is
        # printable, and asking that of a field costs less than searching it).
        if not text.isprintable() and _UNSTORABLE.search(text) is not None:
            self.errors.append(FieldError(column, f"{column} holds a NUL or an invalid character"))
            return None
        try:
            return parse(text)
        except ValueError as error:
            self.errors.append(FieldError(column, str(error)))
            return None


# Cached: an import names the same few thousand companies on a million rows. A name
# that is refused raises, and a raise is never cached.
@lru_cache(maxsize=16_384)
def _name(text: str) -> str:
    if any(ord(ch) < 32 and ch not in "\t" for ch in text):
        raise ValueError("a name may not hold control characters or line breaks")
    cleaned = clean_display_name(text)
    if not cleaned:
        raise ValueError("a name needs at least one visible character")
    if len(cleaned) > MAX_NAME_LENGTH:
        raise ValueError(f"a name may be at most {MAX_NAME_LENGTH} characters")
    return cleaned


# Each field's parser is built once per bound (and per batch for the dated ones), not
# once per row: at a million rows building them cost as much as the checks.
@lru_cache(maxsize=16)
def _integer(minimum: int, maximum: int = MAX_INT) -> Callable[[str], int]:
    width = len(str(maximum))

    def parse(text: str) -> int:
        if not _INTEGER.match(text):
            raise ValueError(f"must be a whole number of at least {minimum}, not {text!r}")
        # Too many digits is too large before Python is asked to convert them (it refuses
        # thousands of digits with a message about its own settings).
        digits = text.lstrip("0") or "0"
        value = int(digits) if len(digits) <= width else maximum + 1
        if value > maximum:
            raise ValueError(f"must be at most {maximum}")
        if value < minimum:
            raise ValueError(f"must be a whole number of at least {minimum}, not {text!r}")
        return value

    return parse


@lru_cache(maxsize=16)
def _choice(options: tuple[str, ...]) -> Callable[[str], str]:
    def parse(text: str) -> str:
        if text not in options:
            raise ValueError(f"must be one of {', '.join(options)}, not {text!r}")
        return text

    return parse


def _url(text: str) -> str:
    if not text.lower().startswith(("http://", "https://")) or len(text) > MAX_URL_LENGTH:
        raise ValueError(f"must be an http(s) URL of at most {MAX_URL_LENGTH} characters")
    if any(ch.isspace() or ord(ch) < 32 for ch in text):
        raise ValueError("a URL may not hold spaces or control characters")
    return text


def _sector(text: str) -> str:
    if not _SECTOR.match(text) or len(text) > 64:
        raise ValueError(f"sector must be a slug of a-z, 0-9 and '-', not {text!r}")
    return text


def _sector_name(text: str) -> str:
    name = _name(text)
    if len(name) > MAX_SECTOR_NAME_LENGTH:
        raise ValueError(f"a sector name may be at most {MAX_SECTOR_NAME_LENGTH} characters")
    return name


def _aliases(text: str) -> tuple[str, ...]:
    return tuple(_name(part) for part in text.split("|") if part.strip())


@lru_cache(maxsize=16)
def _period(today: date) -> Callable[[str], Period]:
    # Cached per text: a file of monthly counts names the same few hundred periods on
    # every row, and parsing one cost nearly as much as all the other fields of its row.
    @lru_cache(maxsize=4_096)
    def parse(text: str) -> Period:
        period = Period.parse(text)
        if period.start() > today:
            raise ValueError(f"period {text} has not begun yet")
        return period

    return parse


@lru_cache(maxsize=16)
def _year(today: date) -> Callable[[str], int]:
    def parse(text: str) -> int:
        if not re.match(r"^[0-9]{4}$", text) or not 1900 <= int(text) <= today.year:
            raise ValueError(f"year must be YYYY between 1900 and {today.year}, not {text!r}")
        return int(text)

    return parse


@lru_cache(maxsize=16)
def _measured_at(now: datetime) -> Callable[[str], datetime]:
    def parse(text: str) -> datetime:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"measured_at must be ISO 8601 with a UTC offset, like "
                f"2025-03-01T09:15:00+01:00, not {text!r}"
            ) from None
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError("measured_at needs a UTC offset, like +01:00 or Z")
        if moment.year < 1900 or moment > now + timedelta(days=1):
            raise ValueError("measured_at lies in the future")
        return moment.astimezone(UTC)

    return parse


def _external_id(text: str) -> str:
    if _CONTROL.search(text):
        raise ValueError("external_id may not hold control characters")
    if len(text) > MAX_EXTERNAL_ID_LENGTH:
        raise ValueError(f"external_id may be at most {MAX_EXTERNAL_ID_LENGTH} characters")
    return text


def parse_row(
    kind: str, cells: Mapping[str, str | None], *, now: datetime | None = None
) -> Record | list[FieldError]:
    """A typed record, or every field error of the row."""
    now = now or datetime.now(UTC)
    fields = _Fields(cells)
    record = _PARSERS[kind](fields, now)
    return fields.errors if fields.errors else record


def _company_record(f: _Fields, _now: datetime) -> CompanyRecord:
    return CompanyRecord(
        name=f.take("name", _name, required=True),
        org_number=f.take("org_number", parse_org_number),
        sector=f.take("sector", _sector),
        sector_name=_sector_name_of(f),
        website=f.take("website", _url),
        aliases=f.take("aliases", _aliases) or (),
    )


def _sector_name_of(f: _Fields) -> str | None:
    """A sector's name only beside the sector it names."""
    name: str | None = f.take("sector_name", _sector_name)
    if name is not None and not f.cells.get("sector"):
        f.errors.append(FieldError("sector_name", "sector_name needs a sector on the same row"))
        return None
    return name


def _complaint_record(f: _Fields, now: datetime) -> ComplaintRecord:
    return ComplaintRecord(
        company=f.take("company", _name, required=True),
        org_number=f.take("org_number", parse_org_number),
        metric=f.take("metric", _choice(COMPLAINT_METRICS), required=True),
        period=f.take("period", _period(now.date()), required=True),
        value=f.take("value", _integer(0), required=True),
        source_url=f.take("source_url", _url),
    )


def _wait_record(f: _Fields, now: datetime) -> WaitRecord:
    return WaitRecord(
        company=f.take("company", _name, required=True),
        org_number=f.take("org_number", parse_org_number),
        measured_at=f.take("measured_at", _measured_at(now), required=True),
        channel=f.take("channel", _choice(CHANNELS), required=True),
        wait_seconds=f.take("wait_seconds", _integer(0), required=True),
        outcome=f.take("outcome", _choice(OUTCOMES), required=True),
        transfers=f.take("transfers", _integer(0)),
        external_id=f.take("external_id", _external_id),
        source_url=f.take("source_url", _url),
    )


def _customer_record(f: _Fields, now: datetime) -> CustomerRecord:
    return CustomerRecord(
        company=f.take("company", _name, required=True),
        org_number=f.take("org_number", parse_org_number),
        year=f.take("year", _year(now.date()), required=True),
        customers=f.take("customers", _integer(1), required=True),
    )


_PARSERS: dict[str, Callable[[_Fields, datetime], Record]] = {
    "companies": _company_record,
    "complaints": _complaint_record,
    "waits": _wait_record,
    "customers": _customer_record,
}
