"""A company's place in every yearly ranking it has a figure for, and its sector percentile.

A place is counted by the ranking's own rules, never by a second copy of them: the
values come from ``Figures.values`` and ``rankable_values`` (the minimum sample, no
place for a count or rate of 0) and the rank from ``rank_among`` (ties share a rank),
so a place here is the place on ``/rankings`` for that metric and year.

Placing a company needs every company's value of each metric and year (a field).
Reading and ranking them costs about as much as a ranking page per metric and year,
so fields are read for all the years wanted at once (one query per family, whatever
the data) and kept per data version in a ``PlacesMemo``: the first company page
after an import reads them, every other company's page of that version reuses them.

The sector percentile is how many of the other ranked companies of the company's
sector had a worse (larger) figure in that ranking, as a whole percentage of them,
rounded down: "better than 70 % of its sector". A tie is not worse, so two equal
figures are never better than each other; a company ranked alone in its sector has
none.
"""

from __future__ import annotations

import statistics
import threading
from bisect import bisect_right
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.metrics import COUNT, MEDIAN, METRICS, RATE, SHARE, Metric, get_metric
from app.models import Company, WaitMonthCount
from app.periods import Period
from app.services.company_standing import SectorPlace, YearRank
from app.services.metrics import (
    Figures,
    MetricValue,
    has_too_few,
    is_rankable,
    load_counts,
    load_medians,
    rankable_values,
)
from app.services.rankings import rank_among
from app.services.series import CompanyFigures

# What became of a figure in its year's ranking.
RANKED = "ranked"
TOO_FEW = "too_few"  # a wait figure from fewer measurements than the metric's minimum
NOT_RANKED = "not_ranked"  # a count or rate of 0: a shame list names no one for nothing
STATUSES = (RANKED, TOO_FEW, NOT_RANKED)

# (metric, year, channel): one ranking a field holds.
FieldKey = tuple[str, str, str]


@dataclass(frozen=True)
class Field:
    """The ranked values of one metric in one year, ascending: of every company, and of
    each sector's companies (by sector id)."""

    ascending: list[Decimal]
    sectors: dict[int, list[Decimal]]


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


def _year_tallies(session: Session, figures: Figures, years: list[str], channel: str) -> None:
    """Each company's contacts per year, summed in the database in one query: what
    ``load_period_tallies`` gives a ranking for one year, for several years at once."""
    wmc = WaitMonthCount
    year = func.substr(wmc.month, 1, 4)
    months = [month for name in years for month in Period.parse(name).months()]
    query = (
        select(wmc.company_id, year, func.sum(wmc.contacts), func.sum(wmc.abandoned))
        .add_columns(func.sum(wmc.slow))
        .where(wmc.channel == channel, wmc.month.in_(months))
        .group_by(wmc.company_id, year)
    )
    rows: Any = session.connection().execute(query).fetchall()
    for cid, name, contacts, abandoned, slow in rows:
        tally = (int(contacts), int(abandoned), int(slow))
        figures.tallies.setdefault((channel, name), {})[cid] = tally


def _market_figures(session: Session, keys: list[FieldKey]) -> Figures:
    """Every company's figures for the keys' metrics and years: one query per family."""
    figures = Figures()
    by_family: dict[str, dict[str, set[str]]] = {}
    for slug, year, channel in keys:
        metric = get_metric(slug)
        # Counts and rates read the same table: one query for both.
        family = RATE if metric.family == COUNT else metric.family
        wanted = by_family.setdefault(family, {"reads": set(), "years": set(), "channels": set()})
        wanted["reads"].add(metric.reads)
        wanted["years"].add(year)
        wanted["channels"].add(channel)
    if counted := by_family.get(RATE):
        reads, years = sorted(counted["reads"]), sorted(counted["years"])
        rates = any(get_metric(slug).family == RATE for slug, _year, _channel in keys)
        load_counts(session, figures, reads, years, None, with_customers=rates)
    if medians := by_family.get(MEDIAN):
        reads, years = sorted(medians["reads"]), sorted(medians["years"])
        load_medians(session, figures, reads, years, sorted(medians["channels"]), None)
    if shares := by_family.get(SHARE):
        for channel in sorted(shares["channels"]):
            _year_tallies(session, figures, sorted(shares["years"]), channel)
    return figures


def load_fields(session: Session, keys: Iterable[FieldKey]) -> dict[FieldKey, Field]:
    """The fields of ``keys``, each ranked as its ranking ranks it (at most four queries)."""
    wanted = sorted(set(keys))
    if not wanted:
        return {}
    figures = _market_figures(session, wanted)
    rows: Any = session.connection().execute(select(Company.id, Company.sector_id)).fetchall()
    sector_of = dict(rows)
    fields = {}
    for slug, year, channel in wanted:
        metric = get_metric(slug)
        rankable = rankable_values(metric, figures.values(metric, Period.parse(year), channel))
        sectors: dict[int, list[Decimal]] = {}
        for cid, value in rankable.items():
            if (sector := sector_of.get(cid)) is not None:
                sectors.setdefault(sector, []).append(value)
        for values in sectors.values():
            values.sort()
        fields[slug, year, channel] = Field(sorted(rankable.values()), sectors)
    return fields


class PlacesMemo:
    """Fields kept for the latest data version, shared by every company page and JSON of
    that version (a new version starts afresh; the CSV, streamed in a session of its
    own, reads its own). About 150 bytes a ranked value: 0.75 MB a metric and year at
    5,000 companies, so some 60 MB for every metric over ten years.

    One request reads missing fields at a time: after an import, a burst of company
    pages would otherwise each read and rank the same fields at once, on a CPU-bound
    worker; the others wait and find them read."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # guards the version and the fields
        self._reading = threading.Lock()  # held while fields are read; taken before _lock
        self._version: int | None = None
        self._fields: dict[FieldKey, Field] = {}

    def fields(
        self, session: Session, keys: set[FieldKey], version: int | None
    ) -> dict[FieldKey, Field]:
        """The fields of ``keys`` as of ``version``; read afresh (and not kept) when no
        version was read or an older one than the memo's."""
        known, keep = self._known(keys, version)
        if keys <= known.keys():
            return known
        if not keep:
            return {**known, **load_fields(session, keys - known.keys())}
        with self._reading:
            known, keep = self._known(keys, version)
            if not keep:  # a newer version came while this request waited
                return {**known, **load_fields(session, keys - known.keys())}
            # Every metric of the years missing, not only this company's: the next company
            # (with a metric this one lacks) then finds its fields read already.
            years = {(year, channel) for _m, year, channel in keys - known.keys()}
            read = load_fields(session, {(m, y, ch) for y, ch in years for m in METRICS})
            with self._lock:
                if self._version == version:
                    self._fields.update(read)
        return {**known, **{key: read[key] for key in keys - known.keys()}}

    def _known(
        self, keys: set[FieldKey], version: int | None
    ) -> tuple[dict[FieldKey, Field], bool]:
        """The fields of ``keys`` already read for ``version``, and whether it is the memo's
        version (a newer one starts the memo afresh)."""
        with self._lock:
            if version is not None and (self._version is None or version > self._version):
                self._version, self._fields = version, {}
            keep = version is not None and version == self._version
            known = {key: self._fields[key] for key in keys if keep and key in self._fields}
        return known, keep


def _place(
    metric: Metric, year: Period, found: MetricValue, field: Field, sector: int | None
) -> Place:
    ranked = len(field.ascending)
    if not is_rankable(metric, found):
        status = TOO_FEW if has_too_few(metric, found) else NOT_RANKED
        return Place(
            metric.slug, year, found.value, found.sample_size, status, None, ranked, None, None,
            None,
        )  # fmt: skip
    rank = rank_among(field.ascending, found.value)
    peers = field.sectors.get(sector, []) if sector is not None else []
    percentile = worse = None
    if len(peers) > 1:
        worse = len(peers) - bisect_right(peers, found.value)
        percentile = worse * 100 // (len(peers) - 1)
    median = Decimal(statistics.median(peers)) if peers else None
    return Place(
        metric.slug, year, found.value, found.sample_size, RANKED, rank, ranked,
        percentile, worse, len(peers) or None, median,
    )  # fmt: skip


def _wanted(company: CompanyFigures) -> dict[FieldKey, tuple[Metric, Period, MetricValue]]:
    """Each metric and year the company has a figure for, with the figure."""
    wanted = {}
    for metric in METRICS.values():
        for year in company.years:
            period = Period(year, "year")
            found = company.value(metric, period)
            if found is not None:
                wanted[metric.slug, str(period), company.channel] = (metric, period, found)
    return wanted


def places_over_time(
    session: Session,
    company: CompanyFigures,
    sector_id: int | None,
    *,
    memo: PlacesMemo | None = None,
    version: int | None = None,
) -> list[MetricPlaces]:
    """For every metric of the registry the company has a figure for, its place in each
    year's ranking (wait metrics on the company figures' channel) and its sector
    percentile; a year with too few measurements says so instead of a place."""
    wanted = _wanted(company)
    keys = set(wanted)
    fields = memo.fields(session, keys, version) if memo else load_fields(session, keys)
    by_metric: dict[str, list[Place]] = {}
    for key, (metric, year, found) in wanted.items():
        by_metric.setdefault(metric.slug, []).append(
            _place(metric, year, found, fields[key], sector_id)
        )
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
