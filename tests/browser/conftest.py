"""A real server and a real Chromium for the browser tests.

The server is ``python -m app serve`` in a subprocess, on a fresh SQLite file
holding the demo dataset: the browser test is about the pages, not the
database, so it runs on SQLite only. Chromium is Debian's (``make test``
installs it as root); Playwright's own browser download is not used.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Playwright, sync_playwright

from tests.browser.served import Site
from tests.helpers import free_port, in_ci, wait_until_answering

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
# Without the background-networking flags Chromium keeps calling Google's
# services, which floods a closed network and slows every launch.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SERVER_START_SECONDS = 30


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "browser: drives Debian's Chromium against the served site (needs chromium)"
    )


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Debian's Chromium; skipped without it locally, a failure in CI (make test installs it)."""
    if CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    message = (
        f"{CHROMIUM} is missing: run `make test` as root (it installs Chromium) or "
        "`sudo apt-get install --no-install-recommends chromium`"
    )
    if in_ci():
        pytest.fail(f"CI is set, so the browser test must run: {message}")
    pytest.skip(message)


def _run_cli(args: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "app", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0:
        pytest.fail(
            f"`python -m app {' '.join(args)}` exited with {done.returncode}:\n"
            f"{done.stdout}\n{done.stderr}"
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture(scope="module")
def site(chromium_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    """The real server on a free port, with the demo data in a fresh SQLite file.

    It asks for ``chromium_path`` first so that a machine without Chromium skips
    before anything is started.
    """
    folder = tmp_path_factory.mktemp("served-site")
    env = {
        **os.environ,
        "SHAMELIST_DATABASE_URL": f"sqlite:///{folder / 'site.db'}",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SHAMELIST_TEST_DATABASE_URL", None)
    _run_cli(["db", "upgrade"], env)
    _run_cli(["demo"], env)
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    log = folder / "server.log"
    with log.open("wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "app", "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=REPO_ROOT,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=log_file,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_answering(f"{url}/healthz", process, log, seconds=SERVER_START_SECONDS)
        yield Site(url=url, log=log)
    finally:
        _stop(process)


# Module scope: Playwright's sync driver keeps an event loop alive in its greenlet,
# which must be gone before the rest of the suite runs its own event loops.
@pytest.fixture(scope="module")
def playwright_driver(chromium_path: Path) -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright_driver: Playwright, chromium_path: Path) -> Iterator[Browser]:
    browser = playwright_driver.chromium.launch(
        executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
    )
    yield browser
    browser.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Screenshots are kept in test-artifacts/browser/ at the repository root."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed browser test shows the server's log beside its own output."""
    report = yield
    served = getattr(item, "funcargs", {}).get("site")
    if report.failed and isinstance(served, Site) and served.log.exists():
        report.sections.append(("server log", served.log_text()))
    return report
