"""The import benchmark: `shamelist import` and the import API beside the simple tools.

The same fictional waits file, at two sizes, is loaded by `shamelist import waits`,
through `POST /api/v1/imports/waits` on a running `shamelist serve`, and by the tools a
journalist would use instead: `sqlite-utils insert` and a plain `executemany` into
SQLite, `COPY` into PostgreSQL (each into a table of the file's own columns, without
validation, company resolution or aggregates). Rows per second, peak memory of the
importing process, and the ratios the targets are about, all measured in one run.

    bench/run-imports [--size quick|full] [--db sqlite|postgresql|both]
"""

from __future__ import annotations

import argparse
import csv
import os
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

from bench import datagen, procs
from bench.procs import say
from bench.scratch import DEFAULT_POSTGRES, Scratch, postgres_scratch, sqlite_scratch

# (rows of the small file, rows of the large one), and the companies they name.
SIZES = {"quick": (100_000, 300_000), "full": (200_000, 2_000_000)}
COMPANIES = 2_000
SOURCE = "bench"


@dataclass
class Timing:
    tool: str
    rows: int
    seconds: float
    peak_mb: float | None = None

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


@dataclass
class DbImports:
    kind: str
    timings: list[Timing] = field(default_factory=list)

    def get(self, tool: str, rows: int) -> Timing | None:
        return next((t for t in self.timings if t.tool == tool and t.rows == rows), None)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run-imports", description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server for bench_* dbs")
    parser.add_argument("--out", type=Path, default=procs.BENCH_DIR / "results" / "imports.md")
    parser.add_argument("--no-api", action="store_true", help="skip the import API")
    return parser.parse_args(argv)


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command: (seconds, its own peak memory in MB, from the kernel's accounting)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode(errors="replace") if process.stderr else ""
        raise RuntimeError(f"{' '.join(argv[:3])} failed:\n{error[-2000:]}")
    return seconds, usage.ru_maxrss / 1024


def fresh_scratch(kind: str, folder: Path, admin: str, companies: Path) -> Scratch:
    """A migrated database that knows the companies (imported untimed)."""
    if kind == "sqlite":
        folder.mkdir(parents=True, exist_ok=True)
        scratch = sqlite_scratch(folder)
    else:
        scratch = postgres_scratch(admin)
    procs.upgrade(scratch.url)
    procs.run_import(scratch.url, "companies", companies, SOURCE)
    return scratch


def cli_import(scratch: Scratch, path: Path, rows: int) -> Timing:
    env = {**os.environ, "SHAMELIST_DATABASE_URL": scratch.url}
    argv = [*procs.shamelist_command(), "import", "waits", str(path), "--source", SOURCE]
    seconds, peak = timed(argv, env)
    return Timing("shamelist import", rows, seconds, peak)


def api_import(scratch: Scratch, path: Path, rows: int, log: Path) -> Timing:
    env = {**os.environ, "SHAMELIST_DATABASE_URL": scratch.url}
    argv = [*procs.shamelist_command(), "token", "create", "--name", "bench", "--source", SOURCE]
    made = subprocess.run(argv, env=env, capture_output=True, text=True, timeout=300, check=True)
    token = made.stdout.strip().splitlines()[-1]
    site = procs.start_site(scratch.url, 1, log)
    try:
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/csv"}
        started = time.perf_counter()
        with path.open("rb") as body:
            response = httpx.post(
                f"{site.base}/api/v1/imports/waits", content=body, headers=headers, timeout=7200
            )
        seconds = time.perf_counter() - started
    finally:
        site.stop()
    if response.status_code != 201:
        raise RuntimeError(f"the import API answered {response.status_code}: {response.text[:500]}")
    return Timing("import API", rows, seconds)


def sqlite_utils_insert(folder: Path, path: Path, rows: int) -> Timing:
    target = folder / "sqlite-utils.db"
    target.unlink(missing_ok=True)
    tool = procs.ensure_peer_tool("sqlite-utils")
    seconds, peak = timed([str(tool), "insert", str(target), "waits", str(path), "--csv"])
    return Timing("sqlite-utils insert", rows, seconds, peak)


def plain_executemany(folder: Path, path: Path, rows: int) -> Timing:
    """The csv module and sqlite3's executemany into a table of the file's columns."""
    target = folder / "executemany.db"
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    with sqlite3.connect(target) as connection, path.open(encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        connection.execute(f"CREATE TABLE waits ({', '.join(header)})")
        marks = ", ".join("?" for _ in header)
        connection.executemany(f"INSERT INTO waits VALUES ({marks})", reader)
    return Timing("plain executemany", rows, time.perf_counter() - started)


def postgres_copy(scratch: Scratch, path: Path, rows: int) -> Timing:
    """`COPY ... FROM STDIN` of the file into a table of its own columns (what `\\copy` does)."""
    url = make_url(scratch.url).set(drivername="postgresql").render_as_string(hide_password=False)
    started = time.perf_counter()
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        header = path.open(encoding="utf-8").readline().strip().split(",")
        cursor.execute(f"CREATE TABLE plain_waits ({', '.join(f'{c} text' for c in header)})")
        copy_sql = "COPY plain_waits FROM STDIN (FORMAT csv, HEADER true)"
        with cursor.copy(copy_sql) as copy, path.open("rb") as source:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
    return Timing("COPY", rows, time.perf_counter() - started)


def measure_db(
    kind: str,
    args: argparse.Namespace,
    folder: Path,
    files: list[tuple[Path, int]],
    companies: Path,
) -> DbImports:
    result = DbImports(kind)
    for path, rows in files:
        say(f"  {kind}: {rows:,} rows")
        scratch = fresh_scratch(kind, folder / f"{kind}-cli-{rows}", args.postgres, companies)
        try:
            result.timings.append(cli_import(scratch, path, rows))
            if kind == "postgresql":
                result.timings.append(postgres_copy(scratch, path, rows))
        finally:
            scratch.drop()
        if not args.no_api:
            scratch = fresh_scratch(kind, folder / f"{kind}-api-{rows}", args.postgres, companies)
            try:
                log = folder / f"serve-{kind}-{rows}.log"
                result.timings.append(api_import(scratch, path, rows, log))
            finally:
                scratch.drop()
        if kind == "sqlite":
            result.timings.append(sqlite_utils_insert(folder, path, rows))
            result.timings.append(plain_executemany(folder, path, rows))
        for timing in result.timings:
            if timing.rows == rows:
                peak = f", peak {timing.peak_mb:.0f} MB" if timing.peak_mb else ""
                say(f"    {timing.tool}: {timing.seconds:.1f} s, {timing.rate:,.0f} rows/s{peak}")
    return result


BASELINE = {"sqlite": ("sqlite-utils insert", 1.0), "postgresql": ("COPY", 0.25)}


def markdown(results: list[DbImports], preamble: str) -> str:
    lines = ["# Import benchmark", "", preamble, ""]
    for result in results:
        baseline, target = BASELINE[result.kind]
        title = "SQLite" if result.kind == "sqlite" else "PostgreSQL"
        lines += [f"## {title}: waits, {COMPANIES:,} companies", ""]
        lines += [f"| rows | tool | seconds | rows/s | peak MB | x {baseline} |", "|--:|---|--:|--:|--:|--:|"]  # fmt: skip
        for timing in result.timings:
            base = result.get(baseline, timing.rows)
            ratio = f"{timing.rate / base.rate:.2f}x" if base else "-"
            peak = f"{timing.peak_mb:.0f}" if timing.peak_mb else "-"
            lines.append(
                f"| {timing.rows:,} | {timing.tool} | {timing.seconds:.1f} | {timing.rate:,.0f}"
                f" | {peak} | {ratio} |"
            )
        lines += ["", "| target | result |", "|---|---|", *checks(result, baseline, target), ""]
    return "\n".join(lines)


def checks(result: DbImports, baseline: str, target: float) -> list[str]:
    out = []
    sizes = sorted({t.rows for t in result.timings})
    for rows in sizes:
        ours, base = result.get("shamelist import", rows), result.get(baseline, rows)
        if ours and base:
            ratio = ours.rate / base.rate
            verdict = "PASS" if ratio >= target else "FAIL"
            out.append(f"| `shamelist import` at {rows:,} rows >= {target}x {baseline} ({ratio:.2f}x) | {verdict} |")  # fmt: skip
    small, large = (result.get("shamelist import", rows) for rows in (sizes[0], sizes[-1]))
    if small and large and small.peak_mb and large.peak_mb:
        growth = large.peak_mb / small.peak_mb
        ok = growth <= 1.5 and large.peak_mb < 300
        out.append(
            f"| peak memory {large.peak_mb:.0f} MB at {large.rows:,} rows, {growth:.2f}x of"
            f" {small.rows:,} rows; <= 1.5x and < 300 MB | {'PASS' if ok else 'FAIL'} |"
        )
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGINT, signal.default_int_handler)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="shamelist-bench-imports-") as name:
        folder = Path(name)
        window = datagen.window_for(2)
        made = datagen.make_companies(COMPANIES)
        datagen.write_companies(folder / "companies.csv", made, window)
        companies = folder / "companies.csv"
        writer = datagen.WaitWriter(made, window)
        files = []
        for rows in SIZES[args.size]:
            path = folder / f"waits-{rows}.csv"
            files.append((path, writer.write(path, 0, rows)))
        kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
        results = [measure_db(kind, args, folder, files, companies) for kind in kinds]
    minutes = (time.perf_counter() - started) / 60
    command = " ".join(["bench/run-imports", *(sys.argv[1:] if argv is None else argv)])
    text = markdown(results, f"`{command}`, {time.strftime('%Y-%m-%d')}, {minutes:.1f} minutes.")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text, encoding="utf-8")
    say("\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
