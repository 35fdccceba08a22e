"""The README's deployment, run as CI runs it: `.ci/deployment.py` on loopback.

nginx from Debian in front of two app servers on one PostgreSQL, and backups of
PostgreSQL and SQLite restored and compared (the script says how). It needs nginx and
PostgreSQL's client tools (`make test` installs both as root); without them the test
skips locally and fails when CI is set, like the browser tests. Without
SHAMELIST_TEST_DATABASE_URL there is no PostgreSQL to deploy on, and it skips.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import in_ci

REPO_ROOT = Path(__file__).resolve().parents[1]
SCRIPT = REPO_ROOT / ".ci" / "deployment.py"
NGINX_CONF = REPO_ROOT / ".ci" / "nginx.conf"
POSTGRES_URL = os.environ.get("SHAMELIST_TEST_DATABASE_URL", "")
MISSING_TOOLS = 3  # the script's exit status without nginx or pg_dump
# What the script must have checked, one "ok:" line each.
CHECKS = [
    "ok: a ranking through the proxy",
    "ok: the client address comes from X-Forwarded-For only via the proxy",
    "ok: an import through the proxy is seen by both app servers",
    "ok: pg_dump restored into a fresh database",
    "ok: SQLite's .backup restored",
]


@pytest.mark.slow
@pytest.mark.skipif(not POSTGRES_URL, reason="SHAMELIST_TEST_DATABASE_URL names no PostgreSQL")
def test_two_app_servers_behind_nginx_serve_one_database_and_its_backups_restore() -> None:
    done = subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode == MISSING_TOOLS:
        message = f"{done.stdout.strip()}: run `make test` as root (it installs them)"
        if in_ci():
            pytest.fail(f"CI is set, so the deployment test must run: {message}")
        pytest.skip(message)
    output = f"{done.stdout}\n{done.stderr}"
    assert done.returncode == 0, output
    for check in CHECKS:
        assert check in done.stdout, output


def test_readme_shows_the_nginx_configuration_the_deployment_runs() -> None:
    """The README's Deployment section is the script's documentation: same configuration."""
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    lines = NGINX_CONF.read_text(encoding="utf-8").rstrip("\n").splitlines()
    shown = "\n".join(f"    {line}" if line else "" for line in lines)
    assert shown in readme
