"""What a page gives a journalist to cite it: a link that will not change under them,
how far the data runs, the licence, a ready citation line and the downloads of
exactly what the page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from fastapi import Request

from app.config import Settings
from app.services.rankings import Ranking


@dataclass(frozen=True)
class Citation:
    permalink: str  # absolute
    csv: str
    excel_sv: str
    json: str
    as_of: datetime | None


def public_base(request: Request, settings: Settings) -> str:
    """The site's address: the configured public one, else the request's own."""
    return (settings.public_url or str(request.base_url)).rstrip("/")


def ranking_query(ranking: Ranking) -> dict[str, str]:
    """The query that fixes a ranking for good: its metric and its period (never "the
    latest year", which is another year next year), its channel and sector."""
    query = {"metric": ranking.metric}
    if ranking.period is not None:
        query["period"] = str(ranking.period)
    if ranking.is_wait_metric:
        query["channel"] = ranking.channel
    if ranking.sector:
        query["sector"] = ranking.sector
    return query


def ranking_citation(
    request: Request, settings: Settings, ranking: Ranking, as_of: datetime | None
) -> Citation:
    query = urlencode(ranking_query(ranking))
    return Citation(
        permalink=f"{public_base(request, settings)}/rankings?{query}",
        csv=f"/rankings.csv?{query}",
        excel_sv=f"/rankings.csv?{query}&dialect=excel-sv",
        json=f"/api/v1/rankings?{query}",
        as_of=as_of,
    )


def company_citation(
    request: Request, settings: Settings, slug: str, as_of: datetime | None
) -> Citation:
    return Citation(
        permalink=f"{public_base(request, settings)}/companies/{slug}",
        csv=f"/companies/{slug}.csv",
        excel_sv=f"/companies/{slug}.csv?dialect=excel-sv",
        json=f"/api/v1/companies/{slug}",
        as_of=as_of,
    )
