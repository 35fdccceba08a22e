"""Request dependencies shared by the API and the pages."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Query, Request
from sqlalchemy.orm import Session

from app.config import Settings
from app.db import Database
from app.services.rankings import RankingQuery, parse_ranking_query


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


def ranking_params(
    metric: QueryText = None,
    period: QueryText = None,
    sector: QueryText = None,
    channel: QueryText = None,
) -> dict[str, str | None]:
    """The ranking query as the URL gave it; every view of a ranking takes the same words."""
    return {"metric": metric, "period": period, "sector": sector, "channel": channel}


RankingParamsDep = Annotated[dict[str, str | None], Depends(ranking_params)]


def ranking_query(params: RankingParamsDep) -> RankingQuery:
    """The checked query; a wrong word raises RankingQueryError, which the app answers 422."""
    return parse_ranking_query(**params)


RankingQueryDep = Annotated[RankingQuery, Depends(ranking_query)]
PageNumber = Annotated[int, Query(ge=1, le=100_000)]
