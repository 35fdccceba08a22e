"""HTML helpers shared by the page scrapers (skamlistan, svarta-listan, wait-pages).

Everything here is pure: text in, text or ``DriftError`` out.
"""

from __future__ import annotations

import re
from datetime import date

from bs4 import BeautifulSoup, Tag

from scrapers.base import Document, DriftError, expect_columns

SWEDISH_MONTHS = {
    "januari": 1,
    "februari": 2,
    "mars": 3,
    "april": 4,
    "maj": 5,
    "juni": 6,
    "juli": 7,
    "augusti": 8,
    "september": 9,
    "oktober": 10,
    "november": 11,
    "december": 12,
}
MONTH_NAMES = "|".join(SWEDISH_MONTHS)

_SPACES = re.compile(r"[\s\u00a0\u2009\u202f]+")
# Thousands separators Swedish pages use: space, no-break space, thin spaces.
_THOUSANDS = re.compile(r"[ \u00a0\u2009\u202f]")
_INTEGER = re.compile(r"^[0-9]+$")
_ISO_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
_SWEDISH_DATE = re.compile(rf"^(\d{{1,2}})\s+({MONTH_NAMES})\s+(\d{{4}})$", re.IGNORECASE)


def clean(text: str) -> str:
    """Whitespace (no-break and thin spaces too) collapsed to single spaces, trimmed."""
    return _SPACES.sub(" ", text).strip()


def document_text(document: Document) -> str:
    """The page's text, decoded by the polite client's rules; undecodable bytes are drift."""
    from scrapers.http import TextDecodeError, decode_text  # lazily: sources stay light

    try:
        return decode_text(document.body, document.content_type)
    except TextDecodeError as error:
        raise DriftError("text decodes", f"{document.url}: {error}") from None


def soup_of(document: Document) -> BeautifulSoup:
    return BeautifulSoup(document_text(document), "html.parser")


def swedish_int(text: str, expectation: str, where: str) -> int:
    """``"1 234"`` (space, NBSP or thin space as thousands separator) as 1234."""
    digits = _THOUSANDS.sub("", text.strip())
    if not _INTEGER.match(digits):
        raise DriftError(expectation, f"{where}: {text!r} is not a whole number")
    return int(digits)


def swedish_date(text: str, expectation: str, where: str) -> date:
    """``2025-03-12`` or ``12 mars 2025`` as a date."""
    cleaned = clean(text)
    iso = _ISO_DATE.match(cleaned)
    swedish = _SWEDISH_DATE.match(cleaned)
    try:
        if iso:
            return date(int(iso.group(1)), int(iso.group(2)), int(iso.group(3)))
        if swedish:
            month = SWEDISH_MONTHS[swedish.group(2).lower()]
            return date(int(swedish.group(3)), month, int(swedish.group(1)))
    except ValueError:
        pass
    raise DriftError(expectation, f"{where}: {text!r} is not a date (YYYY-MM-DD or '12 mars 2025')")


def _header_key(text: str) -> str:
    return clean(text).casefold()


def _header_cells(table: Tag) -> list[str]:
    head = table.select("thead tr th") or table.select("tr:first-of-type th")
    return [clean(cell.get_text(" ")) for cell in head]


def _body_rows(table: Tag) -> list[list[str]]:
    rows = table.select("tbody tr") or table.select("tr")
    found = []
    for row in rows:
        cells = row.find_all("td")
        if cells:
            found.append([clean(cell.get_text(" ")) for cell in cells])
    return found


def find_table(
    soup: BeautifulSoup, selector: str, columns: list[str], where: str
) -> list[dict[str, str]]:
    """The rows, keyed by ``columns``, of the first table under ``selector`` whose
    headers include all of them (compared case-insensitively).

    Raises ``DriftError`` when there is no table, no table has those headers,
    the table is empty, or a row has a different number of cells than headers.
    """
    tables = soup.select(selector)
    if not tables:
        raise DriftError("table present", f"{where}: nothing matches {selector!r}")
    wanted = {_header_key(name): name for name in columns}
    for table in tables:
        headers = _header_cells(table)
        keys = [_header_key(name) for name in headers]
        if all(key in keys for key in wanted):
            return _keyed_rows(table, keys, wanted, where)
    closest = max(
        tables, key=lambda t: len(wanted.keys() & set(map(_header_key, _header_cells(t))))
    )
    expect_columns(_header_cells(closest), columns, where)
    raise AssertionError("unreachable: expect_columns raises when columns are missing")


def _keyed_rows(
    table: Tag, keys: list[str], wanted: dict[str, str], where: str
) -> list[dict[str, str]]:
    rows = _body_rows(table)
    if not rows:
        raise DriftError("table has rows", f"{where}: the table has headers but no rows")
    keyed = []
    for number, cells in enumerate(rows, start=1):
        if len(cells) != len(keys):
            raise DriftError(
                "row shape", f"{where}: row {number} has {len(cells)} cells, not {len(keys)}"
            )
        by_key = dict(zip(keys, cells, strict=True))
        keyed.append({name: by_key[key] for key, name in wanted.items()})
    return keyed
