"""The company page and its CSV show its place in every yearly ranking of every metric."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from app.services.exports import csv_header
from tests.api.test_company_places_api import _load
from tests.helpers import csv_body, post_csv


def _section(text: str) -> str:
    return text[text.index('id="ranks"') : text.index('id="sector"')]


def test_company_page_has_a_table_of_places_per_metric_in_swedish_first(
    client: TestClient, auth: dict[str, str]
) -> None:
    _load(client, auth)
    places = _section(client.get("/companies/exempeltele").text)
    # One stacked table a metric, so that it reads as blocks on a phone.
    assert places.count('<table class="compact stack places">') == 6
    assert "<caption>Klagomål</caption>" in places
    assert 'href="/rankings?metric=complaints&amp;period=2024">plats 1 av 2</a>' in places
    assert "bättre än 100\u00a0% av branschen" in places  # its rate, under Provtele's
    assert 'data-label="I branschen"' in places
    english = _section(client.get("/companies/exempeltele?lang=en").text)
    assert "place 1 of 2" in english
    assert "better than 0% of its sector" in english


def test_company_page_says_too_few_measurements_and_not_ranked_at_0_instead_of_a_place(
    client: TestClient, auth: dict[str, str]
) -> None:
    _load(client, auth)
    provtele = _section(client.get("/companies/provtele").text)
    assert "för få mätningar (3)" in provtele
    testkraft = _section(client.get("/companies/testkraft").text)
    assert "rankas inte vid 0" in testkraft


def test_company_csv_has_a_place_row_for_every_place_in_its_json(
    client: TestClient, auth: dict[str, str]
) -> None:
    _load(client, auth)
    text = client.get("/companies/exempeltele.csv").content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == csv_header("company")
    table = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    from_csv = [
        (
            r["metric"], r["period"], r["status"], r["value"], r["rank"], r["ranked"],
            r["sector_percentile"], r["sector_worse"], r["sector_ranked"], r["sample_size"],
        )
        for r in table
        if r["kind"] == "place"
    ]  # fmt: skip
    places = client.get("/api/v1/companies/exempeltele").json()["places"]

    def cell(value: object) -> str:
        return "" if value is None else str(value)

    from_json = [
        (
            metric, p["period"], p["status"], p["value_text"], *map(cell, (p["rank"], p["ranked"])),
            *map(cell, (p["sector_percentile"], p["sector_worse"], p["sector_ranked"])),
            cell(p["sample_size"]),
        )
        for metric, found in places.items()
        for p in found
    ]  # fmt: skip
    assert from_csv == from_json
    assert len(from_csv) == 7
    wait = next(r for r in table if r["kind"] == "place" and r["metric"] == "wait_median")
    assert wait["channel"] == "phone"


@pytest.mark.parametrize("path", ["/companies/exempeltele", "/api/v1/companies/exempeltele"])
def test_a_company_in_a_sector_stays_within_12_statements_after_an_import(
    client: TestClient, auth: dict[str, str], statements: list[str], path: str
) -> None:
    _load(client, auth)
    for extra in range(2):
        # An import: a new data version, so the places are counted again.
        line = f"Nyföretaget {extra} AB,complaints,2025,{5 + extra}"
        body = csv_body("company,metric,period,value", line)
        assert post_csv(client, "complaints", body, auth).status_code == 201
        # Facts about the whole site are read once per data version, by whichever page
        # comes first; here another page, so that the count is the company page's own.
        assert client.get("/sources").status_code == 200
        statements.clear()
        assert client.get(path).status_code == 200
        assert len(statements) <= 12, "\n".join(s[:90] for s in statements)
