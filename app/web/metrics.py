"""``GET /metrics`` for Prometheus: this server's requests (counted across its worker
processes, in prometheus-client's multiprocess mode when ``shamelist serve`` set
``PROMETHEUS_MULTIPROC_DIR``) and, read from the database at each scrape so that every
app server says the same, rows imported by kind and each source's latest batches."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

from app.services.batches import last_batches, rows_imported_by_kind

router = APIRouter(include_in_schema=False)

REQUESTS = Counter(
    "shamelist_requests", "Requests answered, by route and status", ["method", "route", "status"]
)
DURATION = Histogram("shamelist_request_duration_seconds", "Time to answer, by route", ["route"])
# Answers from the page cache never reach a route.
CACHED_ROUTE = "(page cache)"


def record(method: str, route: str, status: int, seconds: float) -> None:
    REQUESTS.labels(method, route, str(status)).inc()
    DURATION.labels(route).observe(seconds)


class DatabaseFacts(Collector):
    """Figures every app server reads the same from the one database."""

    def __init__(self, rows: dict[str, int], batches: list[tuple[str, str, datetime]]) -> None:
        self.rows, self.batches = rows, batches

    def collect(self) -> Iterator[Metric]:
        imported = GaugeMetricFamily(
            "shamelist_rows_imported", "Rows of published batches, by kind", labels=["kind"]
        )
        for kind, rows in sorted(self.rows.items()):
            imported.add_metric([kind], rows)
        yield imported
        latest = GaugeMetricFamily(
            "shamelist_last_batch_timestamp_seconds",
            "When each source's latest batch of each status was written",
            labels=["source", "status"],
        )
        for source, status, when in self.batches:
            latest.add_metric([source, status], when.timestamp())
        yield latest


@router.get("/metrics")
def metrics(request: Request) -> Response:
    with request.app.state.database.read() as session:
        facts = DatabaseFacts(rows_imported_by_kind(session), last_batches(session))
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        served = CollectorRegistry()
        MultiProcessCollector(served)  # type: ignore[no-untyped-call]
    else:
        served = REGISTRY
    from_db = CollectorRegistry()
    from_db.register(facts)
    body = generate_latest(served) + generate_latest(from_db)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
