#!/usr/bin/env python3
"""The README's deployment, run on loopback: nginx in front of two app servers on one
PostgreSQL, then backups of PostgreSQL and SQLite, restored and compared.

    SHAMELIST_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \\
        .venv/bin/python .ci/deployment.py

It makes a scratch database beside the one that variable names (and drops it), picks
free ports, writes nginx's configuration from .ci/nginx.conf into a temporary folder
(pid, logs and temporary files there too, so no root is needed) and checks:

- a ranking through the proxy;
- the client's address is taken from X-Forwarded-For only via the proxy: a request
  through nginx is logged with the address it came from, even when it forges the
  header, and one straight to an app server with a forged header is logged with its
  own address;
- an import through the proxy is seen by both app servers at once;
- pg_dump and SQLite's .backup, each restored into a fresh database holding exactly
  what the original holds.

The proxy connects from 127.0.0.2, the only address in SHAMELIST_TRUSTED_PROXIES, and
the client from 127.0.0.3, so the app servers can tell them apart on one machine.
Prints one "ok:" line per check. Exits 1 on the first failure, 2 without a database and
3 without nginx or PostgreSQL's client tools.
"""
# ruff: noqa: S603, S608  (fixed commands and fixed SQL; no input reaches them)

from __future__ import annotations

import contextlib
import http.client
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")
HERE = Path(__file__).resolve().parent
SHAMELIST = str(Path(sys.executable).with_name("shamelist"))
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
TOOLS = [NGINX, "psql", "createdb", "dropdb", "pg_dump", "pg_restore"]
PROXY_ADDRESS = "127.0.0.2"
CLIENT_ADDRESS = "127.0.0.3"
FORGED_ADDRESS = "203.0.113.7"  # TEST-NET-3: never a real client
START_SECONDS = 60
ACCESS_LOG = "shamelist.access"
RANKING = "/api/v1/rankings?metric=complaints&period=2025"
RANKING_CSV = "/rankings.csv?metric=complaints&period=2025"
# Fictional companies only.
SEED_CSV = """company,metric,period,value
Exempeltele AB,complaints,2025,120
Provbanken AB,complaints,2025,75
Testförsäkring AB,complaints,2025,40
"""
IMPORT_CSV = """company,metric,period,value
Exempelenergi AB,complaints,2025,300
Provbanken AB,complaints,2025,80
"""


class CheckFailed(Exception):
    pass


STARTED = time.monotonic()


def ok(what: str) -> None:
    print(f"ok: {what} ({time.monotonic() - STARTED:.1f} s)", flush=True)


def check(condition: bool, what: str) -> None:
    if not condition:
        raise CheckFailed(what)


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes


def request(
    port: int,
    path: str,
    *,
    source: str = "127.0.0.1",
    method: str = "GET",
    headers: dict[str, str] | None = None,
    body: bytes | None = None,
) -> Answer:
    """One HTTP request to 127.0.0.1:port sent from the loopback address `source`."""
    connection = http.client.HTTPConnection(
        "127.0.0.1", port, timeout=30, source_address=(source, 0)
    )
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        answer_headers = {name.lower(): value for name, value in response.getheaders()}
        return Answer(response.status, answer_headers, response.read())
    finally:
        connection.close()


def free_ports(count: int) -> list[int]:
    """Ports nobody listens on, all different (each socket stays open until all are picked)."""
    with contextlib.ExitStack() as stack:
        socks = [stack.enter_context(socket.socket()) for _ in range(count)]
        for sock in socks:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in socks]


def libpq_url(url: str, database: str) -> str:
    """SQLAlchemy's postgresql+psycopg://… as the URL psql and pg_dump take, naming `database`."""
    parts = urlsplit(url)
    return parts._replace(scheme="postgresql", path=f"/{database}").geturl()


def run(*command: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        raise CheckFailed(f"{' '.join(command[:3])} failed: {done.stderr.strip()[-2000:]}")
    return done.stdout


def psql(url: str, sql: str) -> str:
    return run("psql", "--no-psqlrc", "-v", "ON_ERROR_STOP=1", "-At", "-d", url, "-c", sql)


@contextlib.contextmanager
def scratch_database(admin_url: str, name: str) -> Iterator[str]:
    """A new PostgreSQL database beside the one admin_url names, dropped afterwards."""
    dropdb = ["dropdb", "--if-exists", "--force", f"--maintenance-db={admin_url}", name]
    run(*dropdb)
    run("createdb", f"--maintenance-db={admin_url}", name)
    try:
        yield libpq_url(admin_url, name)
    finally:
        run(*dropdb)


def app_env(database_url: str) -> dict[str, str]:
    """What an app server is told: its database, and which proxy it may believe."""
    env = dict(os.environ)
    env["SHAMELIST_DATABASE_URL"] = database_url
    env["SHAMELIST_TRUSTED_PROXIES"] = PROXY_ADDRESS
    return env


@contextlib.contextmanager
def process(command: list[str], log: Path, env: dict[str, str] | None = None) -> Iterator[None]:
    """A long-running process, its output in `log`, stopped (TERM, then KILL) on the way out."""
    with log.open("wb") as out:
        child = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, env=env)
    try:
        yield
    finally:
        child.terminate()
        try:
            child.wait(timeout=15)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def wait_ready(port: int, log: Path) -> None:
    """Until /readyz answers 200 (the schema is the newest), or the time is up."""
    deadline = time.monotonic() + START_SECONDS
    while time.monotonic() < deadline:
        with contextlib.suppress(OSError):
            if request(port, "/readyz").status == 200:
                return
        time.sleep(0.2)
    raise CheckFailed(f"port {port} not ready in {START_SECONDS} s:\n{tail(log)}")


def tail(log: Path, lines: int = 30) -> str:
    text = log.read_text(errors="replace") if log.exists() else "(no log)"
    return "\n".join(text.splitlines()[-lines:])


def eventually(find: Callable[[], T | None], seconds: float = 5) -> T | None:
    """What ``find`` finds within ``seconds``: an access log line is written just after
    the answer it logs, by the app server and by nginx alike."""
    deadline = time.monotonic() + seconds
    while (found := find()) is None and time.monotonic() < deadline:
        time.sleep(0.1)
    return found


def logged_line(logs: list[Path], request_id: str) -> dict[str, object]:
    """The app server's access log line for one request id."""

    def find() -> dict[str, object] | None:
        for log in logs:
            for text in log.read_text(errors="replace").splitlines():
                if request_id in text and text.startswith("{"):
                    line: dict[str, object] = json.loads(text)
                    if line.get("logger") == ACCESS_LOG and line.get("request_id") == request_id:
                        return line
        return None

    line = eventually(find)
    if line is None:
        raise CheckFailed(f"no access log line with request id {request_id}")
    return line


def companies(answer: Answer) -> list[tuple[object, object, object]]:
    rows = json.loads(answer.body).get("rows")
    check(isinstance(rows, list), f"a ranking has rows: {answer.body[:200]!r}")
    return [(row["rank"], row["company"], row["value"]) for row in rows]


def import_through(port: int, token: str, csv: str) -> Answer:
    return request(
        port,
        "/api/v1/imports/complaints",
        source=CLIENT_ADDRESS,
        method="POST",
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/csv"},
        body=csv.encode(),
    )


def check_ranking_through_proxy(proxy: int, token: str) -> None:
    seeded = import_through(proxy, token, SEED_CSV)
    check(seeded.status == 201, f"first import through the proxy: {seeded.status}")
    answer = request(proxy, RANKING, source=CLIENT_ADDRESS)
    check(answer.status == 200, f"ranking through the proxy: {answer.status}")
    expected = [(1, "Exempeltele AB", 120), (2, "Provbanken AB", 75), (3, "Testförsäkring AB", 40)]
    check(companies(answer) == expected, f"ranking through the proxy: {companies(answer)}")
    ok("a ranking through the proxy")


def check_client_address(proxy: int, apps: list[int], logs: list[Path], nginx_log: Path) -> None:
    forged = {"X-Forwarded-For": FORGED_ADDRESS}
    through = request(proxy, "/healthz", source=CLIENT_ADDRESS, headers=forged)
    request_id = through.headers.get("x-request-id", "")
    client = logged_line(logs, request_id).get("client")
    check(client == CLIENT_ADDRESS, f"via the proxy, a forged X-Forwarded-For: client {client!r}")
    logged = eventually(lambda: request_id in nginx_log.read_text() or None)
    check(logged is not None, "nginx logs the request id the app server logs")
    # Straight to an app server, from another host (127.0.0.4) and from the app server's
    # own (127.0.0.1): neither is the proxy, so neither is believed. 127.0.0.1 apart,
    # because uvicorn left to its defaults believes X-Forwarded-For from there itself.
    for source in ("127.0.0.4", "127.0.0.1"):
        direct = request(apps[0], "/healthz", source=source, headers=forged)
        client = logged_line(logs, direct.headers.get("x-request-id", "")).get("client")
        check(client == source, f"straight from {source}, a forged X-Forwarded-For: {client!r}")
    ok("the client address comes from X-Forwarded-For only via the proxy")


def check_import_seen_by_both(proxy: int, apps: list[int], token: str) -> None:
    before = [request(port, RANKING_CSV).body for port in apps]
    answer = import_through(proxy, token, IMPORT_CSV)
    check(answer.status == 201, f"import through the proxy: {answer.status} {answer.body[:300]!r}")
    expected = [(1, "Exempelenergi AB", 300), (2, "Exempeltele AB", 120), (3, "Provbanken AB", 80)]
    for port in apps:
        got = companies(request(port, RANKING))
        check(got[:3] == expected, f"app server on {port} after the import: {got}")
    after = [request(port, RANKING_CSV).body for port in apps]
    check(after[0] == after[1] != before[0], "both app servers give the same new rankings.csv")
    check(request(proxy, RANKING_CSV).body == after[0], "the proxy gives that rankings.csv too")
    ok("an import through the proxy is seen by both app servers")


def table_digests_postgres(url: str) -> list[str]:
    """Each table's name, row count and a hash of its sorted rows: equal means the same data."""
    tables = psql(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1")
    digest = (
        "SELECT '{0}', count(*), md5(coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), ''))"
        ' FROM "{0}" t'
    )
    union = " UNION ALL ".join(digest.format(table) for table in tables.split())
    return psql(url, f"{union} ORDER BY 1").splitlines()


def check_postgres_backup(admin_url: str, url: str, run_dir: Path) -> None:
    dump = run_dir / "shamelist.dump"
    run("pg_dump", "--format=custom", f"--file={dump}", url)
    with scratch_database(admin_url, f"{urlsplit(url).path.lstrip('/')}_restored") as restored:
        run("pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump))
        original, copy = table_digests_postgres(url), table_digests_postgres(restored)
    check(any(line.startswith("companies|4|") for line in original), f"4 companies: {original}")
    check(original == copy, f"the restored PostgreSQL differs: {original} != {copy}")
    ok(f"pg_dump restored into a fresh database, {len(original)} tables equal")


def sqlite_backup(database: Path, backup: Path) -> None:
    """sqlite3's .backup when the command is there, else the same online backup API in Python."""
    if shutil.which("sqlite3"):
        run("sqlite3", str(database), f".backup '{backup}'")
        return
    with (
        contextlib.closing(sqlite3.connect(database)) as source,
        contextlib.closing(sqlite3.connect(backup)) as target,
    ):
        source.backup(target)


def table_rows_sqlite(path: Path) -> dict[str, list[tuple[object, ...]]]:
    with contextlib.closing(sqlite3.connect(path)) as db:
        check(db.execute("PRAGMA integrity_check").fetchone() == ("ok",), f"{path.name} is whole")
        names = [
            row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
        ]
        return {name: sorted(db.execute(f'SELECT * FROM "{name}"'), key=repr) for name in names}


def check_sqlite_backup(run_dir: Path) -> None:
    run_dir.mkdir()
    seed = run_dir / "seed.csv"
    seed.write_text(SEED_CSV)
    database = run_dir / "shamelist.db"
    env = app_env(f"sqlite:///{database}")
    run(SHAMELIST, "db", "upgrade", env=env)
    run(SHAMELIST, "import", "complaints", str(seed), "--source", "seed", env=env)
    backup = run_dir / "shamelist-backup.db"
    sqlite_backup(database, backup)
    restored = run_dir / "restored.db"
    shutil.copyfile(backup, restored)
    original, copy = table_rows_sqlite(database), table_rows_sqlite(restored)
    check(len(original.get("companies", [])) == 3, "the SQLite database holds the seed")
    check(original == copy, "the restored SQLite database differs from the original")
    ok(f"SQLite's .backup restored, {len(original)} tables equal")


def serve(port: int, env: dict[str, str], log: Path) -> contextlib.AbstractContextManager[None]:
    """One app server (one worker here; one per core in production), its metrics beside its log."""
    metrics = log.with_suffix(".metrics")
    metrics.mkdir()
    command = [SHAMELIST, "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "1"]
    return process(command, log, {**env, "PROMETHEUS_MULTIPROC_DIR": str(metrics)})


def nginx_conf(run_dir: Path, listen: int, apps: list[int]) -> None:
    values = {
        "@RUN@": str(run_dir),
        "@LISTEN@": f"127.0.0.1:{listen}",
        "@APP1@": f"127.0.0.1:{apps[0]}",
        "@APP2@": f"127.0.0.1:{apps[1]}",
        "@PROXY_ADDRESS@": PROXY_ADDRESS,
    }
    text = (HERE / "nginx.conf").read_text()
    for name, value in values.items():
        text = text.replace(name, value)
    (run_dir / "nginx.conf").write_text(text)


def app_servers(run_dir: Path) -> tuple[list[int], int, list[Path]]:
    """Free ports for two app servers and the proxy, and nginx's configuration for them."""
    *apps, proxy = free_ports(3)
    nginx_conf(run_dir, proxy, apps)
    return apps, proxy, [run_dir / f"app-{port}.log" for port in apps]


def deploy(admin_url: str, run_dir: Path, name: str) -> None:
    # The SQLite backup needs nothing of the rest: it runs beside it.
    with ThreadPoolExecutor(max_workers=1) as beside:
        sqlite_checked = beside.submit(check_sqlite_backup, run_dir / "sqlite")
        with scratch_database(admin_url, name) as url:
            deploy_on(url, run_dir, backup=lambda: check_postgres_backup(admin_url, url, run_dir))
        sqlite_checked.result()


def deploy_on(url: str, run_dir: Path, backup: Callable[[], None]) -> None:
    """Two app servers on the PostgreSQL database `url`, nginx in front, and the checks;
    the backup is taken while they run, as it would be on a live site."""
    env = app_env(url.replace("postgresql://", "postgresql+psycopg://", 1))
    run(SHAMELIST, "db", "upgrade", env=env)
    created = run(SHAMELIST, "token", "create", "--name", "Partner", "--source", "p", env=env)
    token = created.strip().splitlines()[-1]
    apps, proxy, logs = app_servers(run_dir)
    nginx = [NGINX, "-p", str(run_dir), "-c", str(run_dir / "nginx.conf")]
    nginx += ["-e", str(run_dir / "nginx-error.log"), "-g", "daemon off;"]
    with serve(apps[0], env, logs[0]), serve(apps[1], env, logs[1]):
        for port, log in zip(apps, logs, strict=True):
            wait_ready(port, log)
        with process(nginx, run_dir / "nginx.out"):
            wait_ready(proxy, run_dir / "nginx-error.log")
            check_ranking_through_proxy(proxy, token)
            check_client_address(proxy, apps, logs, run_dir / "nginx-access.log")
            check_import_seen_by_both(proxy, apps, token)
            backup()


def main() -> int:
    url = os.environ.get("SHAMELIST_TEST_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        print("SHAMELIST_TEST_DATABASE_URL must name a PostgreSQL database", file=sys.stderr)
        return 2
    missing = [tool for tool in TOOLS if not shutil.which(tool)]
    if missing:
        print(f"missing: {', '.join(missing)} (apt-get install nginx postgresql-client)")
        return 3
    admin_url = libpq_url(url, urlsplit(url).path.lstrip("/"))
    name = f"{urlsplit(url).path.lstrip('/')}_deploy_{os.getpid()}"
    run_dir = Path(tempfile.mkdtemp(prefix="shamelist-deploy-"))
    # nginx started as root runs its workers as nobody, who must reach its temporary files.
    run_dir.chmod(0o755)
    try:
        deploy(admin_url, run_dir, name)
    except CheckFailed as failure:
        print(f"FAILED: {failure}", file=sys.stderr)
        for log in sorted(run_dir.glob("*.log")):
            print(f"--- {log.name}\n{tail(log)}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(run_dir, ignore_errors=True)
    print(f"deployment checked in {time.monotonic() - STARTED:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
