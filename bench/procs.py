"""The processes the load benchmark runs: tools it installs, servers it starts and always stops.

Everything listens on 127.0.0.1 only. Every wait is bounded in time.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import httpx

HOST = "127.0.0.1"
BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
PEER_VENV = BENCH_DIR / ".peer-venv"
VENV_BIN = Path(sys.executable).parent


def say(message: str) -> None:
    print(message, flush=True)


def shamelist_command() -> list[str]:
    found = VENV_BIN / "shamelist"
    return [str(found)] if found.exists() else [sys.executable, "-m", "app"]


def ensure_wrk() -> str:
    """wrk, from Debian's packages when it is missing (needs root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        raise SystemExit("wrk is missing: install it with `sudo apt-get install -y wrk`")
    say("installing wrk (apt-get install -y wrk)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "--no-install-recommends", "wrk"]
    if subprocess.run(install, env=env, capture_output=True, timeout=600).returncode != 0:
        subprocess.run(["apt-get", "update"], env=env, capture_output=True, timeout=600)
        subprocess.run(install, env=env, capture_output=True, timeout=600, check=True)
    found = shutil.which("wrk")
    if not found:
        raise SystemExit("wrk could not be installed")
    return found


def ensure_datasette() -> Path:
    return ensure_peer_tool("datasette")


def ensure_peer_tool(name: str) -> Path:
    """A peer tool from PyPI (Datasette, sqlite-utils) in its own virtualenv beside this
    file (git-ignored), installed once."""
    tool = PEER_VENV / "bin" / name
    if tool.exists():
        return tool
    say(f"installing {name} into {PEER_VENV.relative_to(ROOT)} (pip)")
    if not (PEER_VENV / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(PEER_VENV)], check=True, timeout=300)
    pip = [str(PEER_VENV / "bin" / "python"), "-m", "pip", "install", "--quiet"]
    subprocess.run([*pip, name], check=True, timeout=900)
    return tool


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Server:
    """A process in its own process group, stopped with the whole group."""

    def __init__(self, name: str, argv: Sequence[str], env: dict[str, str], log: Path) -> None:
        self.name, self.log = name, log
        self.port = free_port()
        argv = [arg.replace("{port}", str(self.port)) for arg in argv]
        with log.open("wb") as out:
            self.process = subprocess.Popen(
                argv, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if httpx.get(self.base + path, timeout=2.0).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.25)
        tail = self.log.read_text(errors="replace")[-3000:]
        self.stop()
        raise RuntimeError(f"{self.name} did not answer {path} in {timeout:.0f} s:\n{tail}")

    def worker_processes(self) -> int:
        """uvicorn's worker processes (spawned children), or 1 when it serves in-process."""
        children: list[str] = []
        for task in Path(f"/proc/{self.process.pid}/task").glob("*"):
            children += (task / "children").read_text().split()
        workers = 0
        for child in children:
            cmdline = Path(f"/proc/{child}/cmdline").read_bytes()
            workers += b"spawn_main" in cmdline
        return workers or 1

    def stop(self) -> None:
        if self.process.poll() is not None:
            return
        for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(self.process.pid, sig)
            except ProcessLookupError:
                return
            try:
                self.process.wait(timeout=grace)
                return
            except subprocess.TimeoutExpired:
                continue


def start_site(database_url: str, workers: int | None, log: Path) -> Server:
    argv = [*shamelist_command(), "serve", "--host", HOST, "--port", "{port}"]
    if workers:
        argv += ["--workers", str(workers)]
    env = {**os.environ, "SHAMELIST_DATABASE_URL": database_url}
    server = Server("shamelist serve", argv, env, log)
    server.wait_ready("/healthz")
    return server


def start_datasette(sqlite_file: Path, log: Path) -> Server:
    argv = [str(ensure_datasette()), "serve", str(sqlite_file), "--host", HOST, "--port", "{port}"]
    server = Server("datasette", argv, dict(os.environ), log)
    server.wait_ready("/-/versions.json")
    return server


class Servers:
    """Every server started, so that all of them stop on any exit, Ctrl-C included."""

    def __init__(self) -> None:
        self.running: list[Server] = []

    def add(self, server: Server) -> Server:
        self.running.append(server)
        return server

    def stop(self, server: Server) -> None:
        server.stop()
        if server in self.running:
            self.running.remove(server)

    def stop_all(self) -> None:
        while self.running:
            self.running.pop().stop()


def run_import(database_url: str, kind: str, path: Path, source: str) -> tuple[float, str]:
    """`shamelist import KIND FILE --source SLUG`: seconds taken and its JSON report."""
    argv = [*shamelist_command(), "import", kind, str(path), "--source", source]
    env = {**os.environ, "SHAMELIST_DATABASE_URL": database_url}
    started = time.perf_counter()
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=7200)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise ImportFailed(f"import {kind} {path.name} failed:\n{done.stderr[-3000:]}")
    return seconds, done.stdout


def upgrade(database_url: str) -> None:
    env = {**os.environ, "SHAMELIST_DATABASE_URL": database_url}
    argv = [*shamelist_command(), "db", "upgrade"]
    done = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(f"shamelist db upgrade failed:\n{done.stderr[-3000:]}")


class ImportFailed(RuntimeError):
    pass
