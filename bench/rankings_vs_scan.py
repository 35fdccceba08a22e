"""Ranking cost: the aggregates the ingest keeps against scanning every measurement.

Loads N wait measurements for C fictional companies through the ingest service
into a fresh SQLite file (or SHAMELIST_BENCH_DATABASE_URL), then times the
wait_median ranking for a year both ways and prints them side by side:

- shamelist: the period medians and monthly counts the ingest service keeps up to
  date (``wait_period_medians``, ``wait_month_counts``), and ``build_ranking``;
- baseline: one query over ``wait_measurements`` and medians in Python, the
  obvious implementation without aggregates.

    .venv/bin/python bench/rankings_vs_scan.py --rows 200000 --companies 50
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import tempfile
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import select

from app import migrate
from app.db import Database
from app.imports import run_import
from app.metrics import MIN_SAMPLE
from app.models import WaitMeasurement
from app.periods import Period
from app.services.ingest import ImportRequest
from app.services.metrics import metric_values
from app.services.rankings import RankingQuery, build_ranking
from app.services.sources import get_or_create_source


def _body(rows: int, companies: int, seed: int) -> bytes:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    out = io.StringIO()
    out.write("company,measured_at,channel,wait_seconds,outcome,external_id\n")
    for i in range(rows):
        moment = start + timedelta(seconds=rng.randrange(365 * 86400))
        outcome = "abandoned" if rng.random() < 0.1 else "answered"
        out.write(
            f"Benchbolag {i % companies} AB,{moment.isoformat()},phone,{rng.randrange(1, 3600)},{outcome},b{i}\n"
        )
    return out.getvalue().encode()


def _load(database: Database, rows: int, companies: int) -> float:
    with database.write() as session:
        source_id = get_or_create_source(session, "bench").id
    started = time.perf_counter()
    request = ImportRequest(
        kind="waits",
        source_id=source_id,
        body=io.BytesIO(_body(rows, companies, 1)),
        format="csv",
        origin="cli",
    )
    result = run_import(database, request)
    assert result.status == "committed", result.error_body()
    return time.perf_counter() - started


def _baseline(database: Database) -> list[tuple[int, float]]:
    with database.read() as session:
        waits: dict[int, list[int]] = defaultdict(list)
        query = select(WaitMeasurement.company_id, WaitMeasurement.wait_seconds).where(
            WaitMeasurement.outcome == "answered",
            WaitMeasurement.channel == "phone",
            WaitMeasurement.local_month.like("2025-%"),
        )
        for company_id, wait in session.execute(query):
            waits[company_id].append(wait)
    return sorted(
        (company_id, statistics.median(values))
        for company_id, values in waits.items()
        if len(values) >= MIN_SAMPLE
    )


def _baseline_share(database: Database) -> list[tuple[int, float]]:
    """The share answered after 3 minutes or abandoned, by scanning every contact."""
    with database.read() as session:
        totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
        query = select(
            WaitMeasurement.company_id, WaitMeasurement.wait_seconds, WaitMeasurement.outcome
        ).where(
            WaitMeasurement.outcome.in_(("answered", "abandoned")),
            WaitMeasurement.channel == "phone",
            WaitMeasurement.local_month.like("2025-%"),
        )
        for company_id, wait, outcome in session.execute(query):
            totals[company_id][0] += 1
            totals[company_id][1] += outcome == "abandoned" or wait > 180

    def half_up(slow: int, n: int) -> float:
        return float((Decimal(slow) / Decimal(n)).quantize(Decimal("0.0001"), ROUND_HALF_UP))

    return sorted((c, half_up(slow, n)) for c, (n, slow) in totals.items() if n >= MIN_SAMPLE)


def _timed(function, repeat: int = 3) -> tuple[float, object]:  # type: ignore[no-untyped-def]
    best, result = float("inf"), None
    for _ in range(repeat):
        started = time.perf_counter()
        result = function()
        best = min(best, time.perf_counter() - started)
    return best, result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--companies", type=int, default=50)
    args = parser.parse_args()
    url = (
        os.environ.get("SHAMELIST_BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.db"
    )
    database = Database.from_url(url)
    migrate.upgrade(database.engine)
    load_seconds = _load(database, args.rows, args.companies)
    query = RankingQuery(metric="wait_median", period=Period(2025, "year"))

    def ours() -> object:
        with database.read() as session:
            values = metric_values(session, "wait_median", query.period)  # type: ignore[arg-type]
        return sorted((c, v.value) for c, v in values.items() if (v.sample_size or 0) >= MIN_SAMPLE)

    def ranking() -> object:
        with database.read() as session:
            return build_ranking(session, query)

    ours_seconds, ours_rows = _timed(ours)
    ranking_seconds, _ranking = _timed(ranking)
    base_seconds, base_rows = _timed(lambda: _baseline(database))

    def ours_share() -> object:
        with database.read() as session:
            values = metric_values(session, "over_3min_share", query.period)  # type: ignore[arg-type]
        return sorted(
            (c, float(v.value)) for c, v in values.items() if (v.sample_size or 0) >= MIN_SAMPLE
        )

    share_seconds, share_rows = _timed(ours_share)
    base_share_seconds, base_share_rows = _timed(lambda: _baseline_share(database))
    same = [(c, float(v)) for c, v in ours_rows] == [(c, float(v)) for c, v in base_rows]  # type: ignore[attr-defined]
    print(
        f"database: {database.engine.url.get_backend_name()}, {args.rows} measurements, {args.companies} companies"
    )
    print(f"import: {load_seconds:.1f} s ({args.rows / load_seconds:,.0f} rows/s)")
    print(f"{'':32}{'seconds':>10}")
    print(f"{'wait_median (stored medians)':32}{ours_seconds:>10.4f}")
    print(f"{'  whole ranking, 2 periods':32}{ranking_seconds:>10.4f}")
    print(f"{'baseline (scan + median)':32}{base_seconds:>10.4f}")
    print(f"speed-up: {base_seconds / ours_seconds:.1f}x; same medians and order: {same}")
    print(f"{'over_3min_share (month counts)':32}{share_seconds:>10.4f}")
    print(f"{'baseline (scan + count)':32}{base_share_seconds:>10.4f}")
    print(
        f"speed-up: {base_share_seconds / share_seconds:.1f}x; same shares: {share_rows == base_share_rows}"
    )
    database.dispose()


if __name__ == "__main__":
    main()
