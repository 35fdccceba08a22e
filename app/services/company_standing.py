"""Where a company stands: its ranks over the years, its sector, Spain's 3-minute bar.

``yearly_ranks`` (the company's feed) counts complaint and median-wait ranks from the
stored aggregates (a rank is one more than the number of ranked companies with a
larger value), in one query for every year. The company page and its JSON place it
in every metric's ranking with ``app.services.company_places``, which also gives its
figures against its sector's median (``SectorPlace``).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Select, and_, func, literal, or_, select, union_all
from sqlalchemy.orm import Session, aliased

from app.metrics import METRICS, MIN_SAMPLE, get_metric
from app.models import ComplaintPeriodValue, WaitPeriodMedian
from app.periods import Period
from app.schemas import CHANNELS
from app.services.series import CompanyFigures

SPANISH_BAR = Decimal("0.95")  # Spain's customer-service law: 95 % answered within 3 minutes


@dataclass(frozen=True)
class YearRank:
    metric: str
    period: Period
    rank: int | None  # None: the company had a figure but was not ranked
    ranked: int  # how many companies were ranked that year


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


def _complaint_ranks(company_id: int) -> Select[Any]:
    mine, other = aliased(ComplaintPeriodValue), aliased(ComplaintPeriodValue)
    same_year = and_(other.metric == mine.metric, other.period == mine.period)
    worse = select(func.count()).where(same_year, other.value > mine.value).scalar_subquery()
    # A count of 0 is not ranked (contract v2): neither counted nor given a place.
    ranked = select(func.count()).where(same_year, other.value > 0).scalar_subquery()
    return select(literal("complaints"), mine.period, mine.value > 0, worse, ranked).where(
        mine.company_id == company_id, mine.metric == "complaints", func.length(mine.period) == 4
    )


def _median_ranks(company_id: int, channel: str) -> Select[Any]:
    mine, other = aliased(WaitPeriodMedian), aliased(WaitPeriodMedian)
    same_year = and_(
        other.period == mine.period,
        other.channel == mine.channel,
        other.outcome == mine.outcome,
        other.n >= MIN_SAMPLE,
    )
    # A larger median: a larger whole part, or the same with a half added.
    larger = or_(
        other.median_floor > mine.median_floor,
        and_(other.median_floor == mine.median_floor, other.median_half > mine.median_half),
    )
    worse = select(func.count()).where(same_year, larger)
    ranked = select(func.count()).where(same_year)
    return select(
        literal("wait_median"),
        mine.period,
        (mine.n >= MIN_SAMPLE),
        worse.scalar_subquery(),
        ranked.scalar_subquery(),
    ).where(
        mine.company_id == company_id,
        mine.channel == channel,
        mine.outcome == "answered",
        func.length(mine.period) == 4,
    )


def yearly_ranks(session: Session, company_id: int, *, channel: str = "phone") -> list[YearRank]:
    """The company's rank among all companies in every year it has a figure, for complaints
    and the median wait, counted as the yearly ranking counts it; one query.
    """
    query = union_all(_complaint_ranks(company_id), _median_ranks(company_id, channel))
    ranks = [
        YearRank(metric, Period.parse(period), worse + 1 if rankable else None, ranked)
        for metric, period, rankable, worse, ranked in session.execute(query)
        if ranked
    ]
    return sorted(ranks, key=lambda r: (r.metric, r.period))


def law_bars(company: CompanyFigures) -> list[LawBar]:
    """The share answered within 3 minutes, per year and measured channel, newest first."""
    metric = get_metric("over_3min_share")
    bars = []
    for year in reversed(company.years):
        for channel in CHANNELS:
            period = Period(year, "year")
            value = company.value(metric, period, channel)
            if value is not None and value.sample_size:
                bars.append(LawBar(period, channel, Decimal(1) - value.value, value.sample_size))
    return bars


@dataclass(frozen=True)
class Standing:
    """One metric at the top of a company page: this year, the year before, its place."""

    metric: str
    year: Period
    value: Decimal | None
    previous: Decimal | None
    rank: int | None  # None: no place that year (too few measurements, 0, or not ranked)
    ranked: int | None  # how many companies were ranked that year, where counted


def standings(company: CompanyFigures, ranks: list[YearRank]) -> list[Standing]:
    """Each metric the company has a figure for in its latest year or the one before."""
    if not company.years:
        return []
    year = Period(company.years[-1], "year")
    places = {(r.metric, r.period): r for r in ranks}
    found = []
    for metric in METRICS.values():
        now, before = company.value(metric, year), company.value(metric, year.previous())
        if now is None and before is None:
            continue
        place = places.get((metric.slug, year))
        found.append(
            Standing(
                metric.slug,
                year,
                now.value if now else None,
                before.value if before else None,
                place.rank if place else None,
                place.ranked if place else None,
            )
        )
    return found
