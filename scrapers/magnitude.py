"""Magnitudes against the last good run: a figure that jumps by an implausible factor.

A page that starts giving thousands (x1000), a parser that reads "1 200" as 1, a
column that moved: each gives figures that parse and pass their source's own checks,
yet are wrong by a factor. Every new figure is compared with what the same source
published for the same company and series (the same period when there is one, else
the latest of the same length: a year with a year, a month with a month), and a
jump of ``JUMP_FACTOR`` or more either way, by at least the series' ``MIN_CHANGE``,
holds the whole batch for review (``shamelist batch approve ID`` publishes it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from app.services.ingest.published_figures import PublishedFigures
from scrapers.base import HeldForReview

JUMP_FACTOR = 10.0
# The smallest change that counts as a jump: going from 2 complaints to 25 happens.
MIN_CHANGE = {"complaints": 50.0, "waits": 120.0}
_SHOWN = 5  # jumps named in the reason


@dataclass(frozen=True)
class _Figure:
    company: str
    org_number: str
    series: str
    period: str
    value: float


def check_magnitudes(
    kind: str,
    rows: list[dict[str, str]],
    published: PublishedFigures,
    normalize: Callable[[str], str],
) -> None:
    """Raise ``HeldForReview`` naming the figures that jumped, if any did."""
    if kind not in MIN_CHANGE or not published.values:
        return
    latest = _latest_by_series(published)
    jumps = []
    for figure in filter(None, (_figure(kind, row) for row in rows)):
        company = published.by_org_number.get(figure.org_number) or published.by_name.get(
            normalize(figure.company)
        )
        if company is None:
            continue  # a company this source has not published: nothing to compare with
        before = published.values.get(
            (company, figure.series, figure.period),
            latest.get((company, figure.series, len(figure.period))),
        )
        if before is not None and _jumped(kind, before, figure.value):
            jumps.append(
                f"{figure.company} {figure.series} {figure.period}".rstrip()
                + f": {figure.value:g}, last published {before:g}"
            )
    if jumps:
        more = f" and {len(jumps) - _SHOWN} more" if len(jumps) > _SHOWN else ""
        raise HeldForReview(
            f"figures {JUMP_FACTOR:g}x or more from the last published: "
            + "; ".join(jumps[:_SHOWN])
            + more
        )


def _jumped(kind: str, before: float, now: float) -> bool:
    low, high = sorted((before, now))
    return high - low >= MIN_CHANGE[kind] and high >= JUMP_FACTOR * max(low, 1.0)


def _figure(kind: str, row: dict[str, str]) -> _Figure | None:
    org_number = (row.get("org_number") or "").replace("-", "")[-10:]
    try:
        if kind == "complaints":
            value = float(row["value"])
            return _Figure(row["company"], org_number, row["metric"], row["period"], value)
        series = f"{row['channel']}/{row['outcome']}"
        return _Figure(row["company"], org_number, series, "", float(row["wait_seconds"]))
    except (KeyError, ValueError):
        return None  # the import refuses such a row with its own message


def _latest_by_series(published: PublishedFigures) -> dict[tuple[int, str, int], float]:
    """(company, series, length of the period) -> the value of its latest period."""
    latest: dict[tuple[int, str, int], tuple[str, float]] = {}
    for (company, series, period), value in published.values.items():
        key = (company, series, len(period))
        if key not in latest or period > latest[key][0]:
            latest[key] = (period, value)
    return {key: value for key, (_period, value) in latest.items()}
