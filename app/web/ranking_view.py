"""What the rankings page shows beside the ranking: rank changes, sparklines, pages, periods."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from sqlalchemy.orm import Session

from app.metrics import get_metric
from app.services.data_periods import available_periods
from app.services.rankings import RankedCompany, Ranking
from app.services.series import spark_series
from app.web.charts import Chart, sparkline

SPARK_PERIODS = 12
MOVERS = 5
PAGE_SIZE = 50  # /rankings
FRONT_PAGE_SIZE = 20  # /
# Companies named under "too few measurements" on a page; the JSON lists them all.
TOO_FEW_SHOWN = 100


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


@dataclass(frozen=True)
class RankingPage:
    """One page of a ranking: its rows (with sparklines) and where it stands among the pages."""

    rows: list[Row]
    number: int
    pages: int
    total: int
    first_position: int  # the position of the first row shown, 1-based

    @property
    def has_more(self) -> bool:
        return self.number < self.pages


class PageOutOfRangeError(LookupError):
    """A page number past the last page of the ranking."""


def rank_change(row: RankedCompany, compared: bool) -> Change:
    if not compared:
        # With nobody ranked the period before there is nothing to compare: no "new" stars.
        return Change("none", 0)
    if row.previous_rank is None:
        return Change("new", 0)
    steps = row.previous_rank - row.rank
    if steps > 0:
        return Change("up", steps)
    if steps < 0:
        return Change("down", -steps)
    return Change("same", 0)


def _compared(ranking: Ranking) -> bool:
    return any(row.previous_rank is not None for row in ranking.rows)


def ranking_page(session: Session, ranking: Ranking, number: int, size: int) -> RankingPage:
    """Page ``number`` (1-based) of ``size`` rows; sparklines only for the rows shown."""
    total = len(ranking.rows)
    pages = max(1, -(-total // size))
    if number > pages:
        raise PageOutOfRangeError(f"there are {pages} pages")
    shown = ranking.rows[(number - 1) * size : number * size]
    sparks = {}
    if ranking.period is not None and shown:
        sparks = spark_series(
            session,
            get_metric(ranking.metric),
            ranking.period,
            channel=ranking.channel,
            company_ids=[row.company_id for row in shown],
            length=SPARK_PERIODS,
        )
    compared = _compared(ranking)
    rows = [
        Row(row, rank_change(row, compared), sparkline(sparks.get(row.company_id, [])))
        for row in shown
    ]
    return RankingPage(rows, number, pages, total, (number - 1) * size + 1)


def biggest_movers(ranking: Ranking, limit: int = MOVERS) -> list[Row]:
    """The companies whose rank changed most since the period before, either way."""
    # Plain steps first, a Change only for the few shown: a ranking has thousands of rows.
    moved = [
        (abs(row.previous_rank - row.rank), row.rank, row)
        for row in ranking.rows
        if row.previous_rank is not None and row.previous_rank != row.rank
    ]
    largest = heapq.nsmallest(limit, moved, key=lambda found: (-found[0], found[1]))
    return [Row(row, rank_change(row, True), None) for _steps, _rank, row in largest]


@dataclass(frozen=True)
class PeriodChoices:
    years: list[str]
    quarters: list[str]
    months: list[str]


def period_choices(session: Session, metric: str, channel: str) -> PeriodChoices:
    periods = available_periods(session, get_metric(metric), channel)
    return PeriodChoices(
        years=[str(p) for p in periods if p.kind == "year"],
        quarters=[str(p) for p in periods if p.kind == "quarter"],
        months=[str(p) for p in periods if p.kind == "month"],
    )
