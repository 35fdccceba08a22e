"""``/metrics`` as Prometheus scrapes it."""

from __future__ import annotations

from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.helpers import csv_body, post_csv


def _samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def test_metrics_count_requests_and_read_imports_from_the_database(
    client: TestClient, auth: dict[str, str]
) -> None:
    body = csv_body("company,metric,period,value", "Mätbolaget AB,complaints,2025,3")
    assert post_csv(client, "complaints", body, auth).status_code == 201
    client.get("/healthz")
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain")
    samples = _samples(answer.text)
    assert samples[("shamelist_rows_imported", (("kind", "complaints"),))] >= 1
    healthz = ("method", "GET"), ("route", "/healthz"), ("status", "200")
    assert samples[("shamelist_requests_total", healthz)] >= 1
    latest = [key for key in samples if key[0] == "shamelist_last_batch_timestamp_seconds"]
    assert (("source", "partner"), ("status", "committed")) in [key[1] for key in latest]
