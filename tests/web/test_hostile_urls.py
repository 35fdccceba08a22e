"""No URL a visitor can type produces a 5xx, on either database."""

from __future__ import annotations

from fastapi.testclient import TestClient

from app.db import Database
from app.demo import load_demo

HOSTILE = [
    "/search?q=%00",
    "/search?q=%ED%A0%80",
    "/search?q=" + "å" * 300,
    "/search?q=%25%5F%5C",
    "/api/v1/search?q=%00",
    "/rankings?period=2025&sector=%00",
    "/rankings?sector=%3Cscript%3E",
    "/rankings?metric=%00",
    "/rankings?period=99999",
    "/rankings?period=0001-Q1",
    "/rankings?channel=phone%00",
    "/rankings?lang=xx",
    "/rankings.csv?dialect=%00",
    "/rankings.csv?period=2025-00",
    "/api/v1/rankings?sector=" + "x" * 5000,
    "/companies/%00",
    "/companies/%00.csv",
    "/companies/" + "a" * 5000,
    "/api/v1/companies/%00",
    "/api/v1/imports/0",
    "/api/v1/imports/-1",
    "/api/v1/snapshots/zz",
    "/api/v1/snapshots/" + "0" * 64,
    "/downloads/nothing.csv",
    "/static/../app/config.py",
]


def test_hostile_urls_never_get_a_5xx(client: TestClient, database: Database) -> None:
    load_demo(database)
    answers = {path: client.get(path) for path in HOSTILE}
    failures = {path: r.text[:200] for path, r in answers.items() if r.status_code >= 500}
    assert failures == {}


def test_a_nul_in_the_address_is_refused_with_the_security_headers(client: TestClient) -> None:
    response = client.get("/companies/%00")
    assert response.status_code == 400
    assert "content-security-policy" in response.headers
