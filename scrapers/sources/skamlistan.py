"""Skamlistan: Råd & Rön's yearly list of the companies most reported to Konsumentverket.

The list is an article with one table (rank, company or brand, number of
reports), usually published in the autumn and covering the year so far
("januari–oktober 2025"). Each company becomes one ``complaints`` row for the
year the figures cover (``period`` = ``YYYY``), valued at the number of reports.
A later article for the same year replaces the value (the import keeps the old
one in the history). The article date and what the figures cover are kept as
evidence.
"""

from __future__ import annotations

import re

from bs4 import BeautifulSoup

from app.schemas import normalize_company_name
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
from scrapers.sources._html import (
    MONTH_NAMES,
    clean,
    company_name,
    find_table,
    soup_of,
    swedish_int,
)

# --- What the page looks like: fix these when the live article changes. ---------
ARTICLE_URL = "https://www.radron.se/granskningar/skamlistan/"
TABLE_SELECTOR = "article table"
RANK_COLUMN = "Plats"
COMPANY_COLUMN = "Företag"
COUNT_COLUMN = "Antal anmälningar"
# <time datetime="2025-11-03"> in the article header: the publication date.
ARTICLE_DATE_SELECTOR = "article time[datetime]"
# Where the article says what its figures cover: the table caption or figure caption.
COVERS_SELECTOR = "article table caption, article figcaption"
COVERS_PATTERN = re.compile(
    rf"(?P<covers>(?:(?:(?:{MONTH_NAMES})\s*[–—-]\s*)?(?:{MONTH_NAMES})|helåret)\s+(?P<year>\d{{4}}))",
    re.IGNORECASE,
)
# Words in a caption or header that make the figures something other than plain
# counts: thousands, shares, rates. Such a table is refused rather than rescaled.
NOT_PLAIN_COUNTS = re.compile(
    r"\b(?:tusental|tusen|miljoner|procent|andel|promille)\b|%|\bper\s+(?:\d|tusen|miljon)",
    re.IGNORECASE,
)
UNIT_SELECTOR = f"{COVERS_SELECTOR}, {TABLE_SELECTOR} th"
ISO_DATE_PATTERN = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
# Konsumentverket registers some tens of thousands of reports a year in all; one
# company above this many is a parsing error, not news.
MAX_PLAUSIBLE_COUNT = 50_000
# The list is a top-N of fixed length; losing a quarter of it is a parsing problem.
ROW_COUNT_LOW, ROW_COUNT_HIGH = 0.75, 2.0
# ----------------------------------------------------------------------------------

METRIC = "complaints"

SOURCE = SourceInfo(
    slug="skamlistan",
    name="Råd & Rön: företagen med flest anmälningar till Konsumentverket",
    url=ARTICLE_URL,
    terms=(
        "Råd & Rön's articles are copyrighted; the counts are facts (from Konsumentverket) "
        "quoted with attribution and a link to the article"
    ),
    cadence="yearly, usually in the autumn (the year so far)",
    kind="complaints",
    company_controlled=False,
    terms_sv=(
        "Råd & Röns artiklar är upphovsrättsskyddade; antalen är fakta (från "
        "Konsumentverket) som återges med källa och länk till artikeln"
    ),
    cadence_sv="en gång om året, oftast på hösten (året hittills)",
)


def fetch(client: Fetcher, options: ScrapeOptions) -> list[Document]:
    return [client.get(SOURCE.url)]


def parse(documents: list[Document], options: ScrapeOptions) -> ParseResult:
    if len(documents) != 1:
        raise DriftError("one article", f"expected one page, got {len(documents)}")
    document = documents[0]
    soup = soup_of(document)
    article_date = _article_date(soup)
    covers, year = _covers(soup, article_date)
    _expect_plain_counts(soup)
    table = find_table(
        soup, TABLE_SELECTOR, [RANK_COLUMN, COMPANY_COLUMN, COUNT_COLUMN], "the list's table"
    )
    ranked = [_ranked_entry(number, cells) for number, cells in enumerate(table, start=1)]
    _expect_ranks(ranked)
    _expect_unique([company for _, company, _ in ranked])
    rows = [
        {
            "company": company,
            "metric": METRIC,
            "period": year,
            "value": str(count),
            "source_url": public_url(document, SOURCE.url),
        }
        for _, company, count in ranked
    ]
    evidence = [
        {
            "article_date": article_date,
            "covers": covers,
            "source_url": public_url(document, SOURCE.url),
        }
    ]
    return ParseResult(rows=rows, evidence=evidence)


def check(result: ParseResult, last: LastRun | None) -> None:
    expect_row_count(result, last, low=ROW_COUNT_LOW, high=ROW_COUNT_HIGH)
    for row in result.rows:
        value = int(row["value"])
        if not 1 <= value <= MAX_PLAUSIBLE_COUNT:
            raise DriftError(
                "plausible count",
                f"{row['company']}: {value} reports (expected 1..{MAX_PLAUSIBLE_COUNT})",
            )


def _article_date(soup: BeautifulSoup) -> str:
    element = soup.select_one(ARTICLE_DATE_SELECTOR)
    if element is None:
        raise DriftError("article date", f"nothing matches {ARTICLE_DATE_SELECTOR!r}")
    stamp = str(element.get("datetime", ""))
    match = ISO_DATE_PATTERN.match(stamp)
    if match is None:
        raise DriftError("article date", f"datetime={stamp!r} does not start with YYYY-MM-DD")
    return match.group(0)


def _covers(soup: BeautifulSoup, article_date: str) -> tuple[str, str]:
    """What the figures cover and their year; the article's year when it does not say.

    Captions that name two different years (this year's list beside last year's)
    leave the year in doubt, and a guess could publish last year's counts as this
    year's: that is drift.
    """
    text = " ".join(clean(element.get_text(" ")) for element in soup.select(COVERS_SELECTOR))
    matches = list(COVERS_PATTERN.finditer(text))
    article_year = int(article_date[:4])
    if not matches:
        return "", str(article_year)
    if len({found.group("year") for found in matches}) > 1:
        stated = ", ".join(repr(found.group("covers")) for found in matches)
        raise DriftError("period stated", f"the captions state more than one period: {stated}")
    match = matches[0]
    year = int(match.group("year"))
    if not article_year - 1 <= year <= article_year:
        raise DriftError(
            "period stated",
            f"the figures cover {match.group('covers')!r}, but the article is from {article_date}",
        )
    return match.group("covers"), str(year)


def _expect_plain_counts(soup: BeautifulSoup) -> None:
    for element in soup.select(UNIT_SELECTOR):
        found = NOT_PLAIN_COUNTS.search(clean(element.get_text(" ")))
        if found:
            raise DriftError(
                "unit unchanged", f"{clean(element.get_text(' '))!r} says {found.group(0)!r}"
            )


def _ranked_entry(number: int, cells: dict[str, str]) -> tuple[int, str, int]:
    where = f"row {number}"
    company = company_name(cells[COMPANY_COLUMN], where)
    rank = swedish_int(cells[RANK_COLUMN].rstrip("."), "ranks 1..n", where)
    count = swedish_int(cells[COUNT_COLUMN], "counts are numbers", f"{where} ({company})")
    return rank, company, count


def _expect_ranks(ranked: list[tuple[int, str, int]]) -> None:
    """Ranks run 1..n in order; equal counts may share a rank (1, 2, 2, 4)."""
    previous_rank, previous_count = 0, None
    for position, (rank, company, count) in enumerate(ranked, start=1):
        shares_rank = count == previous_count and rank == previous_rank
        if rank != position and not shares_rank:
            raise DriftError("ranks 1..n", f"{company} is ranked {rank} at position {position}")
        if previous_count is not None and count > previous_count:
            raise DriftError("ranks 1..n", f"{company} has more reports than the row above it")
        previous_rank, previous_count = rank, count


def _expect_unique(companies: list[str]) -> None:
    """One row per company as the import tells companies apart (its normalised name)."""
    seen: set[str] = set()
    for company in companies:
        key = normalize_company_name(company)
        if key in seen:
            raise DriftError("one row per company", f"{company} appears twice")
        seen.add(key)
