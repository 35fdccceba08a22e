"""Svarta listan: Råd & Rön's list of companies that have not followed ARN's decisions.

The list is one page with a table of cases (company, ARN department, decision
date, case number, amount) and is updated in the spring and the autumn. A case
stays on the list until the company complies, so an update repeats older cases.

Period choice. The import contract has no half-year period (only ``YYYY``,
``YYYY-Qn`` and ``YYYY-MM``), and the update a case was listed in says little
about when it happened. So each case is counted in the quarter of its *decision
date*: one ``arn_unfollowed`` row per (company, ``YYYY-Qn`` of the decision),
valued at the number of that company's listed cases decided in that quarter.
Cases are counted per company as the import tells companies apart (its normalised
name), so "EXEMPELTELE AB", "Exempeltele AB" and a name with a soft hyphen are one
company; the row names it as most of its cases spell it.
This stays stable across updates (the same case lands in the same quarter every
time), and the rankings sum quarters into years. Every case is kept as evidence
(company, department, decision_date, case_number, amount_sek).

Known limit: a company that complies disappears from the list, and no row is
produced for it, so its earlier count is not lowered by a re-import; removing it
is a manual correction.
"""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

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
    clean,
    company_name,
    find_table,
    soup_of,
    swedish_date,
    swedish_int,
)

# --- What the page looks like: fix these when the live page changes. ------------
LIST_URL = "https://www.radron.se/svarta-listan/"
TABLE_SELECTOR = "main table"
COMPANY_COLUMN = "Företag"
DEPARTMENT_COLUMN = "Avdelning"
DATE_COLUMN = "Beslutsdatum"
CASE_COLUMN = "Ärendenummer"
AMOUNT_COLUMN = "Belopp"
# ARN's case numbers: the year the case was filed, a dash, five digits.
CASE_NUMBER_PATTERN = re.compile(r"^(?P<year>\d{4})-\d{5}$")
# "4 500 kr", "12 000 kronor", "1 250,50 kr"; amounts are whole or with öre.
AMOUNT_PATTERN = re.compile(
    r"^(?P<kronor>[\d \u00a0\u2009\u202f]+)(?:,(?P<ore>\d{2}))?\s*(?:kr|kronor|SEK)\.?$"
)
# Decisions that are not about money (a repair, a cancelled contract) show one of these.
NO_AMOUNT = ("", "-", "–", "—")
# ARN began in 1980; a decision before that, or after today, is a parsing error.
EARLIEST_DECISION = date(1980, 1, 1)
MAX_PLAUSIBLE_CASES = 200  # per company and quarter
# ----------------------------------------------------------------------------------

METRIC = "arn_unfollowed"
COLUMNS = [COMPANY_COLUMN, DEPARTMENT_COLUMN, DATE_COLUMN, CASE_COLUMN, AMOUNT_COLUMN]

SOURCE = SourceInfo(
    slug="svarta-listan",
    name="Råd & Rön: Svarta listan (företag som inte följt ARN:s beslut)",
    url=LIST_URL,
    terms=(
        "Råd & Rön's pages are copyrighted; the cases are facts (ARN's decisions) "
        "quoted with attribution and a link to the list"
    ),
    cadence="twice a year, in the spring and the autumn",
    kind="complaints",
    company_controlled=False,
    terms_sv=(
        "Råd & Röns sidor är upphovsrättsskyddade; ärendena är fakta (ARN:s beslut) som "
        "återges med källa och länk till listan"
    ),
    cadence_sv="två gånger om året, på våren och på hösten",
)


def fetch(client: Fetcher, options: ScrapeOptions) -> list[Document]:
    return [client.get(SOURCE.url)]


def parse(documents: list[Document], options: ScrapeOptions) -> ParseResult:
    cases: list[dict[str, str]] = []
    for document in documents:
        table = find_table(soup_of(document), TABLE_SELECTOR, COLUMNS, "the list's table")
        cases += [_case(number, cells) for number, cells in enumerate(table, start=1)]
    _expect_unique_cases(cases)
    names = _names_by_key(cases)
    counts = Counter(
        (names[normalize_company_name(case["company"])], _quarter(case["decision_date"]))
        for case in cases
    )
    source_url = public_url(documents[0], SOURCE.url) if documents else SOURCE.url
    rows = [
        {
            "company": company,
            "metric": METRIC,
            "period": quarter,
            "value": str(count),
            "source_url": source_url,
        }
        for (company, quarter), count in sorted(counts.items())
    ]
    return ParseResult(rows=rows, evidence=cases)


def _names_by_key(cases: list[dict[str, str]]) -> dict[str, str]:
    """Normalised name -> the spelling most of its cases use (the first such on a tie).

    Counting per spelling would split one company's cases over rows the import then
    takes for the same company, and one would replace the other: a case lost.
    """
    spellings: dict[str, Counter[str]] = {}
    for case in cases:
        key = normalize_company_name(case["company"])
        spellings.setdefault(key, Counter())[case["company"]] += 1
    return {key: counter.most_common(1)[0][0] for key, counter in spellings.items()}


def check(result: ParseResult, last: LastRun | None) -> None:
    expect_row_count(result, last)
    for row in result.rows:
        if not 1 <= int(row["value"]) <= MAX_PLAUSIBLE_CASES:
            raise DriftError(
                "plausible count",
                f"{row['company']} {row['period']}: {row['value']} cases "
                f"(expected 1..{MAX_PLAUSIBLE_CASES})",
            )


def _case(number: int, cells: dict[str, str]) -> dict[str, str]:
    company = company_name(cells[COMPANY_COLUMN], f"row {number}")
    where = f"row {number} ({company})"
    decided = swedish_date(cells[DATE_COLUMN], "dates parse", where)
    if not EARLIEST_DECISION <= decided <= date.today():
        raise DriftError("dates parse", f"{where}: decision date {decided} is implausible")
    case_number = clean(cells[CASE_COLUMN])
    match = CASE_NUMBER_PATTERN.match(case_number)
    if match is None or int(match.group("year")) > decided.year:
        raise DriftError(
            "case numbers", f"{where}: {case_number!r} is not an ARN case number (YYYY-NNNNN)"
        )
    return {
        "company": company,
        "department": clean(cells[DEPARTMENT_COLUMN]),
        "decision_date": decided.isoformat(),
        "case_number": case_number,
        "amount_sek": _amount(cells[AMOUNT_COLUMN], where),
    }


def _amount(text: str, where: str) -> str:
    """Whole kronor as text ('4500'), or '' when the decision names no amount."""
    cleaned = clean(text)
    if cleaned in NO_AMOUNT:
        return ""
    match = AMOUNT_PATTERN.match(cleaned)
    if match is None:
        raise DriftError("amounts parse", f"{where}: {text!r} is not an amount like '4 500 kr'")
    kronor = swedish_int(match.group("kronor"), "amounts parse", where)
    return str(kronor + (1 if int(match.group("ore") or 0) >= 50 else 0))


def _quarter(iso_date: str) -> str:
    month = int(iso_date[5:7])
    return f"{iso_date[:4]}-Q{(month - 1) // 3 + 1}"


def _expect_unique_cases(cases: list[dict[str, str]]) -> None:
    seen: set[str] = set()
    for case in cases:
        if case["case_number"] in seen:
            raise DriftError("one row per case", f"case {case['case_number']} appears twice")
        seen.add(case["case_number"])
