"""Konsumentverket: complaints registered with the consumer authority, per company.

Konsumentverket publishes no such list; it hands out the counts per company on a
public-records request (begäran om allmän handling), as an XLSX workbook or a CSV
file. So this source is read with ``--file``; there is nothing to fetch.

One row per company, period and topic (``Ämne``/``Område``) comes in; the topics
of one company and period are summed into one ``complaints`` row. What is refused
(the run is quarantined, nothing published): the same company, period and topic
twice (without a topic column, the same company and period twice), a subtotal in
the topic column, a total row with an org number, counts stated in thousands or as
shares, and more than ``MAX_ROWS`` rows (counted while the file is read, so a large
file is never held as rows in memory). A total row without an org number
("Totalt", "Summa", ...) is a footer and is skipped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from app.names import normalize_company_name
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
from scrapers.safe_xlsx import XlsxLimits
from scrapers.sources._html import FOOTNOTE_MARKS, company_name
from scrapers.sources._tabular import table_rows

# --- The shape we expect: header spellings (compared case-folded, spaces collapsed) and limits.
HEADER_ALIASES: dict[str, tuple[str, ...]] = {
    "company": ("företag", "företagsnamn", "näringsidkare", "bolag"),
    "org_number": ("organisationsnummer", "organisationsnr", "org.nr", "orgnr", "org nr"),
    "period": ("period", "tidsperiod"),
    "count": ("antal anmälningar", "antal", "anmälningar"),
    "topic": ("ämne", "område", "ämnesområde", "kategori"),
}
REQUIRED_FIELDS = ("company", "period", "count")
# Words in a title or header that say the figure is no longer a plain count.
OTHER_UNIT = re.compile(
    r"tusental|\btusen\b|\b1\s?000-?tal|\bi\s?1\s?000\b|\bmiljon(?:er)?\b|\bandel|procent"
    r"|%|promille|\bper\s?100\b|per capita",
    re.IGNORECASE,
)
HEADER_SEARCH_ROWS = 10  # a title line or two may stand above the header
CSV_DELIMITERS = (";", ",", "\t")
MAX_CSV_BYTES = 50 * 1024 * 1024
MAX_ROWS = 200_000
MAX_COMPLAINTS_PER_ROW = 50_000  # one company, one period: more is not plausible
MIN_YEAR = 2000
ROW_BOUNDS = (0.5, 3.0)  # allowed ratio to the last good run's row count
XLSX_LIMITS = XlsxLimits(max_rows=MAX_ROWS, max_columns=50)
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
    terms_sv=(
        "Allmänna handlingar som lämnas ut på begäran enligt offentlighetsprincipen; fria "
        "att publicera vidare med källan angiven."
    ),
    cadence_sv="på begäran; vi begär ut dem en gång om året, i januari, för året innan",
)


def fetch(client: Fetcher, options: ScrapeOptions) -> list[Document]:
    raise DriftError(
        "read from a file",
        "konsumentverket is read with --file: the figures come on a public-records request",
    )


@dataclass(slots=True)
class _Group:
    company: str
    org_number: str
    period: str
    source_url: str
    value: int = 0
    names: set[str] = field(default_factory=set)  # normalised, as the import matches them
    topics: list[str] = field(default_factory=list)  # folded; a topic twice is a duplicate
    first_line: int = 0


@dataclass
class _Sheet:
    """The figures of one file, gathered line by line."""

    source_url: str
    has_topics: bool = False
    groups: dict[tuple[str, str], _Group] = field(default_factory=dict)
    evidence: list[dict[str, str]] = field(default_factory=list)


def parse(documents: list[Document], options: ScrapeOptions) -> ParseResult:
    groups: list[_Group] = []
    evidence: list[dict[str, str]] = []
    for document in documents:
        # A file read with --file has no web address: the rows name the authority's.
        sheet = _Sheet(public_url(document, SOURCE.url))
        columns, records = _records(document)
        sheet.has_topics = "topic" in columns
        for line, cells in records:
            _add(sheet, line, cells)
        groups.extend(_merge_unnumbered(sheet))
        evidence.extend(sheet.evidence)
    return ParseResult(rows=[_row(group) for group in groups], evidence=evidence)


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


def _records(document: Document) -> tuple[dict[str, int], Iterator[tuple[int, dict[str, Any]]]]:
    """The header's columns, and (line number, {field: cell}) for every data row under it.

    The rows come one at a time, and the row limit is checked as they come.
    """
    table = enumerate(_table(document.body), start=1)
    columns, header_line = _find_header(table)

    def rows() -> Iterator[tuple[int, dict[str, Any]]]:
        for line, cells in table:
            if line - header_line > MAX_ROWS:
                raise DriftError("row count", f"more than {MAX_ROWS} rows")
            if all(_text(cell) == "" for cell in cells):
                continue
            yield (
                line,
                {name: cells[i] if i < len(cells) else None for name, i in columns.items()},
            )

    return columns, rows()


def _table(body: bytes) -> Iterator[Sequence[Any]]:
    return table_rows(
        body,
        xlsx_limits=XLSX_LIMITS,
        max_csv_bytes=MAX_CSV_BYTES,
        max_rows=MAX_ROWS,
        delimiters=CSV_DELIMITERS,
        is_header=lambda row: set(REQUIRED_FIELDS) <= set(_header_fields(row)),
        search_rows=HEADER_SEARCH_ROWS,
    )


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
        _expect_plain_counts(keys, line)  # a title line above the header
        if line >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        raise DriftError("file not empty", "no header row and no data: the file or sheet is empty")
    raise _header_error(first)


def _expect_plain_counts(keys: list[str], line: int) -> None:
    """A title that says the figures are thousands, shares or rates: not counts to publish."""
    said = [key for key in keys if OTHER_UNIT.search(key)]
    if said:
        raise DriftError(
            "count unit", f"line {line} says the figures are not plain counts: {said[0]!r}"
        )


def _header_error(keys: list[str]) -> DriftError:
    wanted = "; ".join(f"{name}: {' / '.join(HEADER_ALIASES[name])}" for name in REQUIRED_FIELDS)
    if any(OTHER_UNIT.search(key) for key in keys):
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


def _is_total(text: str) -> bool:
    """ "Totalt", "Summa:", "Totalt 2025": a total row's label, by the rule every source
    uses (``company_name``, which refuses such a label as a company)."""
    try:
        company_name(text, "")
    except DriftError as error:
        return error.expectation == "companies only"
    return False


def _add(sheet: _Sheet, line: int, cells: dict[str, Any]) -> None:
    shown = _text(cells["company"])
    org_number = _org_number(cells.get("org_number"), line)
    if not shown:
        if _text(cells["count"]):
            raise DriftError("company named", f"line {line}: a count without a company")
        return
    if shown[0] in FOOTNOTE_MARKS:  # a footnote may say what the counts are: never skipped
        raise DriftError("companies only", f"line {line}: a footnote ({shown!r}), no company")
    if _is_total(shown):
        if org_number:
            raise DriftError(
                "total rows", f"line {line}: a total row ({shown!r}) with an org number"
            )
        return  # a footer, not a company
    company = company_name(shown, f"line {line}")  # "Exempelbanken AB¹": footnote mark dropped
    topic = _text(cells.get("topic"))
    if topic and _is_total(topic):
        raise DriftError(
            "total rows", f"line {line}: a subtotal ({topic!r}) would be summed with its topics"
        )
    period = _period(cells["period"], line)
    count = _count(cells["count"], line)
    name = normalize_company_name(company)
    key = (period, org_number or "name:" + name)
    group = sheet.groups.setdefault(key, _Group(company, org_number, period, sheet.source_url))
    group.first_line = group.first_line or line
    _take(group, _Group(company, org_number, period, "", count, {name}, [topic.casefold()], line))
    _expect_unique(group, sheet.has_topics)
    sheet.evidence.append(
        {
            "line": str(line),
            "company": company,
            "org_number": org_number,
            "period": period,
            "topic": topic,
            "count": str(count),
        }
    )


def _take(group: _Group, other: _Group) -> None:
    group.value += other.value
    group.names |= other.names
    group.topics.extend(other.topics)


def _expect_unique(group: _Group, has_topics: bool) -> None:
    """Topics are summed; a line given twice (or twice without topics) is refused.

    Summing it would publish a count too large; keeping one would guess which is right.
    """
    if len(group.topics) == len(set(group.topics)) and (has_topics or len(group.topics) == 1):
        return
    what = "company, period and topic" if has_topics else "company and period (no topic column)"
    raise DriftError(
        "lines unique",
        f"{group.company} {group.period}: the same {what} on more than one line "
        f"(first on line {group.first_line})",
    )


def _merge_unnumbered(sheet: _Sheet) -> list[_Group]:
    """A name given once with its org number is that company everywhere in the file.

    Without this the import would make two companies of one (a new, unverified one
    for the bare name), or refuse two values for the same company and period.
    """
    numbers: dict[str, set[str]] = {}
    for group in sheet.groups.values():
        for name in group.names if group.org_number else ():
            numbers.setdefault(name, set()).add(group.org_number)
    merged: dict[tuple[str, str], _Group] = {}
    for key, group in sheet.groups.items():
        found = numbers.get(normalize_company_name(group.company), set())
        if not group.org_number and len(found) == 1:
            group.org_number = next(iter(found))
            key = (group.period, group.org_number)
        if key in merged:
            _take(merged[key], group)
            _expect_unique(merged[key], sheet.has_topics)
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
