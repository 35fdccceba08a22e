"""The public HTML pages: rankings, search, methodology, sources. Thin: parse, call, render."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from app.deps import (
    BatchId,
    PageNumber,
    QueryText,
    RankingDep,
    RankingParamsDep,
    ReadSessionDep,
)
from app.display import period_name
from app.services.batches import batch_facts
from app.services.data_dictionary import described_columns
from app.services.rankings import Ranking
from app.services.search import search_companies
from app.services.sectors import sector_slugs
from app.services.sources import sources_with_batches
from app.web import company, reply_form
from app.web.citation import Citation, dataset_ld, ranking_citation
from app.web.errors import error_page
from app.web.funnel_chart import ranking_funnel
from app.web.ranking_view import (
    FRONT_PAGE_SIZE,
    PAGE_SIZE,
    TOO_FEW_SHOWN,
    PageOutOfRangeError,
    RankingPage,
    biggest_movers,
    period_choices,
    ranking_page,
)
from app.web.site_facts import facts_for
from app.web.templating import PageContext, get_templates

router = APIRouter(include_in_schema=False)
router.include_router(company.router)
router.include_router(reply_form.router)


def _ranking_context(
    request: Request,
    session: ReadSessionDep,
    params: dict[str, str | None],
    ranking: Ranking,
    page: int,
    size: int,
) -> dict[str, Any]:
    """Everything a ranking page shows; PageOutOfRangeError past its last page."""
    given = {key: value for key, value in params.items() if value}
    cite = ranking_citation(request, ranking)
    view = ranking_page(session, ranking, page, size)
    return {
        "cite": cite,
        "dataset": _dataset(request, ranking, cite),
        "ranking": ranking,
        "view": view,
        "movers": biggest_movers(ranking),
        "periods": period_choices(session, ranking.metric, ranking.channel),
        "sectors": sector_slugs(session),
        "params": given,
        "csv_url": cite.csv,
        "json_url": cite.json,
        "is_front": size == FRONT_PAGE_SIZE,
        **_funnel_context(ranking, view, size),
        "too_few_shown": TOO_FEW_SHOWN,
    }


def _dataset(request: Request, ranking: Ranking, cite: Citation) -> dict[str, Any] | None:
    """The ranking as a schema.org Dataset, for search engines' dataset search."""
    if ranking.period is None:
        return None
    language = PageContext(request).language
    name = ranking.definition.text(language)["name"]
    title = f"{name}, {period_name(ranking.period, language)}"
    return dataset_ld(request, cite, title, str(ranking.period))


def _funnel_context(ranking: Ranking, view: RankingPage, size: int) -> dict[str, Any]:
    """The funnel plot on /rankings of a rate or a share (not on the front page), its
    page's companies named."""
    if size == FRONT_PAGE_SIZE:
        return {"funnel": None, "funnel_rows": []}
    chart, rows = ranking_funnel(ranking, {row.ranked.slug for row in view.rows})
    return {"funnel": chart, "funnel_rows": rows}


def _ranking_page(
    request: Request,
    session: ReadSessionDep,
    template: str,
    params: dict[str, str | None],
    ranking: Ranking,
    page: int = 1,
    size: int = PAGE_SIZE,
) -> HTMLResponse:
    try:
        context = _ranking_context(request, session, params, ranking, page, size)
    except PageOutOfRangeError:
        return error_page(request, 404, None)
    return get_templates(request).render(request, template, context)


@router.get("/", response_class=HTMLResponse)
def front_page(
    request: Request, session: ReadSessionDep, params: RankingParamsDep, ranking: RankingDep
) -> HTMLResponse:
    return _ranking_page(request, session, "front.html", params, ranking, size=FRONT_PAGE_SIZE)


@router.get("/rankings", response_class=HTMLResponse)
def rankings_page(
    request: Request,
    session: ReadSessionDep,
    params: RankingParamsDep,
    ranking: RankingDep,
    page: PageNumber = 1,
) -> HTMLResponse:
    return _ranking_page(request, session, "rankings.html", params, ranking, page)


@router.get("/search", response_class=HTMLResponse)
def search_page(request: Request, session: ReadSessionDep, q: QueryText = None) -> HTMLResponse:
    hits = search_companies(session, q or "", limit=50)
    return get_templates(request).render(request, "search.html", {"q": q or "", "hits": hits})


@router.get("/methodology", response_class=HTMLResponse)
def methodology_page(request: Request) -> HTMLResponse:
    columns = described_columns(PageContext(request).language)
    return get_templates(request).render(request, "methodology.html", {"csv_columns": columns})


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, session: ReadSessionDep) -> HTMLResponse:
    sources = sources_with_batches(session)
    return get_templates(request).render(request, "sources.html", {"sources": sources})


@router.get("/imports/{batch_id}", response_class=HTMLResponse)
def batch_page(request: Request, batch_id: BatchId, session: ReadSessionDep) -> HTMLResponse:
    """An import batch for a reader; ``/api/v1/imports/{id}`` keeps its JSON report."""
    facts = batch_facts(session, batch_id)
    if facts is None:
        return error_page(request, 404, None)
    return get_templates(request).render(request, "batch.html", {"batch": facts})


@router.get("/om", response_class=HTMLResponse)
def about_page(request: Request) -> HTMLResponse:
    """Who publishes the site, how figures are gathered, replies, corrections, contact."""
    return get_templates(request).render(request, "about.html", {})


@router.get("/about")
def about_in_english(request: Request) -> RedirectResponse:
    return RedirectResponse("/om?lang=en", status_code=301)


@router.get("/data", response_class=HTMLResponse)
def data_page(request: Request) -> HTMLResponse:
    """The bulk downloads, linked from one page."""
    language = PageContext(request).language
    context = {"as_of": facts_for(request).data_as_of, "columns": described_columns(language)}
    return get_templates(request).render(request, "data.html", context)


@router.get("/docs", response_class=HTMLResponse)
def api_docs_page(request: Request) -> HTMLResponse:
    """The API's documentation without Swagger UI's inline script (our CSP forbids it)."""
    return get_templates(request).render(request, "docs.html", {"api": request.app.openapi()})
