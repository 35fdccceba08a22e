"""The public HTML pages: status, headers, language, escaping, errors."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.demo import load_demo
from app.services.rankings import RankedCompany, Ranking
from app.web.ranking_view import biggest_movers
from app.web.security import SECURITY_HEADERS

PAGES = [
    "/",
    "/rankings",
    "/rankings?metric=wait_median&channel=chat",
    "/rankings?metric=complaints_per_100k&period=2025-Q1&sector=bank",
    "/companies/exempeltele",
    "/search?q=bank",
    "/methodology",
    "/sources",
    "/data",
    "/om",
    "/docs",
]
# Scripts only from files; a JSON-LD data block is data, never run (and CSP allows it).
INLINE_STYLE = re.compile(
    r"<style|\sstyle=|<script(?![^>]*\s(src=|type=\"application/ld\+json\"))", re.IGNORECASE
)


@pytest.fixture
def demo_client(client: TestClient, database: Database) -> TestClient:
    load_demo(database)
    return client


def assert_security_headers(response_headers: dict[str, str] | object) -> None:
    for name, value in SECURITY_HEADERS.items():
        assert response_headers[name] == value  # type: ignore[index]


@pytest.mark.parametrize("path", PAGES)
def test_every_page_answers_with_security_headers_and_no_inline_style(
    demo_client: TestClient, path: str
) -> None:
    response = demo_client.get(path)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert_security_headers(response.headers)
    assert "unsafe-inline" not in response.headers["content-security-policy"]
    assert not INLINE_STYLE.search(response.text)
    assert "CC BY 4.0" in response.text  # the licence footer


@pytest.mark.parametrize(
    "path", ["/static/site.css", "/openapi.json", "/healthz", "/api/v1/imports/999999", "/nope"]
)
def test_other_responses_carry_the_security_headers_too(client: TestClient, path: str) -> None:
    assert_security_headers(client.get(path).headers)


def test_pages_work_on_an_empty_database(client: TestClient) -> None:
    for path in ["/", "/rankings?metric=wait_median", "/search?q=x", "/sources"]:
        assert client.get(path).status_code == 200


@pytest.mark.parametrize(
    "query",
    ["metric=nonsense", "period=2025-13", "period=soon", "channel=pigeon", "sector=no-such-sector"],
)
def test_a_bad_ranking_query_is_a_friendly_error_page(demo_client: TestClient, query: str) -> None:
    # A sector nobody is in does not exist (404); every other bad word is a 422.
    status = 404 if query.startswith("sector=") else 422
    for path in ("/rankings", "/"):
        response = demo_client.get(f"{path}?{query}")
        assert response.status_code == status
        assert response.headers["content-type"].startswith("text/html")
        assert "Traceback" not in response.text
        assert "<h1>" in response.text


def test_an_unknown_company_is_a_friendly_404_page(demo_client: TestClient) -> None:
    response = demo_client.get("/companies/no-such-company")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert_security_headers(response.headers)


def test_api_errors_stay_json(client: TestClient) -> None:
    response = client.get("/api/v1/imports/999999")
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("application/json")


def test_swedish_is_the_default_language(demo_client: TestClient) -> None:
    text = demo_client.get("/rankings").text
    assert '<html lang="sv">' in text
    assert "Listorna" in text


def test_english_through_the_lang_parameter_is_kept_on_links(demo_client: TestClient) -> None:
    text = demo_client.get("/rankings?lang=en").text
    assert '<html lang="en">' in text
    assert "Rankings" in text
    assert 'href="/companies/exempeltele?lang=en"' in text
    assert 'href="/rankings?lang=sv"' in text  # the switch back


def test_english_through_accept_language(demo_client: TestClient) -> None:
    text = demo_client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9,sv;q=0.5"}).text
    assert '<html lang="en">' in text
    swedish = demo_client.get("/", headers={"Accept-Language": "sv-SE,en;q=0.8"}).text
    assert '<html lang="sv">' in swedish


def test_rankings_page_links_its_csv_and_json_twins(demo_client: TestClient) -> None:
    text = demo_client.get("/rankings?metric=wait_median&period=2025").text
    fixed = "metric=wait_median&amp;period=2025&amp;channel=phone"
    assert f'href="/rankings.csv?{fixed}"' in text
    assert f'href="/rankings.csv?{fixed}&amp;dialect=excel-sv"' in text
    assert f'href="/api/v1/rankings?{fixed}"' in text


def test_a_ranking_is_citable_by_a_link_that_will_not_change(demo_client: TestClient) -> None:
    """The default list's links name its period: next year they still give this list."""
    text = demo_client.get("/").text
    assert 'href="/rankings.csv?metric=complaints&amp;period=2025"' in text
    assert 'href="http://testserver/rankings?metric=complaints&amp;period=2025"' in text
    assert "Data t.o.m." in text
    assert 'rel="license"' in text
    assert "Skamlistan: Klagomål, 2025. http://testserver/rankings?" in text
    company = demo_client.get("/companies/exempeltele").text
    assert 'href="http://testserver/companies/exempeltele"' in company
    assert 'href="/companies/exempeltele.csv?dialect=excel-sv"' in company


def test_the_data_page_links_every_bulk_download(demo_client: TestClient) -> None:
    text = demo_client.get("/data").text
    for name in ("complaints", "waits", "customers", "companies"):
        assert f'href="/downloads/{name}.csv"' in text
        assert f'href="/downloads/{name}.csv?dialect=excel-sv"' in text
    assert 'href="/data"' in demo_client.get("/").text


def test_front_page_shows_the_biggest_movers(demo_client: TestClient) -> None:
    text = demo_client.get("/").text
    assert 'id="movers-heading"' in text
    assert "▲" in text or "▼" in text


def test_merged_company_slug_redirects_permanently(
    demo_client: TestClient, database: Database
) -> None:
    from sqlalchemy import select

    from app.models import Company, CompanyRedirect

    with database.write() as session:
        company = session.scalars(select(Company).where(Company.slug == "sagobanken")).one()
        session.add(CompanyRedirect(old_slug="gamla-sagobanken", company_id=company.id))
    response = demo_client.get("/companies/gamla-sagobanken?lang=en", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == "/companies/sagobanken?lang=en"


def test_head_answers_like_get_without_a_body(client: TestClient) -> None:
    for path in ("/", "/rankings.csv", "/healthz", "/methodology"):
        head = client.head(path)
        get = client.get(path)
        assert head.status_code == get.status_code == 200, path
        assert head.content == b""
        assert head.headers["content-type"] == get.headers["content-type"]
        assert "content-security-policy" in head.headers


def test_every_page_says_when_its_companies_are_made_up(
    client: TestClient, database: Database
) -> None:
    assert "alla företag på den här webbplatsen är påhittade" not in client.get("/").text
    load_demo(database)
    for path in PAGES:
        text = client.get(path).text
        assert "alla företag på den här webbplatsen är påhittade" in text, path
    english = client.get("/rankings?lang=en").text
    assert "every company on this site is made up" in english


def test_the_about_page_says_who_publishes_and_how_to_correct(client: TestClient) -> None:
    text = client.get("/om").text
    for heading in ("Vem som ger ut den", "Så rättas fel", "Så svarar ett företag", "Kontakt"):
        assert heading in text
    assert 'href="mailto:' in text
    assert "Who publishes it" in client.get("/om?lang=en").text
    moved = client.get("/about", follow_redirects=False)
    assert moved.status_code == 301
    assert moved.headers["location"] == "/om?lang=en"
    assert 'href="/om"' in client.get("/").text


def test_the_methodology_explains_intervals_and_the_funnel_in_both_languages(
    client: TestClient,
) -> None:
    swedish = client.get("/methodology").text
    assert "Hur säker en placering är" in swedish
    assert "troligen plats 4–9" in swedish
    assert "Trattdiagrammet" in swedish
    english = client.get("/methodology?lang=en").text
    assert "How sure a place is" in english
    assert "funnel plot" in english


def test_every_template_is_compiled_when_the_server_starts(client: TestClient) -> None:
    """A worker's first page of each kind would otherwise pay for compiling it."""
    environment = client.app.state.templates.environment  # type: ignore[attr-defined]
    compiled = {name for _loader, name in environment.cache}
    assert compiled >= set(environment.list_templates())


def test_the_biggest_movers_are_the_largest_changes_either_way_ties_by_rank() -> None:
    def row(rank: int, previous: int | None, name: str) -> RankedCompany:
        return RankedCompany(rank, rank, name, name, None, None, Decimal(1), None, previous)

    rows = [
        row(1, 9, "a"),  # up 8
        row(2, 2, "b"),  # same
        row(3, None, "c"),  # new
        row(4, 1, "d"),  # down 3
        row(4, 7, "e"),  # up 3, the same rank as d
        row(6, 14, "f"),  # up 8, after a by rank
        row(7, 8, "g"),  # up 1
    ]
    ranking = Ranking("complaints", None, "phone", None, rows)
    movers = biggest_movers(ranking, limit=4)
    assert [(m.ranked.slug, m.change.direction, m.change.steps) for m in movers] == [
        ("a", "up", 8),
        ("f", "up", 8),
        ("d", "down", 3),
        ("e", "up", 3),
    ]
    unmoved = [row(1, None, "a"), row(2, None, "b")]
    assert biggest_movers(Ranking("complaints", None, "phone", None, unmoved)) == []
