"""A company's Atom feed (RFC 4287) and its badge: what follows a company elsewhere.

The feed holds one entry per metric and year whose place changed, and one per
published reply. The badge always shows the place, good or bad. Both are written
with the standard library's XML tools, which escape every text they are given.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime

from fastapi import APIRouter, Request
from fastapi.responses import Response

from app.deps import RankingMemo, ReadSessionDep, request_figures_version
from app.display import period_name
from app.metrics import get_metric
from app.models import Company
from app.models.base import utcnow
from app.services.companies import company_by_slug
from app.services.company_standing import YearRank, yearly_ranks
from app.services.rankings import parse_ranking_query
from app.services.replies import company_replies
from app.web.addresses import public_base
from app.web.errors import error_page
from app.web.site_facts import facts_for
from app.web.templating import PageContext, get_templates

router = APIRouter(include_in_schema=False)
ATOM = "http://www.w3.org/2005/Atom"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
SVG_TYPE = "image/svg+xml; charset=utf-8"


@router.get("/companies/{slug}.atom")
def company_feed(request: Request, slug: str, session: ReadSessionDep) -> Response:
    company = company_by_slug(session, slug)
    if company is None:
        return error_page(request, 404, None)
    language = PageContext(request).language
    base = public_base(request, request.app.state.settings)
    updated = facts_for(request).data_as_of or utcnow()
    feed = atom_feed(f"{base}/companies/{company.slug}", company.name, updated, base, language)
    for change in _rank_changes(yearly_ranks(session, company.id)):
        _rank_entry(feed, company, base, change, updated, language)
    for reply in company_replies(session, company.id):
        when = reply.decided_at or reply.created_at
        atom_entry(
            feed,
            entry_id=f"{base}/companies/{company.slug}#reply-{reply.id}",
            title=f"{get_metric(reply.metric).text(language)['name']}, "
            f"{period_name(reply.period, language)}: {reply.kind}",
            link=f"{base}/companies/{company.slug}",
            updated=when,
            summary=reply.text,
        )
    return atom_response(feed)


def atom_feed(
    feed_id: str, title: str, updated: datetime, author: str, language: str | None = None
) -> ET.Element:
    """An Atom feed's head: its id (the page it follows), title, time, links, author."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = feed_id
    ET.SubElement(feed, f"{{{ATOM}}}title").text = title
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated.isoformat()
    ET.SubElement(feed, f"{{{ATOM}}}link", href=f"{feed_id}.atom", rel="self")
    ET.SubElement(feed, f"{{{ATOM}}}link", href=feed_id)
    ET.SubElement(ET.SubElement(feed, f"{{{ATOM}}}author"), f"{{{ATOM}}}name").text = author
    if language:
        feed.set("{http://www.w3.org/XML/1998/namespace}lang", language)
    return feed


def atom_response(feed: ET.Element) -> Response:
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=ATOM_TYPE)


def _rank_changes(ranks: list[YearRank]) -> list[tuple[YearRank, YearRank | None]]:
    """Each ranked year whose place differs from the year before (or is the first)."""
    changes = []
    previous: dict[str, YearRank] = {}
    for rank in ranks:
        before = previous.get(rank.metric)
        previous[rank.metric] = rank
        if rank.rank is not None and (before is None or before.rank != rank.rank):
            changes.append((rank, before))
    return changes


def _rank_entry(
    feed: ET.Element,
    company: Company,
    base: str,
    change: tuple[YearRank, YearRank | None],
    updated: datetime,
    language: str,
) -> None:
    rank, before = change
    name = get_metric(rank.metric).text(language)["name"]
    period = period_name(rank.period, language)
    place = _place_text(rank.rank, rank.ranked, language)
    was = ""
    if before is not None and before.rank is not None:
        was = f" ({'var' if language == 'sv' else 'was'} {before.rank})"
    atom_entry(
        feed,
        entry_id=f"{base}/companies/{company.slug}#rank-{rank.metric}-{rank.period}",
        title=f"{name}, {period}: {place}{was}",
        link=f"{base}/rankings?metric={rank.metric}&period={rank.period}",
        updated=updated,
        summary=f"{company.name}: {name}, {period}: {place}{was}",
    )


def atom_entry(
    feed: ET.Element, *, entry_id: str, title: str, link: str, updated: datetime, summary: str
) -> None:
    entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
    ET.SubElement(entry, f"{{{ATOM}}}id").text = entry_id
    ET.SubElement(entry, f"{{{ATOM}}}title").text = title
    ET.SubElement(entry, f"{{{ATOM}}}link", href=link)
    ET.SubElement(entry, f"{{{ATOM}}}updated").text = updated.isoformat()
    ET.SubElement(entry, f"{{{ATOM}}}summary").text = summary


def _place_text(rank: int | None, total: int | None, language: str) -> str:
    if rank is None or not total:
        return "inte rankad" if language == "sv" else "not ranked"
    return f"plats {rank} av {total}" if language == "sv" else f"place {rank} of {total}"


@router.get("/companies/{slug}/badge.svg")
def company_badge(
    request: Request,
    slug: str,
    session: ReadSessionDep,
    metric: str | None = None,
    period: str | None = None,
) -> Response:
    """Place R of N on one metric and period, good or bad, for a company to show."""
    company = company_by_slug(session, slug)
    if company is None:
        return error_page(request, 404, None)
    memo: RankingMemo = request.app.state.rankings
    query = parse_ranking_query(metric=metric, period=period)
    ranking = memo.get(session, query, request_figures_version(request))
    row = next((r for r in ranking.rows if r.company_id == company.id), None)
    language = PageContext(request).language
    context = {
        "metric_label": get_metric(ranking.metric).text(language)["name"],
        "period_label": period_name(ranking.period, language) if ranking.period else "–",
        "place": _place_text(row.rank if row else None, len(ranking.rows), language),
        "worst_quarter": row is not None and row.rank <= max(1, len(ranking.rows) // 4),
    }
    svg = get_templates(request).render(request, "badge.svg", context)
    return Response(svg.body, media_type=SVG_TYPE)
