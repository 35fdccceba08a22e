"""The read API for companies and search."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import csv_body, post_csv


def _seed(client: TestClient, auth: dict[str, str]) -> None:
    companies = csv_body(
        "name,org_number,sector,aliases", "Åhus El AB,556016-0680,energi,Åhus Elnät|ÅEL"
    )
    assert post_csv(client, "companies", companies, auth).status_code == 201
    complaints = csv_body(
        "company,metric,period,value,source_url",
        "åhus el,complaints,2024,7,https://example.org/2024",
        "ÅHUS EL AKTIEBOLAG,complaints,2025,9,",
        "Annan Firma AB,complaints,2025,20,",
    )
    assert post_csv(client, "complaints", complaints, auth).status_code == 201


def test_company_json_has_metrics_ranks_and_traceable_figures(
    client: TestClient, auth: dict[str, str]
) -> None:
    _seed(client, auth)
    company = client.get("/api/v1/companies/ahus-el").json()
    assert company["name"] == "Åhus El AB"
    assert company["org_number"] == "556016-0680"
    assert company["sector"] == "energi"
    assert set(company["aliases"]) == {"Åhus El AB", "Åhus Elnät", "ÅEL"}
    assert [p["value"] for p in company["metrics"]["complaints"]] == [7, 9]
    assert company["complaint_ranks"] == [
        {"period": "2024", "rank": 1, "ranked": 1},
        {"period": "2025", "rank": 2, "ranked": 2},
    ]
    figures = {(f["metric"], f["period"]): f for f in company["figures"]}
    assert figures["complaints", "2024"]["source"] == "partner"
    assert figures["complaints", "2024"]["source_url"] == "https://example.org/2024"
    batch = client.get(f"/api/v1/imports/{figures['complaints', '2024']['batch_id']}")
    assert batch.status_code == 200


def test_unknown_company_is_404(client: TestClient) -> None:
    assert client.get("/api/v1/companies/ingen-alls").status_code == 404


def test_search_finds_swedish_letters_aliases_and_org_numbers(
    client: TestClient, auth: dict[str, str]
) -> None:
    _seed(client, auth)
    for q in ("åhus", "ÅHUS", "elnät", "5560160680", "556016-0680"):
        hits = client.get("/api/v1/search", params={"q": q}).json()
        assert [hit["slug"] for hit in hits] == ["ahus-el"], q
    assert client.get("/api/v1/search", params={"q": "zzz"}).json() == []
