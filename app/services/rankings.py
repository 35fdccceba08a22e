"""Rankings: worst first, shared ranks for equal values, the rank a period before."""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.metrics import MEDIAN, METRIC_SLUGS, Metric, get_metric
from app.models import Company, Sector
from app.names import swedish_sort_key
from app.periods import Period
from app.schemas import CHANNELS
from app.services.errors import BadQueryError, UnknownNameError
from app.services.metrics import (
    MetricValue,
    has_too_few,
    latest_year,
    metric_values,
    rankable_values,
)
from app.services.uncertainty import NONE as NO_CERTAINTY
from app.services.uncertainty import Certainty, Counted, certainties, median_certainties
from app.services.year_values import stored_ranks

DEFAULT_METRIC = "complaints"
DEFAULT_CHANNEL = "phone"


# Swedish alphabetical order: å, ä and ö come after z.
class RankingQueryError(BadQueryError):
    """A ranking query that names no metric, period, channel or sector we know."""


@dataclass(frozen=True)
class RankingQuery:
    metric: str = DEFAULT_METRIC
    period: Period | None = None  # None: the latest year with data for the metric
    sector: str | None = None
    channel: str = DEFAULT_CHANNEL


# What a ranking shows of a company: slug, name, org number and sector slug. A plain
# tuple: thousands are read per ranking, and a database row's columns by name cost
# several times as much to read again.
CompanyLine = tuple[str, str, str | None, str | None]


class RankedCompany(NamedTuple):
    """A tuple, not a dataclass: a ranking makes thousands."""

    rank: int
    company_id: int
    slug: str
    name: str
    org_number: str | None
    sector: str | None
    value: Decimal
    sample_size: int | None
    previous_rank: int | None
    certainty: Certainty = NO_CERTAINTY


@dataclass(frozen=True)
class UnrankedCompany:
    """A company with wait data in the period, but fewer contacts than the minimum."""

    slug: str
    name: str
    sample_size: int


@dataclass
class Ranking:
    metric: str
    period: Period | None  # None when there is no data for the metric at all
    channel: str
    sector: str | None
    rows: list[RankedCompany] = field(default_factory=list)
    too_few: list[UnrankedCompany] = field(default_factory=list)
    # Companies whose count or rate is 0 in the period: not ranked, only counted.
    with_none: int = 0

    @property
    def definition(self) -> Metric:
        return get_metric(self.metric)

    @property
    def is_wait_metric(self) -> bool:
        return self.definition.is_wait

    @property
    def rows_channel(self) -> str | None:
        """The channel its rows name: a wait metric's, none for counts and rates."""
        return self.channel if self.is_wait_metric else None


def parse_ranking_query(
    metric: str | None = None,
    period: str | None = None,
    sector: str | None = None,
    channel: str | None = None,
) -> RankingQuery:
    """A checked query from the URL's words; RankingQueryError says what is wrong."""
    metric = metric or DEFAULT_METRIC
    if metric not in METRIC_SLUGS:
        raise RankingQueryError(
            f"unknown metric {metric!r}; use one of {', '.join(METRIC_SLUGS)}",
            what="metric",
            word=metric,
            choices=METRIC_SLUGS,
        )
    channel = channel or DEFAULT_CHANNEL
    if channel not in CHANNELS:
        raise RankingQueryError(
            f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}",
            what="channel",
            word=channel,
            choices=CHANNELS,
        )
    parsed_period = None
    if period:
        try:
            parsed_period = Period.parse(period)
        except ValueError as error:
            raise RankingQueryError(str(error), what="period", word=period) from None
    return RankingQuery(metric=metric, period=parsed_period, sector=sector or None, channel=channel)


def _companies(session: Session, sector: str | None) -> dict[int, CompanyLine]:
    """The companies a ranking may list (one query; plain columns, no ORM objects)."""
    sector_slug = Sector.slug.label("sector")
    query = select(Company.id, Company.slug, Company.name, Company.org_number, sector_slug)
    query = query.outerjoin(Sector, Sector.id == Company.sector_id)
    if sector is not None:
        query = query.where(Sector.slug == sector)
    # Core, not the ORM: thousands of plain rows, without per-row ORM bookkeeping.
    rows = session.connection().execute(query).fetchall()
    companies: dict[int, CompanyLine] = {
        cid: (slug, name, org, in_sector) for cid, slug, name, org, in_sector in rows
    }
    # A sector without companies is rare: only then is asking whether it exists worth a query.
    known = companies or sector is None
    if not known and session.scalar(select(Sector.id).where(Sector.slug == sector)) is None:
        raise UnknownNameError(f"there is no sector {sector!r}", what="sector", word=sector or "")
    return companies


def _in_order(values: dict[int, Decimal], names: dict[int, str]) -> list[int]:
    """Company ids, largest value first; equal values in Swedish alphabetical order, and
    equal names by id.

    Three sorts with plain keys (Python's sort is stable, so each keeps the order of the
    one before among its equals) cost less than one with a tuple per row.
    """
    ids = sorted(values)
    ids.sort(key=lambda cid: swedish_sort_key(names[cid]))
    ids.sort(key=values.__getitem__, reverse=True)
    return ids


def _shared_ranks(ordered: list[int], values: dict[int, Decimal]) -> list[tuple[int, int]]:
    """(rank, company id) in order; equal values share a rank (1, 2, 2, 4)."""
    ranked: list[tuple[int, int]] = []
    for position, company_id in enumerate(ordered, start=1):
        if ranked and values[ordered[position - 2]] == values[company_id]:
            ranked.append((ranked[-1][0], company_id))
        else:
            ranked.append((position, company_id))
    return ranked


def rank_among(ascending: Sequence[Decimal], value: Decimal) -> int:
    """The rank of ``value`` among ranked values sorted ascending: one more than the number
    of larger values, so equal values share a rank (1, 2, 2, 4), as in a ranking."""
    return len(ascending) - bisect_right(ascending, value) + 1


def _ranks_by_value(values: dict[int, Decimal]) -> dict[int, int]:
    """Each company's rank: one more than the number of larger values (no names needed)."""
    ascending = sorted(values.values())
    return {cid: rank_among(ascending, value) for cid, value in values.items()}


def _default_period(session: Session, metric: Metric, channel: str) -> Period | None:
    year = latest_year(session, metric, channel)
    return Period(year, "year") if year is not None else None


def _previous_ranks(
    session: Session,
    metric: Metric,
    query: RankingQuery,
    period: Period,
    channel: str,
    companies: dict[int, CompanyLine],
) -> dict[int, int]:
    """Each company's rank the period before: kept for years (``year_rank_values``),
    else ranked here from that period's values."""
    before = period.previous()
    kept = stored_ranks(session, metric, before, channel, query.sector)
    if kept is not None:
        return kept
    values = metric_values(session, metric, before, channel=channel)
    return _ranks_by_value(rankable_values(metric, values, companies))


def _certainties(
    metric: Metric, values: dict[int, MetricValue], rankable: dict[int, Decimal]
) -> dict[int, Certainty]:
    """How sure each ranked company's figure and place are (rates, shares, medians)."""
    if metric.family == MEDIAN:
        known = {
            cid: (found.low, found.high)
            for cid in rankable
            if (found := values[cid]).low is not None and found.high is not None
        }
        return median_certainties(known)
    counted = {
        cid: Counted(found.part, found.whole)
        for cid in rankable
        if (found := values[cid]).part is not None and found.whole
    }
    return certainties(metric, counted)


def build_ranking(session: Session, query: RankingQuery) -> Ranking:
    metric = get_metric(query.metric)
    channel = query.channel if metric.is_wait else DEFAULT_CHANNEL
    companies = _companies(session, query.sector)
    period = query.period or _default_period(session, metric, channel)
    ranking = Ranking(metric=metric.slug, period=period, channel=channel, sector=query.sector)
    if period is None:
        return ranking
    current = metric_values(session, metric, period, channel=channel)
    values = {cid: value for cid, value in current.items() if cid in companies}
    rankable = rankable_values(metric, values)
    previous = _previous_ranks(session, metric, query, period, channel, companies)
    names = {cid: companies[cid][1] for cid in values}
    sure = _certainties(metric, values, rankable)
    for rank, cid in _shared_ranks(_in_order(rankable, names), rankable):
        slug, name, org_number, sector = companies[cid]
        value = values[cid]
        ranking.rows.append(
            RankedCompany(
                rank, cid, slug, name, org_number, sector,
                value.value, value.sample_size, previous.get(cid), sure.get(cid, NO_CERTAINTY),
            )
        )  # fmt: skip
    unranked = [(cid, value) for cid, value in values.items() if cid not in rankable]
    ranking.too_few = sorted(
        (
            UnrankedCompany(*companies[cid][:2], value.sample_size or 0)
            for cid, value in unranked
            if has_too_few(metric, value)
        ),
        key=lambda item: swedish_sort_key(item.name),
    )
    ranking.with_none = sum(1 for _, value in unranked if not has_too_few(metric, value))
    return ranking


__all__ = [
    "CompanyLine",
    "RankedCompany",
    "Ranking",
    "RankingQuery",
    "RankingQueryError",
    "UnrankedCompany",
    "build_ranking",
    "parse_ranking_query",
    "rank_among",
    "swedish_sort_key",
]
