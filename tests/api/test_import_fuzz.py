"""Nothing a client sends to the import API produces a 5xx (a bounded, seeded fuzz)."""

from __future__ import annotations

import json
import random

import pytest
from fastapi.testclient import TestClient

from app.config import Settings

VALID_CSV = (
    "company,org_number,measured_at,channel,wait_seconds,outcome,transfers,external_id,source_url\n"
    "Fuzz AB,556016-0680,2025-03-01T10:00:00+01:00,phone,120,answered,1,x1,https://example.org/a\n"
    '"Fuzz, Två AB",,2025-03-01T10:05:00Z,chat,30,abandoned,,,\n'
).encode()
NASTY = [
    b"\x00",
    b"\xff\xfe",
    b"\xed\xa0\x80",
    b'"',
    b",",
    b"\r",
    b"\n",
    b"=",
    b"\xc3",
    b"9" * 40,
    b"-1",
    b"1e400",
    b"\xef\xbb\xbf",
    b"\\u0000",
    b"\t",
    b"<script>",
    b"\xe2\x80\xae",
]


def _mutate(rng: random.Random, body: bytes) -> bytes:
    data = bytearray(body)
    for _ in range(rng.randint(1, 6)):
        position = rng.randrange(len(data) + 1)
        action = rng.random()
        if action < 0.4:
            data[position:position] = rng.choice(NASTY)
        elif action < 0.7 and data:
            del data[position : position + rng.randint(1, 8)]
        else:
            data[position:position] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 4)))
    return bytes(data)


def _json_cases() -> list[bytes]:
    row = {
        "company": "Fuzz AB",
        "measured_at": "2025-03-01T10:00:00Z",
        "channel": "phone",
        "wait_seconds": 5,
        "outcome": "answered",
    }
    return [
        b"[" * 100_000 + b"]" * 100_000,
        b'{"rows": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
        json.dumps({"rows": [{**row, "company": "\ud800"}]}).encode(),
        json.dumps({"rows": [{**row, "external_id": "a\u0000b"}]}).encode(),
        json.dumps({"rows": [{**row, "wait_seconds": 1e400}]}).encode(),
        json.dumps({"rows": [{**row, "wait_seconds": 10**30}]}).encode(),
        json.dumps({"rows": [{**row, "company": ["a", "b"]}]}).encode(),
        json.dumps({"rows": [{**row, "company": {"x": 1}}]}).encode(),
        json.dumps({"rows": {"a": 1}}).encode(),
        json.dumps({"rows": [row], "more": 1}).encode(),
        b'{"rows": [' + json.dumps(row).encode() + b",]}",
        b"null",
        b'"rows"',
    ]


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """These tests send hundreds of imports with one token on purpose: no rate limit."""
    return settings.model_copy(
        update={"import_limit_per_token": 10_000, "import_limit_per_address": 10_000}
    )


def test_mutated_bodies_never_get_a_5xx(client: TestClient, auth: dict[str, str]) -> None:
    rng = random.Random(2025)
    csv_headers = {**auth, "Content-Type": "text/csv"}
    json_headers = {**auth, "Content-Type": "application/json"}
    for _ in range(150):
        body = _mutate(rng, VALID_CSV)
        response = client.post("/api/v1/imports/waits", content=body, headers=csv_headers)
        assert response.status_code < 500, (body, response.text)
    for body in _json_cases():
        response = client.post("/api/v1/imports/waits", content=body, headers=json_headers)
        assert response.status_code < 500, (body[:200], response.text)
        assert response.status_code in (201, 422), (body[:200], response.text)


def test_odd_headers_never_get_a_5xx(client: TestClient, auth: dict[str, str]) -> None:
    odd = [
        {"Idempotency-Key": "x" * 500},
        {"Idempotency-Key": "åäö".encode()},  # type: ignore[dict-item]
        {"Content-Type": "text/csv; charset=latin-1"},
        {"Content-Type": "application/json; boundary=x"},
        {"Content-Length": "abc"},
    ]
    for extra in odd:
        headers = {**auth, "Content-Type": "text/csv", **extra}
        response = client.post("/api/v1/imports/waits", content=VALID_CSV, headers=headers)
        assert response.status_code < 500, (extra, response.text)
    response = client.post(
        "/api/v1/imports/waits?dry_run=perhaps",
        content=VALID_CSV,
        headers={**auth, "Content-Type": "text/csv"},
    )
    assert response.status_code == 422
