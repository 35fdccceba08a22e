"""Schemathesis, with every check, against a live server on each database: whatever
``/openapi.json`` promises (statuses, bodies, content types, headers, methods, the
bearer scheme, what a valid request is) the server must answer.

The server runs as it does in production (``python -m app serve``), on a migrated
database holding the fictional demo data, an edition and an import token, so the
authenticated routes are reached. Sized for CI: a few examples per operation and a
fixed seed (``SHAMELIST_SCHEMATHESIS_EXAMPLES`` and ``..._SEED`` change them).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from app.cli import cli
from app.db import Database
from app.demo import load_demo
from tests.conftest import make_token
from tests.helpers import free_port, wait_until_answering

CONFIG = Path(__file__).with_name("schemathesis.toml")
EXAMPLES = os.environ.get("SHAMELIST_SCHEMATHESIS_EXAMPLES", "10")
SEED = os.environ.get("SHAMELIST_SCHEMATHESIS_SEED", "2026")
# The floods of a fuzzer are not what the rate limits are tested with (tests/api).
UNLIMITED = {
    f"SHAMELIST_{name}": "1000000"
    for name in (
        "IMPORT_LIMIT_PER_TOKEN",
        "IMPORT_LIMIT_PER_ADDRESS",
        "REPLY_LIMIT_PER_TOKEN",
        "REPLY_LIMIT_PER_ADDRESS",
        "SEARCH_LIMIT_PER_ADDRESS",
    )
}


@pytest.fixture
def site_env(database_url: str, database: Database) -> dict[str, str]:
    """The environment of a site whose database holds the demo data and an edition."""
    load_demo(database)
    env = {**os.environ, **UNLIMITED, "SHAMELIST_DATABASE_URL": database_url}
    published = CliRunner().invoke(cli, ["edition", "publish", "2024"], env=env)
    assert published.exit_code == 0, published.output
    return env


@pytest.fixture
def live_site(site_env: dict[str, str], tmp_path: Path) -> Iterator[str]:
    url = f"http://127.0.0.1:{free_port()}"
    log = tmp_path / "server.log"
    command = [sys.executable, "-m", "app", "serve", "--port", url.rsplit(":", 1)[1]]
    with log.open("wb") as out:
        server = subprocess.Popen(
            [*command, "--workers", "1"], env=site_env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        wait_until_answering(f"{url}/readyz", server, log)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.slow
def test_schemathesis_with_every_check_finds_nothing(
    live_site: str, database: Database, tmp_path: Path
) -> None:
    token = make_token(database, source="schemathesis")
    command = [
        str(Path(sys.executable).with_name("st")),
        "--config-file",
        str(CONFIG),
        "--no-color",
        "run",
        f"{live_site}/openapi.json",
        "--checks",
        "all",
        "--header",
        f"Authorization: Bearer {token}",
        "--max-examples",
        EXAMPLES,
        "--seed",
        SEED,
        "--request-timeout",
        "30",
    ]
    # In a folder of its own: the run leaves Hypothesis' example database behind.
    run = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-20000:] + run.stderr[-2000:]
    paths = httpx.get(f"{live_site}/openapi.json").json()["paths"]
    operations = sum(len(methods) for methods in paths.values())
    assert f"Tested: {operations}" in run.stdout, run.stdout[-3000:]
