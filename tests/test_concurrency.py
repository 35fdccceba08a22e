"""Two imports at the same moment both succeed (SQLite's write lock is taken up front)."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from app.db import Database
from tests.conftest import make_token
from tests.helpers import post_csv


def _waits_body(company: str, rows: int) -> bytes:
    lines = ["company,measured_at,channel,wait_seconds,outcome,external_id"]
    lines += [
        f"{company},2025-03-{1 + i % 28:02d}T{i % 24:02d}:{i % 60:02d}:{(i // 60) % 60:02d}Z,phone,{i % 900},answered,{company}-{i}"
        for i in range(rows)
    ]
    return ("\n".join(lines) + "\n").encode()


def test_two_concurrent_imports_both_succeed(client: TestClient, database: Database) -> None:
    tokens = [make_token(database, source=f"partner-{n}") for n in range(2)]
    bodies = [_waits_body(f"Samtidig {n} AB", 6_000) for n in range(2)]
    barrier = threading.Barrier(2)
    answers: list[int] = []

    def send(n: int) -> None:
        barrier.wait()
        response = post_csv(client, "waits", bodies[n], {"Authorization": f"Bearer {tokens[n]}"})
        answers.append(response.status_code)

    threads = [threading.Thread(target=send, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert answers == [201, 201]
