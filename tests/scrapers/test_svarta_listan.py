"""Svarta listan: the saved list parses to cases per company and quarter; a changed page is drift."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from app.schemas import ComplaintRecord, parse_row
from scrapers.base import Document, DriftError, LastRun, ParseResult, ScrapeOptions
from scrapers.sources import svarta_listan

FIXTURE = Path(__file__).parent.parent / "fixtures" / "svarta-listan" / "svarta-listan.html"
URL = svarta_listan.SOURCE.url
FULL = LastRun(rows=9)

EXPECTED = [
    ("Demo Inkasso AB", "2025-Q1", 1),
    ("Exempeltele AB", "2025-Q1", 2),
    ("Exempeltele AB", "2025-Q2", 1),
    ("Fantasimöbler i Mellanby AB", "2024-Q4", 1),
    ("Fiktiva Flyg AB", "2025-Q2", 2),
    ("Låtsasbilar Syd AB", "2024-Q3", 1),
    ("Låtsasresor AB", "2025-Q3", 1),
    ("Påhittade Hantverkare HB", "2025-Q3", 1),
    ("Testhandeln Nätbutik AB", "2025-Q3", 2),
]


def saved_page() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def run(html: str, last: LastRun | None = None) -> ParseResult:
    document = Document(url=URL, body=html.encode("utf-8"), content_type="text/html; charset=utf-8")
    result = svarta_listan.parse([document], ScrapeOptions())
    svarta_listan.check(result, last)
    return result


def test_saved_list_gives_cases_per_company_and_decision_quarter() -> None:
    result = run(saved_page(), LastRun(rows=len(EXPECTED)))
    assert result.rows == [
        {
            "company": name,
            "metric": "arn_unfollowed",
            "period": quarter,
            "value": str(count),
            "source_url": URL,
        }
        for name, quarter, count in EXPECTED
    ]


def test_every_case_is_kept_as_evidence() -> None:
    evidence = run(saved_page()).evidence
    assert len(evidence) == 12
    assert evidence[2] == {
        "company": "Exempeltele AB",
        "department": "Elektronik",
        "decision_date": "2025-03-04",
        "case_number": "2024-09023",
        "amount_sek": "1250",
    }
    no_amount = next(case for case in evidence if case["company"] == "Låtsasbilar Syd AB")
    assert no_amount["amount_sek"] == ""


def test_rows_are_accepted_by_the_import_contract() -> None:
    for row in run(saved_page()).rows:
        assert isinstance(parse_row("complaints", row), ComplaintRecord), row


def test_swedish_written_dates_and_amounts_in_kronor_are_read() -> None:
    html = saved_page().replace("<td>2025-02-11</td>", "<td>11 februari 2025</td>")
    html = html.replace("<td>3 200 kr</td>", "<td>3 200,00 kronor</td>")
    case = run(html).evidence[0]
    assert (case["decision_date"], case["amount_sek"]) == ("2025-02-11", "3200")


def rename_date_column(html: str) -> str:
    return html.replace("<th>Beslutsdatum</th>", "<th>Datum för beslut</th>")


def drop_amount_column(html: str) -> str:
    html = html.replace("<th>Belopp</th>", "")
    return re.sub(r"<td>[^<]*(?:kr|–)</td></tr>", "</tr>", html)


def empty_table(html: str) -> str:
    return re.sub(r"<tbody>.*?</tbody>", "<tbody></tbody>", html, flags=re.DOTALL)


def text_for_an_amount(html: str) -> str:
    return html.replace("<td>4 500 kr</td>", "<td>fyratusenfemhundra kronor</td>")


def amount_in_euro(html: str) -> str:
    return html.replace("<td>899 kr</td>", "<td>80 €</td>")


def date_unreadable(html: str) -> str:
    return html.replace("<td>2025-05-16</td>", "<td>16/5-25</td>")


def date_impossible(html: str) -> str:
    return html.replace("<td>2025-05-16</td>", "<td>2025-02-30</td>")


def date_in_the_future(html: str) -> str:
    return html.replace("<td>2025-05-16</td>", "<td>2099-05-16</td>")


def case_number_changed_form(html: str) -> str:
    return html.replace("<td>2024-07701</td>", "<td>ARN 7701/24</td>")


def case_listed_twice(html: str) -> str:
    return html.replace("<td>2025-04377</td>", "<td>2025-04120</td>")


def table_gone(html: str) -> str:
    return re.sub(r"<table.*?</table>", "", html, flags=re.DOTALL)


def most_rows_gone(html: str) -> str:
    rows = re.findall(r"<tr><td>.*?</tr>", html)
    for row in rows[3:]:
        html = html.replace(row, "")
    return html


LAST_CASE = "<tr><td>Testhandeln Nätbutik AB</td><td>Allmänna</td><td>2025-09-23</td>"


def cut_inside_the_last_case(html: str) -> str:
    return html[: html.index(LAST_CASE) + len(LAST_CASE)]


def cut_before_the_last_case(html: str) -> str:
    return html[: html.index(LAST_CASE)]


def cut_in_an_amount(html: str) -> str:
    return html[: html.index("<td>1 099 kr</td>") + len("<td>1 0")]


def table_end_tag_lost(html: str) -> str:
    return html.replace("</table>", "")


def total_row(html: str) -> str:
    return html.replace(
        "</tbody>",
        "<tr><td>Totalt</td><td>Alla</td><td>2025-09-30</td><td>2025-99999</td><td>–</td></tr>"
        "</tbody>",
    )


def footnote_row(html: str) -> str:
    return html.replace(
        "</tbody>",
        "<tr><td>* Uppgift från ARN</td><td></td><td>2025-09-30</td><td>2025-99998</td>"
        "<td>–</td></tr></tbody>",
    )


MUTATIONS: list[tuple[Callable[[str], str], str, LastRun | None]] = [
    (cut_inside_the_last_case, "page is whole", None),
    (cut_before_the_last_case, "page is whole", None),
    (cut_in_an_amount, "page is whole", None),
    (table_end_tag_lost, "page is whole", None),
    (total_row, "companies only", None),
    (footnote_row, "companies only", None),
    (rename_date_column, "columns present", None),
    (drop_amount_column, "columns present", None),
    (empty_table, "table has rows", None),
    (text_for_an_amount, "amounts parse", None),
    (amount_in_euro, "amounts parse", None),
    (date_unreadable, "dates parse", None),
    (date_impossible, "dates parse", None),
    (date_in_the_future, "dates parse", None),
    (case_number_changed_form, "case numbers", None),
    (case_listed_twice, "one row per case", None),
    (table_gone, "table present", None),
    (most_rows_gone, "row count", FULL),
]


@pytest.mark.parametrize(
    ("mutate", "expectation", "last"), MUTATIONS, ids=[m[0].__name__ for m in MUTATIONS]
)
def test_a_changed_page_is_drift(
    mutate: Callable[[str], str], expectation: str, last: LastRun | None
) -> None:
    html = mutate(saved_page())
    assert html != saved_page()
    with pytest.raises(DriftError) as caught:
        run(html, last)
    assert caught.value.expectation == expectation
    assert expectation in str(caught.value)


def test_the_saved_list_cut_anywhere_is_drift() -> None:
    page = saved_page()
    for cut in range(0, len(page.rstrip()), 23):
        with pytest.raises(DriftError, match="page is whole"):
            run(page[:cut])


EXEMPELTELE_ROW = "<tr><td>Exempeltele AB</td><td>Elektronik</td><td>2025-03-04</td>"


def _respell_one_exempeltele_case(spelling: str) -> Callable[[str], str]:
    def mutate(html: str) -> str:
        assert EXEMPELTELE_ROW in html
        return html.replace(EXEMPELTELE_ROW, EXEMPELTELE_ROW.replace("Exempeltele AB", spelling))

    mutate.__name__ = f"spelt {spelling!r}"
    return mutate


def footnote_marks_on_names(html: str) -> str:
    html = html.replace(
        "<td>Fiktiva Flyg AB</td><td>Resor</td><td>2025-04-08",
        "<td>Fiktiva Flyg AB¹</td><td>Resor</td><td>2025-04-08",
    )
    return html.replace("<td>Låtsasresor AB</td>", "<td>Låtsasresor AB<sup>2</sup></td>")


READ_EXACTLY = [
    _respell_one_exempeltele_case("EXEMPELTELE AB"),
    _respell_one_exempeltele_case("exempeltele ab"),
    _respell_one_exempeltele_case("Exem\u00adpeltele AB"),
    _respell_one_exempeltele_case("Exempeltele   AB"),
    _respell_one_exempeltele_case("Exempeltele\u00a0AB"),
    _respell_one_exempeltele_case("Exempeltele"),
    footnote_marks_on_names,
]


@pytest.mark.parametrize("mutate", READ_EXACTLY, ids=[m.__name__ for m in READ_EXACTLY])
def test_a_company_spelt_another_way_keeps_every_case(mutate: Callable[[str], str]) -> None:
    html = mutate(saved_page())
    assert html != saved_page()
    rows = run(html, FULL).rows
    assert [(row["company"], row["period"], int(row["value"])) for row in rows] == EXPECTED


def test_the_spelling_most_cases_use_names_the_row() -> None:
    html = saved_page().replace("<td>Exempeltele AB</td>", "<td>EXEMPELTELE AB</td>", 2)
    rows = run(html, FULL).rows
    assert {row["company"] for row in rows if "xempeltele" in row["company"].casefold()} == {
        "EXEMPELTELE AB"
    }
    assert sum(int(row["value"]) for row in rows) == 12
