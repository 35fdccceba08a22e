"""Peak memory of /downloads/waits.csv, streamed, beside building the same file in memory.

    .venv/bin/python bench/csv_memory.py [--rows 200000] [--database-url URL]

Loads N fictional wait rows through the import service (the one write path)
into a fresh SQLite file (or the database named, which should be empty and
migrated), then measures with tracemalloc, in this process:

- streamed: the app answering GET /downloads/waits.csv, called as an ASGI app
  whose ``send`` counts the body's bytes and throws them away (as a socket
  would); nothing buffers the response, unlike TestClient;
- baseline: the same rows read into a list and written as one bytes object.

Prints figures only; no timing or memory is asserted.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app import migrate
from app.config import Settings
from app.csv_files import csv_bytes
from app.db import Database
from app.imports import run_import
from app.main import create_app
from app.services.exports import csv_header, wait_rows
from app.services.ingest import ImportRequest
from app.services.sources import get_or_create_source

COMPANIES = [f"Benchbolaget {n} AB" for n in range(1, 41)]
BATCH_ROWS = 50_000


def _wait_lines(start: int, count: int, rng: random.Random) -> Iterator[str]:
    base = datetime(2024, 1, 1, tzinfo=UTC)
    for index in range(start, start + count):
        moment = base + timedelta(minutes=7 * index)
        outcome = "abandoned" if rng.random() < 0.1 else "answered"
        yield (
            f"{COMPANIES[index % len(COMPANIES)]},{moment.isoformat()},phone,"
            f"{rng.randrange(10, 1800)},{outcome},{rng.randrange(3)},bench-{index}\n"
        )


def load_waits(database: Database, rows: int) -> None:
    rng = random.Random(7)  # repeatable fictional data
    with database.write() as session:
        source_id = get_or_create_source(session, "bench", name="Benchmark data").id
    for start in range(0, rows, BATCH_ROWS):
        count = min(BATCH_ROWS, rows - start)
        body = "company,measured_at,channel,wait_seconds,outcome,transfers,external_id\n"
        body += "".join(_wait_lines(start, count, rng))
        request = ImportRequest(
            kind="waits",
            source_id=source_id,
            body=io.BytesIO(body.encode()),
            format="csv",
            origin="cli",
        )
        result = run_import(database, request)
        if not result.accepted:
            raise SystemExit(f"the bench data did not import: {result.error_body()}")
        print(f"  loaded {start + count:,} rows", file=sys.stderr)


async def _download(app: Any, path: str) -> int:
    """GET ``path`` from the ASGI app; the body's size, its bytes discarded."""
    received = 0
    status = 0
    done = asyncio.Event()
    sent_request = False

    async def receive() -> dict[str, Any]:
        nonlocal sent_request
        if not sent_request:
            sent_request = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await done.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal received, status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body":
            received += len(message.get("body", b""))
            if not message.get("more_body", False):
                done.set()

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(b"host", b"bench")],
        "client": ("127.0.0.1", 1),
        "server": ("bench", 80),
    }
    await app(scope, receive, send)
    if status != 200:
        raise SystemExit(f"{path} answered {status}")
    return received


def measure_streamed(settings: Settings, database: Database) -> tuple[int, int, float]:
    app = create_app(settings)
    app.state.database = database  # what the lifespan would set
    tracemalloc.start()
    started = time.perf_counter()
    size = asyncio.run(_download(app, "/downloads/waits.csv"))
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return size, peak, elapsed


def measure_in_memory(database: Database) -> tuple[int, int, float]:
    tracemalloc.start()
    started = time.perf_counter()
    with database.read() as session:
        rows = list(wait_rows(session))
        body = csv_bytes(csv_header("waits"), rows)
    elapsed = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return len(body), peak, elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--database-url", help="an empty, migrated database; default a temp SQLite")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'bench.db'}"
        settings = Settings(database_url=url)
        database = Database.from_url(url)
        if args.database_url is None:
            migrate.upgrade(database.engine)
        print(f"loading {args.rows:,} wait rows into {database.engine.url.get_backend_name()}")
        load_waits(database, args.rows)
        streamed = measure_streamed(settings, database)
        in_memory = measure_in_memory(database)
        database.dispose()
    mib = 1024 * 1024
    print()
    print(f"{'/downloads/waits.csv':<28}{'bytes':>14}{'peak MiB':>12}{'seconds':>10}")
    for label, (size, peak, elapsed) in (
        ("streamed (the app)", streamed),
        ("baseline (list in memory)", in_memory),
    ):
        print(f"{label:<28}{size:>14,}{peak / mib:>12.1f}{elapsed:>10.2f}")
    print(f"\npeak memory, baseline / streamed: {in_memory[1] / max(streamed[1], 1):.1f}x")


if __name__ == "__main__":
    main()
