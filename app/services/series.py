"""Figures over time: a company's every metric, and the sparklines beside a ranking.

Each family of figures is read with one query for all the periods shown
(``app.services.metrics``), then every metric's points are computed here.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from app.metrics import COMPLAINT_METRICS, METRICS, Metric
from app.periods import Period
from app.schemas import CHANNELS
from app.services.metrics import (
    Figures,
    MetricValue,
    load_counts,
    load_figures,
    load_medians,
    load_tallies,
)

HISTORY_MONTHS = 24
_MEDIAN_OUTCOMES = ("answered", "announced")


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
class CompanyFigures:
    """Everything stored about one company's figures, read in three queries."""

    company_id: int
    channel: str
    figures: Figures
    months: list[str]  # months with data on the channel, oldest first
    years: list[int]  # years with any data, oldest first

    def value(
        self, metric: Metric, period: Period, channel: str | None = None
    ) -> MetricValue | None:
        return self.figures.values(metric, period, channel or self.channel).get(self.company_id)


def periods_ending(period: Period, count: int) -> list[Period]:
    """The ``count`` periods of the same length that end with ``period``, oldest first."""
    periods = [period]
    while len(periods) < count:
        periods.append(periods[-1].previous())
    return periods[::-1]


def load_company_figures(
    session: Session, company_id: int, channel: str = "phone"
) -> CompanyFigures:
    figures = Figures()
    ids = [company_id]
    load_counts(session, figures, COMPLAINT_METRICS, None, ids, with_customers=True)
    # Every channel's medians in the one query: the page charts each channel with data.
    load_medians(session, figures, _MEDIAN_OUTCOMES, None, CHANNELS, ids)
    load_tallies(session, figures, None, CHANNELS, ids)
    months = {p for (_metric, p) in figures.counts if _is_month(p)}
    months.update(channel_months(figures, channel))
    years = {int(p[:4]) for (_metric, p) in figures.counts} | {int(m[:4]) for m in months}
    return CompanyFigures(company_id, channel, figures, sorted(months), sorted(years))


def _is_month(period: str) -> bool:
    return len(period) == 7 and "Q" not in period


def channel_months(figures: Figures, channel: str) -> set[str]:
    """The months with wait figures on ``channel``."""
    months = {month for (ch, month) in figures.tallies if ch == channel}
    months.update(p for (_o, ch, p) in figures.medians if ch == channel and _is_month(p))
    return months


def _points(
    company: CompanyFigures, metric: Metric, periods: list[Period], channel: str
) -> list[Point]:
    points = []
    for period in periods:
        value = company.value(metric, period, channel)
        points.append(
            Point(period, None) if value is None else Point(period, value.value, value.sample_size)
        )
    return points


def _histories(
    company: CompanyFigures, metrics: list[Metric], channel: str, months: list[str]
) -> list[MetricHistory]:
    """Each metric by month over the last two years with monthly data, by year where
    the company has figures only per year or quarter."""
    month_periods = periods_ending(Period.parse(months[-1]), HISTORY_MONTHS) if months else []
    years = [Period(year, "year") for year in company.years]
    histories = []
    for metric in metrics:
        series = _points(company, metric, month_periods, channel)
        if not any(point.value is not None for point in series):
            series = _points(company, metric, years, channel)
        histories.append(MetricHistory(metric.slug, _trim(series)))
    return histories


def company_history(company: CompanyFigures) -> list[MetricHistory]:
    """Every metric over time; wait metrics on the company's main channel (phone)."""
    return _histories(company, list(METRICS.values()), company.channel, company.months)


@dataclass(frozen=True)
class ChannelHistory:
    """The wait metrics with data on one of the other channels (chat, email)."""

    channel: str
    histories: list[MetricHistory]


def channel_histories(company: CompanyFigures) -> list[ChannelHistory]:
    """Every other channel with wait figures, in the order of ``CHANNELS``: its wait
    metrics over its own last two years of months (no more queries: the figures of
    every channel were read with the company's)."""
    wait_metrics = [metric for metric in METRICS.values() if metric.is_wait]
    found = []
    for channel in CHANNELS:
        months = sorted(channel_months(company.figures, channel))
        if channel == company.channel or not months:
            continue
        histories = _histories(company, wait_metrics, channel, months)
        with_data = [history for history in histories if history.has_data]
        if with_data:
            found.append(ChannelHistory(channel, with_data))
    return found


def _trim(points: list[Point]) -> list[Point]:
    """The points from the first one with a value on."""
    for index, point in enumerate(points):
        if point.value is not None:
            return points[index:]
    return []


def spark_series(
    session: Session,
    metric: Metric,
    period: Period,
    *,
    channel: str,
    company_ids: list[int],
    length: int,
) -> dict[int, list[Decimal | None]]:
    """Each company's values over the ``length`` periods up to ``period`` (a year: its
    months), or over the years when nobody has figures at that granularity: one query,
    and a second only for the years (a share's years are read month by month, ten
    years of which cost more than the page's ranking)."""
    if period.kind == "year":
        fine = [Period.parse(month) for month in period.months()]
    else:
        fine = periods_ending(period, length)
    by_period = _values_by_period(session, metric, fine, channel, company_ids)
    if not any(values for values in by_period):
        years = periods_ending(Period(period.year, "year"), length)
        by_period = _values_by_period(session, metric, years, channel, company_ids)
    return {
        cid: [values[cid].value if cid in values else None for values in by_period]
        for cid in company_ids
    }


def _values_by_period(
    session: Session, metric: Metric, periods: list[Period], channel: str, company_ids: list[int]
) -> list[dict[int, MetricValue]]:
    figures = load_figures(session, metric, periods, channel=channel, company_ids=company_ids)
    return [figures.values(metric, p, channel) for p in periods]


@dataclass(frozen=True)
class WaitPair:
    """A period's measured median wait beside the one the company itself announced."""

    period: Period
    measured: Decimal | None
    announced: Decimal | None


def measured_and_announced(histories: list[MetricHistory]) -> list[WaitPair]:
    """The periods where the company has a measured or an announced median wait, or both,
    newest first: what customers waited beside what the company told them to expect."""
    by_metric = {h.metric: {p.period: p.value for p in h.points} for h in histories}
    measured = by_metric.get("wait_median", {})
    announced = by_metric.get("announced_wait_median", {})
    if not any(v is not None for v in announced.values()):
        return []
    periods = sorted(set(measured) | set(announced), reverse=True)
    pairs = [WaitPair(p, measured.get(p), announced.get(p)) for p in periods]
    return [pair for pair in pairs if pair.measured is not None or pair.announced is not None]
