"""The company page: every metric over time, its ranks, its sector, and the raw data."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.deps import ReadSessionDep
from app.services.companies import company_by_slug
from app.services.company_history import (
    SPANISH_BAR,
    company_history,
    latest_waits,
    law_bars,
    raw_counts,
    sector_of,
    sector_places,
    yearly_ranks,
)
from app.services.metrics import WAIT_METRICS
from app.web.charts import line_chart
from app.web.errors import error_page
from app.web.templating import PageContext, get_templates

router = APIRouter(include_in_schema=False)
RANKED_OVER_TIME = ("complaints", "wait_median")


@router.get("/companies/{slug}", response_class=HTMLResponse)
def company_page(request: Request, slug: str, session: ReadSessionDep) -> Response:
    company = company_by_slug(session, slug)
    if company is None:
        return error_page(request, 404, None)
    if company.slug != slug:
        # A company that was merged into another: its old address leads to the new one.
        target = PageContext(request).url(f"/companies/{company.slug}")
        return RedirectResponse(target, status_code=301)
    histories = company_history(session, company.id)
    charts = {
        history.metric: line_chart([(str(p.period), p.value) for p in history.points])
        for history in histories
    }
    sector = sector_of(session, company)
    context = {
        "company": company,
        "sector": sector,
        "histories": [history for history in histories if history.has_data],
        "charts": charts,
        "wait_metrics": WAIT_METRICS,
        "ranks": {metric: yearly_ranks(session, company.id, metric) for metric in RANKED_OVER_TIME},
        "places": sector_places(session, company),
        "law_bars": law_bars(session, company.id),
        "spanish_bar": SPANISH_BAR,
        "counts": raw_counts(session, company.id),
        "waits": latest_waits(session, company.id),
    }
    return get_templates(request).render(request, "company.html", context)
