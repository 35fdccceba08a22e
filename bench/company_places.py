"""What a company's places in every yearly ranking cost: the first company page and JSON
after an import against the next company's of the same data version (the places are
counted in ``year_rank_values``, kept by the import, so the two should cost the same).

Builds the load benchmark's fictional data (``bench/datagen.py``: 5,000 companies,
monthly complaints, customers and measurements over two years) in a scratch database,
SQLite or PostgreSQL, loads it with ``shamelist import``, then for each of five new data
versions times one company page or JSON and then another company's, and prints the
medians with the part spent counting the places.

    .venv/bin/python -m bench.company_places --db sqlite
    .venv/bin/python -m bench.company_places --db postgresql [--postgres URL]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from app.api import read as api_read
from app.config import Settings
from app.main import GC_YOUNG_THRESHOLD, create_app
from app.models import Company
from app.services import company_places
from app.services.data_version import bump_data_version
from app.web import company as web_company
from bench import dataset, procs, scratch

PATHS = ("/companies/{}", "/api/v1/companies/{}")


def _load(url: str, folder: Path, companies: int, waits: int) -> None:
    data = dataset.build(folder, companies, 2, (waits, waits, 100_000))
    procs.upgrade(url)
    for kind, path, _rows in data.base:
        dataset.import_file(url, kind, path)
    for path, _rows in data.small + data.rest:
        dataset.import_file(url, "waits", path)


def _timed_places(spent: list[float]) -> Any:
    """places_over_time, timed: the part of a request spent counting the places."""
    original = company_places.places_over_time

    def places_over_time(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    return places_over_time


def _measure(url: str, rounds: int) -> None:
    spent: list[float] = []
    timed = _timed_places(spent)
    for module in (web_company, api_read, company_places):
        module.places_over_time = timed  # type: ignore[attr-defined]
    gc.set_threshold(GC_YOUNG_THRESHOLD, *gc.get_threshold()[1:])  # as `shamelist serve`
    with TestClient(create_app(Settings(database_url=url))) as client:
        database = client.app.state.database  # type: ignore[attr-defined]
        with database.read() as session:
            slugs = list(session.scalars(select(Company.slug).order_by(Company.id).limit(50)))
        for path in PATHS:
            cold, places, warm = [], [], []
            for n in range(rounds):
                with database.write() as session:
                    bump_data_version(session)  # what every import does
                client.get("/sources")  # the site's facts, read once per version elsewhere
                spent.clear()
                started = time.perf_counter()
                assert client.get(path.format(slugs[2 * n])).status_code == 200
                cold.append(time.perf_counter() - started)
                places.append(sum(spent))
                started = time.perf_counter()
                assert client.get(path.format(slugs[2 * n + 1])).status_code == 200
                warm.append(time.perf_counter() - started)
            print(
                f"{path}: first after an import {_ms(cold)} (counting the places "
                f"{_ms(places)}); the next company, same version {_ms(warm)}"
            )


def _ms(seconds: list[float]) -> str:
    return f"{1000 * statistics.median(seconds):.0f} ms"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--postgres", default=scratch.DEFAULT_POSTGRES)
    parser.add_argument("--companies", type=int, default=5_000)
    parser.add_argument("--waits", type=int, default=300_000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        where = (
            scratch.sqlite_scratch(folder)
            if args.db == "sqlite"
            else scratch.postgres_scratch(args.postgres)
        )
        try:
            _load(where.url, folder, args.companies, args.waits)
            _measure(where.url, args.rounds)
        finally:
            where.drop()


if __name__ == "__main__":
    main()
