"""Tables from files: an XLSX sheet or a CSV, row by row, never held whole in memory.

Used by the file sources (konsumentverket). Pure: bytes in, rows or ``DriftError`` out.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from typing import Any, TextIO

from scrapers.base import DriftError
from scrapers.charset import TextDecodeError, open_text
from scrapers.safe_xlsx import XlsxLimits, iter_sheet_rows

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
_LINE_ENDS = (b"\n", b"\r", b"\n\x00", b"\x00\n")  # UTF-16 too


def table_rows(
    body: bytes,
    *,
    xlsx_limits: XlsxLimits,
    max_csv_bytes: int,
    max_rows: int,
    delimiters: Sequence[str],
    is_header: Callable[[list[str]], bool],
    search_rows: int,
) -> Iterator[Sequence[Any]]:
    """The rows of an XLSX workbook's sheet or of a CSV file, one at a time.

    A CSV is decoded by the one charset path (``scrapers.charset``: UTF-8 with or
    without BOM, else Windows-1252) as a stream, and read with the first delimiter
    under which ``is_header`` finds a row among the first ``search_rows``. A CSV of
    more than ``max_rows`` rows (under a title of up to ``search_rows``) is refused
    after a first pass that counts them and keeps none.
    """
    if body.startswith(XLSX_MAGIC):
        return iter_sheet_rows(body, xlsx_limits)
    if body.startswith(OLE_MAGIC):
        raise DriftError("file format", "an old .xls workbook: save it as .xlsx or CSV")
    if len(body) > max_csv_bytes:
        raise DriftError("file size", f"{len(body)} bytes of CSV (at most {max_csv_bytes})")
    try:
        text = open_text(body)
    except TextDecodeError as error:
        raise DriftError("text encoding", f"neither UTF-8 nor Windows-1252 ({error})") from None
    if body.strip() and not body.endswith(_LINE_ENDS):
        # A file cut short ends mid-line, and its last count may be cut mid-number
        # ("11" as "1"): a CSV that does not end as a file does is never read.
        raise DriftError("file complete", "the CSV does not end with a line break: cut short?")
    rows = _csv_rows(text, delimiters, is_header, search_rows)
    if sum(1 for _row in rows) > max_rows + search_rows:
        raise DriftError("row count", f"more than {max_rows} rows")
    return _csv_rows(text, delimiters, is_header, search_rows)


def _csv_rows(
    text: TextIO,
    delimiters: Sequence[str],
    is_header: Callable[[list[str]], bool],
    search_rows: int,
) -> Iterator[list[str]]:
    chosen = delimiters[0]
    for delimiter in delimiters:
        text.seek(0)
        head = zip(range(search_rows), _csv_reader(text, delimiter), strict=False)
        if any(is_header(row) for _index, row in head):
            chosen = delimiter
            break
    text.seek(0)
    return _csv_reader(text, chosen)


def _csv_reader(text: TextIO, delimiter: str) -> Iterator[list[str]]:
    try:
        yield from csv.reader(text, delimiter=delimiter)
    except csv.Error as error:
        raise DriftError("file format", f"unreadable CSV ({error})") from None
    except UnicodeDecodeError as error:  # the charset was checked first; drift all the same
        raise DriftError("text encoding", str(error)) from None
