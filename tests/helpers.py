"""Small helpers shared by the tests."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from app.db import Database
from app.models import Base


def csv_body(*lines: str) -> bytes:
    return ("\n".join(lines) + "\n").encode("utf-8")


def post_csv(
    client: TestClient, kind: str, body: bytes, headers: dict[str, str], **params: Any
) -> Any:
    return client.post(
        f"/api/v1/imports/{kind}",
        content=body,
        headers={**headers, "Content-Type": "text/csv"},
        params=params,
    )


def row_counts(database: Database) -> dict[str, int]:
    """How many rows every table holds (tokens and sources excepted: tests make those;
    rate limit counts too: every request with a live token adds to them, whatever it is
    answered)."""
    counts = {}
    with database.read() as session:
        for table in Base.metadata.sorted_tables:
            if table.name not in ("api_tokens", "sources", "rate_limit_counts"):
                counts[table.name] = session.scalar(select(func.count()).select_from(table)) or 0
    return counts


def shamelist(database_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the ``shamelist`` command as a user would, against ``database_url``."""
    env = {**os.environ, "SHAMELIST_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def in_ci() -> bool:
    """Whether CI is set: tests that need a Debian program fail without it there, not skip."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def free_port() -> int:
    """A port nothing listens on now, for a server a test starts."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_answering(
    url: str, process: subprocess.Popen[bytes], log: Path, *, seconds: float = 60
) -> None:
    """Wait for a server the test started to answer 200 at ``url``; fail with its log
    if it stops or does not answer within ``seconds``."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            text = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            pytest.fail(f"the server exited with {process.returncode}:\n{text}")
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    text = log.read_text(encoding="utf-8", errors="replace")[-3000:]
    pytest.fail(f"the server did not answer {url} within {seconds:g} s:\n{text}")
