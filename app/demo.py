"""The fictional demo dataset for ``make run``: invented companies, never real names.

It is generated from a fixed seed and loaded through the ingest service like any
other import, so loading it twice changes nothing.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select

from app.db import Database
from app.imports import run_import
from app.models import Company
from app.services.ingest import ImportRequest
from app.services.sources import get_or_create_source

DEMO_SOURCE = "demo"
YEARS = (2024, 2025)

# (name, sector, customers, complaints per month, median phone wait in seconds)
COMPANIES = [
    ("Exempeltele AB", "telekom", 1_900_000, 60, 420),
    ("Drömnätet AB", "telekom", 650_000, 35, 900),
    ("Påhittade Banken AB (publ)", "bank", 2_400_000, 40, 300),
    ("Sagobanken AB", "bank", 300_000, 12, 150),
    ("Fiktiva Försäkringar AB", "forsakring", 800_000, 25, 600),
    ("Inbillade Försäkringar Ek. för.", "forsakring", 120_000, 9, 200),
    ("Låtsasel Energi AB", "energi", 500_000, 30, 1_100),
    ("Molnströmmen AB", "energi", 90_000, 6, 240),
    ("Testhandeln AB", "e-handel", 1_200_000, 45, 500),
    ("Luftpaket Logistik AB", "e-handel", 400_000, 22, 1_500),
]


def _csv(header: list[str], rows: Iterator[list[object]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


# The names readers see for the sectors above (contract v2: ``sector_name``).
SECTOR_NAMES = {
    "telekom": "Telekom",
    "bank": "Bank",
    "forsakring": "Försäkring",
    "energi": "Energi",
    "e-handel": "E-handel",
}


def _companies() -> bytes:
    return _csv(
        ["name", "sector", "sector_name", "website"],
        (
            [name, sector, SECTOR_NAMES[sector], f"https://example.org/demo/{index}"]
            for index, (name, sector, *_r) in enumerate(COMPANIES)
        ),
    )


def _customers(rng: random.Random) -> bytes:
    rows = (
        [name, year, int(customers * rng.uniform(0.9, 1.1))]
        for name, _sector, customers, _c, _w in COMPANIES
        for year in YEARS
    )
    return _csv(["company", "year", "customers"], rows)


def _complaints(rng: random.Random) -> bytes:
    def rows() -> Iterator[list[object]]:
        for name, _sector, _customers, per_month, _wait in COMPANIES:
            for year in YEARS:
                trend = 1.0 + rng.uniform(-0.4, 0.4)
                for month in range(1, 13):
                    value = max(0, int(rng.gauss(per_month * trend, per_month * 0.25)))
                    yield [name, "complaints", f"{year}-{month:02d}", value]
                for quarter in range(1, 5):
                    yield [name, "arn_cases", f"{year}-Q{quarter}", rng.randint(0, per_month // 4)]
                yield [name, "arn_unfollowed", str(year), rng.randint(0, per_month // 10)]

    return _csv(["company", "metric", "period", "value"], rows())


def _waits(rng: random.Random) -> bytes:
    def rows() -> Iterator[list[object]]:
        counter = 0
        for name, _sector, _customers, _complaints, median_wait in COMPANIES:
            for year in YEARS:
                for month in range(1, 13):
                    start = datetime(year, month, 1, 8, tzinfo=UTC)
                    for channel, count, scale in (("phone", 14, 1.0), ("chat", 11, 0.3)):
                        for _ in range(count):
                            counter += 1
                            moment = start + timedelta(
                                days=rng.randint(0, 26), minutes=rng.randint(0, 540)
                            )
                            wait = int(rng.lognormvariate(0, 0.6) * median_wait * scale)
                            outcome = (
                                "abandoned"
                                if wait > 1_200 * scale and rng.random() < 0.5
                                else "answered"
                            )
                            yield [
                                name,
                                moment.isoformat(),
                                channel,
                                wait,
                                outcome,
                                rng.randint(0, 3),
                                f"demo-{counter}",
                            ]
                    for day in range(1, 13):
                        counter += 1
                        moment = datetime(year, month, day * 2, 10, tzinfo=UTC)
                        announced = max(60, int(median_wait * rng.uniform(0.4, 0.9)) // 60 * 60)
                        yield [
                            name,
                            moment.isoformat(),
                            "phone",
                            announced,
                            "announced",
                            "",
                            f"demo-{counter}",
                        ]

    header = [
        "company",
        "measured_at",
        "channel",
        "wait_seconds",
        "outcome",
        "transfers",
        "external_id",
    ]
    return _csv(header, rows())


def demo_bodies() -> list[tuple[str, bytes]]:
    rng = random.Random(20240101)  # noqa: S311 (a fixed seed for repeatable fictional data)
    return [
        ("companies", _companies()),
        ("customers", _customers(rng)),
        ("complaints", _complaints(rng)),
        ("waits", _waits(rng)),
    ]


def load_demo(database: Database, *, only_if_empty: bool = False) -> bool:
    """Load the demo dataset; with ``only_if_empty``, only into a database without companies."""
    with database.write() as session:
        if only_if_empty and session.scalar(select(func.count()).select_from(Company)):
            return False
        source_id = get_or_create_source(session, DEMO_SOURCE, name="Fiktiv demodata").id
    for kind, body in demo_bodies():
        request = ImportRequest(
            kind=kind, source_id=source_id, body=io.BytesIO(body), format="csv", origin="demo"
        )
        result = run_import(database, request)
        if not result.accepted:
            raise RuntimeError(f"the demo {kind} did not import: {result.error_body()}")
    return True
