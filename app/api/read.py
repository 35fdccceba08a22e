"""The read API: rankings, companies and search, as JSON."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, HTTPException, Query
from fastapi.responses import JSONResponse, RedirectResponse
from sqlalchemy.orm import Session

from app.api.models import Company as CompanyModel
from app.api.models import Ranking as RankingModel
from app.api.models import SearchHit
from app.deps import RankingDep, ReadSessionDep
from app.metrics import get_metric
from app.models import Company
from app.openapi import CACHED, NO_NUL, SlugPath, answers
from app.services.companies import aliases_of, company_by_slug
from app.services.company_figures import raw_counts
from app.services.company_places import (
    MetricPlaces,
    as_year_ranks,
    places_over_time,
)
from app.services.rankings import Ranking
from app.services.replies import company_replies, reply_json
from app.services.search import search_companies
from app.services.sectors import sector_of
from app.services.series import company_history, load_company_figures

router = APIRouter(prefix="/api/v1", tags=["read"])


def json_number(value: Decimal) -> int | float:
    """A Decimal as a JSON number: whole values as integers."""
    return int(value) if value == value.to_integral_value() else float(format(value, "f"))


def ranking_json(ranking: Ranking) -> dict[str, Any]:
    period = str(ranking.period) if ranking.period else None
    # Looked up once, not per row: a ranking has thousands.
    value_text = ranking.definition.format
    channel = ranking.rows_channel
    return {
        "metric": ranking.metric,
        "period": period,
        "channel": channel,
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
                "value_text": value_text(row.value),
                "sample_size": row.sample_size,
                "previous_rank": row.previous_rank,
                "channel": channel,
                "value_low": _number_or_none(row.certainty.value_low),
                "value_high": _number_or_none(row.certainty.value_high),
                "rank_low": row.certainty.rank_low,
                "rank_high": row.certainty.rank_high,
                "signal": row.certainty.signal,
            }
            for row in ranking.rows
        ],
        # Contract v2: counts and rates of 0 are not ranked; how many there were.
        "companies_with_none": ranking.with_none,
        "too_few": [
            {"company": item.name, "slug": item.slug, "sample_size": item.sample_size}
            for item in ranking.too_few
        ],
    }


def _number_or_none(value: Decimal | None) -> int | float | None:
    return None if value is None else json_number(value)


@router.get(
    "/rankings",
    response_model=None,
    responses={200: {"model": RankingModel}, **answers(*CACHED, 404, 422)},
)
def rankings_json(ranking: RankingDep) -> JSONResponse:
    """A ranking exactly as on /rankings: worst first, equal values share a rank."""
    return JSONResponse(ranking_json(ranking))


def places_json(places: list[MetricPlaces]) -> dict[str, list[dict[str, Any]]]:
    """Each metric's place in every yearly ranking, keyed by metric."""
    return {
        metric.metric: [
            {
                "period": str(place.period),
                "value": json_number(place.value),
                "value_text": get_metric(place.metric).format(place.value),
                "sample_size": place.sample_size,
                "status": place.status,
                "rank": place.rank,
                "ranked": place.ranked,
                "sector_percentile": place.sector_percentile,
                "sector_worse": place.sector_worse,
                "sector_ranked": place.sector_ranked,
            }
            for place in metric.places
        ]
        for metric in places
    }


def _company_json(session: Session, company: Company) -> dict[str, Any]:
    sector = sector_of(session, company)
    figures = load_company_figures(session, company.id)
    places = places_over_time(session, figures, company.sector_id)
    return {
        "slug": company.slug,
        "name": company.name,
        "org_number": company.org_number,
        "sector": sector.slug if sector else None,
        "website": company.website,
        "verified": company.verified,
        "aliases": aliases_of(session, company.id),
        "metrics": {
            history.metric: [
                {
                    "period": str(point.period),
                    "value": None if point.value is None else json_number(point.value),
                    "sample_size": point.sample_size,
                }
                for point in history.points
            ]
            for history in company_history(figures)
            if history.has_data
        },
        "places": places_json(places),
        "replies": [reply_json(reply) for reply in company_replies(session, company.id)],
        "complaint_ranks": [
            {"period": str(r.period), "rank": r.rank, "ranked": r.ranked}
            for r in as_year_ranks(places)
            if r.metric == "complaints" and r.ranked
        ],
        "figures": [
            {
                "kind": row.kind,
                "metric": row.what,
                "period": row.period,
                "value": row.value,
                "source": row.source,
                "batch_id": row.batch_id,
                "source_url": row.source_url,
            }
            for row in raw_counts(session, company.id)
        ],
    }


@router.get(
    "/companies/{slug}",
    response_model=None,
    responses={
        200: {"model": CompanyModel},
        301: {"description": "A merged company's old slug: Location names the new one"},
        **answers(*CACHED, 404, 422),
    },
)
def company_json(slug: SlugPath, session: ReadSessionDep) -> JSONResponse | RedirectResponse:
    """A company, every metric over time, its place in every yearly ranking, its yearly
    complaint ranks and its raw figures."""
    company = company_by_slug(session, slug)
    if company is None:
        raise HTTPException(404, detail=f"no company has the slug {slug!r}")
    if company.slug != slug:
        return RedirectResponse(f"/api/v1/companies/{company.slug}", status_code=301)
    return JSONResponse(_company_json(session, company))


@router.get(
    "/search",
    response_model=None,
    responses={200: {"model": list[SearchHit]}, **answers(*CACHED, 422)},
)
def search_json(
    session: ReadSessionDep, q: Annotated[str, Query(max_length=200, pattern=NO_NUL)] = ""
) -> JSONResponse:
    """Companies by name, alias or org number (for autocomplete): at most 20."""
    hits = [
        {
            "slug": hit.slug,
            "name": hit.name,
            "org_number": hit.org_number,
            "sector": hit.sector,
            "matched": hit.matched,
        }
        for hit in search_companies(session, q)
    ]
    return JSONResponse(hits)
