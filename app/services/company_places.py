"""A company's place in every yearly ranking it has a figure for, and its sector percentile.

A place is counted by the ranking's own rules, never by a second copy of them: the
values come from ``Figures.values`` and ``rankable_values`` (the minimum sample, no
place for a count or rate of 0), and the place is one more than the companies with a
larger value (ties share it), as ``rank_among`` counts it; so a place here is the
place on ``/rankings`` for that metric and year.

Placing a company needs every company's value of each metric and year. The writes
keep them, and every company's place among them, in ``year_rank_values``
(``app.services.year_values``), so a page reads its company's places as kept, and the
median of its sector's values, in two queries whatever the number of companies.

The sector percentile is how many of the other ranked companies of the company's
sector had a worse (larger) figure in that ranking, as a whole percentage of them,
rounded down: "better than 70 % of its sector". A tie is not worse, so two equal
figures are never better than each other; a company ranked alone in its sector has
none.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, null, select, union_all
from sqlalchemy.orm import Session

from app.metrics import METRICS, Metric
from app.models import YearRankValue
from app.periods import Period
from app.services.company_standing import SectorPlace, YearRank
from app.services.metrics import MetricValue, has_too_few, is_rankable
from app.services.series import CompanyFigures
from app.services.year_values import PLACES_CHANNEL, channel_of, value_of

# What became of a figure in its year's ranking.
RANKED = "ranked"
TOO_FEW = "too_few"  # a wait figure from fewer measurements than the metric's minimum
NOT_RANKED = "not_ranked"  # a count or rate of 0: a shame list names no one for nothing
STATUSES = (RANKED, TOO_FEW, NOT_RANKED)

# (metric, year): one yearly ranking of a company's places.
FieldKey = tuple[str, int]


@dataclass(frozen=True)
class Place:
    metric: str
    period: Period
    value: Decimal
    sample_size: int | None  # the measurements behind a wait figure; None for counts
    status: str  # RANKED, TOO_FEW or NOT_RANKED
    rank: int | None  # the place on /rankings (1 is the worst); None unless ranked
    ranked: int  # how many companies that ranking ranked
    sector_percentile: int | None  # 0 to 100, see the module's note; None when none
    sector_worse: int | None  # the other ranked companies of its sector with a worse figure
    sector_ranked: int | None  # companies of its sector ranked then, itself included
    sector_median: Decimal | None = None  # the median of its sector's ranked figures


@dataclass(frozen=True)
class MetricPlaces:
    metric: str
    places: list[Place]  # oldest year first


@dataclass(frozen=True)
class _Counted:
    """A field as kept: how many companies it ranks, and the company's place in it and in
    its sector's part of it (None where the company is not ranked)."""

    ranked: int = 0
    rank: int | None = None
    sector_rank: int | None = None
    sector_ranked: int | None = None


def _counted(
    session: Session, company_id: int, wanted: dict[FieldKey, tuple[Metric, Period, MetricValue]]
) -> dict[FieldKey, _Counted]:
    """Each field's size and the company's places in it, as ``year_rank_values`` keeps
    them: one statement, of one of two shapes for any company and any number of years
    (a statement built per field cost more to build than to run, and more every year).

    Where the company is placed, its own row tells the field's size; only the fields
    where it is not (too few measurements, or a 0) are probed for theirs."""
    yrv = YearRankValue
    field = (yrv.metric, yrv.year, yrv.channel)
    query: Any = select(*field, yrv.ranked, yrv.rank, yrv.sector_rank, yrv.sector_ranked).where(
        yrv.company_id == company_id
    )
    unplaced = [
        (key, metric)
        for key, (metric, _p, found) in wanted.items()
        if not is_rankable(metric, found)
    ]
    if unplaced:
        # Each field's first place, which every ranked field has, tells how many it
        # ranks: one row per field, however many share the first place.
        sizes = (
            select(*field, func.max(yrv.ranked), null(), null(), null())
            .where(
                yrv.metric.in_(sorted({slug for (slug, _year), _metric in unplaced})),
                yrv.year.in_(sorted({year for (_slug, year), _metric in unplaced})),
                yrv.channel.in_(sorted({channel_of(metric) for _key, metric in unplaced})),
                yrv.rank == 1,
            )
            .group_by(*field)
        )
        query = union_all(query, sizes)
    counted: dict[FieldKey, _Counted] = {}
    for slug, year, channel, size, *place in session.connection().execute(query).fetchall():
        key = (slug, int(year))
        if key in wanted and channel == channel_of(wanted[key][0]) and key not in counted:
            counted[key] = _Counted(size, *place)
    return {key: counted.get(key, _Counted()) for key in wanted}


def _sector_medians(
    session: Session, fields: list[tuple[FieldKey, str, int]], sector_id: int
) -> dict[FieldKey, Decimal]:
    """The median of the sector's ranked values in each of some fields ((metric, year)
    with its channel and how many of the sector it ranks): the middle one or two of the
    sector's part of each ranking, found in the index in value order, not read whole."""
    yrv = YearRankValue
    middles = []
    for (slug, year), channel, ranked in fields:
        middle = (
            select(yrv.metric, yrv.year, yrv.value_key)
            .where(yrv.sector_id == sector_id, yrv.metric == slug, yrv.year == year)
            .where(yrv.channel == channel)
            .order_by(yrv.value_key)
            .offset((ranked - 1) // 2)
            .limit(2 - ranked % 2)
        )
        # As a subquery: SQLite allows no ORDER BY or LIMIT in a part of a UNION.
        middles.append(select(middle.subquery()))
    rows: Any = session.connection().execute(union_all(*middles)).fetchall()
    values: dict[FieldKey, list[str]] = {}
    for slug, year, key in rows:
        values.setdefault((slug, int(year)), []).append(key)
    return {key: _median(sorted(middle)) for key, middle in values.items()}


def _median(ascending: list[str]) -> Decimal:
    middle = len(ascending) // 2
    pair = ascending[middle - 1 : middle + 1] if len(ascending) % 2 == 0 else [ascending[middle]]
    return Decimal(statistics.median([value_of(key) for key in pair]))


def _place(
    metric: Metric,
    year: Period,
    found: MetricValue,
    counted: _Counted,
    median: Decimal | None,
    *,
    in_sector: bool,
) -> Place:
    if not is_rankable(metric, found) or counted.rank is None:
        status = TOO_FEW if has_too_few(metric, found) else NOT_RANKED
        return Place(
            metric.slug, year, found.value, found.sample_size, status, None, counted.ranked,
            None, None, None,
        )  # fmt: skip
    percentile = worse = None
    sector_ranked = counted.sector_ranked if in_sector else None
    if sector_ranked is not None and sector_ranked > 1 and counted.sector_rank is not None:
        worse = counted.sector_rank - 1  # the sector's companies with a larger value
        percentile = worse * 100 // (sector_ranked - 1)
    return Place(
        metric.slug, year, found.value, found.sample_size, RANKED, counted.rank,
        counted.ranked, percentile, worse, sector_ranked, median,
    )  # fmt: skip


def _wanted(company: CompanyFigures) -> dict[FieldKey, tuple[Metric, Period, MetricValue]]:
    """Each metric and year the company has a figure for, with the figure."""
    wanted = {}
    for metric in METRICS.values():
        for year in company.years:
            period = Period(year, "year")
            found = company.value(metric, period)
            if found is not None:
                wanted[metric.slug, year] = (metric, period, found)
    return wanted


def _latest_ranked(
    wanted: dict[FieldKey, tuple[Metric, Period, MetricValue]], counted: dict[FieldKey, _Counted]
) -> list[tuple[FieldKey, str, int]]:
    """Each metric's latest year with a place, with its channel and how many of the
    company's sector it ranks: the years a page sets against the sector's median."""
    latest: dict[str, FieldKey] = {}
    for key, (metric, _period, found) in sorted(wanted.items()):
        if is_rankable(metric, found):
            latest[metric.slug] = key
    return [
        (key, channel_of(wanted[key][0]), ranked)
        for key in latest.values()
        if (ranked := counted[key].sector_ranked)
    ]


def places_over_time(
    session: Session, company: CompanyFigures, sector_id: int | None
) -> list[MetricPlaces]:
    """For every metric of the registry the company has a figure for, its place in each
    year's ranking (wait metrics on its main channel) and its sector percentile; a year
    with too few measurements says so instead of a place. The sector's median is given
    for each metric's latest year with a place."""
    if company.channel != PLACES_CHANNEL:
        raise ValueError(f"places are kept for the {PLACES_CHANNEL} channel only")
    wanted = _wanted(company)
    if not wanted:
        return []
    counted = _counted(session, company.company_id, wanted)
    medians = {}
    if sector_id is not None and (latest := _latest_ranked(wanted, counted)):
        medians = _sector_medians(session, latest, sector_id)
    by_metric: dict[str, list[Place]] = {}
    in_sector = sector_id is not None
    for key, (metric, year, found) in wanted.items():
        known = counted.get(key, _Counted())
        place = _place(metric, year, found, known, medians.get(key), in_sector=in_sector)
        by_metric.setdefault(metric.slug, []).append(place)
    return [
        MetricPlaces(slug, sorted(by_metric[slug], key=lambda p: p.period))
        for slug in METRICS
        if slug in by_metric
    ]


def as_year_ranks(places: list[MetricPlaces]) -> list[YearRank]:
    """The places as the summary at the top of a company page reads them."""
    return [
        YearRank(place.metric, place.period, place.rank, place.ranked)
        for metric in places
        for place in metric.places
    ]


def against_sector(places: list[MetricPlaces]) -> list[SectorPlace]:
    """For each metric, the company's figure in the latest year it was ranked against the
    median of its sector's ranked figures that year."""
    found = []
    for metric in places:
        for place in reversed(metric.places):
            if place.sector_median is not None and place.sector_ranked:
                median, companies = place.sector_median, place.sector_ranked
                found.append(
                    SectorPlace(metric.metric, place.period, place.value, median, companies)
                )
                break
    return found
