"""A company's figures over time, the periods that have data, and the raw data behind them.

Read-only queries for the public pages; every value comes from
``app.services.metrics`` so the pages show exactly what the rankings rank.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from app.models import (
    Company,
    ComplaintCount,
    CustomerCount,
    ImportBatch,
    Sector,
    Source,
    WaitHistogram,
    WaitMeasurement,
)
from app.periods import Period
from app.services.metrics import (
    COUNT_METRICS,
    METRICS,
    WAIT_METRICS,
    MetricValue,
    is_rankable,
    metric_values,
)
from app.services.rankings import RankingQuery, build_ranking

SPANISH_BAR = Decimal("0.95")  # Spain's customer-service law: 95 % answered within 3 minutes
RAW_WAIT_LIMIT = 200
HISTORY_MONTHS = 24


@dataclass(frozen=True)
class Point:
    period: Period
    value: Decimal | None
    sample_size: int | None = None


@dataclass(frozen=True)
class MetricHistory:
    metric: str
    points: list[Point]

    @property
    def has_data(self) -> bool:
        return any(point.value is not None for point in self.points)


@dataclass(frozen=True)
class SectorPlace:
    metric: str
    period: Period
    value: Decimal
    sector_median: Decimal
    companies: int


@dataclass(frozen=True)
class LawBar:
    period: Period
    channel: str
    within_3min: Decimal  # the share of contacts a person answered within 180 s
    contacts: int

    @property
    def meets_bar(self) -> bool:
        return self.within_3min >= SPANISH_BAR


@dataclass(frozen=True)
class RawRow:
    kind: str
    what: str
    period: str
    value: int
    source: str
    batch_id: int
    source_url: str | None


@dataclass(frozen=True)
class RawWait:
    measured_at: datetime
    channel: str
    wait_seconds: int
    outcome: str
    source: str
    batch_id: int
    source_url: str | None


@dataclass(frozen=True)
class SourceSummary:
    slug: str
    name: str
    url: str | None
    batches: int
    terms: str | None = None  # declared by a scraper's module
    cadence: str | None = None


def _source_metric(metric: str) -> str:
    return "complaints" if metric == "complaints_per_100k" else metric


def _with_parents(names: set[str]) -> set[Period]:
    periods: set[Period] = set()
    for name in names:
        period = Period.parse(name)
        periods.add(period)
        periods.add(Period(period.year, "year"))
        if period.kind == "month":
            periods.add(Period(period.year, "quarter", (period.number - 1) // 3 + 1))
    return periods


def available_periods(session: Session, metric: str, channel: str = "phone") -> list[Period]:
    """Every year, quarter and month with data for the metric, latest first."""
    if metric in COUNT_METRICS:
        query = select(ComplaintCount.period).where(ComplaintCount.metric == _source_metric(metric))
    else:
        outcomes = (
            ("announced",) if metric == "announced_wait_median" else ("answered", "abandoned")
        )
        query = select(WaitHistogram.month).where(
            WaitHistogram.channel == channel, WaitHistogram.outcome.in_(outcomes)
        )
    names = set(session.scalars(query.distinct()))
    return sorted(_with_parents(names), reverse=True)


def periods_ending(period: Period, count: int) -> list[Period]:
    """The ``count`` periods of the same length that end with ``period``, oldest first."""
    periods = [period]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods[::-1]


def metric_series(
    session: Session,
    metric: str,
    periods: list[Period],
    *,
    channel: str = "phone",
    company_ids: list[int],
) -> dict[int, list[Point]]:
    """Each company's value of the metric in each period (None where it has none)."""
    by_period = [
        metric_values(session, metric, period, channel=channel, company_ids=company_ids)
        for period in periods
    ]
    return {
        company_id: [
            _point(period, values.get(company_id))
            for period, values in zip(periods, by_period, strict=True)
        ]
        for company_id in company_ids
    }


def _point(period: Period, value: MetricValue | None) -> Point:
    if value is None:
        return Point(period, None)
    return Point(period, value.value, value.sample_size)


def _company_months(session: Session, company_id: int, channel: str) -> list[str]:
    counts = select(ComplaintCount.period).where(
        ComplaintCount.company_id == company_id, func.length(ComplaintCount.period) == 7
    )
    waits = select(WaitHistogram.month).where(
        WaitHistogram.company_id == company_id, WaitHistogram.channel == channel
    )
    months = {p for p in session.scalars(counts.distinct()) if "Q" not in p}
    months.update(session.scalars(waits.distinct()))
    return sorted(months)


def _company_years(session: Session, company_id: int) -> list[int]:
    years = set(
        session.scalars(
            select(ComplaintCount.year).where(ComplaintCount.company_id == company_id).distinct()
        )
    )
    years.update(int(month[:4]) for month in _company_months(session, company_id, "phone"))
    return sorted(years)


def company_history(
    session: Session, company_id: int, *, channel: str = "phone"
) -> list[MetricHistory]:
    """Every metric over time: by month over the last two years with monthly data,
    by year where the company has figures only per year or quarter."""
    months = _company_months(session, company_id, channel)
    years = [Period(year, "year") for year in _company_years(session, company_id)]
    month_periods = periods_ending(Period.parse(months[-1]), HISTORY_MONTHS) if months else []
    histories = []
    for metric in METRICS:
        points = metric_series(
            session, metric, month_periods, channel=channel, company_ids=[company_id]
        )
        series = points.get(company_id, [])
        if not any(point.value is not None for point in series) and years:
            series = metric_series(
                session, metric, years, channel=channel, company_ids=[company_id]
            )[company_id]
        histories.append(MetricHistory(metric, _trim(series)))
    return histories


def _trim(points: list[Point]) -> list[Point]:
    """The points from the first one with a value on."""
    for index, point in enumerate(points):
        if point.value is not None:
            return points[index:]
    return []


def yearly_ranks(
    session: Session, company_id: int, metric: str = "complaints", *, channel: str = "phone"
) -> list[tuple[Period, int | None, int]]:
    """(year, the company's rank or None, how many were ranked) for each year it has data."""
    result = []
    for year in _company_years(session, company_id):
        period = Period(year, "year")
        ranking = build_ranking(
            session, RankingQuery(metric=metric, period=period, channel=channel)
        )
        rank = next((row.rank for row in ranking.rows if row.company_id == company_id), None)
        if ranking.rows:
            result.append((period, rank, len(ranking.rows)))
    return result


def sector_places(
    session: Session, company: Company, *, channel: str = "phone"
) -> list[SectorPlace]:
    """For each metric, the company's value in its latest year against its sector's median."""
    if company.sector_id is None:
        return []
    peers = list(session.scalars(select(Company.id).where(Company.sector_id == company.sector_id)))
    years = _company_years(session, company.id)
    places = []
    for metric in METRICS:
        for year in reversed(years):
            period = Period(year, "year")
            values = metric_values(session, metric, period, channel=channel, company_ids=peers)
            rankable = {cid: v.value for cid, v in values.items() if is_rankable(metric, v)}
            if company.id in rankable:
                median = Decimal(statistics.median(rankable.values()))
                places.append(
                    SectorPlace(metric, period, rankable[company.id], median, len(rankable))
                )
                break
    return places


def law_bars(session: Session, company_id: int) -> list[LawBar]:
    """The share answered within 3 minutes, per year and measured channel, newest first."""
    bars = []
    for year in reversed(_company_years(session, company_id)):
        for channel in ("phone", "chat", "email"):
            period = Period(year, "year")
            values = metric_values(
                session, "over_3min_share", period, channel=channel, company_ids=[company_id]
            )
            value = values.get(company_id)
            if value is not None and value.sample_size:
                bars.append(LawBar(period, channel, Decimal(1) - value.value, value.sample_size))
    return bars


def raw_counts(session: Session, company_id: int) -> list[RawRow]:
    """The company's complaint and customer counts, with source and batch."""
    complaints = session.execute(
        select(ComplaintCount, Source.slug)
        .join(Source, Source.id == ComplaintCount.source_id)
        .where(ComplaintCount.company_id == company_id)
        .order_by(ComplaintCount.metric, ComplaintCount.period)
    )
    rows = [
        RawRow("complaints", c.metric, c.period, c.value, slug, c.batch_id, c.source_url)
        for c, slug in complaints
    ]
    customers = session.execute(
        select(CustomerCount, Source.slug)
        .join(Source, Source.id == CustomerCount.source_id)
        .where(CustomerCount.company_id == company_id)
        .order_by(CustomerCount.year)
    )
    rows.extend(
        RawRow("customers", "customers", str(c.year), c.customers, slug, c.batch_id, None)
        for c, slug in customers
    )
    return rows


def latest_waits(
    session: Session, company_id: int, *, limit: int = RAW_WAIT_LIMIT
) -> list[RawWait]:
    query = (
        select(WaitMeasurement, Source.slug)
        .join(Source, Source.id == WaitMeasurement.source_id)
        .where(WaitMeasurement.company_id == company_id)
        .order_by(WaitMeasurement.measured_at.desc(), WaitMeasurement.id.desc())
        .limit(limit)
    )
    return [
        RawWait(w.measured_at, w.channel, w.wait_seconds, w.outcome, slug, w.batch_id, w.source_url)
        for w, slug in session.execute(query)
    ]


def sector_of(session: Session, company: Company) -> Sector | None:
    if company.sector_id is None:
        return None
    return session.get(Sector, company.sector_id)


def sector_slugs(session: Session) -> list[tuple[str, str]]:
    """(slug, name) of every sector, by name."""
    return [
        (slug, name)
        for slug, name in session.execute(select(Sector.slug, Sector.name).order_by(Sector.name))
    ]


def sources_with_batches(session: Session) -> list[SourceSummary]:
    query = (
        select(
            Source.slug,
            Source.name,
            Source.url,
            func.count(ImportBatch.id),
            Source.terms,
            Source.cadence,
        )
        .outerjoin(ImportBatch, ImportBatch.source_id == Source.id)
        .group_by(Source.id, Source.slug, Source.name, Source.url, Source.terms, Source.cadence)
        .order_by(Source.slug)
    )
    return [SourceSummary(*row) for row in session.execute(query)]


__all__ = [
    "SPANISH_BAR",
    "WAIT_METRICS",
    "LawBar",
    "MetricHistory",
    "Point",
    "RawRow",
    "RawWait",
    "SectorPlace",
    "SourceSummary",
    "available_periods",
    "company_history",
    "latest_waits",
    "law_bars",
    "metric_series",
    "periods_ending",
    "raw_counts",
    "sector_of",
    "sector_places",
    "sector_slugs",
    "sources_with_batches",
    "yearly_ranks",
]
