"""Rankings: worst first, shared ranks for equal values, the rank a period before."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from app.models import Company, Sector
from app.periods import Period
from app.schemas import CHANNELS
from app.services.metrics import (
    COUNT_METRICS,
    METRICS,
    WAIT_METRICS,
    MetricValue,
    is_rankable,
    latest_year,
    metric_values,
)

DEFAULT_METRIC = "complaints"
DEFAULT_CHANNEL = "phone"
# Swedish alphabetical order: å, ä and ö come after z.
_SWEDISH_LETTERS = str.maketrans({"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}"})


class RankingQueryError(ValueError):
    """A ranking query that names no metric, period, channel or sector we know."""


@dataclass(frozen=True)
class RankingQuery:
    metric: str = DEFAULT_METRIC
    period: Period | None = None  # None: the latest year with data for the metric
    sector: str | None = None
    channel: str = DEFAULT_CHANNEL


@dataclass(frozen=True)
class RankedCompany:
    rank: int
    company_id: int
    slug: str
    name: str
    org_number: str | None
    sector: str | None
    value: Decimal
    sample_size: int | None
    previous_rank: int | None


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

    @property
    def is_wait_metric(self) -> bool:
        return self.metric in WAIT_METRICS


def swedish_sort_key(name: str) -> str:
    """Sorts names as a Swedish reader expects: case ignored, å ä ö after z, é as e."""
    letters = unicodedata.normalize("NFC", name.casefold()).translate(_SWEDISH_LETTERS)
    decomposed = unicodedata.normalize("NFKD", letters)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def parse_ranking_query(
    metric: str | None = None,
    period: str | None = None,
    sector: str | None = None,
    channel: str | None = None,
) -> RankingQuery:
    """A checked query from the URL's words; RankingQueryError says what is wrong."""
    metric = metric or DEFAULT_METRIC
    if metric not in METRICS:
        raise RankingQueryError(f"unknown metric {metric!r}; use one of {', '.join(METRICS)}")
    channel = channel or DEFAULT_CHANNEL
    if channel not in CHANNELS:
        raise RankingQueryError(f"unknown channel {channel!r}; use one of {', '.join(CHANNELS)}")
    parsed_period = None
    if period:
        try:
            parsed_period = Period.parse(period)
        except ValueError as error:
            raise RankingQueryError(str(error)) from None
    return RankingQuery(metric=metric, period=parsed_period, sector=sector or None, channel=channel)


def _companies(session: Session, sector: str | None) -> dict[int, tuple[Company, str | None]]:
    query = select(Company, Sector.slug).outerjoin(Sector, Sector.id == Company.sector_id)
    if sector is not None:
        query = query.where(Sector.slug == sector)
    return {company.id: (company, sector_slug) for company, sector_slug in session.execute(query)}


def _ranks(values: dict[int, MetricValue], names: dict[int, str]) -> list[tuple[int, int]]:
    """(rank, company id), largest value first; equal values share a rank (1, 2, 2, 4)."""
    ordered = sorted(
        values, key=lambda cid: (-values[cid].value, swedish_sort_key(names[cid]), cid)
    )
    ranked: list[tuple[int, int]] = []
    for position, company_id in enumerate(ordered, start=1):
        if ranked and values[ordered[position - 2]].value == values[company_id].value:
            ranked.append((ranked[-1][0], company_id))
        else:
            ranked.append((position, company_id))
    return ranked


def _rank_positions(
    session: Session,
    query: RankingQuery,
    period: Period,
    companies: dict[int, tuple[Company, str | None]],
) -> tuple[list[tuple[int, int]], dict[int, MetricValue]]:
    values = metric_values(
        session, query.metric, period, channel=query.channel, company_ids=list(companies)
    )
    rankable = {cid: value for cid, value in values.items() if is_rankable(query.metric, value)}
    names = {cid: companies[cid][0].name for cid in values}
    return _ranks(rankable, names), values


def build_ranking(session: Session, query: RankingQuery) -> Ranking:
    if (
        query.sector is not None
        and session.scalar(select(Sector.id).where(Sector.slug == query.sector)) is None
    ):
        raise RankingQueryError(f"unknown sector {query.sector!r}")
    channel = query.channel if query.metric in WAIT_METRICS else DEFAULT_CHANNEL
    period = query.period
    if period is None:
        year = latest_year(session, query.metric, channel)
        period = Period(year, "year") if year is not None else None
    ranking = Ranking(metric=query.metric, period=period, channel=channel, sector=query.sector)
    if period is None:
        return ranking
    companies = _companies(session, query.sector)
    positions, values = _rank_positions(session, query, period, companies)
    previous_positions, _ = _rank_positions(session, query, period.previous(), companies)
    previous = {company_id: rank for rank, company_id in previous_positions}
    for rank, company_id in positions:
        company, sector_slug = companies[company_id]
        value = values[company_id]
        ranking.rows.append(
            RankedCompany(
                rank=rank,
                company_id=company_id,
                slug=company.slug,
                name=company.name,
                org_number=company.org_number,
                sector=sector_slug,
                value=value.value,
                sample_size=value.sample_size,
                previous_rank=previous.get(company_id),
            )
        )
    ranked_ids = {company_id for _rank, company_id in positions}
    ranking.too_few = sorted(
        (
            UnrankedCompany(companies[cid][0].slug, companies[cid][0].name, value.sample_size or 0)
            for cid, value in values.items()
            if cid not in ranked_ids
        ),
        key=lambda unranked: swedish_sort_key(unranked.name),
    )
    return ranking


def format_value(metric: str, value: Decimal) -> str:
    """The value as the contract writes it: shares with 4 decimals, per 100k with 2,
    counts whole, medians whole or with .5."""
    if metric in ("abandoned_share", "over_3min_share"):
        return f"{value:.4f}"
    if metric == "complaints_per_100k":
        return f"{value:.2f}"
    if value == value.to_integral_value():
        return str(int(value))
    return f"{value.normalize():f}"


__all__ = [
    "COUNT_METRICS",
    "METRICS",
    "WAIT_METRICS",
    "RankedCompany",
    "Ranking",
    "RankingQuery",
    "RankingQueryError",
    "UnrankedCompany",
    "build_ranking",
    "format_value",
    "parse_ranking_query",
    "swedish_sort_key",
]
