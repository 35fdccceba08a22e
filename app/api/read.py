"""The read API: rankings, companies and search, as JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse

from app.deps import ReadSessionDep
from app.services.rankings import (
    Ranking,
    RankingQueryError,
    build_ranking,
    format_value,
    parse_ranking_query,
)

router = APIRouter(prefix="/api/v1", tags=["read"])


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: whole values as integers."""
    return int(value) if value == value.to_integral_value() else float(format(value, "f"))


def ranking_json(ranking: Ranking) -> dict[str, Any]:
    period = str(ranking.period) if ranking.period else None
    return {
        "metric": ranking.metric,
        "period": period,
        "channel": ranking.channel if ranking.is_wait_metric else None,
        "sector": ranking.sector,
        "rows": [
            {
                "rank": row.rank,
                "company": row.name,
                "slug": row.slug,
                "org_number": row.org_number,
                "sector": row.sector,
                "metric": ranking.metric,
                "period": period,
                "value": json_number(row.value),
                "value_text": format_value(ranking.metric, row.value),
                "sample_size": row.sample_size,
                "previous_rank": row.previous_rank,
            }
            for row in ranking.rows
        ],
        "too_few": [
            {"company": item.name, "slug": item.slug, "sample_size": item.sample_size}
            for item in ranking.too_few
        ],
    }


@router.get("/rankings")
def rankings_json(
    session: ReadSessionDep,
    metric: Annotated[str | None, Query()] = None,
    period: Annotated[str | None, Query()] = None,
    sector: Annotated[str | None, Query()] = None,
    channel: Annotated[str | None, Query()] = None,
) -> JSONResponse:
    """A ranking exactly as on /rankings: worst first, equal values share a rank."""
    try:
        query = parse_ranking_query(metric, period, sector, channel)
        ranking = build_ranking(session, query)
    except RankingQueryError as error:
        raise HTTPException(422, detail=str(error)) from None
    return JSONResponse(ranking_json(ranking))
