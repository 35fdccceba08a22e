"""What the rankings page shows beside the ranking: rank changes, sparklines, periods."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from sqlalchemy.orm import Session

from app.periods import Period
from app.services.company_history import available_periods, metric_series, periods_ending
from app.services.rankings import RankedCompany, Ranking
from app.web.charts import Chart, sparkline

SPARK_PERIODS = 12
MOVERS = 5


@dataclass(frozen=True)
class Change:
    """A rank's change against the period before: ``up``, ``down``, ``same``, ``new``, or
    ``none`` when nobody was ranked the period before.

    ``up`` means higher on the shame list (a smaller rank number: worse).
    """

    direction: str
    steps: int


@dataclass(frozen=True)
class Row:
    ranked: RankedCompany
    change: Change
    spark: Chart | None


def rank_change(row: RankedCompany) -> Change:
    if row.previous_rank is None:
        return Change("new", 0)
    steps = row.previous_rank - row.rank
    if steps > 0:
        return Change("up", steps)
    if steps < 0:
        return Change("down", -steps)
    return Change("same", 0)


def _spark_periods(period: Period) -> list[Period]:
    if period.kind == "year":
        return [Period.parse(month) for month in period.months()]
    return periods_ending(period, SPARK_PERIODS)


def _sparks(session: Session, ranking: Ranking) -> dict[int, list[Decimal | None]]:
    if ranking.period is None or not ranking.rows:
        return {}
    ids = [row.company_id for row in ranking.rows]
    series = metric_series(
        session,
        ranking.metric,
        _spark_periods(ranking.period),
        channel=ranking.channel,
        company_ids=ids,
    )
    if not any(p.value is not None for points in series.values() for p in points):
        # Figures only per year: show the years instead of the months.
        years = periods_ending(Period(ranking.period.year, "year"), SPARK_PERIODS)
        series = metric_series(
            session, ranking.metric, years, channel=ranking.channel, company_ids=ids
        )
    return {cid: [p.value for p in points] for cid, points in series.items()}


def ranking_rows(session: Session, ranking: Ranking) -> list[Row]:
    sparks = _sparks(session, ranking)
    # With nobody ranked the period before there is nothing to compare: no "new" stars.
    compared = any(row.previous_rank is not None for row in ranking.rows)
    return [
        Row(
            row,
            rank_change(row) if compared else Change("none", 0),
            sparkline(sparks.get(row.company_id, [])),
        )
        for row in ranking.rows
    ]


def biggest_movers(rows: list[Row], limit: int = MOVERS) -> list[Row]:
    """The rows whose rank changed most since the period before, either way."""
    moved = [row for row in rows if row.change.direction in ("up", "down")]
    return sorted(moved, key=lambda row: (-row.change.steps, row.ranked.rank))[:limit]


@dataclass(frozen=True)
class PeriodChoices:
    years: list[str]
    quarters: list[str]
    months: list[str]


def period_choices(session: Session, metric: str, channel: str) -> PeriodChoices:
    periods = available_periods(session, metric, channel)
    return PeriodChoices(
        years=[str(p) for p in periods if p.kind == "year"],
        quarters=[str(p) for p in periods if p.kind == "quarter"],
        months=[str(p) for p in periods if p.kind == "month"],
    )
