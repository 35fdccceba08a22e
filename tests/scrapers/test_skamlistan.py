"""Skamlistan: the saved article parses to exact rows; a changed page is drift."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from app.schemas import ComplaintRecord, parse_row
from scrapers.base import Document, DriftError, LastRun, ParseResult, ScrapeOptions
from scrapers.sources import skamlistan

FIXTURE = Path(__file__).parent.parent / "fixtures" / "skamlistan" / "article.html"
URL = skamlistan.SOURCE.url
FULL = LastRun(rows=10)

EXPECTED = [
    ("Exempeltele AB", 2417),
    ("Påhittade Banken", 1986),
    ("Låtsasel Energi AB", 1502),
    ("Fiktiva Flyg AB", 1130),
    ("Testhandeln Nätbutik", 987),
    ("Påhittat Bredband AB", 764),
    ("Exempelförsäkringar", 612),
    ("Låtsasresor AB", 612),
    ("Demo Inkasso AB", 540),
    ("Fantasimöbler", 498),
]


def saved_page() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def run(html: str, last: LastRun | None = None) -> ParseResult:
    document = Document(url=URL, body=html.encode("utf-8"), content_type="text/html; charset=utf-8")
    result = skamlistan.parse([document], ScrapeOptions())
    skamlistan.check(result, last)
    return result


def test_saved_article_gives_one_complaints_row_per_company() -> None:
    result = run(saved_page(), FULL)
    assert result.rows == [
        {
            "company": name,
            "metric": "complaints",
            "period": "2025",
            "value": str(value),
            "source_url": URL,
        }
        for name, value in EXPECTED
    ]


def test_article_date_and_coverage_are_kept_as_evidence() -> None:
    result = run(saved_page())
    assert result.evidence == [
        {"article_date": "2025-11-03", "covers": "januari–oktober 2025", "source_url": URL}
    ]


def test_rows_are_accepted_by_the_import_contract() -> None:
    for row in run(saved_page()).rows:
        assert isinstance(parse_row("complaints", row), ComplaintRecord), row


def test_without_a_coverage_caption_the_period_is_the_article_year() -> None:
    html = saved_page().replace("januari–oktober 2025", "i år")
    result = run(html)
    assert {row["period"] for row in result.rows} == {"2025"}
    assert result.evidence[0]["covers"] == ""


def rename_count_column(html: str) -> str:
    return html.replace(">Antal anmälningar<", ">Anmälningar<")


def rename_company_column(html: str) -> str:
    return html.replace(">Företag<", ">Varumärke<")


def empty_table(html: str) -> str:
    return re.sub(r"<tbody>.*?</tbody>", "<tbody></tbody>", html, flags=re.DOTALL)


def text_for_a_count(html: str) -> str:
    return html.replace("<td>1 986</td>", "<td>ca två tusen</td>")


def decimal_count(html: str) -> str:
    return html.replace("<td>987</td>", "<td>9,87</td>")


def rank_skipped(html: str) -> str:
    return html.replace("<td>5</td><td>Testhandeln", "<td>6</td><td>Testhandeln")


def counts_out_of_order(html: str) -> str:
    return html.replace("<td>498</td>", "<td>4 980</td>")


def company_twice(html: str) -> str:
    return html.replace("Fantasimöbler", "Exempeltele AB")


def table_gone(html: str) -> str:
    return re.sub(r"<table class=\"article-table\">.*?</table>", "", html, flags=re.DOTALL)


def no_tables_at_all(html: str) -> str:
    return re.sub(r"<table.*?</table>", "", html, flags=re.DOTALL)


def date_gone(html: str) -> str:
    return html.replace('datetime="2025-11-03T06:00:00+01:00"', "")


def coverage_of_another_year(html: str) -> str:
    return html.replace("januari–oktober 2025", "januari–oktober 2019")


def half_the_rows_gone(html: str) -> str:
    rows = re.findall(r"<tr><td>\d+</td>.*?</tr>", html)
    assert len(rows) == 10
    for row in rows[5:]:
        html = html.replace(row, "")
    return html


def an_extra_cell(html: str) -> str:
    return html.replace("<td>540</td>", "<td>540</td><td>ny</td>")


def cut_mid_number(html: str) -> str:
    return html[: html.index("<td>498</td>") + len("<td>49")]


def cut_after_the_table(html: str) -> str:
    return html[: html.index("</figure>")]


def table_end_tag_lost(html: str) -> str:
    return html.replace("</tbody>\n      </table>", "</tbody>\n")


def number_split_oddly(html: str) -> str:
    return html.replace("<td>498</td>", "<td>49 8</td>")


def second_count_column(html: str) -> str:
    html = html.replace(
        '<th scope="col">Antal anmälningar</th>',
        '<th scope="col">Antal anmälningar</th><th scope="col">Antal anmälningar</th>',
    )
    return re.sub(r"(<td>[\d\s\xa0&nbsp;]+</td>)</tr>", r"\1<td>1</td></tr>", html)


def last_years_table_first(html: str) -> str:
    figure = re.search(r'<figure class="table-figure">.*?</figure>', html, flags=re.DOTALL)
    assert figure is not None
    last_year = figure.group(0).replace("2025", "2024").replace("<td>2&nbsp;417", "<td>3&nbsp;001")
    return html.replace(figure.group(0), last_year + figure.group(0))


def last_years_table_first_without_a_caption(html: str) -> str:
    html = last_years_table_first(html)
    return html.replace(
        "<caption>Antal anmälningar till Konsumentverket januari–oktober 2024</caption>", "", 1
    )


def caption_states_two_years(html: str) -> str:
    return html.replace(
        "* Inklusive dotterbolag.", "* Inklusive dotterbolag. Jämför januari–oktober 2024."
    )


def total_row(html: str) -> str:
    return html.replace("</tbody>", "<tr><td>11</td><td>Totalt</td><td>400</td></tr></tbody>")


def sum_row(html: str) -> str:
    return html.replace("</tbody>", "<tr><td>–</td><td>Summa:</td><td>11 048</td></tr></tbody>")


def footnote_row(html: str) -> str:
    return html.replace(
        "</tbody>", "<tr><td></td><td>* Inklusive dotterbolag</td><td></td></tr></tbody>"
    )


def company_twice_in_capitals(html: str) -> str:
    return html.replace("Fantasimöbler", "EXEMPELTELE AB")


def company_twice_with_a_soft_hyphen(html: str) -> str:
    return html.replace("Fantasimöbler", "Exem\u00adpeltele  AB")


def counts_in_thousands(html: str) -> str:
    return html.replace("Antal anmälningar till", "Antal anmälningar (tusental) till")


def counts_per_100k_customers(html: str) -> str:
    return html.replace(">Antal anmälningar<", ">Antal anmälningar<br>per 100 000 kunder<")


MUTATIONS: list[tuple[Callable[[str], str], str, LastRun | None]] = [
    (counts_in_thousands, "unit unchanged", None),
    (counts_per_100k_customers, "unit unchanged", None),
    (cut_mid_number, "page is whole", None),
    (cut_after_the_table, "page is whole", None),
    (table_end_tag_lost, "page is whole", None),
    (number_split_oddly, "counts are numbers", None),
    (second_count_column, "columns unique", None),
    (last_years_table_first, "period stated", None),
    (last_years_table_first_without_a_caption, "one table", None),
    (caption_states_two_years, "period stated", None),
    (total_row, "companies only", None),
    (sum_row, "companies only", None),
    (footnote_row, "companies only", None),
    (company_twice_in_capitals, "one row per company", None),
    (company_twice_with_a_soft_hyphen, "one row per company", None),
    (rename_count_column, "columns present", None),
    (rename_company_column, "columns present", None),
    (empty_table, "table has rows", None),
    (text_for_a_count, "counts are numbers", None),
    (decimal_count, "counts are numbers", None),
    (rank_skipped, "ranks 1..n", None),
    (counts_out_of_order, "ranks 1..n", None),
    (company_twice, "one row per company", None),
    (table_gone, "columns present", None),
    (no_tables_at_all, "table present", None),
    (date_gone, "article date", None),
    (coverage_of_another_year, "period stated", None),
    (half_the_rows_gone, "row count", FULL),
    (an_extra_cell, "row shape", None),
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


def footnote_in_sup(html: str) -> str:
    return html.replace("Fiktiva Flyg AB*", "Fiktiva Flyg AB<sup>1</sup>")


def footnote_in_superscript_digit(html: str) -> str:
    return html.replace("Fiktiva Flyg AB*", "Fiktiva Flyg AB¹")


def footnote_on_the_count_header(html: str) -> str:
    return html.replace(">Antal anmälningar<", ">Antal anmälningar<sup>2</sup><")


def footnote_in_parentheses(html: str) -> str:
    return html.replace("Fiktiva Flyg AB*", "Fiktiva Flyg AB (1)")


def script_after_the_page(html: str) -> str:
    return html + '<script src="/statistik.js"></script>\n'


def total_in_the_table_foot(html: str) -> str:
    return html.replace(
        "</tbody>", "</tbody><tfoot><tr><td></td><td>Totalt</td><td>11 048</td></tr></tfoot>"
    )


def no_break_spaces_everywhere(html: str) -> str:
    return html.replace("<td>1 986</td>", "<td>1\u202f986</td>")


READ_EXACTLY = [
    footnote_in_sup,
    footnote_in_superscript_digit,
    footnote_on_the_count_header,
    footnote_in_parentheses,
    script_after_the_page,
    total_in_the_table_foot,
    no_break_spaces_everywhere,
]


@pytest.mark.parametrize("mutate", READ_EXACTLY, ids=[m.__name__ for m in READ_EXACTLY])
def test_a_changed_page_that_is_still_clear_is_read_exactly(mutate: Callable[[str], str]) -> None:
    html = mutate(saved_page())
    assert html != saved_page()
    assert [(row["company"], int(row["value"])) for row in run(html, FULL).rows] == EXPECTED


def test_the_saved_article_cut_anywhere_is_drift() -> None:
    page = saved_page()
    for cut in [*range(0, len(page.rstrip()), 23), page.index("<td>498</td>") + len("<td>49")]:
        with pytest.raises(DriftError, match="page is whole"):
            run(page[:cut])


def test_fetch_asks_for_the_article() -> None:
    class Client:
        def __init__(self) -> None:
            self.urls: list[str] = []

        def get(self, url: str) -> Document:
            self.urls.append(url)
            return Document(url=url, body=b"")

    client = Client()
    assert len(skamlistan.fetch(client, ScrapeOptions())) == 1
    assert client.urls == [URL]


def test_bytes_that_are_no_text_are_drift() -> None:
    document = Document(url=URL, body=b"<p>\x81\x8d\x8f\x90</p>", content_type="text/html")
    with pytest.raises(DriftError, match="text decodes"):
        skamlistan.parse([document], ScrapeOptions())
