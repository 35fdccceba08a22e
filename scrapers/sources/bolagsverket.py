"""Bolagsverket: the company register's bulk file, for names and org numbers.

The bulk file holds every registered company, one per line: text said to be
Latin-1 and read as Windows-1252 (``scrapers.charset``, the one charset path of
every source: Latin-1 would drop "–" and "€"), fields separated by ``$``, the
name first. It is large (millions of lines), so it is read line by line, and with
``--only-known`` only the companies the site already has are kept. The field
positions below are our reconstruction of the layout; see
``tests/fixtures/bolagsverket/README.md``.

Org numbers are only checked for shape here (10 digits, or 12 with ``16``); their
check digit is the ingest's business, which refuses a wrong one.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from scrapers.base import (
    Document,
    DriftError,
    Fetcher,
    LastRun,
    ParseResult,
    ScrapeOptions,
    SourceInfo,
    expect_row_count,
)
from scrapers.charset import TextDecodeError, decode_as
from scrapers.safe_xlsx import ZipLimits, check_zip

# --- The layout we expect, and the limits.
CHARSET = "iso-8859-1"  # as the file is described; scrapers.charset reads it as cp1252
ZIP_MAGIC = b"PK\x03\x04"  # the bulk file may come zipped
SEPARATOR = "$"
NAME_FIELD = 0  # the name is always the first segment
ORG_NUMBER_FIELD = 1
LEGAL_FORM_FIELD = 2  # "AB", "HB", "KB", "EF", ... (read for the layout, not kept)
MIN_FIELDS = 5  # name, org number, legal form, registration date, postal town
HEADER_ORG_LABELS = ("organisationsnummer", "orgnr")  # a header line, when there is one
ORG_NUMBER_SHAPE = re.compile(r"^(?:16)?(\d{6})-?(\d{4})$")
MAX_BAD_SHARE = 0.01  # lines with a broken layout, org number or encoding, at most
ROW_BOUNDS = (0.5, 3.0)  # allowed ratio to the last good run's row count
ZIP_LIMITS = ZipLimits(
    max_archive_bytes=1024 * 1024 * 1024,
    max_entries=10,
    max_entry_bytes=4 * 1024 * 1024 * 1024,
    max_total_bytes=4 * 1024 * 1024 * 1024,
    max_ratio=50.0,
)
# The bulk file's address (assumed: confirm on bolagsverket.se before the first fetch).
BULK_URL = (
    "https://bolagsverket.se/apierochoppnadata/nedladdningsbarafiler/bolagsverket_bulkfil.zip"
)

SOURCE = SourceInfo(
    slug="bolagsverket",
    name="Bolagsverket",
    url="https://bolagsverket.se/",
    terms="Open data (a high-value dataset under the EU open-data directive), free to reuse "
    "with Bolagsverket named as the source.",
    cadence="weekly",
    kind="companies",
    terms_sv="Öppna data (en särskilt värdefull datamängd enligt EU:s direktiv om öppna "
    "data), fria att återanvända med Bolagsverket angivet som källa.",
    cadence_sv="varje vecka",
)


def fetch(client: Fetcher, options: ScrapeOptions) -> list[Document]:
    return [client.get(BULK_URL)]


@dataclass
class _Tally:
    lines: int = 0
    layout: int = 0
    org_number: int = 0
    encoding: int = 0
    first_bad: str = ""

    def bad(self, kind: str, line: int, text: str) -> None:
        setattr(self, kind, getattr(self, kind) + 1)
        if not self.first_bad:
            self.first_bad = f"line {line}: {text[:120]!r}"


def parse(documents: list[Document], options: ScrapeOptions) -> ParseResult:
    """Companies rows; with ``only_known``, those known by org number or normalised name.

    ``options.normalize_name`` makes the file's names comparable with
    ``options.known_names`` (the runner passes the contract's rule).
    """
    rows: list[dict[str, str]] = []
    known_digits = _digits(options.known_org_numbers)
    for document in documents:
        tally = _Tally()
        for line, raw in _lines(document.body):
            row = _read_line(line, raw, tally)
            if row is not None and (
                not options.only_known or _is_known(row, options, known_digits)
            ):
                rows.append(row)
        _expect_clean(tally)
    return ParseResult(rows=rows)


def check(result: ParseResult, last: LastRun | None) -> None:
    low, high = ROW_BOUNDS
    expect_row_count(result, last, low=low, high=high)
    unnamed = sum(1 for row in result.rows if not row["name"])
    if unnamed:
        raise DriftError("names present", f"{unnamed} companies without a name")


def is_known(name: str, org_number: str, options: ScrapeOptions) -> bool:
    """Whether the site has this company: by org number, or by its normalised name."""
    row = {"name": name, "org_number": org_number}
    return _is_known(row, options, _digits(options.known_org_numbers))


def _digits(org_numbers: frozenset[str]) -> frozenset[str]:
    """Org numbers as their last 10 digits, however they were written."""
    return frozenset(number.replace("-", "")[-10:] for number in org_numbers)


def _is_known(row: dict[str, str], options: ScrapeOptions, known_digits: frozenset[str]) -> bool:
    if row["org_number"].replace("-", "") in known_digits:
        return True
    return options.normalize_name(row["name"]) in options.known_names


# --- Reading lines


def _lines(body: bytes) -> Iterator[tuple[int, bytes]]:
    """(line number, raw line) one at a time, from the plain file or the single file in its zip."""
    stream: IO[bytes] = _zip_member(body) if body.startswith(ZIP_MAGIC) else io.BytesIO(body)
    with stream:
        for number, raw in enumerate(stream, start=1):
            line = raw.rstrip(b"\r\n")
            if line.strip():
                yield number, line


def _zip_member(body: bytes) -> IO[bytes]:
    archive = check_zip(body, ZIP_LIMITS)
    names = [info.filename for info in archive.infolist() if not info.is_dir()]
    if len(names) != 1:
        raise DriftError("one file in the zip", f"the archive holds {names}")
    try:
        return archive.open(names[0])
    except (zipfile.BadZipFile, OSError) as error:
        raise DriftError("file format", f"a damaged zip archive ({error})") from None


def _is_header(fields: list[str]) -> bool:
    return (
        len(fields) > ORG_NUMBER_FIELD
        and fields[ORG_NUMBER_FIELD].strip().casefold() in HEADER_ORG_LABELS
    )


def _read_line(line: int, raw: bytes, tally: _Tally) -> dict[str, str] | None:
    try:
        text = decode_as(raw, CHARSET)
    except TextDecodeError:
        # A byte cp1252 does not define, a C1 control or UTF-8 read as cp1252: a line in
        # another charset is never published with its letters wrong.
        tally.lines += 1
        tally.bad("encoding", line, raw.decode("cp1252", errors="replace"))
        return None
    fields = text.split(SEPARATOR)
    if line == 1 and _is_header(fields):
        return None
    tally.lines += 1
    if len(fields) < MIN_FIELDS:
        tally.bad("layout", line, text)
        return None
    match = ORG_NUMBER_SHAPE.match(fields[ORG_NUMBER_FIELD].strip())
    if match is None:
        tally.bad("org_number", line, text)
        return None
    name = " ".join(fields[NAME_FIELD].split())
    if not name:
        tally.bad("layout", line, text)
        return None
    return {"name": name, "org_number": f"{match.group(1)}-{match.group(2)}"}


def _expect_clean(tally: _Tally) -> None:
    if tally.lines == 0:
        raise DriftError("file not empty", "the file has no company lines")
    allowed = tally.lines * MAX_BAD_SHARE
    checks = (
        ("layout", tally.layout, f"at least {MIN_FIELDS} {SEPARATOR!r}-separated fields"),
        ("org number format", tally.org_number, "10 digits (or 12 with 16) in the org number"),
        ("encoding", tally.encoding, "text in Windows-1252 (the file's Latin-1), not UTF-8"),
    )
    for expectation, count, wanted in checks:
        if count > allowed:
            raise DriftError(
                expectation,
                f"{count} of {tally.lines} lines lack {wanted} (at most "
                f"{MAX_BAD_SHARE:.0%} may); first: {tally.first_bad}",
            )
