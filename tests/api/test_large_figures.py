"""Figures up to 2^63-1 (contract v2): imported, stored and shown exactly, and never a
500 where a sum of them passes what a column holds."""

from __future__ import annotations

import csv
import io
import json
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.db import Database
from app.models import ComplaintCount, ComplaintPeriodValue
from app.periods import Period
from app.schemas import MAX_INT
from app.services.complaint_periods import refresh_company_complaint_periods
from app.services.wait_medians import stored_medians
from tests.helpers import csv_body, post_csv, row_counts


def _import(client: TestClient, auth: dict[str, str], kind: str, *lines: str) -> str:
    """The slug of the one company the rows name."""
    response = post_csv(client, kind, csv_body(*lines), auth)
    assert response.status_code == 201, response.text
    return str(response.json()["companies_created"][0]["slug"])


def _csv_rows(client: TestClient, url: str) -> list[dict[str, str]]:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return list(csv.DictReader(io.StringIO(response.text.removeprefix("\ufeff"))))


@pytest.mark.parametrize("customers", [3_000_000_000, MAX_INT])
def test_customer_counts_past_32_bits_import_and_read_back_exactly(
    client: TestClient, auth: dict[str, str], customers: int
) -> None:
    slug = _import(client, auth, "customers", "company,year,customers", f"Stor AB,2025,{customers}")
    figures = client.get(f"/api/v1/companies/{slug}").json()["figures"]
    assert [(f["kind"], f["period"], f["value"]) for f in figures] == [
        ("customers", "2025", customers)
    ]
    company_csv = _csv_rows(client, f"/companies/{slug}.csv")
    assert [row["value"] for row in company_csv if row["kind"] == "customers"] == [str(customers)]
    bulk = _csv_rows(client, "/downloads/customers.csv")
    assert [row["customers"] for row in bulk] == [str(customers)]


@pytest.mark.parametrize("content_type", ["text/csv", "application/json"])
def test_a_customer_count_past_2_63_minus_1_is_refused_naming_the_column(
    client: TestClient, auth: dict[str, str], database: Database, content_type: str
) -> None:
    counts = row_counts(database)
    too_large = MAX_INT + 1
    if content_type == "text/csv":
        body = csv_body("company,year,customers", f"Stor AB,2025,{too_large}")
    else:  # a JSON number, not text: Python reads it whole, the contract still refuses it
        body = f'{{"rows": [\n{{"company": "Stor AB", "year": 2025, "customers": {too_large}}}\n]}}'.encode()
    response = client.post(
        "/api/v1/imports/customers", content=body, headers={**auth, "Content-Type": content_type}
    )
    assert response.status_code == 422, response.text
    [error] = response.json()["errors"]
    assert (error["line"], error["column"]) == (2, "customers")
    assert "9223372036854775807" in error["message"]
    assert row_counts(database) == counts


def test_largest_complaint_counts_show_on_every_page(
    client: TestClient, auth: dict[str, str]
) -> None:
    slug = _import(
        client,
        auth,
        "complaints",
        "company,metric,period,value",
        f"Stor AB,complaints,2025,{MAX_INT}",
        f"Stor AB,arn_cases,2025-03,{MAX_INT}",
    )
    customers = csv_body("company,year,customers", "Stor AB,2025,1")
    assert post_csv(client, "customers", customers, auth).status_code == 201
    company = client.get(f"/api/v1/companies/{slug}").json()
    assert company["metrics"]["complaints"] == [
        {"period": "2025", "value": MAX_INT, "sample_size": None}
    ]
    for url in (
        f"/companies/{slug}",
        f"/companies/{slug}.csv",
        "/rankings?metric=complaints&period=2025",
        "/rankings?metric=complaints_per_100k&period=2025",
        "/rankings?metric=arn_cases&period=2025-Q1",
        "/rankings.csv?metric=complaints_per_100k&period=2025",
        "/api/v1/rankings?metric=complaints&period=2025",
        "/downloads/complaints.csv",
    ):
        assert client.get(url).status_code == 200, url
    ranking = client.get("/api/v1/rankings?metric=complaints&period=2025").json()
    assert [row["value"] for row in ranking["rows"]] == [MAX_INT]


def test_a_period_sum_past_the_largest_figure_is_refused_naming_the_row(
    client: TestClient, auth: dict[str, str]
) -> None:
    body = csv_body(
        "company,metric,period,value",
        f"Stor AB,complaints,2025-01,{MAX_INT}",
        "Stor AB,complaints,2025-02,1",
    )
    response = post_csv(client, "complaints", body, auth)
    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert (error["line"], error["column"]) == (3, "value")
    assert "2025" in error["message"]
    assert client.get("/api/v1/companies/stor").status_code == 404
    assert client.get("/rankings?metric=complaints&period=2025").status_code == 200


def test_period_values_past_the_largest_figure_are_left_out_and_reported(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    _import(
        client,
        auth,
        "complaints",
        "company,metric,period,value",
        f"A AB,complaints,2025-01,{MAX_INT}",
    )
    with database.write() as session:
        first = session.scalars(select(ComplaintCount)).one()
        cid = first.company_id
        second = {"period": "2025-02", "year": 2025, "value": 1, "metric": "complaints"}
        session.add(
            ComplaintCount(
                **second, company_id=cid, source_id=first.source_id, batch_id=first.batch_id
            )
        )
        session.flush()
        left_out = refresh_company_complaint_periods(session, [cid])
        query = select(ComplaintPeriodValue.period, ComplaintPeriodValue.value)
        stored = {period: value for period, value in session.execute(query)}
    assert sorted(left_out) == [(cid, "complaints", "2025"), (cid, "complaints", "2025-Q1")]
    assert stored == {"2025-01": MAX_INT, "2025-02": 1}


def test_waits_up_to_the_largest_figure_keep_an_exact_median(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    header = "company,measured_at,channel,wait_seconds,outcome,transfers"
    slug = _import(
        client,
        auth,
        "waits",
        header,
        f"Stor AB,2025-03-01T10:00:00Z,phone,{MAX_INT},answered,{MAX_INT}",
        f"Stor AB,2025-03-02T10:00:00Z,phone,{MAX_INT - 2},answered,",
        f"Stor AB,2025-04-01T10:00:00Z,phone,{MAX_INT},answered,",
        f"Stor AB,2025-04-02T10:00:00Z,phone,{MAX_INT - 1},answered,",
    )
    # The two middle waits sum past 64 bits; the median is kept as a whole part and a half.
    medians = client.get(f"/api/v1/companies/{slug}").json()["metrics"]["wait_median"]
    by_period = {p["period"]: p for p in medians}
    assert by_period["2025-03"]["value"] == MAX_INT - 1
    with database.read() as session:
        stored = stored_medians(session, "answered", Period.parse("2025-04"), "phone", None)
    assert [median for median, _n in stored.values()] == [Decimal(MAX_INT - 1) + Decimal("0.5")]
    waits = _csv_rows(client, "/downloads/waits.csv")
    assert sorted((row["wait_seconds"], row["transfers"]) for row in waits)[-1] == (
        str(MAX_INT),
        str(MAX_INT),
    )
    for url in (f"/companies/{slug}", "/rankings?metric=wait_median&period=2025-03"):
        assert client.get(url).status_code == 200, url
    refused = post_csv(
        client,
        "waits",
        csv_body(header, f"Stor AB,2025-03-03T10:00:00Z,phone,{MAX_INT + 1},answered,"),
        auth,
    )
    assert refused.status_code == 422, refused.text
    assert (refused.json()["errors"][0]["line"], refused.json()["errors"][0]["column"]) == (
        2,
        "wait_seconds",
    )


def test_json_bodies_carry_the_largest_figures_as_numbers(
    client: TestClient, auth: dict[str, str]
) -> None:
    body = json.dumps({"rows": [{"company": "Stor AB", "year": 2025, "customers": MAX_INT}]})
    response = client.post(
        "/api/v1/imports/customers",
        content=body,
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 201, response.text
    slug = response.json()["companies_created"][0]["slug"]
    figures = client.get(f"/api/v1/companies/{slug}").json()["figures"]
    assert [f["value"] for f in figures] == [MAX_INT]


def test_complaints_over_several_chunks_give_the_period_values_of_one(
    client: TestClient, auth: dict[str, str], database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The years a batch touched are kept chunk by chunk (in the database): the period
    values come out as from one chunk, and a sum past the largest figure names the last
    line of its year, though another chunk brought the figure that made it too large."""
    months = [f"Bit AB,complaints,2024-{month:02d},{month}" for month in range(1, 13)]
    body = csv_body("company,metric,period,value", *months, "Bit AB,arn_cases,2025-Q2,4")
    monkeypatch.setattr("app.services.ingest.service.CHUNK_ROWS", 5)
    assert post_csv(client, "complaints", body, auth).status_code == 201
    query = select(ComplaintPeriodValue.period, ComplaintPeriodValue.value)
    with database.read() as session:
        stored = {
            period: value
            for period, value in session.execute(query.order_by(ComplaintPeriodValue.period))
        }
    assert stored["2024"] == 78
    assert (stored["2024-Q1"], stored["2024-Q4"]) == (6, 33)
    assert (stored["2025-Q2"], stored["2025"]) == (4, 4)
    assert len(stored) == 12 + 4 + 1 + 2
    # Again, shuffled, one value changed: every stored count is found across the chunks.
    again = [*reversed(months[1:]), "Bit AB,arn_cases,2025-Q2,4", "Bit AB,complaints,2024-01,100"]
    report = post_csv(client, "complaints", csv_body("company,metric,period,value", *again), auth)
    assert report.status_code == 201, report.text
    assert [report.json()[k] for k in ("inserted", "updated", "unchanged")] == [0, 1, 12]
    large = [f"Stor AB,complaints,2025-{month:02d},{MAX_INT // 2}" for month in (1, 2, 3)]
    body = csv_body("company,metric,period,value", *large, "Stor AB,arn_cases,2025-01,1")
    monkeypatch.setattr("app.services.ingest.service.CHUNK_ROWS", 2)
    response = post_csv(client, "complaints", body, auth)
    assert response.status_code == 422, response.text
    assert {(e["line"], e["column"]) for e in response.json()["errors"]} == {(4, "value")}
