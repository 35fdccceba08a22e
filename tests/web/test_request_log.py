"""Every answer carries a request id, and every request is one JSON log line with it."""

from __future__ import annotations

import json
import logging
import re

import pytest
from fastapi.testclient import TestClient

from app.logs import JsonFormatter


def test_each_answer_has_a_request_id_and_a_json_log_line(
    client: TestClient, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO, logger="shamelist.access"):
        made = client.get("/healthz")
    request_id = made.headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", request_id)
    record = next(r for r in caplog.records if r.name == "shamelist.access")
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == request_id
    assert (line["method"], line["path"], line["status"]) == ("GET", "/healthz", 200)
    assert line["level"] == "info"


def test_a_proxys_request_id_is_kept_and_a_bad_one_replaced(client: TestClient) -> None:
    kept = client.get("/", headers={"X-Request-ID": "proxy-4711_a"})
    assert kept.headers["x-request-id"] == "proxy-4711_a"
    replaced = client.get("/", headers={"X-Request-ID": "bad id\\n"})
    assert replaced.headers["x-request-id"] != "bad id\\n"
    missing = client.get("/no-such-page")
    assert missing.status_code == 404
    assert missing.headers["x-request-id"]
