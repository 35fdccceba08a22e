"""What a scraper is.

A source is one module in ``scrapers/sources/`` whose name is its slug (with
``_`` for ``-``). It declares:

- ``SOURCE``: a ``SourceInfo`` (metadata shown on /sources);
- ``fetch(client, options) -> list[Document]``: the only part that touches the
  network, always through the one polite client (``scrapers.http``);
- ``parse(documents, options) -> ParseResult``: pure, no network, no database.
  It raises ``DriftError`` when the page no longer has the shape it was built
  for (a column renamed, a selector gone, a number that is text, a unit that
  changed);
- ``check(result, last) -> None``: the expectations a sane result meets against
  the last good run (row count within bounds, values plausible); it raises
  ``DriftError`` naming the broken expectation.

Scrapers never touch the database: the runner stores the raw bytes, and hands
the rows to the same ingest service as the import API.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class SourceInfo:
    slug: str
    name: str
    url: str
    terms: str  # the publisher's terms of use, in a sentence
    cadence: str  # how often the source publishes, e.g. "yearly, in January"
    kind: str  # the import kind its rows are: complaints, waits or companies
    # True for pages the measured company itself controls (its own contact page):
    # a sudden large improvement there is held for review instead of published.
    company_controlled: bool = False
    # The terms and the cadence in Swedish, for the Swedish /sources page (the site's
    # own language; every source in the registry says them).
    terms_sv: str = ""
    cadence_sv: str = ""


@dataclass(frozen=True)
class Document:
    """One fetched page or given file, exactly as its bytes arrived."""

    url: str
    body: bytes
    content_type: str = "application/octet-stream"
    status: int = 200
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC))


@dataclass
class ParseResult:
    # Cells named as the import contract names them, for the source's kind.
    rows: list[dict[str, str]]
    # What stands behind the rows, kept with the batch (e.g. each ARN case).
    evidence: list[dict[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class LastRun:
    """What the last good (published) run of the same source gave."""

    rows: int
    # company name -> the value it had, for plausibility checks (e.g. announced waits)
    values: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class ScrapeOptions:
    file: Path | None = None  # parse this saved file instead of fetching
    config: Path | None = None  # a source's own configuration file (wait-pages)
    only_known: bool = False  # bolagsverket: only companies the site has
    known_org_numbers: frozenset[str] = frozenset()
    known_names: frozenset[str] = frozenset()  # normalised names of known companies
    # How names are normalised for matching (the runner passes the contract's rule).
    normalize_name: Callable[[str], str] = str.casefold


class DriftError(Exception):
    """The source no longer looks as the parser expects; nothing may be published."""

    def __init__(self, expectation: str, detail: str) -> None:
        super().__init__(f"{expectation}: {detail}")
        self.expectation = expectation
        self.detail = detail


class HeldForReview(Exception):
    """A plausible but suspicious result (a sudden large improvement on a page the
    company controls): kept, not published, until a person approves it."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Fetcher(Protocol):
    def get(self, url: str) -> Document: ...


class SourceModule(Protocol):
    SOURCE: SourceInfo

    def fetch(self, client: Fetcher, options: ScrapeOptions) -> list[Document]: ...

    def parse(self, documents: list[Document], options: ScrapeOptions) -> ParseResult: ...

    def check(self, result: ParseResult, last: LastRun | None) -> None: ...


def expect_row_count(
    result: ParseResult,
    last: LastRun | None,
    *,
    low: float = 0.5,
    high: float = 3.0,
    minimum: int = 1,
) -> None:
    """At least ``minimum`` rows, and within low..high times the last good run's count."""
    count = len(result.rows)
    if count < minimum:
        raise DriftError("row count", f"{count} rows, expected at least {minimum}")
    if last is not None and last.rows and not low * last.rows <= count <= high * last.rows:
        raise DriftError(
            "row count",
            f"{count} rows, the last good run had {last.rows} (allowed {low:g}x to {high:g}x)",
        )


def expect_columns(found: list[str], required: list[str], where: str) -> None:
    missing = [name for name in required if name not in found]
    if missing:
        raise DriftError(
            "columns present",
            f"{where} lacks {', '.join(missing)}; found {', '.join(found) or 'none'}",
        )


def public_url(document: Document, fallback: str) -> str:
    """The address a reader can follow for a figure: the document's own when it was
    fetched from the web, else the source's page (a saved file's path means nothing)."""
    return document.url if document.url.startswith(("http://", "https://")) else fallback
