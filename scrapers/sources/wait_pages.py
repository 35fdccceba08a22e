"""Wait pages: the queue time companies themselves display on their contact pages.

Which pages, and how to read each, is configuration (``options.config``, a TOML
file), one ``[[page]]`` table per page::

    [[page]]
    company = "Exempeltele AB"
    org_number = "999999-9999"            # optional
    url = "https://example.org/kundservice"
    selector = ".queue-time"              # CSS, the element holding the wait
    pattern = 'Beräknad väntetid:\\s*(?P<wait>\\d+)\\s*min'   # a group named "wait"
    unit = "min"                          # "min", "s", or "auto" ("1 tim 5 min")
    channel = "phone"                     # optional: phone (default), chat, email

The pattern finds where the wait begins; the wait is then read whole from there
(``scrapers.sources._duration``: "1 200 sekunder", "0:45", "1 timme och 5 minuter"),
so a pattern that stops early never publishes part of it. ``unit`` is what a bare
number counts; a unit word other than the configured one is drift. A selector that
matches two elements, a pattern found twice, a bound or range ("mindre än 2
minuter", "2–5 min") or any wait not fully understood is drift too: quarantined.

Each page gives one ``waits`` row with outcome ``announced``, measured at the
moment the page was fetched. These pages are controlled by the companies being
ranked, so ``check`` holds a sudden large improvement for a person to review
instead of publishing it. ``LastRun.values`` holds each company's last published
announced wait in seconds.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import UTC
from pathlib import Path

from scrapers.base import (
    Document,
    DriftError,
    Fetcher,
    HeldForReview,
    LastRun,
    ParseResult,
    ScrapeOptions,
    SourceInfo,
    expect_row_count,
)
from scrapers.sources._duration import DurationError, read_duration
from scrapers.sources._html import clean, soup_of

# --- How announced waits are read: units and limits. ----------------------------
WAIT_GROUP = "wait"  # the named group each configured pattern must have
CONFIGURABLE_UNITS = ("min", "s", "auto")
# A unit word a little after the wait ("45 (sekunder)") that contradicts the config.
UNIT_WORD_PATTERN = re.compile(r"\b(tim|min|sek)\w*", re.IGNORECASE)
UNIT_OF_STEM = {"tim": "tim", "min": "min", "sek": "s"}
UNIT_LOOKAHEAD = 16
MAX_PLAUSIBLE_WAIT = 4 * 3600
CHANNELS = ("phone", "chat", "email")
# Held for review: new wait below this share of the last one, and this much better.
SUSPICIOUS_SHARE = 0.25
SUSPICIOUS_GAIN_SECONDS = 5 * 60
# ----------------------------------------------------------------------------------

OUTCOME = "announced"

SOURCE = SourceInfo(
    slug="wait-pages",
    name="Företagens egna kontaktsidor (utlovad väntetid)",
    url="https://example.org/",  # one URL per company, listed in the configuration
    terms=(
        "a single figure read from each company's public contact page, at most once "
        "per run, quoted with a link to the page"
    ),
    cadence="continuous (as often as the runner is scheduled)",
    kind="waits",
    company_controlled=True,
    terms_sv=(
        "en enda siffra som läses från varje företags offentliga kontaktsida, högst en gång "
        "per körning, och återges med en länk till sidan"
    ),
    cadence_sv="löpande (så ofta som insamlingen är schemalagd)",
)


@dataclass(frozen=True)
class PageConfig:
    company: str
    url: str
    selector: str
    pattern: re.Pattern[str]
    unit: str
    channel: str = "phone"
    org_number: str = ""


def load_config(path: Path | None) -> list[PageConfig]:
    """The configured pages; ``ValueError`` saying what to fix when the file is wrong."""
    if path is None:
        raise ValueError("wait-pages needs a configuration file (a TOML file of [[page]] tables)")
    with path.open("rb") as handle:
        data = tomllib.load(handle)
    pages = data.get("page")
    if not isinstance(pages, list) or not pages:
        raise ValueError(f"{path}: no [[page]] tables")
    return [_page_config(entry, f"{path}: page {index}") for index, entry in enumerate(pages, 1)]


def _page_config(entry: dict[str, object], where: str) -> PageConfig:
    def text(key: str, default: str | None = None) -> str:
        value = entry.get(key, default)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"{where}: {key!r} must be a non-empty string")
        return value.strip()

    pattern = re.compile(text("pattern"), re.IGNORECASE)
    if WAIT_GROUP not in pattern.groupindex:
        raise ValueError(f"{where}: pattern needs a named group (?P<{WAIT_GROUP}>...)")
    unit, channel = text("unit"), text("channel", "phone")
    if unit not in CONFIGURABLE_UNITS:
        raise ValueError(f"{where}: unit must be one of {', '.join(CONFIGURABLE_UNITS)}")
    if channel not in CHANNELS:
        raise ValueError(f"{where}: channel must be one of {', '.join(CHANNELS)}")
    org_number = entry.get("org_number", "")
    return PageConfig(
        company=text("company"),
        url=text("url"),
        selector=text("selector"),
        pattern=pattern,
        unit=unit,
        channel=channel,
        org_number=org_number.strip() if isinstance(org_number, str) else "",
    )


def fetch(client: Fetcher, options: ScrapeOptions) -> list[Document]:
    return [client.get(page.url) for page in load_config(options.config)]


def parse(documents: list[Document], options: ScrapeOptions) -> ParseResult:
    pages = load_config(options.config)
    result = ParseResult(rows=[])
    for document in documents:
        page = _page_for(document, pages)
        seconds, shown = _announced_wait(document, page)
        stamp = _measured_at(document)
        row = {
            "company": page.company,
            "measured_at": stamp,
            "channel": page.channel,
            "wait_seconds": str(seconds),
            "outcome": OUTCOME,
            "external_id": f"{page.company}:{stamp}",
            "source_url": page.url,
        }
        if page.org_number:
            row["org_number"] = page.org_number
        result.rows.append(row)
        result.evidence.append({"company": page.company, "url": page.url, "shown": shown})
    return result


def check(result: ParseResult, last: LastRun | None) -> None:
    expect_row_count(result, last)
    held = []
    # Names as the site keeps them may differ in case or spacing from the configuration.
    last_values = {
        clean(name).casefold(): value for name, value in (last.values if last else {}).items()
    }
    for row in result.rows:
        seconds = int(row["wait_seconds"])
        _expect_plausible(seconds, row["company"])
        before = last_values.get(clean(row["company"]).casefold())
        if before is not None and _suspicious(before, seconds):
            held.append(f"{row['company']}: announced {seconds} s, last published {before:g} s")
    if held:
        raise HeldForReview("sudden large improvement on a company's own page: " + "; ".join(held))


def _suspicious(before: float, now: int) -> bool:
    return now < SUSPICIOUS_SHARE * before and before - now >= SUSPICIOUS_GAIN_SECONDS


def _page_for(document: Document, pages: list[PageConfig]) -> PageConfig:
    for page in pages:
        if page.url == document.url:
            return page
    if len(pages) == 1:  # a saved file given by hand: its path is not the page's URL
        return pages[0]
    raise ValueError(f"no configured page has the URL {document.url}")


def _announced_wait(document: Document, page: PageConfig) -> tuple[int, str]:
    """The wait in seconds, and the text it was read from."""
    where = f"{page.company} ({page.url})"
    if document.status >= 400:
        raise DriftError("page answered", f"{where}: HTTP status {document.status}")
    text = _element_text(document, page, where)
    match = _one_match(page, text, where)
    start = match.start(WAIT_GROUP)
    try:
        duration = read_duration(text, start, None if page.unit == "auto" else page.unit)
    except DurationError as error:
        raise DriftError("wait reads whole", f"{where}: {error}") from None
    if duration.end < start + len(match.group(WAIT_GROUP).rstrip()):
        raise DriftError(
            "wait reads whole", f"{where}: {match.group(WAIT_GROUP)!r} is more than a duration"
        )
    if page.unit != "auto":
        after = text[duration.end : duration.end + UNIT_LOOKAHEAD]
        _expect_unit(page.unit, duration.units, after, where)
    _expect_plausible(duration.seconds, where)
    return duration.seconds, text[match.start() : max(match.end(), duration.end)]


def _element_text(document: Document, page: PageConfig, where: str) -> str:
    """The text of the one element the selector names; two are ambiguous, not first-wins."""
    elements = soup_of(document).select(page.selector)
    if not elements:
        raise DriftError("selector matches", f"{where}: nothing matches {page.selector!r}")
    if len(elements) > 1:
        raise DriftError(
            "selector matches once", f"{where}: {len(elements)} elements match {page.selector!r}"
        )
    return clean(elements[0].get_text(" "))


def _one_match(page: PageConfig, text: str, where: str) -> re.Match[str]:
    matches = list(page.pattern.finditer(text))
    if not matches:
        raise DriftError(
            "pattern matches", f"{where}: {page.pattern.pattern!r} not found in {text!r}"
        )
    if len(matches) > 1:
        shown = ", ".join(repr(found.group(0)) for found in matches)
        raise DriftError("pattern matches once", f"{where}: found {len(matches)} times: {shown}")
    return matches[0]


def _expect_unit(unit: str, named: frozenset[str], after: str, where: str) -> None:
    """The page still counts in the configured unit: no other unit named in or just after it."""
    stems = {UNIT_OF_STEM[found.group(1).lower()] for found in UNIT_WORD_PATTERN.finditer(after)}
    other = sorted((named | stems) - {unit})
    if other:
        raise DriftError(
            "unit unchanged", f"{where}: configured {unit!r}, the page says {', '.join(other)}"
        )


def _expect_plausible(seconds: int, where: str) -> None:
    if not 0 <= seconds <= MAX_PLAUSIBLE_WAIT:
        raise DriftError(
            "plausible wait", f"{where}: {seconds} s (expected 0..{MAX_PLAUSIBLE_WAIT})"
        )


def _measured_at(document: Document) -> str:
    fetched = document.fetched_at
    if fetched.tzinfo is None:  # the client stamps UTC; a naive time is read as UTC
        fetched = fetched.replace(tzinfo=UTC)
    return fetched.isoformat()  # to the microsecond: two readings never share a key
