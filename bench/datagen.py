"""Fictional data for the load benchmark, written as the CSV files `shamelist import` reads.

Every name is made of invented syllables (never a real company). The same seed gives
the same files, so SQLite and PostgreSQL are loaded with the same data.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import accumulate
from pathlib import Path
from zoneinfo import ZoneInfo

SECTORS = (
    ("telekom", "Telekom"),
    ("energi", "Energi"),
    ("bank", "Bank och finans"),
    ("forsakring", "Försäkring"),
    ("e-handel", "E-handel"),
    ("resor", "Resor och flyg"),
    ("bredband", "Bredband och tv"),
    ("kollektivtrafik", "Kollektivtrafik"),
)
_FIRST = (
    "Drö", "Fjå", "Kvi", "Blä", "Snö", "Trö", "Ulv", "Vå", "Ärn", "Öl", "Gly", "Sky",
    "Brä", "Lö", "Mjö", "Pry", "Skå", "Tjä", "Ny", "Hå",
)  # fmt: skip
_MIDDLE = (
    "mnä", "rvi", "lde", "kso", "ttå", "ngö", "rbä", "lli", "mpe", "ssa", "dru", "vkö",
    "ste", "nnå", "gla", "fri",
)  # fmt: skip
_LAST = ("tet", "ka", "by", "na", "vik", "lund", "rö", "ma", "ås", "ne", "sta", "dal")
_TRADE = {
    "telekom": "Mobil",
    "energi": "Kraft",
    "bank": "Finans",
    "forsakring": "Försäkring",
    "e-handel": "Handel",
    "resor": "Resor",
    "bredband": "Fiber",
    "kollektivtrafik": "Trafik",
}
STOCKHOLM = ZoneInfo("Europe/Stockholm")
COLD_COMPANY = "Kallstartö Provlunda AB"


@dataclass(frozen=True)
class Company:
    name: str
    sector: str
    size: float  # how many customers, complaints and measurements it has, relative


@dataclass(frozen=True)
class Window:
    """The months the data covers: `months` whole months ending before `end`."""

    end: datetime  # the first day of the current month, UTC
    months: int

    @property
    def month_list(self) -> list[str]:
        year, month = self.end.year, self.end.month
        out = []
        for _ in range(self.months):
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
            out.append(f"{year:04d}-{month:02d}")
        return out[::-1]

    @property
    def years(self) -> list[int]:
        return sorted({int(month[:4]) for month in self.month_list})

    @property
    def start(self) -> datetime:
        first = self.month_list[0]
        return datetime(int(first[:4]), int(first[5:]), 1, tzinfo=UTC)


def window_for(years: int, now: datetime | None = None) -> Window:
    now = now or datetime.now(UTC)
    return Window(end=datetime(now.year, now.month, 1, tzinfo=UTC), months=12 * years)


def make_companies(count: int, seed: int = 1) -> list[Company]:
    """`count` fictional companies with unique names, spread over the sectors."""
    rng = random.Random(seed)
    seen: set[str] = set()
    companies: list[Company] = []
    for attempt in range(count * 50):
        if len(companies) == count:
            break
        sector = SECTORS[attempt % len(SECTORS)][0]
        stem = rng.choice(_FIRST) + rng.choice(_MIDDLE) + rng.choice(_LAST)
        if rng.random() < 0.5:
            stem += rng.choice(_LAST)
        name = f"{stem} {_TRADE[sector]} AB" if rng.random() < 0.7 else f"{stem} AB"
        if stem.casefold() in seen or name.casefold() in seen:
            continue
        seen.update({stem.casefold(), name.casefold()})
        companies.append(Company(name, sector, rng.lognormvariate(0, 1.2)))
    if len(companies) < count:
        raise ValueError(f"could not make {count} distinct names; ask for fewer companies")
    # The largest first: index 0 is the company with the most data.
    return sorted(companies, key=lambda company: -company.size)


def write_companies(path: Path, companies: list[Company], _window: Window | None = None) -> int:
    names = dict(SECTORS)
    with path.open("w", encoding="utf-8") as out:
        out.write("name,sector,sector_name\n")
        for company in companies:
            out.write(f"{company.name},{company.sector},{names[company.sector]}\n")
    return len(companies)


def _poisson(rng: random.Random, mean: float) -> int:
    if mean > 30:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, product = math.exp(-mean), 0, rng.random()
    while product > limit:
        k += 1
        product *= rng.random()
    return k


def write_complaints(path: Path, companies: list[Company], window: Window, seed: int = 2) -> int:
    """Monthly `complaints` for every company; `arn_cases` for about a quarter of them."""
    rng = random.Random(seed)
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("company,metric,period,value\n")
        for company in companies:
            with_arn = rng.random() < 0.25
            for month in window.month_list:
                season = 1.3 if month.endswith(("-01", "-12")) else 1.0
                out.write(
                    f"{company.name},complaints,{month},{_poisson(rng, 4 * company.size * season)}\n"
                )
                rows += 1
                if with_arn:
                    out.write(
                        f"{company.name},arn_cases,{month},{_poisson(rng, company.size / 3)}\n"
                    )
                    rows += 1
    return rows


def write_customers(path: Path, companies: list[Company], window: Window, seed: int = 3) -> int:
    rng = random.Random(seed)
    rows = 0
    with path.open("w", encoding="utf-8") as out:
        out.write("company,year,customers\n")
        for company in companies:
            base = max(1_000, round(company.size * rng.uniform(20_000, 80_000)))
            for index, year in enumerate(window.years):
                out.write(f"{company.name},{year},{round(base * (1.03**index))}\n")
                rows += 1
    return rows


def write_cold_complaint(path: Path, window: Window, sample: int) -> None:
    """One new complaint value for a throwaway company: a tiny import that changes the data."""
    period = window.month_list[sample % 12]
    path.write_text(
        f"company,metric,period,value\n{COLD_COMPANY},complaints,{period},{sample + 1}\n"
    )


class WaitWriter:
    """Wait measurements: phone mostly, some chat; answered or abandoned; skewed waits."""

    def __init__(self, companies: list[Company], window: Window) -> None:
        self.names = [company.name for company in companies]
        self.cum_weights = list(accumulate(company.size for company in companies))
        rng = random.Random(4)
        # Each company has its own typical phone wait, from a minute to a quarter-hour.
        self.typical = [rng.lognormvariate(math.log(240), 0.7) for _ in companies]
        self.start = window.start.timestamp()
        self.days = int(window.end.timestamp() - self.start) // 86_400

    def write(
        self, path: Path, first: int, count: int, span: tuple[float, float] = (0.0, 1.0)
    ) -> int:
        """Rows `first` .. `first + count - 1` (their external ids), the same for the same ids,
        measured on days in `span` (the share of the window from its start: a call log
        sent each month covers the weeks since the last)."""
        rng = random.Random(1_000_003 * (first + 1))
        picks = rng.choices(range(len(self.names)), cum_weights=self.cum_weights, k=count)
        days = range(int(span[0] * self.days), max(int(span[1] * self.days), 1))
        with path.open("w", encoding="utf-8") as out:
            out.write("company,measured_at,channel,wait_seconds,outcome,transfers,external_id\n")
            for offset, index in enumerate(picks):
                out.write(self._line(rng, index, first + offset, rng.choice(days)))
        return count

    def _line(self, rng: random.Random, index: int, number: int, day: int) -> str:
        # Measured on that day of the window, in the daytime (07:00 to 19:00 UTC).
        at = self.start + day * 86_400 + 25_200 + rng.randrange(43_200)
        moment = datetime.fromtimestamp(at, STOCKHOLM)
        channel = "chat" if rng.random() < 0.15 else "phone"
        typical = self.typical[index] * (0.4 if channel == "chat" else 1.0)
        wait = min(3600, int(rng.lognormvariate(math.log(typical), 0.8)))
        # The longer the wait, the likelier the caller gives up.
        abandoned = rng.random() < 0.04 + 0.5 * wait / 3600
        outcome = "abandoned" if abandoned else "answered"
        transfers = "" if rng.random() < 0.5 else str(min(3, int(rng.expovariate(1.5))))
        return (
            f"{self.names[index]},{moment.isoformat(timespec='seconds')},{channel},"
            f"{wait},{outcome},{transfers},w{number}\n"
        )
