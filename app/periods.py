"""Periods (``YYYY``, ``YYYY-Qn``, ``YYYY-MM``) and Swedish time: pure functions."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

SWEDISH_TIME = ZoneInfo("Europe/Stockholm")
_PERIOD = re.compile(r"^(\d{4})(?:-Q([1-4])|-(0[1-9]|1[0-2]))?$")
MIN_YEAR = 1900
# A period as an address or a file may write it, for schemas (ASCII digits, years from
# MIN_YEAR): what Period.parse takes, less the white space it forgives.
PERIOD_PATTERN = r"^(19|[2-9][0-9])[0-9]{2}(-Q[1-4]|-(0[1-9]|1[0-2]))?$"


@dataclass(frozen=True, order=True)
class Period:
    """A calendar year, quarter or month. ``kind`` is ``year``, ``quarter`` or ``month``."""

    year: int
    kind: str
    number: int = 0  # the quarter (1-4) or the month (1-12); 0 for a year

    @classmethod
    def parse(cls, text: str) -> Period:
        match = _PERIOD.match(text.strip())
        if match is None:
            raise ValueError("period must be YYYY, YYYY-Qn or YYYY-MM")
        year = int(match.group(1))
        if year < MIN_YEAR:
            raise ValueError(f"period's year must be {MIN_YEAR} or later")
        if match.group(2):
            return cls(year, "quarter", int(match.group(2)))
        if match.group(3):
            return cls(year, "month", int(match.group(3)))
        return cls(year, "year")

    def __str__(self) -> str:
        if self.kind == "quarter":
            return f"{self.year}-Q{self.number}"
        if self.kind == "month":
            return f"{self.year}-{self.number:02d}"
        return str(self.year)

    @property
    def first_month(self) -> int:
        return {"year": 1, "quarter": 3 * self.number - 2, "month": self.number}[self.kind]

    @property
    def month_count(self) -> int:
        return {"year": 12, "quarter": 3, "month": 1}[self.kind]

    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    def months(self) -> list[str]:
        """Every month inside the period, as ``YYYY-MM``."""
        return [
            f"{self.year}-{m:02d}"
            for m in range(self.first_month, self.first_month + self.month_count)
        ]

    def with_parents(self) -> list[Period]:
        """The period itself, then the periods that hold it: a month's quarter and year,
        a quarter's year."""
        found = [self]
        if self.kind == "month":
            found.append(Period(self.year, "quarter", (self.number - 1) // 3 + 1))
        if self.kind != "year":
            found.append(Period(self.year, "year"))
        return found

    def quarters(self) -> list[str]:
        """Every quarter inside the period (none inside a month)."""
        if self.kind == "month":
            return []
        first_quarter = (self.first_month - 1) // 3 + 1
        return [
            f"{self.year}-Q{q}" for q in range(first_quarter, first_quarter + self.month_count // 3)
        ]

    def previous(self) -> Period:
        """The period of the same length just before this one."""
        if self.kind == "year":
            return Period(self.year - 1, "year")
        last = 4 if self.kind == "quarter" else 12
        if self.number == 1:
            return Period(self.year - 1, self.kind, last)
        return Period(self.year, self.kind, self.number - 1)


def swedish_month(moment: datetime) -> str:
    """The ``YYYY-MM`` month that an aware moment falls in, in Swedish time."""
    utc = moment if moment.tzinfo is UTC else moment.astimezone(UTC)
    # Swedish time is at most two hours ahead of UTC (and never behind it since 1900,
    # the earliest moment we keep): before 22:00 UTC, or before the 28th, the Swedish
    # month is UTC's. Asked once per measurement, this spares most of them a lookup.
    if utc.hour < 22 or utc.day < 28:
        return _month_name(utc.year, utc.month)
    # Otherwise a month begins on a whole hour of UTC: the month is known from the hour.
    hour = utc.replace(minute=0, second=0, microsecond=0)
    return _swedish_month_of_hour(hour)


@lru_cache(maxsize=4_096)
def _month_name(year: int, month: int) -> str:
    return f"{year}-{month:02d}"


@lru_cache(maxsize=65_536)
def _swedish_month_of_hour(hour: datetime) -> str:
    local = hour.astimezone(SWEDISH_TIME)
    return f"{local.year}-{local.month:02d}"
