"""The company page: every metric over time, its ranks, its sector, and the raw data."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.deps import ReadSessionDep
from app.metrics import WAIT_METRIC_SLUGS
from app.services.companies import company_by_slug
from app.services.company_figures import latest_waits, raw_counts
from app.services.company_places import against_sector, as_year_ranks, places_over_time
from app.services.company_standing import SPANISH_BAR, law_bars, standings
from app.services.replies import beside_figures, company_replies
from app.services.sectors import sector_of
from app.services.series import (
    channel_histories,
    company_history,
    load_company_figures,
    measured_and_announced,
)
from app.web.charts import history_charts
from app.web.citation import company_citation
from app.web.errors import error_page
from app.web.templating import PageContext, get_templates

router = APIRouter(include_in_schema=False)


@router.get("/companies/{slug}", response_class=HTMLResponse)
def company_page(request: Request, slug: str, session: ReadSessionDep) -> Response:
    company = company_by_slug(session, slug)
    if company is None:
        return error_page(request, 404, None)
    if company.slug != slug:
        # A company that was merged into another: its old address leads to the new one.
        target = PageContext(request).url(f"/companies/{company.slug}")
        return RedirectResponse(target, status_code=301)
    figures = load_company_figures(session, company.id)
    histories = company_history(figures)
    places = places_over_time(session, figures, company.sector_id)
    context = {
        "cite": company_citation(request, company.slug),
        "company": company,
        "sector": sector_of(session, company),
        "standings": standings(figures, as_year_ranks(places)),
        "replies": beside_figures(company_replies(session, company.id), figures),
        "wait_pairs": measured_and_announced(histories),
        "histories": [history for history in histories if history.has_data],
        "charts": history_charts(histories),
        # Chat and email: the same charts, one group a channel (phone's are above).
        "channels": [(ch, history_charts(ch.histories)) for ch in channel_histories(figures)],
        "wait_metrics": WAIT_METRIC_SLUGS,
        "places_over_time": places,
        "places": against_sector(places),
        "law_bars": law_bars(figures),
        "spanish_bar": SPANISH_BAR,
        "counts": raw_counts(session, company.id),
        "waits": latest_waits(session, company.id),
    }
    return get_templates(request).render(request, "company.html", context)
