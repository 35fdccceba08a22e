"""Figures as readers read them: the one place a number, a wait, a share or a period is
written for a page, in Swedish or English, with Babel's rules for each language.

The CSV and the JSON keep the contract's forms (``Metric.format``: "0.3631",
"752.5", "2025-Q3"); pages show "36,3 %", "12 min 32,5 s", "kvartal 3 2025". Values
are rounded half-up first (as the contract rounds), so that Babel, which rounds
half-even, never rounds them again. Pure: no database, no web.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from functools import cache, lru_cache
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import NumberPattern, parse_pattern

from app.metrics import COUNT, MEDIAN, RATE, Metric
from app.periods import Period

NBSP = "\u00a0"
_LOCALES = {"sv": "sv_SE", "en": "en_GB"}
_ONE_DECIMAL = Decimal("0.1")
# A share's percent pattern: Swedish writes "36,3 %" (with a no-break space), English "36.3%".
_PERCENT = {"sv": f"#,##0.0{NBSP}%", "en": "#,##0.0%"}
# Times are shown as a Swedish reader lives them (a wait belongs to its Swedish period).
SWEDISH_TIME = ZoneInfo("Europe/Stockholm")
_MOMENT = {"sv": "d MMM y HH:mm", "en": "d MMM y, HH:mm"}
_QUARTER = {"sv": "kvartal {q} {y}", "en": "Q{q} {y}"}


@cache
def _locale(language: str) -> Locale:
    # Parsed once: a company page writes thousands of numbers, and Babel would parse the
    # locale's name and its number pattern for each of them.
    return Locale.parse(_LOCALES.get(language, _LOCALES["sv"]))


@cache
def _pattern(pattern: str) -> NumberPattern:
    return parse_pattern(pattern)


@lru_cache(maxsize=1 << 16)
def _formatted(value: int | Decimal, pattern: str, language: str) -> str:
    """``babel.numbers.format_decimal``, with the locale and pattern parsed once; the same
    figures recur on a page and across pages, and Babel takes some 25 µs a number."""
    return str(_pattern(pattern).apply(value, _locale(language)))


def number(value: int | Decimal, language: str, decimals: int = 0) -> str:
    """A number with the language's separators: "1 234 567" (no-break spaces), "12,34"."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    if decimals:
        value = Decimal(value).quantize(Decimal(1).scaleb(-decimals), ROUND_HALF_UP)
    return _formatted(value, pattern, language)


def percent(fraction: Decimal | float, language: str) -> str:
    """A share as a percentage with one decimal: "36,3 %" / "36.3%"."""
    rounded = (Decimal(str(fraction)) * 100).quantize(_ONE_DECIMAL, ROUND_HALF_UP) / 100
    pattern = _PERCENT.get(language, _PERCENT["sv"])
    return _formatted(rounded, pattern, language)


def duration(seconds: Decimal | int, language: str) -> str:
    """A wait: "45 s" under a minute, "4 min 12 s", "1 h 5 min 0 s"; a median's half
    second kept ("12 min 32,5 s"). Units are the same in both languages."""
    total = Decimal(seconds)
    whole_minutes = int(total // 60)
    rest = total - whole_minutes * 60
    hours, minutes = divmod(whole_minutes, 60)
    rest_text = number(rest, language, 1 if rest != rest.to_integral_value() else 0)
    parts = [f"{hours}{NBSP}h"] if hours else []
    if hours or minutes:
        parts.append(f"{minutes}{NBSP}min")
    parts.append(f"{rest_text}{NBSP}s")
    return " ".join(parts)


def metric_value(metric: Metric, value: Decimal, language: str) -> str:
    """A metric's value as its page shows it (the CSV keeps ``Metric.format``)."""
    if metric.family == COUNT:
        return number(value, language)
    if metric.family == RATE:
        return number(value, language, metric.decimals)
    if metric.family == MEDIAN:
        return duration(value, language)
    return percent(value, language)


def period_name(period: Period | str, language: str) -> str:
    """ "2025", "kvartal 3 2025" / "Q3 2025", "mars 2025" / "March 2025"."""
    return _period_name(str(period), language)


@lru_cache(maxsize=1 << 12)
def _period_name(period: str, language: str) -> str:
    parsed = Period.parse(period)
    if parsed.kind == "quarter":
        quarter = _QUARTER.get(language, _QUARTER["sv"])
        return quarter.format(q=parsed.number, y=parsed.year)
    if parsed.kind == "month":
        first_day = date(parsed.year, parsed.number, 1)
        return format_date(first_day, "LLLL y", locale=_locale(language))
    return str(parsed.year)


def moment(when: datetime, language: str) -> str:
    """An instant in Swedish time: "1 mars 2025 10:00" / "1 Mar 2025, 10:00"."""
    pattern = _MOMENT.get(language, _MOMENT["sv"])
    return format_datetime(when, pattern, tzinfo=SWEDISH_TIME, locale=_locale(language))


def day(when: datetime, language: str) -> str:
    """The day of an instant in Swedish time: "2 december 2026" / "2 December 2026"."""
    local = when.astimezone(SWEDISH_TIME).date()
    return format_date(local, "d MMMM y", locale=_locale(language))
