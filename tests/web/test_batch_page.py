"""An import batch's page: a reader follows a figure to where it came from."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.helpers import csv_body, post_csv


def test_a_figure_leads_to_a_readable_page_of_its_import(
    client: TestClient, auth: dict[str, str]
) -> None:
    body = csv_body(
        "company,metric,period,value,source_url",
        "Spårbolaget AB,complaints,2025,1234567,https://example.org/rapport-2025",
        "Spårbolaget AB,complaints,2024,12,https://example.org/rapport-2024",
    )
    created = post_csv(client, "complaints", body, auth)
    assert created.status_code == 201, created.text
    batch_id = created.json()["batch_id"]
    company = client.get("/companies/sparbolaget").text
    assert f'href="/imports/{batch_id}"' in company
    ranking = client.get("/rankings?period=2025").text
    assert 'href="/companies/sparbolaget#raw"' in ranking
    assert "1\u00a0234\u00a0567" in ranking

    page = client.get(f"/imports/{batch_id}")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert f"Import {batch_id}" in text
    assert 'href="/sources#source-' in text
    assert "Antal klagomål" in text
    assert "2 nya, 0 ändrade, 0 oförändrade" in text
    assert "https://example.org/rapport-2024" in text
    assert "https://example.org/rapport-2025" in text
    assert "Spårbolaget AB" in text  # the company the import created
    assert f'href="/api/v1/imports/{batch_id}"' in text
    # The API keeps its JSON report.
    assert client.get(f"/api/v1/imports/{batch_id}").json()["batch_id"] == batch_id
    english = client.get(f"/imports/{batch_id}?lang=en").text
    assert "2 new, 0 changed, 0 unchanged" in english


def test_no_page_for_an_import_that_is_not_there(client: TestClient) -> None:
    assert client.get("/imports/999999").status_code == 404
    assert client.get("/imports/0").status_code == 422
    assert client.get("/imports/abc").status_code == 422
