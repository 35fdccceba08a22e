from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app.periods import SWEDISH_TIME, Period, swedish_month


@pytest.mark.parametrize(
    ("text", "previous", "months"),
    [
        ("2025", "2024", 12),
        ("2025-Q1", "2024-Q4", 3),
        ("2025-Q3", "2025-Q2", 3),
        ("2025-01", "2024-12", 1),
        ("2025-07", "2025-06", 1),
    ],
)
def test_periods_know_their_predecessor_and_months(text: str, previous: str, months: int) -> None:
    period = Period.parse(text)
    assert str(period) == text
    assert str(period.previous()) == previous
    assert len(period.months()) == months


@pytest.mark.parametrize(
    "text", ["2025-Q0", "2025-Q5", "2025-00", "2025-13", "25", "2025-1", "1899"]
)
def test_bad_periods_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="period"):
        Period.parse(text)


def test_wait_periods_follow_swedish_time() -> None:
    assert swedish_month(datetime(2024, 12, 31, 23, 30, tzinfo=UTC)) == "2025-01"
    assert swedish_month(datetime(2025, 6, 30, 21, 59, tzinfo=UTC)) == "2025-06"
    assert swedish_month(datetime(2025, 6, 30, 22, 0, tzinfo=UTC)) == "2025-07"


def test_a_period_with_the_periods_that_hold_it() -> None:
    def names(text: str) -> list[str]:
        return [str(p) for p in Period.parse(text).with_parents()]

    assert names("2025-11") == ["2025-11", "2025-Q4", "2025"]
    assert names("2025-01") == ["2025-01", "2025-Q1", "2025"]
    assert names("2025-Q2") == ["2025-Q2", "2025"]
    assert names("2025") == ["2025"]


@pytest.mark.parametrize("first_year", [1900, 1945, 1980, 2024])
def test_the_swedish_month_of_every_half_hour_is_zoneinfos(first_year: int) -> None:
    """The shortcut (UTC's month before 22:00 or before the 28th) against the time zone
    database, on every half hour of two years, with and without summer time."""
    moment = datetime(first_year, 1, 1, 0, 15, tzinfo=UTC)
    while moment.year < first_year + 2:
        local = moment.astimezone(SWEDISH_TIME)
        assert swedish_month(moment) == f"{local.year}-{local.month:02d}", moment
        moment += timedelta(minutes=30)
