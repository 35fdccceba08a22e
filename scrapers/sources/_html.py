"""HTML helpers shared by the page scrapers (skamlistan, svarta-listan, wait-pages).

Everything here is pure: text in, text or ``DriftError`` out. The rules that keep a
wrong figure off the site live here once for all three sources: a page is read only
when it ends as a page does (``expect_whole_page``), a number only when it is whole
(``swedish_int``), a table only when exactly one has the columns, each column once
(``find_table``), and a name only when it names a company (``company_name``).
"""

from __future__ import annotations

import re
from datetime import date
from html.parser import HTMLParser

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
# A whole number as Swedish pages write it: plain digits, or groups of three after a
# space, no-break space or thin space ("1 234"). "49 8" or "2 41" is a cut or garbled
# number, not 498 or 241.
_WHOLE_NUMBER = re.compile(r"^(?:[0-9]+|[0-9]{1,3}(?:[ \u00a0\u2009\u202f][0-9]{3})+)$")
_THOUSANDS = re.compile(r"[ \u00a0\u2009\u202f]")
# End tags HTML requires: a table or list without its end tag was cut.
_CLOSED_ELEMENTS = ("table", "ul", "ol")
# What marks a footnote after a name: "Fiktiva Flyg AB*", "Exempeltele AB¹",
# "Exempeltele AB (1)", "Exempeltele AB 1)".
FOOTNOTE_MARKS = "*†‡§¹²³⁴⁵⁶⁷⁸⁹⁰"
_FOOTNOTE_AFTER_NAME = re.compile(rf"(?:[{FOOTNOTE_MARKS}]|\s*\([0-9]{{1,2}}\)|\s[0-9]{{1,2}}\))+$")
# A <sup> holding this is a footnote mark ("1", "*", "a", "1,2"), not part of the cell.
_FOOTNOTE_SUP = re.compile(r"^[0-9a-z*†‡§,)( ]{1,5}$")
# Rows that sum or explain the others: "Totalt", "Summa", "Övriga (42 företag)".
_NOT_A_COMPANY = re.compile(
    r"^(?:totalt|total|summa|sammanlagt|samtliga|övriga|övriga företag|alla företag"
    r"|samtliga företag|summa totalt|totalsumma|delsumma)"
    r"(?:\s*[:(].*|\s+[0-9].*)?$",
    re.IGNORECASE,
)
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
    """The parsed page, once it has been seen to be whole (see ``expect_whole_page``)."""
    text = document_text(document)
    expect_whole_page(text, document.url)
    return BeautifulSoup(text, "html.parser")


class _PageEnd(HTMLParser):
    """Notes which end tags a page has and whether it stops on an end tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.closed: set[str] = set()
        self.ends_on_end_tag = False
        self.unclosed = dict.fromkeys(_CLOSED_ELEMENTS, 0)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.ends_on_end_tag = False
        if tag in self.unclosed:
            self.unclosed[tag] += 1

    def handle_endtag(self, tag: str) -> None:
        self.ends_on_end_tag = True
        self.closed.add(tag)
        if tag in self.unclosed:
            self.unclosed[tag] -= 1

    def handle_data(self, data: str) -> None:
        # A page cut inside a tag or a cell leaves text after the last tag.
        if data.strip():
            self.ends_on_end_tag = False


def expect_whole_page(text: str, where: str) -> None:
    """Refuse a page that does not end as a page does: ``</body>`` and ``</html>`` both
    there, the last tag an end tag (a script appended after ``</html>`` is no cut), only
    white space or comments after it, and every table and list closed.

    A cut page is the quiet way to a wrong figure: a count of 498 cut to 49, a list
    that loses its last case. Both end tags are optional in HTML, but every page these
    sources read has them, so their absence is taken as a cut rather than guessed at.
    """
    end = _PageEnd()
    end.feed(text)
    end.close()
    if not ({"body", "html"} <= end.closed and end.ends_on_end_tag):
        raise DriftError("page is whole", f"{where}: the page does not end with </body></html>")
    cut = [f"<{tag}>" for tag, count in end.unclosed.items() if count > 0]
    if cut:
        raise DriftError("page is whole", f"{where}: {', '.join(cut)} never closed")


def swedish_int(text: str, expectation: str, where: str) -> int:
    """``"1 234"`` (space, NBSP or thin space as thousands separator) as 1234.

    Groups after the first must be three digits: "49 8" is refused, not read as 498.
    """
    stripped = text.strip()
    if not _WHOLE_NUMBER.match(stripped):
        raise DriftError(expectation, f"{where}: {text!r} is not a whole number")
    return int(_THOUSANDS.sub("", stripped))


def company_name(text: str, where: str) -> str:
    """The company a cell names, without footnote marks; a total or footnote row is drift."""
    shown = clean(text)
    name = clean(_FOOTNOTE_AFTER_NAME.sub("", shown))
    if not name:
        raise DriftError("company named", f"{where} has no company name")
    if shown[0] in FOOTNOTE_MARKS or _NOT_A_COMPANY.match(name):
        raise DriftError("companies only", f"{where}: {shown!r} is not a company")
    return name


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
    """The rows of data: those in ``<tfoot>`` (totals, notes) are not data."""
    rows = table.select("tbody tr") or table.select("tr")
    found = []
    for row in rows:
        if row.find_parent("tfoot") is not None:
            continue
        cells = row.find_all("td", recursive=False)
        if cells:
            found.append([clean(cell.get_text(" ")) for cell in cells])
    return found


def _drop_footnote_sups(table: Tag) -> None:
    """``Exempeltele AB<sup>1</sup>`` names Exempeltele AB: footnote marks are not text."""
    for sup in table.find_all("sup"):
        if _FOOTNOTE_SUP.match(clean(sup.get_text(" ")).casefold()):
            sup.decompose()


def find_table(
    soup: BeautifulSoup, selector: str, columns: list[str], where: str
) -> list[dict[str, str]]:
    """The rows, keyed by ``columns``, of the one table under ``selector`` whose
    headers include all of them (compared case-insensitively).

    Raises ``DriftError`` when there is no table, no table has those headers, two
    tables have them (which one holds the figures cannot be guessed), a column
    appears twice, the table is empty, or a row has a different number of cells
    than headers.
    """
    tables = soup.select(selector)
    if not tables:
        raise DriftError("table present", f"{where}: nothing matches {selector!r}")
    for table in tables:
        _drop_footnote_sups(table)
    wanted = {_header_key(name): name for name in columns}
    matching = [t for t in tables if wanted.keys() <= set(map(_header_key, _header_cells(t)))]
    if len(matching) > 1:
        raise DriftError(
            "one table", f"{where}: {len(matching)} tables have the columns {', '.join(columns)}"
        )
    if matching:
        keys = [_header_key(name) for name in _header_cells(matching[0])]
        twice = [wanted[key] for key in wanted if keys.count(key) > 1]
        if twice:
            raise DriftError("columns unique", f"{where}: {', '.join(twice)} appears twice")
        return _keyed_rows(matching[0], keys, wanted, where)
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
