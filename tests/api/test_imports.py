"""The import API, as a partner meets it."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from app.db import Database
from app.models import ApiToken, Company, ComplaintCountHistory
from tests.conftest import make_token
from tests.helpers import csv_body, post_csv, row_counts

COMPANIES = csv_body(
    "name,org_number,sector,website,aliases",
    "Exempeltele AB (publ),556016-0680,telekom,https://example.org,ExTele|Exempel Telekom",
    "Påhittade Banken AB,,bank,,",
)
COMPLAINTS = csv_body(
    "period,value,metric,company",  # columns in any order
    "2025,120,complaints,EXEMPELTELE",
    "2025-Q1,30,complaints,  extele ",
    "2025,7,arn_cases,påhittade   banken aktiebolag",
)


def test_import_reports_counts_and_resolves_every_spelling(
    client: TestClient, auth: dict[str, str]
) -> None:
    first = post_csv(client, "companies", COMPANIES, auth)
    assert first.status_code == 201, first.text
    assert first.json()["inserted"] == 2
    response = post_csv(client, "complaints", COMPLAINTS, auth)
    assert response.status_code == 201, response.text
    report = response.json()
    assert report["status"] == "committed"
    assert (report["rows"], report["inserted"], report["updated"], report["unchanged"]) == (
        3,
        3,
        0,
        0,
    )
    assert report["companies_created"] == []
    assert client.get(f"/api/v1/imports/{report['batch_id']}").json() == report


def test_reimport_of_the_same_file_writes_nothing(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    post_csv(client, "companies", COMPANIES, auth)
    post_csv(client, "complaints", COMPLAINTS, auth)
    before = row_counts(database)
    again = post_csv(client, "complaints", COMPLAINTS, auth).json()
    assert (again["inserted"], again["updated"], again["unchanged"]) == (0, 0, 3)
    after = row_counts(database)
    assert {k: v for k, v in after.items() if k != "import_batches"} == {
        k: v for k, v in before.items() if k != "import_batches"
    }


def test_new_value_replaces_old_and_old_stays_in_history(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    first = post_csv(
        client,
        "complaints",
        csv_body("company,metric,period,value", "Ny Firma HB,complaints,2025,5"),
        auth,
    ).json()
    second = post_csv(
        client,
        "complaints",
        csv_body("company,metric,period,value", "ny firma,complaints,2025,9"),
        auth,
    ).json()
    assert second["updated"] == 1
    assert [c["name"] for c in first["companies_created"]] == ["Ny Firma HB"]
    assert first["companies_created"][0]["verified"] is False
    with database.read() as session:
        history = session.scalars(select(ComplaintCountHistory)).all()
    assert [(h.value, h.batch_id, h.replaced_by_batch_id) for h in history] == [
        (5, first["batch_id"], second["batch_id"])
    ]


def test_same_idempotency_key_replays_the_first_answer_and_writes_nothing(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    headers = {**auth, "Idempotency-Key": "k-1"}
    first = post_csv(client, "complaints", COMPLAINTS, headers)
    counts = row_counts(database)
    replay = post_csv(client, "complaints", COMPLAINTS, headers)
    assert replay.status_code == 201
    assert replay.json() == first.json()
    assert row_counts(database) == counts


def test_same_idempotency_key_with_another_body_is_refused(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    headers = {**auth, "Idempotency-Key": "k-2"}
    post_csv(client, "complaints", COMPLAINTS, headers)
    counts = row_counts(database)
    other = post_csv(client, "complaints", COMPLAINTS + b"Foo,complaints,2024,1\n", headers)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.json()["errors"][0]["message"]
    assert row_counts(database) == counts


def test_dry_run_reports_and_writes_nothing(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    counts = row_counts(database)
    response = post_csv(client, "complaints", COMPLAINTS, auth, dry_run="true")
    assert response.status_code == 200
    assert response.json()["status"] == "dry_run"
    assert response.json()["inserted"] == 3
    assert row_counts(database) == counts


HEADER = "company,org_number,metric,period,value,source_url"
BAD_COMPLAINT_ROWS = [
    ("Foo,,complaints,2025,-1,", "value"),
    ("Foo,,complaints,2025,1.5,", "value"),
    ("Foo,,complaints,2025,ten,", "value"),
    ("Foo,,complaints,2025,,", "value"),
    ("Foo,,complaints,2025-13,1,", "period"),
    ("Foo,,complaints,2025-Q5,1,", "period"),
    ("Foo,,complaints,25,1,", "period"),
    ("Foo,,complaints,2999,1,", "period"),
    ("Foo,,complains,2025,1,", "metric"),
    (",,complaints,2025,1,", "company"),
    ("Foo,556016-0681,complaints,2025,1,", "org_number"),
    ("Foo,550016-0680,complaints,2025,1,", "org_number"),
    ("Foo,12345,complaints,2025,1,", "org_number"),
    ("Foo,,complaints,2025,1,javascript:alert(1)", "source_url"),
    ("Foo,,complaints,2025,1,extra", "source_url"),
]


@pytest.mark.parametrize(("row", "column"), BAD_COMPLAINT_ROWS)
def test_one_bad_row_refuses_the_whole_file_with_its_line(
    client: TestClient, auth: dict[str, str], database: Database, row: str, column: str
) -> None:
    counts = row_counts(database)
    body = csv_body(HEADER, "Good AB,,complaints,2025,1,", "Good Two AB,,complaints,2025,2,", row)
    response = post_csv(client, "complaints", body, auth)
    assert response.status_code == 422, response.text
    errors = response.json()["errors"]
    assert errors[0]["line"] == 4
    assert errors[0]["column"] == column
    assert errors[0]["message"]
    assert row_counts(database) == counts


BAD_WAIT_ROWS = [
    ("Foo,2025-03-01T10:00:00,phone,10,answered", "measured_at"),
    ("Foo,2025-03-01,phone,10,answered", "measured_at"),
    ("Foo,yesterday,phone,10,answered", "measured_at"),
    ("Foo,2025-03-01T10:00:00Z,fax,10,answered", "channel"),
    ("Foo,2025-03-01T10:00:00Z,phone,10,hung_up", "outcome"),
    ("Foo,2025-03-01T10:00:00Z,phone,-3,answered", "wait_seconds"),
    ("Foo,2025-03-01T10:00:00Z,phone,9223372036854775808,answered", "wait_seconds"),
]


@pytest.mark.parametrize(("row", "column"), BAD_WAIT_ROWS)
def test_bad_wait_rows_are_refused(
    client: TestClient, auth: dict[str, str], database: Database, row: str, column: str
) -> None:
    counts = row_counts(database)
    body = csv_body("company,measured_at,channel,wait_seconds,outcome", row)
    response = post_csv(client, "waits", body, auth)
    assert response.status_code == 422, response.text
    assert (response.json()["errors"][0]["line"], response.json()["errors"][0]["column"]) == (
        2,
        column,
    )
    assert row_counts(database) == counts


def test_a_bad_row_after_many_chunks_is_named_by_its_line_and_nothing_is_written(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    """Rows are applied a chunk at a time; a bad one far down still names its own line
    and column, and the chunks already applied go with the rollback."""
    counts = row_counts(database)
    good = [
        f"Kedja {i % 40} AB,2025-03-01T{i % 24:02d}:{i % 60:02d}:00Z,phone,{i % 900},answered,k{i}"
        for i in range(30_000)
    ]
    bad = "Kedja 1 AB,2025-03-01T10:00:00Z,phone,12,hung_up,k-last"
    body = csv_body("company,measured_at,channel,wait_seconds,outcome,external_id", *good, bad)
    response = post_csv(client, "waits", body, auth)
    assert response.status_code == 422, response.text
    assert response.json()["errors"] == [
        {"line": 30_002, "column": "outcome", "message": response.json()["errors"][0]["message"]}
    ]
    assert row_counts(database) == counts


@pytest.mark.parametrize(
    ("kind", "body", "line"),
    [
        ("complaints", b"company,metric,period,value,valeu\n", 1),  # a typo'd column
        ("complaints", b"company,metric,value\nFoo,complaints,1\n", 1),  # missing required
        ("complaints", b"company,company,metric,period,value\n", 1),
        ("complaints", b"", 1),
        ("complaints", b"company,metric,period,value\nFoo,complaints,2025\n", 2),
        ("complaints", b"company,metric,period,value\nF\xe5o,complaints,2025,1\n", 2),
        ("complaints", b'company,metric,period,value\n"Foo,complaints,2025,1\n', 2),
        ("customers", b"company,year,customers\nFoo,2025,0\n", 2),
        ("companies", b"name,sector\nFoo,Telekom\n", 2),
        ("companies", b"name,website\nFoo,ftp://x\n", 2),
    ],
)
def test_malformed_files_get_a_4xx_with_the_line(
    client: TestClient, auth: dict[str, str], database: Database, kind: str, body: bytes, line: int
) -> None:
    counts = row_counts(database)
    response = post_csv(client, kind, body, auth)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["line"] == line
    assert row_counts(database) == counts


def test_json_rows_import_and_bad_json_is_refused(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    good = {"rows": [{"company": "Foo AB", "year": 2025, "customers": 1000}]}
    headers = {**auth, "Content-Type": "application/json"}
    response = client.post("/api/v1/imports/customers", content=json.dumps(good), headers=headers)
    assert response.status_code == 201, response.text
    counts = row_counts(database)
    for bad in (
        b'{"rows": [{"company": "Foo AB", "year": 2025, "customers": 1000}',
        b"[1, 2]",
        b'{"rows": [{"company": "X", "year": 2025, "customers": 5, "extra": 1}]}',
        b'{"rows": [{"company": "X", "year": true, "customers": 5}]}',
        b'{"rows": [3]}',
    ):
        response = client.post("/api/v1/imports/customers", content=bad, headers=headers)
        assert response.status_code == 422, (bad, response.text)
    assert row_counts(database) == counts


def test_json_errors_name_the_line_of_the_row(client: TestClient, auth: dict[str, str]) -> None:
    body = b'{"rows": [\n  {"company": "A", "year": 2025, "customers": 1},\n  {"company": "B", "year": 2025, "customers": 0}\n]}'
    response = client.post(
        "/api/v1/imports/customers",
        content=body,
        headers={**auth, "Content-Type": "application/json"},
    )
    assert response.status_code == 422
    assert response.json()["errors"][0]["line"] == 3


def test_missing_unknown_and_revoked_tokens_get_401(client: TestClient, database: Database) -> None:
    assert post_csv(client, "complaints", COMPLAINTS, {}).status_code == 401
    assert (
        post_csv(client, "complaints", COMPLAINTS, {"Authorization": "Bearer nope"}).status_code
        == 401
    )
    assert (
        post_csv(client, "complaints", COMPLAINTS, {"Authorization": "Basic abc"}).status_code
        == 401
    )
    secret = make_token(database)
    with database.write() as session:
        session.execute(text("UPDATE api_tokens SET revoked_at = CURRENT_TIMESTAMP"))
    assert (
        post_csv(
            client, "complaints", COMPLAINTS, {"Authorization": f"Bearer {secret}"}
        ).status_code
        == 401
    )


def test_token_without_import_scope_gets_403(client: TestClient, database: Database) -> None:
    post_csv(client, "companies", COMPANIES, {"Authorization": f"Bearer {make_token(database)}"})
    with database.write() as session:
        from app.services.tokens import create_token

        _t, secret = create_token(
            session, name="reply", source_slug="x", scope="reply", company_slug="exempeltele"
        )
    response = post_csv(client, "complaints", COMPLAINTS, {"Authorization": f"Bearer {secret}"})
    assert response.status_code == 403


def test_oversized_body_gets_413_and_other_content_type_415(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    counts = row_counts(database)
    big = b"company,metric,period,value\n" + b"Foo,complaints,2025,1\n" * 200_000
    assert post_csv(client, "complaints", big, auth).status_code == 413
    plain = client.post(
        "/api/v1/imports/complaints",
        content=COMPLAINTS,
        headers={**auth, "Content-Type": "text/plain"},
    )
    assert plain.status_code == 415
    none = client.post("/api/v1/imports/complaints", content=COMPLAINTS, headers=auth)
    assert none.status_code == 415
    assert row_counts(database) == counts


def test_token_is_never_stored_in_plain_text(database: Database, token: str) -> None:
    with database.read() as session:
        stored = session.scalars(select(ApiToken)).one()
        dump = " ".join(str(v) for v in session.execute(text("SELECT * FROM api_tokens")).one())
    assert token not in dump
    assert stored.token_hash != token
    assert token.startswith(stored.prefix)


def test_token_use_is_recorded(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    post_csv(client, "complaints", COMPLAINTS, auth)
    with database.read() as session:
        assert session.scalars(select(ApiToken)).one().last_used_at is not None


def test_hostile_names_are_stored_as_given(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    names = [
        '=HYPERLINK("http://evil")',
        "<script>alert(1)</script> AB",
        "+46 Telefon AB",
        "@Firma",
    ]
    body = csv_body("name", *(f'"{n.replace(chr(34), chr(34) * 2)}"' for n in names))
    response = post_csv(client, "companies", body, auth)
    assert response.status_code == 201, response.text
    with database.read() as session:
        stored = set(session.scalars(select(Company.name)))
    assert stored == set(names)


def test_unknown_kind_is_404_and_unknown_batch_is_404(
    client: TestClient, auth: dict[str, str]
) -> None:
    assert post_csv(client, "refunds", COMPLAINTS, auth).status_code == 404
    assert client.get("/api/v1/imports/999999").status_code == 404
    assert client.get("/api/v1/imports/99999999999999999999999").status_code == 422


def test_healthz_answers_ok(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_companies_carry_the_name_readers_see_for_their_sector(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    """Contract v2: ``sector_name`` names a sector once; without one it has a derived name."""
    first = csv_body("name,sector", "Påhittat Försäkringsbolag AB,forsakring")
    assert post_csv(client, "companies", first, auth).status_code == 201
    assert ">Forsakring</option>" in client.get("/rankings").text
    named = csv_body(
        "name,sector,sector_name",
        "Påhittat Försäkringsbolag AB,forsakring,Försäkring",
        "Låtsasbolaget AB,e-handel,E-handel",
    )
    response = post_csv(client, "companies", named, auth)
    assert response.status_code == 201, response.text
    assert response.json()["updated"] == 1
    renamed = csv_body("name,sector,sector_name", "Låtsasbolaget AB,e-handel,Näthandel")
    assert post_csv(client, "companies", renamed, auth).json()["unchanged"] == 1
    page = client.get("/rankings").text
    assert ">Försäkring</option>" in page
    assert ">E-handel</option>" in page
    alone = csv_body("name,sector_name", "Ensambolaget AB,Bank")
    refused = post_csv(client, "companies", alone, auth)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["column"] == "sector_name"
    with database.read() as session:
        assert session.scalar(select(Company.id).where(Company.name == "Ensambolaget AB")) is None


@pytest.mark.parametrize("gap", [0, 6_000], ids=["same-chunk", "later-chunk"])
@pytest.mark.parametrize(
    ("kind", "header", "stored", "other"),
    [
        (
            "complaints",
            "company,metric,period,value",
            "Ett AB,complaints,2025,5",
            "Ett AB,complaints,2025,9",
        ),
        ("customers", "company,year,customers", "Ett AB,2025,500", "Ett AB,2025,900"),
        (
            "waits",
            "company,measured_at,channel,wait_seconds,outcome",
            "Ett AB,2025-03-01T10:00:00+01:00,phone,60,answered",
            "Ett AB,2025-03-01T09:00:00Z,phone,600,answered",
        ),
    ],
)
def test_a_key_twice_is_refused_even_when_its_first_value_is_the_stored_one(
    client: TestClient,
    auth: dict[str, str],
    database: Database,
    kind: str,
    header: str,
    stored: str,
    other: str,
    gap: int,
) -> None:
    """A file naming a stored key first with its stored value, then with another,
    is refused with the second row's line; the stored value stays."""
    assert post_csv(client, kind, csv_body(header, stored), auth).status_code == 201
    filler = [_filler(kind, n) for n in range(gap)]
    before = row_counts(database)
    response = post_csv(client, kind, csv_body(header, stored, *filler, other), auth)
    assert response.status_code == 422, response.text
    assert response.json()["errors"][0]["line"] == gap + 3
    assert row_counts(database) == before


def _filler(kind: str, n: int) -> str:
    """Row ``n`` of other keys, to push a row into a later chunk."""
    if kind == "complaints":
        return f"Fyllnad {n} AB,complaints,2020,{n}"
    if kind == "customers":
        return f"Fyllnad {n} AB,2020,{n + 1}"
    stamp = f"2024-01-{1 + n // 1440:02d}T{n // 60 % 24:02d}:{n % 60:02d}:00+01:00"
    return f"Fyllnad AB,{stamp},phone,{n},answered"


def test_readyz_says_whether_the_schema_is_the_one_the_code_expects(
    client: TestClient, database: Database
) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["status"] == "ready"
    with database.write() as session:
        head = session.scalar(text("SELECT version_num FROM alembic_version"))
        session.execute(text("UPDATE alembic_version SET version_num = 'older'"))
    try:
        behind = client.get("/readyz")
        assert behind.status_code == 503
        assert "older" in behind.json()["detail"]
        assert client.get("/healthz").status_code == 200  # alive, just not ready
    finally:
        with database.write() as session:
            session.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": head})


def test_names_given_earlier_in_the_same_file_resolve_to_their_company(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    # Looked up a chunk at a time, a name no company had may gain one a few rows later:
    # as an alias, or as a new company spelled another way, or by its org number.
    companies = csv_body(
        "name,org_number,aliases",
        "Alfanät AB,,Betanät",
        "Betanät,,",
        "Gammabolaget AB,,",
        "GAMMABOLAGET  ab,,",
        "Deltabolaget AB,556016-0680,",
        "Deltabolaget Nord AB,556016-0680,",
    )
    report = post_csv(client, "companies", companies, auth).json()
    assert (report["inserted"], report["updated"] + report["unchanged"]) == (3, 3), report
    complaints = csv_body(
        "company,metric,period,value",
        "Epsilonbolaget AB,complaints,2025,3",
        "EPSILONBOLAGET AB,arn_cases,2025,1",
        "Betanät,complaints,2024,2",
    )
    assert post_csv(client, "complaints", complaints, auth).status_code == 201
    with database.read() as session:
        names = sorted(session.scalars(select(Company.name)))
    assert names == ["Alfanät AB", "Deltabolaget AB", "Epsilonbolaget AB", "Gammabolaget AB"]
