"""Swedish durations as contact pages write them, read whole or not at all.

What is read (case ignored, after white space is collapsed):

- a number and a unit word, several in falling order, joined by nothing, a comma,
  "och" or "&": "12 min", "1 tim 5 min", "1 timme och 5 minuter", "2 h, 5 min";
- clock forms: "0:45" is minutes and seconds (45 s), "1:02:03" hours, minutes and
  seconds; "1:05 tim" (or "h") is hours and minutes, "1:30 min" minutes and seconds;
- a bare number ("45") only where the page's configured unit says what it counts;
- thousands separated by a space or no-break space ("1 200 sekunder"), a decimal
  comma or point with one decimal ("1,5 tim") when the result is whole seconds;
- "ca", "cirka" or "ungefär" in front: an announced wait is an estimate anyway.

Anything else is refused with ``DurationError``: a bound ("mindre än 2 minuter",
"över 1 timme", "10+ min"), a range ("2–5 min"), units out of order or repeated, a
number without a unit where none is configured, or any word left over. A wait
that is not fully understood is quarantined, never partly read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SECONDS_PER_UNIT = {"tim": 3600, "min": 60, "s": 1}
# Longer words first, so that "minuter" is not read as "min" and a stray "er".
_UNIT_WORDS = {
    "timmar": "tim",
    "timme": "tim",
    "tim": "tim",
    "h": "tim",
    "minuter": "min",
    "minut": "min",
    "min": "min",
    "sekunder": "s",
    "sekund": "s",
    "sek": "s",
    "s": "s",
}
_SEP = r"[ \u00a0\u2009\u202f]"
_TOKEN = re.compile(
    r"\s*(?:"
    r"(?P<clock>\d{1,2}:\d{2}(?::\d{2})?)(?![\d:])"
    rf"|(?P<number>(?:\d{{1,3}}(?:{_SEP}\d{{3}})+|\d+(?:[.,]\d)?)(?!\d|[.,:]\d))"
    rf"|(?P<word>{'|'.join(_UNIT_WORDS)})\b\.?"
    r"|(?P<joiner>och\b|,|&)"
    r"|(?P<approx>ca\b\.?|cirka\b|ungefär\b)"
    r")",
    re.IGNORECASE,
)
# Text just before a wait that makes it a bound or the end of a range, not a value.
_BOUND_BEFORE = re.compile(
    r"(?:\b(?:mindre än|mer än|fler än|under|över|upp till|max(?:imalt)?|högst|minst|från)"
    r"|[<>≤≥]|\d\s*[-–—]|\d[\s.,:]?)\s*$",
    re.IGNORECASE,
)
# Text just after a wait that makes it a bound or the start of a range.
# (A joining word with nothing after it is a wait cut short: "1 tim och".)
_BOUND_AFTER = re.compile(
    r"^\s*(?:\+|[-–—]\s*\d|till\s+\d|eller (?:mer|mindre|längre)|(?:och|&|,)\s*$)", re.I
)
# A unit word this module does not know ("5 mins", "5 sekunders", "1h5min") after the
# duration: a bare number before it would be read in the wrong unit.
_UNREAD_UNIT = re.compile(r"^\s*(?:tim|min|sek|[hs](?![a-zåäö]))", re.IGNORECASE)


class DurationError(ValueError):
    """The text is not a duration this module reads whole."""


@dataclass(frozen=True)
class Duration:
    seconds: int
    units: frozenset[str]  # the units its words named ("tim", "min", "s"); empty if none
    end: int  # where in the text it ends


def read_duration(text: str, start: int, default_unit: str | None) -> Duration:
    """The duration that begins at ``start`` in ``text``, read to its last word.

    ``default_unit`` is what a bare number counts ("min" or "s"); ``None`` refuses one.
    """
    if _BOUND_BEFORE.search(text[:start]):
        raise DurationError(f"{text!r}: the wait is a bound or part of a range")
    tokens, end = _tokens(text, start)
    if _BOUND_AFTER.match(text[end:]):
        raise DurationError(f"{text[start:]!r}: the wait is a bound or part of a range")
    if _UNREAD_UNIT.match(text[end:]):
        raise DurationError(f"{text[start:]!r}: a unit word that is not understood")
    if tokens and tokens[0][0] == "approx":
        tokens = tokens[1:]
    if not tokens:
        raise DurationError(f"{text[start:]!r} does not begin with a duration")
    if tokens[0][0] == "clock":
        seconds, units = _clock(tokens)
    else:
        seconds, units = _parts(tokens, default_unit)
    return Duration(seconds=seconds, units=units, end=end)


def _tokens(text: str, start: int) -> tuple[list[tuple[str, str]], int]:
    """The tokens from ``start`` on, and where the last that can end a duration ends.

    A trailing "och" or comma belongs to the text after, not to the duration.
    """
    tokens: list[tuple[str, str]] = []
    position = end = start
    taken = 0
    while (match := _TOKEN.match(text, position)) is not None and match.end() > position:
        kind = match.lastgroup or ""
        tokens.append((kind, match.group(kind)))
        position = match.end()
        if kind in ("clock", "number", "word"):
            end, taken = position, len(tokens)
    return tokens[:taken], end


def _clock(tokens: list[tuple[str, str]]) -> tuple[int, frozenset[str]]:
    parts = [int(part) for part in tokens[0][1].split(":")]
    words = [_UNIT_WORDS[value.lower().rstrip(".")] for kind, value in tokens[1:]]
    if len(tokens) > 2 or any(kind != "word" for kind, _ in tokens[1:]):
        raise DurationError(f"{_joined(tokens)!r}: a clock time followed by more than a unit")
    if len(parts) == 3 and words in ([], ["tim"]):
        hours, minutes, seconds = parts
    elif len(parts) == 2 and words == ["tim"]:
        hours, minutes, seconds = parts[0], parts[1], 0
    elif len(parts) == 2 and words in ([], ["min"]):
        hours, minutes, seconds = 0, parts[0], parts[1]
    else:
        raise DurationError(f"{_joined(tokens)!r}: a clock time in a unit it cannot have")
    # Only a leading field may run past 59 ("75:30" is 75 minutes and 30 seconds).
    if seconds >= 60 or (minutes >= 60 and (len(parts) == 3 or words == ["tim"])):
        raise DurationError(f"{_joined(tokens)!r}: minutes or seconds past 59")
    return hours * 3600 + minutes * 60 + seconds, frozenset(words)


def _parts(tokens: list[tuple[str, str]], default_unit: str | None) -> tuple[int, frozenset[str]]:
    """ "1 tim 5 min" or a bare number in ``default_unit``."""
    if len(tokens) == 1 and tokens[0][0] == "number":
        if default_unit is None:
            raise DurationError(f"{tokens[0][1]!r} has no unit, and none is configured")
        return _whole(_number(tokens[0][1]) * SECONDS_PER_UNIT[default_unit], tokens), frozenset()
    total, order = 0.0, list(SECONDS_PER_UNIT)
    units: list[str] = []
    rest = list(tokens)
    while rest:
        if len(rest) < 2 or rest[0][0] != "number" or rest[1][0] != "word":
            raise DurationError(f"{_joined(tokens)!r}: not numbers each with a unit")
        unit = _UNIT_WORDS[rest[1][1].lower().rstrip(".")]
        if units and order.index(unit) <= order.index(units[-1]):
            raise DurationError(f"{_joined(tokens)!r}: units out of order or repeated")
        # "1 tim 65 min" is no way to write a wait: garbled, so not guessed at.
        if units and _number(rest[0][1]) >= 60:
            raise DurationError(f"{_joined(tokens)!r}: minutes or seconds past 59")
        total += _number(rest[0][1]) * SECONDS_PER_UNIT[unit]
        units.append(unit)
        rest = rest[2:]
        if rest and rest[0][0] == "joiner":
            rest = rest[1:]
            if not rest:
                raise DurationError(f"{_joined(tokens)!r} ends with a joining word")
    return _whole(total, tokens), frozenset(units)


def _number(text: str) -> float:
    return float(re.sub(_SEP, "", text).replace(",", "."))


def _whole(seconds: float, tokens: list[tuple[str, str]]) -> int:
    # Compared after rounding to the millisecond: 0.1 * 60 is 6.000000000000001.
    if round(seconds, 3) != round(seconds):
        raise DurationError(f"{_joined(tokens)!r} is not a whole number of seconds")
    return round(seconds)


def _joined(tokens: list[tuple[str, str]]) -> str:
    return " ".join(value for _, value in tokens)
