"""Konsumentverket: complaints registered with the consumer authority, per company.

Konsumentverket publishes no such list; it hands out the counts per company on a
public-records request (begäran om allmän handling), as an XLSX workbook or a CSV
file. So this source is read with ``--file``; there is nothing to fetch.

One row per company, period and topic (``Ämne``/``Område``) comes in; the topics
of one company and period are summed into one ``complaints`` row.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from scrapers.base import (
    Document,
    DriftError,
    Fetcher,
    LastRun,
    ParseResult,
    ScrapeOptions,
    SourceInfo,
    expect_row_count,
    public_url,
)
from scrapers.safe_xlsx import XlsxLimits, iter_sheet_rows

# --- The shape we expect: header spellings (compared case-folded, spaces collapsed) and limits.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "company": ("företag", "företagsnamn", "näringsidkare", "bolag"),
    "org_number": ("organisationsnummer", "organisationsnr", "org.nr", "orgnr", "org nr"),
    "period": ("period", "tidsperiod"),
    "count": ("antal anmälningar", "antal", "anmälningar"),
    "topic": ("ämne", "område", "ämnesområde", "kategori"),
}
REQUIRED_FIELDS = ("company", "period", "count")
# Words in a header that say the figure is no longer a plain count.
OTHER_UNIT_WORDS = ("andel", "procent", "%", "tusental", "per 100", "per capita")
TOTAL_LABELS = ("totalt", "total", "summa")  # footer rows that are not a company
HEADER_SEARCH_ROWS = 10  # a title line or two may stand above the header
CSV_DELIMITERS = (";", ",", "\t")
MAX_CSV_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COMPLAINTS_PER_ROW = 50_000  # one company, one period: more is not plausible
MIN_YEAR = 2000
ROW_BOUNDS = (0.5, 3.0)  # allowed ratio to the last good run's row count
XLSX_LIMITS = XlsxLimits(max_rows=MAX_ROWS, max_columns=50)
XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the old binary .xls
SWEDISH_MONTHS = (
    *("januari", "februari", "mars", "april", "maj", "juni"),
    *("juli", "augusti", "september", "oktober", "november", "december"),
)
METRIC = "complaints"
# Period spellings: 2025 kvartal 1, 2025-Q1, Q1 2025 / 2025-03, 2025/3 / mars 2025.
_QUARTER = re.compile(
    r"^(?:(\d{4})\s*-?\s*(?:q|kv|kvartal)\s*([1-4])|(?:q|kv|kvartal)\s*([1-4])\s*-?\s*(\d{4}))$"
)
_MONTH = re.compile(r"^(\d{4})\s*[-/.]\s*(0?[1-9]|1[0-2])$")
_NAMED_MONTH = re.compile(r"^([a-zåäö]+)\s+(\d{4})$")
_ORG = re.compile(r"^(?:16)?(\d{6})-?(\d{4})$")

SOURCE = SourceInfo(
    slug="konsumentverket",
    name="Konsumentverket",
    url="https://www.konsumentverket.se/",
    terms=(
        "Public records (allmän handling) handed out on request under the principle of "
        "public access; free to republish with the source named."
    ),
    cadence="on request; we ask once a year, in January, for the year before",
    kind="complaints",
)


def fetch(client: Fetcher, options: ScrapeOptions) -> list[Document]:
    raise DriftError(
        "read from a file",
        "konsumentverket is read with --file: the figures come on a public-records request",
    )


@dataclass
class _Group:
    company: str
    org_number: str
    period: str
    source_url: str
    value: int = 0
    folded: set[str] = field(default_factory=set)


def parse(documents: list[Document], options: ScrapeOptions) -> ParseResult:
    groups: dict[tuple[str, str], _Group] = {}
    evidence: list[dict[str, str]] = []
    for document in documents:
        # A file read with --file has no web address: the rows name the authority's.
        source_url = public_url(document, SOURCE.url)
        for line, cells in _records(document):
            _add(groups, evidence, line, cells, source_url)
    return ParseResult(rows=[_row(group) for group in _merge_unnumbered(groups)], evidence=evidence)


def check(result: ParseResult, last: LastRun | None) -> None:
    low, high = ROW_BOUNDS
    expect_row_count(result, last, low=low, high=high)
    values = [int(row["value"]) for row in result.rows]
    if all(value == 0 for value in values):
        raise DriftError("counts plausible", "every count is 0")
    worst = max(result.rows, key=lambda row: int(row["value"]))
    if int(worst["value"]) > MAX_COMPLAINTS_PER_ROW:
        raise DriftError(
            "counts plausible",
            f"{worst['company']} has {worst['value']} complaints in {worst['period']} "
            f"(at most {MAX_COMPLAINTS_PER_ROW} is plausible)",
        )


# --- Reading the table


def _records(document: Document) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, {field: cell}) for every data row under the header."""
    table = enumerate(_table(document.body), start=1)
    columns, header_line = _find_header(table)
    for line, cells in table:
        if line - header_line > MAX_ROWS:
            raise DriftError("row count", f"more than {MAX_ROWS} rows")
        if all(_text(cell) == "" for cell in cells):
            continue
        yield (
            line,
            {name: cells[index] if index < len(cells) else None for name, index in columns.items()},
        )


def _table(body: bytes) -> Iterator[Sequence[Any]]:
    if body.startswith(XLSX_MAGIC):
        return iter_sheet_rows(body, XLSX_LIMITS)
    if body.startswith(OLE_MAGIC):
        raise DriftError("file format", "an old .xls workbook: save it as .xlsx or CSV")
    if len(body) > MAX_CSV_BYTES:
        raise DriftError("file size", f"{len(body)} bytes of CSV (at most {MAX_CSV_BYTES})")
    return _csv_rows(_decode(body))


def _decode(body: bytes) -> str:
    try:
        return body.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return body.decode("cp1252")
    except UnicodeDecodeError as error:
        raise DriftError("text encoding", f"neither UTF-8 nor Windows-1252 ({error})") from None


def _csv_rows(text: str) -> Iterator[list[str]]:
    """The CSV's rows with the first delimiter under which a header row appears."""
    chosen = CSV_DELIMITERS[0]
    for delimiter in CSV_DELIMITERS:
        head = _csv_reader(text, delimiter, HEADER_SEARCH_ROWS)
        if any(set(REQUIRED_FIELDS) <= set(_header_fields(row)) for row in head):
            chosen = delimiter
            break
    return iter(_csv_reader(text, chosen, None))


def _csv_reader(text: str, delimiter: str, limit: int | None) -> list[list[str]]:
    rows: list[list[str]] = []
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            if limit is not None and len(rows) >= limit:
                break
            rows.append(row)
    except csv.Error as error:
        raise DriftError("file format", f"unreadable CSV ({error})") from None
    return rows


def _header_key(cell: Any) -> str:
    return " ".join(unicodedata.normalize("NFC", _text(cell)).casefold().split()).rstrip(":")


_FIELD_BY_HEADER = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}


def _header_fields(row: Iterable[Any]) -> list[str]:
    return [_FIELD_BY_HEADER[key] for key in map(_header_key, row) if key in _FIELD_BY_HEADER]


def _find_header(table: Iterator[tuple[int, Any]]) -> tuple[dict[str, int], int]:
    first: list[str] | None = None
    for line, row in table:
        keys = [_header_key(cell) for cell in row]
        if first is None and any(keys):
            first = keys
        columns = {
            _FIELD_BY_HEADER[key]: index
            for index, key in enumerate(keys)
            if key in _FIELD_BY_HEADER
        }
        if set(REQUIRED_FIELDS) <= set(columns):
            if len(_header_fields(row)) != len(columns):
                raise DriftError("columns unambiguous", f"line {line} names a column twice: {keys}")
            return columns, line
        if line >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise DriftError("file not empty", "no header row and no data: the file or sheet is empty")
    raise _header_error(first)


def _header_error(keys: list[str]) -> DriftError:
    wanted = "; ".join(f"{name}: {' / '.join(HEADER_ALIASES[name])}" for name in REQUIRED_FIELDS)
    if any(word in key for key in keys for word in OTHER_UNIT_WORDS):
        return DriftError("count unit", f"a header says the figure is not a count: {keys}")
    return DriftError(
        "columns present",
        f"no header row with {wanted} in the first {HEADER_SEARCH_ROWS} rows; found {keys}",
    )


# --- Cells


def _text(cell: Any) -> str:
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return " ".join(str(cell).split())


def _count(cell: Any, line: int) -> int:
    if isinstance(cell, bool):
        cell = str(cell)
    if isinstance(cell, int) or (isinstance(cell, float) and cell.is_integer()):
        number = int(cell)
    else:
        digits = _text(cell).replace(" ", "").replace("\u00a0", "")
        if not digits.isdigit():
            raise DriftError(
                "count is a number", f"line {line}: {_text(cell)!r} is not a whole number"
            )
        number = int(digits)
    if number < 0:
        raise DriftError("count is a number", f"line {line}: {number} is negative")
    return number


def _period(cell: Any, line: int) -> str:
    if isinstance(cell, date) and cell.day == 1:
        return f"{cell.year}-{cell.month:02d}"  # Excel turns a typed "2025-03" into 1 March
    text = _text(cell).casefold()
    year: str | None = None
    suffix = ""
    if re.fullmatch(r"\d{4}", text):
        year = text
    elif match := _QUARTER.match(text):
        year, suffix = match.group(1) or match.group(4), f"-Q{match.group(2) or match.group(3)}"
    elif match := _MONTH.match(text):
        year, suffix = match.group(1), f"-{int(match.group(2)):02d}"
    elif (match := _NAMED_MONTH.match(text)) and match.group(1) in SWEDISH_MONTHS:
        year, suffix = match.group(2), f"-{SWEDISH_MONTHS.index(match.group(1)) + 1:02d}"
    if year is None or not MIN_YEAR <= int(year) <= date.today().year:
        raise DriftError(
            "period format", f"line {line}: {_text(cell)!r} is not a year, a quarter or a month"
        )
    return year + suffix


def _org_number(cell: Any, line: int) -> str:
    text = _text(cell).replace(" ", "")
    if not text:
        return ""
    match = _ORG.match(text)
    if match is None:
        raise DriftError("org number format", f"line {line}: {text!r} is not an org number")
    return f"{match.group(1)}-{match.group(2)}"


# --- Summing topics


def _add(
    groups: dict[tuple[str, str], _Group],
    evidence: list[dict[str, str]],
    line: int,
    cells: dict[str, Any],
    source_url: str,
) -> None:
    company = _text(cells["company"])
    org_number = _org_number(cells.get("org_number"), line)
    if not company or (company.casefold() in TOTAL_LABELS and not org_number):
        if not company and _text(cells["count"]):
            raise DriftError("company named", f"line {line}: a count without a company")
        return
    period = _period(cells["period"], line)
    count = _count(cells["count"], line)
    key = (period, org_number or "name:" + company.casefold())
    group = groups.setdefault(key, _Group(company, org_number, period, source_url))
    group.value += count
    group.folded.add(company.casefold())
    topic = _text(cells.get("topic"))
    evidence.append(
        {
            "line": str(line),
            "company": company,
            "org_number": org_number,
            "period": period,
            "topic": topic,
            "count": str(count),
        }
    )


def _merge_unnumbered(groups: dict[tuple[str, str], _Group]) -> list[_Group]:
    """A name given once with its org number is that company everywhere in the file.

    Without this the import would make two companies of one (a new, unverified one
    for the bare name), or refuse two values for the same company and period.
    """
    numbers: dict[str, set[str]] = {}
    for group in groups.values():
        for name in group.folded if group.org_number else ():
            numbers.setdefault(name, set()).add(group.org_number)
    merged: dict[tuple[str, str], _Group] = {}
    for key, group in groups.items():
        found = numbers.get(group.company.casefold(), set())
        if not group.org_number and len(found) == 1:
            group.org_number = next(iter(found))
            key = (group.period, group.org_number)
        if key in merged:
            merged[key].value += group.value
        else:
            merged[key] = group
    return list(merged.values())


def _row(group: _Group) -> dict[str, str]:
    return {
        "company": group.company,
        "org_number": group.org_number,
        "metric": METRIC,
        "period": group.period,
        "value": str(group.value),
        "source_url": group.source_url,
    }
