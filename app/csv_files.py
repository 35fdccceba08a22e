"""The one CSV writer behind every download: typed cells in, UTF-8 bytes out, in chunks.

The contract's rules live here and only here:

- UTF-8 with a BOM, a header row, CRLF line ends, RFC 4180 quoting;
- ``excel`` (the default) separates with commas and writes ``12.34``;
  ``excel-sv`` (Swedish Excel) separates with semicolons and writes ``12,34``;
- a cell's Python type decides how it is written: None is empty, int and
  Decimal are numbers (never escaped), bool is ``true``/``false``, datetime
  and date are ISO 8601, and str is text;
- a text cell that starts with ``=``, ``+``, ``-``, ``@``, tab, CR, LF or NUL,
  also after leading spaces, is prefixed with ``'`` so that no spreadsheet
  runs it as a formula.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from app.services.errors import BadQueryError

BOM = "\ufeff"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\0")
# Bytes gathered before a chunk is handed to the response.
CHUNK_BYTES = 64 * 1024


@dataclass(frozen=True)
class CsvDialect:
    name: str
    delimiter: str
    decimal_mark: str


EXCEL = CsvDialect("excel", ",", ".")
EXCEL_SV = CsvDialect("excel-sv", ";", ",")
DIALECTS = {dialect.name: dialect for dialect in (EXCEL, EXCEL_SV)}


class UnknownDialectError(BadQueryError):
    """A ``?dialect=`` we do not write."""


def parse_dialect(name: str | None) -> CsvDialect:
    if not name:
        return EXCEL
    try:
        return DIALECTS[name]
    except KeyError:
        raise UnknownDialectError(
            f"unknown dialect {name!r}; use one of {', '.join(DIALECTS)}",
            what="dialect",
            word=name,
            choices=tuple(DIALECTS),
        ) from None


def escape_text(text: str) -> str:
    """The text, prefixed with ``'`` when a spreadsheet could read it as a formula."""
    if text.lstrip(" ").startswith(FORMULA_STARTS):
        return "'" + text
    return text


def format_cell(value: Any, dialect: CsvDialect = EXCEL) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return escape_text(value)
    if isinstance(value, bool):  # before int: bool is an int
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, Decimal):
        return format(value, "f").replace(".", dialect.decimal_mark)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"no CSV form for {type(value).__name__}")


def csv_chunks(
    header: Sequence[str],
    rows: Iterable[Sequence[Any]],
    dialect: CsvDialect = EXCEL,
    *,
    chunk_bytes: int = CHUNK_BYTES,
) -> Iterator[bytes]:
    """The whole file, BOM and header first, as chunks of about ``chunk_bytes``.

    Only one chunk is ever held: memory does not grow with the number of rows.
    """
    buffer = io.StringIO()
    writer = csv.writer(
        buffer, delimiter=dialect.delimiter, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL
    )
    buffer.write(BOM)
    writer.writerow([escape_text(column) for column in header])
    for row in rows:
        writer.writerow([format_cell(value, dialect) for value in row])
        if buffer.tell() >= chunk_bytes:
            yield buffer.getvalue().encode("utf-8")
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode("utf-8")


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence[Any]], dialect: CsvDialect = EXCEL
) -> bytes:
    """The whole file at once: for tests and small files."""
    return b"".join(csv_chunks(header, rows, dialect))
