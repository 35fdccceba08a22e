"""The site under load, at two data sizes, on SQLite and PostgreSQL, beside a static file
and Datasette serving the same ranking.

    bench/run [--size quick|full] [--db sqlite|postgresql|both] [--workers N]
              [--companies N] [--measurements N] [--years N]

Builds fictional data as CSV files and loads them with `shamelist import` into a scratch
database, the first measurements only ("small"); serves it with `shamelist serve`; times
each page cold (the first request after an import) and warm (wrk), with the static file
and Datasette as yardsticks; imports the rest of the measurements and does it again
("large"); ends with a burst of 256 connections. Prints one table per database, the
targets with PASS or FAIL, and writes the same as Markdown (bench/results/latest.md).
"""

from __future__ import annotations

import argparse
import csv
import io
import shutil
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import httpx

from bench import datagen, measure, procs, report
from bench.dataset import SOURCE, Dataset, build, human, import_file, peer_sqlite
from bench.procs import Server, Servers, say
from bench.report import PAGES, PEER_HTML, PEER_JSON, STATIC, DbResult, Stage
from bench.scratch import DEFAULT_POSTGRES, Scratch, postgres_scratch, sqlite_scratch

SIZES = {"quick": (5_000, 300_000, 2), "full": (5_000, 10_000_000, 10)}
STATIC_PATH = "/static/site.css"
COLD_SOURCE = "bench-cold"
PEER_SQL = (
    "select c.name, sum(cc.value) v from complaint_counts cc join companies c"
    " on c.id=cc.company_id where cc.metric='complaints' and cc.period like '{year}%'"
    " group by c.id order by v desc"
)


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="bench/run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="quick")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--workers", type=int, help="for `shamelist serve` (default: its own)")
    parser.add_argument("--companies", type=int, help="overrides the size's 5,000")
    parser.add_argument("--measurements", type=int, help="overrides the size's total")
    parser.add_argument("--years", type=int, help="years of monthly complaints (and waits)")
    parser.add_argument("--small", type=int, default=100_000, help="measurements at first")
    parser.add_argument("--per-file", type=int, default=100_000, help="wait rows per file")
    parser.add_argument("--cold-samples", type=int, default=5, help="cold requests per page")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run")
    parser.add_argument("--postgres", default=DEFAULT_POSTGRES, help="server for bench_* dbs")
    parser.add_argument("--out", type=Path, default=procs.BENCH_DIR / "results" / "latest.md")
    parser.add_argument("--keep", action="store_true", help="keep the scratch folder")
    parser.add_argument("--strict", action="store_true", help="exit 2 when a target fails")
    args = parser.parse_args(argv)
    companies, measurements, years = SIZES[args.size]
    args.companies = args.companies or companies
    args.measurements = args.measurements or measurements
    args.years = args.years or years
    args.small = max(1, min(args.small, args.measurements // 3))
    return args


class DatabaseRun:
    """Everything measured on one database."""

    def __init__(self, args: argparse.Namespace, data: Dataset, scratch: Scratch) -> None:
        self.args, self.data, self.scratch = args, data, scratch
        self.servers = Servers()
        self.wrk = procs.ensure_wrk()
        self.cold_samples_done = 0
        self.result = DbResult(scratch.kind, self._heading("--workers default"))
        self.site: Server | None = None
        self.slug = ""

    def _heading(self, workers: str) -> str:
        years, data = self.args.years, self.data
        return (
            f"{self.scratch.title}: {len(data.companies):,} companies,"
            f" {years} year{'s' if years != 1 else ''},"
            f" {human(data.small_count)} then {human(data.total)} measurements;"
            f" `shamelist serve` {workers}; wrk -t2 -c16 -d{self.args.seconds}s"
        )

    def execute(self, peer_file: Path | None) -> DbResult:
        try:
            self._execute(peer_file)
        finally:
            self.servers.stop_all()
        return self.result

    def _execute(self, peer_file: Path | None) -> None:
        say(f"\n--- {self.scratch.title} ---")
        procs.upgrade(self.scratch.url)
        for kind, path, rows in self.data.base:
            self._import(kind, path, rows)
        self._import_waits(self.data.small)
        log = self.data.folder / f"serve-{self.scratch.kind}.log"
        self.site = self.servers.add(procs.start_site(self.scratch.url, self.args.workers, log))
        self.slug = company_slug(self.site.base, self.data.companies[0].name)
        workers = self.site.worker_processes()
        given = f"--workers {self.args.workers}" if self.args.workers else "(its default)"
        self.result.heading = self._heading(f"{given}: {workers} worker processes")
        say(f"serving at {self.site.base} with {workers} workers; company page: {self.slug}")
        self._prime()
        self.result.stages.append(self._stage(human(self.data.small_count), peer_file))
        self._import_waits(self.data.rest)
        self.result.stages.append(self._stage(human(self.data.total), peer_file))
        self._burst()

    def _import(self, kind: str, path: Path, rows: int, source: str = SOURCE) -> float:
        seconds = import_file(self.scratch.url, kind, path, source)
        if source == SOURCE:
            line = f"  import {kind} {path.name}: {rows:,} rows in {seconds:.1f} s"
            line += f" ({rows / seconds:,.0f} rows/s)"
            say(line)
            self.result.imports.append(line)
        return seconds

    def _import_waits(self, files: list[tuple[Path, int]]) -> None:
        if len(files) < 2:
            for path, rows in files:
                self._import("waits", path, rows)
            return
        seconds = sum(self._import("waits", path, rows) for path, rows in files)
        rows = sum(rows for _, rows in files)
        line = f"  import waits, {len(files)} files: {rows:,} rows in {seconds:.1f} s"
        line += f" ({rows / seconds:,.0f} rows/s)"
        self.result.imports.append(line)

    def _urls(self) -> dict[str, str]:
        assert self.site is not None
        return {name: self.site.base + path.format(slug=self.slug) for name, path in PAGES}

    def _prime(self) -> None:
        """Every page a second under load, unmeasured: the server's own start-up is not a
        cold page, and one request alone reaches one of the worker processes only."""
        for url in self._urls().values():
            measure.warm(self.wrk, url, seconds=1)

    def _stage(self, label: str, peer_file: Path | None) -> Stage:
        say(f"measuring at {label} measurements")
        stage = Stage(label)
        self._cold(stage)
        for name, url in self._urls().items():
            stage.warm[name] = self._warm(name, url)
        assert self.site is not None
        stage.warm[STATIC] = self._warm(STATIC, self.site.base + STATIC_PATH)
        self._peer(stage, peer_file)
        return stage

    def _cold(self, stage: Stage) -> None:
        """The first request to each page after an import, the median of a few imports.

        Each page after an import of its own: the front page and rankings.csv show the
        same ranking, and whichever came second would find it built (when the same
        worker answered both)."""
        samples: dict[str, list[float]] = {name: [] for name, _ in PAGES}
        for _ in range(self.args.cold_samples):
            for name, url in self._urls().items():
                path = self.data.folder / "cold.csv"
                datagen.write_cold_complaint(path, self.data.window, self.cold_samples_done)
                self.cold_samples_done += 1
                self._import("complaints", path, 1, COLD_SOURCE)
                ms, status = measure.timed_get(url)
                samples[name].append(ms)
                if status != 200 or name not in stage.cold_status:
                    stage.cold_status[name] = status
        for name, values in samples.items():
            stage.cold_ms[name] = statistics.median(values)
            say(f"  cold {name}: {stage.cold_ms[name]:.1f} ms (samples {_list(values)})")

    def _warm(self, name: str, url: str) -> measure.Warm:
        warm = measure.warm(self.wrk, url, seconds=self.args.seconds)
        note = f" ({warm.note})" if warm.note else ""
        say(f"  warm {name}: {warm.rps:,.0f} rps, p50 {warm.p50_ms:.1f} ms{note}")
        return warm

    def _peer(self, stage: Stage, peer_file: Path | None) -> None:
        if peer_file is None or not peer_file.exists():
            return
        log = self.data.folder / "datasette.log"
        peer = self.servers.add(procs.start_datasette(peer_file, log))
        try:
            sql = quote(PEER_SQL.format(year=self.data.window.years[-1]))
            stem = peer_file.stem
            stage.warm[PEER_JSON] = self._warm(PEER_JSON, f"{peer.base}/{stem}.json?sql={sql}")
            stage.warm[PEER_HTML] = self._warm(PEER_HTML, f"{peer.base}/{stem}?sql={sql}")
        finally:
            self.servers.stop(peer)
        if self.scratch.kind != "sqlite":
            note = "Datasette reads a SQLite file of the same data"
            if note not in self.result.notes:
                self.result.notes.append(note)

    def _burst(self) -> None:
        assert self.site is not None
        say("burst: 256 connections for 5 s at /")
        burst = measure.burst(self.wrk, self.site.base, self.data.folder)
        burst.healthz_ms, burst.healthz_status = measure.timed_get(
            self.site.base + "/healthz", timeout=30
        )
        self.result.burst = burst
        say(f"  {report.burst_line(burst)}")


def _list(values: list[float]) -> str:
    return ", ".join(f"{value:.1f}" for value in values)


def company_slug(base: str, name: str) -> str:
    """The slug of the company named, from the search API or else the companies download."""
    response = httpx.get(base + "/api/v1/search", params={"q": name}, timeout=60)
    if response.status_code == 200:
        for hit in response.json():
            if hit.get("name") == name:
                return str(hit["slug"])
    response = httpx.get(base + "/downloads/companies.csv", timeout=300)
    for row in csv.DictReader(io.StringIO(response.text.lstrip("\ufeff"))):
        if row.get("company") == name:
            return str(row["slug"])
    raise RuntimeError(f"the site does not list the company {name!r}")


def _interrupt(signum: int, _frame: Any) -> NoReturn:
    raise KeyboardInterrupt(f"signal {signum}")


def run(args: argparse.Namespace, folder: Path) -> tuple[list[DbResult], bool]:
    procs.ensure_wrk()
    data = build(folder, args.companies, args.years, (args.measurements, args.small, args.per_file))
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results, failed = [], False
    peer_file = None if "sqlite" in kinds else peer_sqlite(data)
    for kind in kinds:
        scratch = sqlite_scratch(folder) if kind == "sqlite" else postgres_scratch(args.postgres)
        try:
            peer = scratch.sqlite_file or peer_file
            results.append(DatabaseRun(args, data, scratch).execute(peer))
            say("\n" + report.text_report(results[-1]))
        except Exception as error:  # one database failing must not lose the figures of the other
            failed = True
            say(f"\n{scratch.title}: the run failed: {error}")
        finally:
            scratch.drop()
        peer_file = scratch.sqlite_file or peer_file
    return results, failed


def main(argv: list[str] | None = None) -> int:
    args = parse_args(sys.argv[1:] if argv is None else argv)
    # Ctrl-C, also where the shell started this with SIGINT ignored (a background job).
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGHUP, _interrupt)
    started = time.perf_counter()
    folder = Path(tempfile.mkdtemp(prefix="shamelist-bench-"))
    try:
        results, failed = run(args, folder)
    except KeyboardInterrupt:
        say("\ninterrupted: servers stopped, scratch databases dropped")
        return 130
    finally:
        if args.keep:
            say(f"scratch folder kept: {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    minutes = (time.perf_counter() - started) / 60
    command = " ".join(["bench/run", *(sys.argv[1:] if argv is None else argv)])
    preamble = [f"`{command}`, {time.strftime('%Y-%m-%d')}, {minutes:.1f} minutes in all."]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(report.markdown_report(results, preamble), encoding="utf-8")
    say(f"\nwhole run: {minutes:.1f} minutes; Markdown: {args.out}")
    if failed:
        return 1
    all_ok = all(check.ok is not False for result in results for check in report.checks(result))
    return 2 if args.strict and not all_ok else 0


if __name__ == "__main__":
    sys.exit(main())
