"""``/openapi.json`` describes every ``/api/v1`` route exactly as it answers: each
answer carries exactly the fields its model names, the enumerations are the
registry's, the bearer scheme guards the routes that take a token, and ``Allow``
names every method of an address."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.routing import iter_route_contexts
from fastapi.testclient import TestClient
from pydantic import BaseModel
from typer.testing import CliRunner

from app.api import models
from app.cli import cli
from app.db import Database
from app.demo import load_demo
from app.metrics import METRIC_SLUGS
from app.schemas import CHANNELS, KINDS
from app.services.tokens import create_token


def _fields(model: type[BaseModel]) -> set[str]:
    return set(model.model_fields)


@pytest.fixture
def demo(database: Database) -> None:
    load_demo(database)


@pytest.fixture
def schema(client: TestClient) -> dict[str, Any]:
    body: dict[str, Any] = client.get("/openapi.json").json()
    return body


def test_every_api_route_is_in_the_schema_with_its_answers(
    client: TestClient, schema: dict[str, Any]
) -> None:
    app_paths = {
        route.path_format
        for route in iter_route_contexts(client.app.router.routes)  # type: ignore[attr-defined]
        if (route.path_format or "").startswith("/api/v1/")
    }
    assert len(app_paths) == 11
    assert app_paths <= set(schema["paths"])
    for path in app_paths:
        for method, operation in schema["paths"][path].items():
            answers = operation["responses"]
            success = answers.get("200") or answers.get("201")
            assert success, (method, path)
            assert success["content"], (method, path)
            assert "422" in answers or "404" in answers, (method, path)
            for status, answer in answers.items():
                if status.startswith(("4", "5")) and status != "400":
                    content = answer["content"]["application/json"]["schema"]
                    assert content == {"$ref": "#/components/schemas/ErrorBody"}, (path, status)


def test_the_enumerations_are_the_registry_s(schema: dict[str, Any]) -> None:
    ranking = schema["paths"]["/api/v1/rankings"]["get"]["parameters"]
    words = {p["name"]: p["schema"].get("enum") for p in ranking}
    assert words["metric"] == ["", *METRIC_SLUGS]
    assert words["channel"] == ["", *CHANNELS]
    row = schema["components"]["schemas"]["RankingRow"]["properties"]
    assert row["metric"]["enum"] == list(METRIC_SLUGS)
    report = schema["components"]["schemas"]["ImportReport"]["properties"]
    assert report["kind"]["enum"] == list(KINDS)
    assert {f"/api/v1/imports/{kind}" for kind in KINDS} <= set(schema["paths"])


def test_imports_and_replies_take_the_bearer_scheme(schema: dict[str, Any]) -> None:
    assert schema["components"]["securitySchemes"]["bearer"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "An API token from `shamelist token create` (import or reply scope)",
    }
    paths = schema["paths"]
    assert paths["/api/v1/imports/waits"]["post"]["security"] == [{"bearer": []}]
    assert paths["/api/v1/companies/{slug}/replies"]["post"]["security"] == [{"bearer": []}]
    # Reading replies needs no token; the company's own token shows its pending ones too.
    assert paths["/api/v1/companies/{slug}/replies"]["get"]["security"] == [{"bearer": []}, {}]
    assert "security" not in paths["/api/v1/rankings"]["get"]


def test_import_bodies_are_documented_as_csv_and_json_with_examples_that_import(
    client: TestClient, schema: dict[str, Any], auth: dict[str, str]
) -> None:
    for kind in KINDS:
        body = schema["paths"][f"/api/v1/imports/{kind}"]["post"]["requestBody"]["content"]
        assert set(body) == {"text/csv", "application/json"}
        csv_example, json_example = body["text/csv"]["example"], body["application/json"]["example"]
        for media_type, content in (("text/csv", csv_example.encode()), ("application/json", None)):
            answer = client.post(
                f"/api/v1/imports/{kind}?dry_run=true",
                content=content,
                json=json_example if content is None else None,
                headers={**auth, "Content-Type": media_type},
            )
            assert answer.status_code == 200, (kind, media_type, answer.text)
            assert set(answer.json()) == _fields(models.ImportReport)


def test_rankings_answer_exactly_the_documented_fields(client: TestClient, demo: None) -> None:
    for metric in ("complaints", "complaints_per_100k", "wait_median"):
        ranking = client.get("/api/v1/rankings", params={"metric": metric}).json()
        assert set(ranking) == _fields(models.Ranking)
        assert ranking["rows"], metric
        for row in ranking["rows"]:
            assert set(row) == _fields(models.RankingRow)
        for item in ranking["too_few"]:
            assert set(item) == _fields(models.TooFew)


def test_company_json_keeps_every_field_it_answers(client: TestClient, demo: None) -> None:
    slug = client.get("/api/v1/rankings").json()["rows"][0]["slug"]
    company = client.get(f"/api/v1/companies/{slug}").json()
    # The model allows more: a field added to the company's answer is never dropped.
    assert models.Company.model_config.get("extra") == "allow"
    assert _fields(models.Company) <= set(company)
    models.Company.model_validate(company)
    assert company["figures"]
    assert company["metrics"]
    for figure in company["figures"]:
        assert set(figure) == _fields(models.Figure)
    places = [place for each in company["places"].values() for place in each]
    assert places
    assert all(set(place) == _fields(models.Place) for place in places)


def test_an_edition_answers_its_documented_fields(client: TestClient, database: Database) -> None:
    load_demo(database)
    published = CliRunner().invoke(
        cli,
        ["edition", "publish", "2024"],
        env={"SHAMELIST_DATABASE_URL": str(database.engine.url)},
    )
    edition_id = published.output.split()[-1]
    edition = client.get(f"/api/v1/editions/{edition_id}").json()
    assert set(edition) == _fields(models.Edition)
    models.Edition.model_validate(edition)
    assert edition["rankings"]
    assert all(set(item) == _fields(models.EditionRanking) for item in edition["rankings"])
    assert client.get("/api/v1/editions/999999").status_code == 404


def test_search_and_import_report_answer_their_documented_fields(
    client: TestClient, demo: None, auth: dict[str, str]
) -> None:
    name = client.get("/api/v1/rankings").json()["rows"][0]["company"]
    hits = client.get("/api/v1/search", params={"q": name[:5]}).json()
    assert hits
    assert all(set(hit) == _fields(models.SearchHit) for hit in hits)
    batch = client.post(
        "/api/v1/imports/customers",
        content=b"company,year,customers\r\nExempeltele AB,2024,1000\r\n",
        headers={**auth, "Content-Type": "text/csv"},
    ).json()
    report = client.get(f"/api/v1/imports/{batch['batch_id']}").json()
    assert set(report) <= _fields(models.BatchReport)
    models.BatchReport.model_validate(report)


def test_replies_answer_their_documented_fields(
    client: TestClient, database: Database, demo: None
) -> None:
    slug = client.get("/api/v1/rankings").json()["rows"][0]["slug"]
    period = client.get("/api/v1/rankings").json()["period"]
    with database.write() as session:
        _token, secret = create_token(
            session, name="svar", source_slug="svar", scope="reply", company_slug=slug
        )
    headers = {"Authorization": f"Bearer {secret}"}
    body = {"metric": "complaints", "period": period, "kind": "reply", "text": "Vi svarar."}
    reply = client.post(f"/api/v1/companies/{slug}/replies", json=body, headers=headers)
    assert reply.status_code == 201, reply.text
    assert set(reply.json()) == _fields(models.Reply) - {"reason"}
    listed = client.get(f"/api/v1/companies/{slug}/replies", headers=headers).json()
    assert set(listed) == _fields(models.CompanyReplies)
    assert set(listed["replies"][0]) == _fields(models.Reply)


def test_allow_names_every_method_of_an_address(client: TestClient) -> None:
    replies = client.options("/api/v1/companies/exempeltele/replies")
    assert replies.status_code == 405
    assert replies.headers["allow"] == "GET, HEAD, POST"
    assert client.options("/api/v1/imports/12").headers["allow"] == "GET, HEAD"
    assert client.options("/api/v1/imports/waits").headers["allow"] == "POST"
    # A page's 405 is a page, and still says what is allowed.
    page = client.request("TRACE", "/readyz")
    assert (page.status_code, page.headers["allow"]) == (405, "GET, HEAD")


def test_an_unknown_sector_is_404_and_a_malformed_query_422(client: TestClient) -> None:
    unknown = client.get("/api/v1/rankings", params={"sector": "ingen-sadan"})
    assert unknown.status_code == 404
    assert "ingen-sadan" in unknown.json()["detail"]
    for query in ({"sector": "Stora Bokstäver"}, {"period": " 2024"}, {"metric": "worst"}):
        answer = client.get("/api/v1/rankings", params=query)
        assert answer.status_code == 422, query
        assert answer.json()["detail"], query
