"""Request dependencies shared by the API and the pages."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterator
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database
from app.metrics import METRIC_SLUGS
from app.periods import PERIOD_PATTERN
from app.schemas import CHANNELS
from app.services.rankings import Ranking, RankingQuery, build_ranking, parse_ranking_query


def get_database(request: Request) -> Database:
    database: Database = request.app.state.database
    return database


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def read_session(database: Annotated[Database, Depends(get_database)]) -> Iterator[Session]:
    """A read-only session for the request; the request owns its transaction."""
    with database.read() as session:
        yield session


DatabaseDep = Annotated[Database, Depends(get_database)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ReadSessionDep = Annotated[Session, Depends(read_session)]


QueryText = Annotated[str | None, Query(max_length=200)]


def _one_of(values: tuple[str, ...], description: str) -> Any:
    # Documented, not checked here: parse_ranking_query refuses any other word with a 422
    # that says which words there are. Empty means the default, as a form sends it.
    return Query(description=description, json_schema_extra={"enum": ["", *values]})


MetricWord = Annotated[str | None, _one_of(METRIC_SLUGS, "The metric (default: complaints)")]
ChannelWord = Annotated[str | None, _one_of(CHANNELS, "A wait metric's channel (default: phone)")]
PeriodWord = Annotated[
    str | None,
    Query(
        pattern=f"^$|{PERIOD_PATTERN}",
        description="YYYY, YYYY-Qn or YYYY-MM (default: the latest year with data)",
    ),
]
SectorWord = Annotated[
    str | None,
    Query(pattern="^[a-z0-9-]*$", max_length=200, description="Only this sector (404 if none)"),
]


def ranking_params(
    metric: MetricWord = None,
    period: PeriodWord = None,
    sector: SectorWord = None,
    channel: ChannelWord = None,
) -> dict[str, str | None]:
    """The ranking query as the URL gave it; every view of a ranking takes the same words."""
    return {"metric": metric, "period": period, "sector": sector, "channel": channel}


RankingParamsDep = Annotated[dict[str, str | None], Depends(ranking_params)]


def ranking_query(params: RankingParamsDep) -> RankingQuery:
    """The checked query; a wrong word raises RankingQueryError, which the app answers 422."""
    return parse_ranking_query(**params)


# Rankings kept per figures version, shared by every view of the same ranking. A
# ranking is built whole (thousands of companies) and shown in many ways: the front
# page, each page of /rankings, rankings.csv and the JSON. The page cache keeps each
# rendered answer under its own key, so after an import each of them would build the
# same ranking again; here the built ranking is kept, keyed by its query and the
# figures version the page cache read for the request (the data version at which the
# figures last changed: a reply's approval or an edition renders the pages again, from
# the rankings already built). A new version makes new keys, and the rankings of older
# versions go as soon as one of the new version is kept: versions only grow, so no
# request will ask for them again, and kept they would only hold memory (a ranking of
# 5,000 companies holds about 2 MB).
MAX_RANKINGS = 32


class RankingMemo:
    def __init__(self, max_rankings: int = MAX_RANKINGS) -> None:
        self.max_rankings = max_rankings
        self.lock = threading.Lock()
        self.rankings: OrderedDict[tuple[RankingQuery, int], Ranking] = OrderedDict()

    def get(self, session: Session, query: RankingQuery, version: int | None) -> Ranking:
        if version is None:  # no version read (not a cached route): nothing to key it by
            return build_ranking(session, query)
        key = (query, version)
        with self.lock:
            ranking = self.rankings.get(key)
            if ranking is not None:
                self.rankings.move_to_end(key)
                return ranking
        ranking = build_ranking(session, query)
        with self.lock:
            self.rankings[key] = ranking
            for stale in [kept for kept in self.rankings if kept[1] < version]:
                del self.rankings[stale]
            while len(self.rankings) > self.max_rankings:
                self.rankings.popitem(last=False)
        return ranking


def request_figures_version(request: Request) -> int | None:
    """The figures version the page cache read for this request, if it read one."""
    version: int | None = getattr(request.state, "figures_version", None)
    return version


RankingQueryDep = Annotated[RankingQuery, Depends(ranking_query)]


def ranking(request: Request, session: ReadSessionDep, query: RankingQueryDep) -> Ranking:
    """The ranking the query asks for, built once per data version for all its views."""
    memo: RankingMemo = request.app.state.rankings
    return memo.get(session, query, request_figures_version(request))


RankingDep = Annotated[Ranking, Depends(ranking)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
# An import batch's id in a URL: a positive 64-bit integer, else 422.
BatchId = Annotated[int, Path(ge=1, le=2**63 - 1, examples=[1])]
