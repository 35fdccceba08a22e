"""The company page, the search and hostile names."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from app.db import Database
from app.demo import load_demo
from tests.helpers import csv_body, post_csv

HOSTILE = [
    "<script>alert(1)</script> Hack AB",
    '"><img src=x onerror=alert(1)> Tele AB',
    '=HYPERLINK("http://x") Energi AB',
]


def test_company_page_has_a_chart_with_points_and_a_table(
    client: TestClient, database: Database
) -> None:
    load_demo(database)
    text = client.get("/companies/exempeltele").text
    assert '<svg class="chart"' in text
    assert text.count('class="data-point"') >= 12
    assert "<caption>" in text
    assert 'scope="col"' in text
    assert 'href="/imports/' in text  # raw data link to its batch
    assert 'href="/companies/exempeltele.csv"' in text
    assert "95 %" in text
    assert "Spaniens regel, inte en svensk" in text


def test_wait_ranking_lists_companies_with_too_few_measurements(
    client: TestClient, auth: dict[str, str]
) -> None:
    rows = ["company,measured_at,channel,wait_seconds,outcome,external_id"]
    rows += [
        f"Mångmätt AB,2024-03-{d:02d}T10:00:00+00:00,phone,{60 * d},answered,m{d}"
        for d in range(1, 13)
    ]
    rows += [
        f"Fåmätt AB,2024-03-{d:02d}T10:00:00+00:00,phone,{30 * d},answered,f{d}"
        for d in range(1, 4)
    ]
    assert post_csv(client, "waits", csv_body(*rows), auth).status_code == 201
    text = client.get("/rankings?metric=wait_median&period=2024-03").text
    assert 'id="too-few-heading"' in text
    too_few = text[text.index('id="too-few-heading"') :]
    assert "Fåmätt AB" in too_few
    assert "Mångmätt AB" not in too_few
    assert "Mångmätt AB" in text


def test_search_finds_swedish_letters_in_any_case_and_org_numbers(
    client: TestClient, auth: dict[str, str]
) -> None:
    body = csv_body(
        "name,org_number,aliases", "ÅHUS El AB,556036-0793,Åhus Elverk", "Östra Vatten AB,,"
    )
    assert post_csv(client, "companies", body, auth).status_code == 201
    for query in ("åhus", "ÅHUS", "åHuS el", "5560360793", "556036-0793", "556036"):
        text = client.get("/search", params={"q": query}).text
        assert "ÅHUS El AB" in text, query
    assert "Östra Vatten AB" in client.get("/search", params={"q": "öSTRA"}).text
    assert "ÅHUS El AB" not in client.get("/search", params={"q": "östra"}).text


def test_search_matches_aliases(client: TestClient, auth: dict[str, str]) -> None:
    body = csv_body("name,aliases", "Nordligt Kraftbolag AB,Kraftis|Nordkraft")
    assert post_csv(client, "companies", body, auth).status_code == 201
    text = client.get("/search?q=kraftis").text
    assert "Nordligt Kraftbolag AB" in text


def test_search_treats_like_wildcards_literally(client: TestClient, auth: dict[str, str]) -> None:
    body = csv_body("name", "Procent Bolaget AB")
    assert post_csv(client, "companies", body, auth).status_code == 201
    assert "Procent Bolaget AB" not in client.get("/search?q=%25").text
    assert "Procent Bolaget AB" not in client.get("/search?q=_").text


@pytest.fixture
def hostile_client(client: TestClient, auth: dict[str, str]) -> TestClient:
    companies = csv_body(
        "name,sector", *(f'"{name.replace(chr(34), chr(34) * 2)}",telekom' for name in HOSTILE)
    )
    assert post_csv(client, "companies", companies, auth).status_code == 201
    complaints = ["company,metric,period,value"]
    complaints += [
        f'"{name.replace(chr(34), chr(34) * 2)}",complaints,2024,{i + 5}'
        for i, name in enumerate(HOSTILE)
    ]
    assert post_csv(client, "complaints", csv_body(*complaints), auth).status_code == 201
    return client


def _assert_escaped(text: str) -> None:
    assert "<script>alert(1)</script>" not in text
    assert "<img src=x" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text or "&lt;img" in text


def test_hostile_names_are_escaped_on_rankings_company_and_search_pages(
    hostile_client: TestClient,
) -> None:
    ranking = hostile_client.get("/rankings?period=2024").text
    _assert_escaped(ranking)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Hack AB" in ranking
    assert "&#34;&gt;&lt;img src=x onerror=alert(1)&gt; Tele AB" in ranking
    assert "=HYPERLINK(&#34;http://x&#34;) Energi AB" in ranking
    for query in ("script", "img", "hyperlink"):
        search = hostile_client.get("/search", params={"q": query}).text
        assert 'href="/companies/' in search
        assert "<script>alert" not in search
        assert "<img src=x" not in search
    slugs = [
        line.split('"')[1] for line in ranking.split("href=") if line.startswith('"/companies/')
    ]
    for slug in slugs:
        page = hostile_client.get(slug)
        assert page.status_code == 200
        assert "<script>alert" not in page.text
        assert "<img src=x" not in page.text


def test_company_page_opens_with_where_it_stands_and_sets_waits_side_by_side(
    client: TestClient, database: Database
) -> None:
    load_demo(database)
    text = client.get("/companies/exempeltele").text
    summary = text.index('id="summary"')
    assert summary < text.index('id="trends"')
    assert "Så står sig företaget 2025" in text
    assert "plats 1 av 10" in text  # the demo's most complained-about company
    compared = text[text.index('id="waits-compared"') :]
    assert "Uppmätt" in compared
    assert "Företagets beräkning" in compared
    assert "\u00a0min " in compared  # waits in minutes and seconds


def test_company_history_marks_periods_with_too_few_measurements(
    client: TestClient, auth: dict[str, str]
) -> None:
    rows = ["company,measured_at,channel,wait_seconds,outcome"]
    rows += [
        f"Glesmätt AB,2025-03-0{d}T10:00:00+01:00,phone,{60 * d},answered" for d in range(1, 4)
    ]
    rows += [
        f"Glesmätt AB,2025-04-{d:02d}T10:00:00+02:00,phone,{60 * d},answered" for d in range(1, 13)
    ]
    assert post_csv(client, "waits", csv_body(*rows), auth).status_code == 201
    text = client.get("/companies/glesmatt").text
    assert text.count("för få för att rankas") >= 1
