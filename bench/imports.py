"""The import benchmark: `shamelist import` and the import API beside the simple tools.

The same fictional waits file, at two sizes, is loaded by `shamelist import waits`,
through `POST /api/v1/imports/waits` on a running `shamelist serve`, and by the tools a
journalist would use instead: `sqlite-utils insert` and a plain `executemany` into
SQLite, `COPY` into PostgreSQL (each into a table of the file's own columns, without
validation, company resolution or aggregates). On PostgreSQL, also `COPY` of the same
rows, resolved and typed beforehand, into `wait_measurements` itself: the floor its keys,
indexes and foreign keys set. Then a file of monthly complaints for the same companies
(two years, or ten with `--size full`), by `shamelist import` beside the same peers.
Rows per second, peak memory of the importing process, and the ratios the targets are
about, all measured in one run.

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
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import httpx
import psycopg
from sqlalchemy.engine import make_url

from app.names import normalize_company_name
from app.periods import swedish_month
from bench import datagen, procs
from bench.procs import say
from bench.scratch import DEFAULT_POSTGRES, Scratch, postgres_scratch, sqlite_scratch

# (rows of the small file, rows of the large one), and the companies they name.
SIZES = {"quick": (100_000, 300_000), "full": (200_000, 2_000_000)}
# Years of monthly complaints for the same companies (about 30,000 rows a year).
COMPLAINT_YEARS = {"quick": 2, "full": 10}
COMPANIES = 2_000
SOURCE = "bench"


@dataclass
class Timing:
    tool: str
    rows: int
    seconds: float
    peak_mb: float | None = None
    kind: str = "waits"  # what the file holds

    @property
    def rate(self) -> float:
        return self.rows / self.seconds


@dataclass
class DbImports:
    kind: str
    timings: list[Timing] = field(default_factory=list)

    def get(self, tool: str, rows: int, kind: str = "waits") -> Timing | None:
        found = (t for t in self.timings if (t.tool, t.rows, t.kind) == (tool, rows, kind))
        return next(found, None)

    def of(self, kind: str) -> list[Timing]:
        return [t for t in self.timings if t.kind == kind]


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run-imports", description=__doc__.split("\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server for bench_* dbs")
    parser.add_argument("--out", type=Path, default=procs.BENCH_DIR / "results" / "imports.md")
    parser.add_argument("--no-api", action="store_true", help="skip the import API")
    return parser.parse_args(argv)


# Runs the command as its own child and prints the child's peak memory (KB) on stderr's
# last line. The kernel counts a child's peak from its fork, and a child forked from
# this process starts as large as it is (hundreds of MB after building the typed rows of
# `copy_into_measurements`); forked from this small launcher, it starts small.
_LAUNCHER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])
_pid, status, usage = os.wait4(pid, 0)
print(usage.ru_maxrss, file=sys.stderr)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command: (seconds, its own peak memory in MB, from the kernel's accounting)."""
    launcher = [sys.executable, "-c", _LAUNCHER, *argv]
    started = time.perf_counter()
    done = subprocess.run(launcher, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    seconds = time.perf_counter() - started
    error = done.stderr.decode(errors="replace")
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[:3])} failed:\n{error[-2000:]}")
    return seconds, int(error.strip().splitlines()[-1]) / 1024


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


def cli_import(scratch: Scratch, path: Path, rows: int, kind: str = "waits") -> Timing:
    env = {**os.environ, "SHAMELIST_DATABASE_URL": scratch.url}
    argv = [*procs.shamelist_command(), "import", kind, str(path), "--source", SOURCE]
    seconds, peak = timed(argv, env)
    return Timing("shamelist import", rows, seconds, peak, kind)


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


def sqlite_utils_insert(folder: Path, path: Path, rows: int, kind: str = "waits") -> Timing:
    target = folder / "sqlite-utils.db"
    target.unlink(missing_ok=True)
    tool = procs.ensure_peer_tool("sqlite-utils")
    seconds, peak = timed([str(tool), "insert", str(target), kind, str(path), "--csv"])
    return Timing("sqlite-utils insert", rows, seconds, peak, kind)


def plain_executemany(folder: Path, path: Path, rows: int, kind: str = "waits") -> Timing:
    """The csv module and sqlite3's executemany into a table of the file's columns."""
    target = folder / "executemany.db"
    target.unlink(missing_ok=True)
    started = time.perf_counter()
    with sqlite3.connect(target) as connection, path.open(encoding="utf-8", newline="") as source:
        reader = csv.reader(source)
        header = next(reader)
        connection.execute(f"CREATE TABLE plain ({', '.join(header)})")
        marks = ", ".join("?" for _ in header)
        connection.executemany(f"INSERT INTO plain VALUES ({marks})", reader)
    return Timing("plain executemany", rows, time.perf_counter() - started, kind=kind)


def postgres_copy(scratch: Scratch, path: Path, rows: int, kind: str = "waits") -> Timing:
    """`COPY ... FROM STDIN` of the file into a table of its own columns (what `\\copy` does)."""
    url = make_url(scratch.url).set(drivername="postgresql").render_as_string(hide_password=False)
    started = time.perf_counter()
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        header = path.open(encoding="utf-8").readline().strip().split(",")
        cursor.execute(f"CREATE TABLE plain_{kind} ({', '.join(f'{c} text' for c in header)})")
        copy_sql = f"COPY plain_{kind} FROM STDIN (FORMAT csv, HEADER true)"
        with cursor.copy(copy_sql) as copy, path.open("rb") as source:
            while chunk := source.read(1 << 20):
                copy.write(chunk)
    return Timing("COPY", rows, time.perf_counter() - started, kind=kind)


def copy_into_measurements(scratch: Scratch, path: Path, rows: int) -> Timing:
    """`COPY` of the rows, their companies already resolved and their fields already
    typed (untimed), into `wait_measurements` itself, after `shamelist import` has filled
    it: the floor set by the table's keys, indexes and foreign keys alone, without
    validation, resolution or aggregates. Rolled back."""
    url = make_url(scratch.url).set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(url) as connection, connection.cursor() as cursor:
        names = "SELECT normalized_name, id FROM companies"
        names += " UNION SELECT normalized, company_id FROM company_aliases"
        ids: dict[str, int] = dict(cursor.execute(names).fetchall())
        source_id, batch_id = cursor.execute(
            "SELECT source_id, max(id) FROM import_batches GROUP BY source_id LIMIT 1"
        ).fetchone() or (0, 0)
        typed = list(_typed_waits(path, ids, source_id, batch_id))
        started = time.perf_counter()
        columns = "company_id, source_id, batch_id, measured_at, local_month, channel,"
        columns += " wait_seconds, outcome, transfers, external_id"
        with cursor.copy(f"COPY wait_measurements ({columns}) FROM STDIN") as copy:
            for row in typed:
                copy.write_row(row)
        seconds = time.perf_counter() - started
        connection.rollback()
    return Timing("COPY into wait_measurements", rows, seconds)


def _typed_waits(
    path: Path, company_ids: dict[str, int], source_id: int, batch_id: int
) -> Iterator[tuple[object, ...]]:
    """The file's rows as `wait_measurements` rows, under new external ids (so that they
    add to the rows the import stored rather than collide with them)."""
    with path.open(encoding="utf-8", newline="") as source:
        for row in csv.DictReader(source):
            moment = datetime.fromisoformat(row["measured_at"]).astimezone(UTC)
            transfers = int(row["transfers"]) if row["transfers"] else None
            yield (
                company_ids[normalize_company_name(row["company"])],
                source_id,
                batch_id,
                moment,
                swedish_month(moment),
                row["channel"],
                int(row["wait_seconds"]),
                row["outcome"],
                transfers,
                f"floor-{row['external_id']}",
            )


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
                result.timings.append(copy_into_measurements(scratch, path, rows))
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
        _say_timings(result, rows, "waits")
    measure_complaints(kind, args, folder, result, companies)
    return result


def measure_complaints(
    kind: str, args: argparse.Namespace, folder: Path, result: DbImports, companies: Path
) -> None:
    """A file of monthly complaints for the same companies, beside its peer."""
    path, rows = folder / "complaints.csv", count_rows(folder / "complaints.csv")
    say(f"  {kind}: {rows:,} complaint counts")
    scratch = fresh_scratch(kind, folder / f"{kind}-complaints", args.postgres, companies)
    try:
        result.timings.append(cli_import(scratch, path, rows, "complaints"))
        if kind == "postgresql":
            result.timings.append(postgres_copy(scratch, path, rows, "complaints"))
    finally:
        scratch.drop()
    if kind == "sqlite":
        result.timings.append(sqlite_utils_insert(folder, path, rows, "complaints"))
        result.timings.append(plain_executemany(folder, path, rows, "complaints"))
    _say_timings(result, rows, "complaints")


def count_rows(path: Path) -> int:
    with path.open(encoding="utf-8") as source:
        return sum(1 for _line in source) - 1


def _say_timings(result: DbImports, rows: int, kind: str) -> None:
    for timing in result.of(kind):
        if timing.rows == rows:
            peak = f", peak {timing.peak_mb:.0f} MB" if timing.peak_mb else ""
            say(f"    {timing.tool}: {timing.seconds:.1f} s, {timing.rate:,.0f} rows/s{peak}")


BASELINE = {"sqlite": ("sqlite-utils insert", 1.0), "postgresql": ("COPY", 0.25)}


def markdown(results: list[DbImports], preamble: str) -> str:
    lines = ["# Import benchmark", "", preamble, ""]
    for result in results:
        baseline, target = BASELINE[result.kind]
        title = "SQLite" if result.kind == "sqlite" else "PostgreSQL"
        for kind in ("waits", "complaints"):
            if result.of(kind):
                lines += [f"## {title}: {kind}, {COMPANIES:,} companies", ""]
                lines += _table(result, kind, baseline)
                lines += ["", "| target | result |", "|---|---|"]
                lines += [*checks(result, kind, baseline, target), ""]
    return "\n".join(lines)


def _table(result: DbImports, kind: str, baseline: str) -> list[str]:
    lines = [f"| rows | tool | seconds | rows/s | peak MB | x {baseline} |", "|--:|---|--:|--:|--:|--:|"]  # fmt: skip
    for timing in result.of(kind):
        base = result.get(baseline, timing.rows, kind)
        ratio = f"{timing.rate / base.rate:.2f}x" if base else "-"
        peak = f"{timing.peak_mb:.0f}" if timing.peak_mb else "-"
        lines.append(
            f"| {timing.rows:,} | {timing.tool} | {timing.seconds:.1f} | {timing.rate:,.0f}"
            f" | {peak} | {ratio} |"
        )
    return lines


def checks(result: DbImports, kind: str, baseline: str, target: float) -> list[str]:
    out = []
    sizes = sorted({t.rows for t in result.of(kind)})
    for rows in sizes:
        ours, base = result.get("shamelist import", rows, kind), result.get(baseline, rows, kind)
        if ours and base:
            ratio = ours.rate / base.rate
            verdict = "PASS" if ratio >= target else "FAIL"
            out.append(f"| `shamelist import` at {rows:,} rows >= {target}x {baseline} ({ratio:.2f}x) | {verdict} |")  # fmt: skip
    if len(sizes) < 2:
        return out
    small, large = (result.get("shamelist import", rows, kind) for rows in (sizes[0], sizes[-1]))
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
        complaint_window = datagen.window_for(COMPLAINT_YEARS[args.size])
        datagen.write_complaints(folder / "complaints.csv", made, complaint_window)
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
