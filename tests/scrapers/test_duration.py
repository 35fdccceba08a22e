"""Swedish durations: read whole, or refused; never a part of one."""

from __future__ import annotations

import pytest

from scrapers.sources._duration import DurationError, read_duration


@pytest.mark.parametrize(
    ("text", "unit", "seconds"),
    [
        ("0:45", "s", 45),
        ("0:45", "min", 45),
        ("75:30", None, 4530),
        ("1:02:03", None, 3723),
        ("1:05 tim", None, 3900),
        ("1:30 min", None, 90),
        ("1 200 sekunder", "s", 1200),
        ("1\u00a0200 sekunder", "s", 1200),
        ("1 timme och 5 minuter", None, 3900),
        ("2 tim 5 min", None, 7500),
        ("2 h, 5 min", None, 7500),
        ("1 tim & 30 sek", None, 3630),
        ("ca 5 min", None, 300),
        ("cirka 5 minuter", None, 300),
        ("1,5 tim", None, 5400),
        ("0.5 min", None, 30),
        ("12", "min", 720),
        ("45", "s", 45),
        ("45.", "s", 45),
        ("5min", None, 300),
        ("5 min och sedan kö", None, 300),
    ],
)
def test_a_duration_is_read_whole(text: str, unit: str | None, seconds: int) -> None:
    assert read_duration(text, 0, unit).seconds == seconds


@pytest.mark.parametrize(
    ("text", "unit"),
    [
        ("45", None),  # no unit on the page, none configured
        ("0:75", "s"),  # seconds past 59
        ("1:75 tim", None),  # minutes past 59
        ("0:45 sek", None),  # a clock time in seconds means nothing
        ("5 min 1 tim", None),  # units out of order
        ("5 min 3 min", None),  # a unit twice
        ("1 tim 65 min", None),  # minutes past 59 after hours
        ("1 tim 5", None),  # the last number has no unit
        ("1 tim och", None),  # cut short after the joining word
        ("5,30 min", None),  # 5.30 or 5:30? not guessed
        ("0,1 sek", None),  # not whole seconds
        ("2–5 min", None),  # a range
        ("10+ min", None),  # a bound
        ("45 till 60 sekunder", "s"),  # a range in words
        ("5 mins", "min"),  # a unit word not understood
        ("5 sekunders", "min"),  # would read as 5 minutes
        ("1h5min", "min"),  # would read as 1 minute
        ("några minuter", None),  # no number
        ("ca", None),  # nothing after the estimate
    ],
)
def test_a_duration_not_fully_understood_is_refused(text: str, unit: str | None) -> None:
    with pytest.raises(DurationError):
        read_duration(text, 0, unit)


@pytest.mark.parametrize(
    ("text", "start"),
    [
        ("mindre än 2 minuter", len("mindre än ")),
        ("under 2 min", len("under ")),
        ("över 1 timme", len("över ")),
        ("max 10 min", len("max ")),
        ("2–5 min", len("2–")),
        ("1 200 sekunder", len("1 ")),  # the pattern found only the last group
        ("0:45", len("0:")),
    ],
)
def test_a_wait_that_is_a_bound_or_the_tail_of_a_number_is_refused(text: str, start: int) -> None:
    with pytest.raises(DurationError, match="bound or part of a range"):
        read_duration(text, start, "min")


def test_the_duration_ends_at_its_last_unit_word() -> None:
    text = "Väntetid ca 1 timme och 5 minuter, sedan stänger vi"
    start = text.index("1")
    duration = read_duration(text, start, None)
    assert text[start : duration.end] == "1 timme och 5 minuter"
    assert duration.units == frozenset({"tim", "min"})
