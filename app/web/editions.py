"""Editions for readers: the list, one edition with its rankings, notes and diff, its
frozen CSVs, its JSON and the Atom feed of editions."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from app.deps import ReadSessionDep, get_settings
from app.metrics import METRIC_SLUGS
from app.models import Edition
from app.models.base import utcnow
from app.services.editions import (
    diff,
    edition_file,
    edition_files,
    edition_notes,
    editions,
    previous_edition,
    rows_of,
)
from app.web.addresses import public_base
from app.web.errors import error_page
from app.web.feeds import atom_entry, atom_feed, atom_response
from app.web.templating import get_templates

router = APIRouter(include_in_schema=False)
CSV_TYPE = "text/csv; charset=utf-8"
ROWS_SHOWN = 20


@router.get("/editions", response_class=HTMLResponse)
def editions_page(request: Request, session: ReadSessionDep) -> HTMLResponse:
    return get_templates(request).render(request, "editions.html", {"editions": editions(session)})


@router.get("/editions.atom")
def editions_feed(request: Request, session: ReadSessionDep) -> Response:
    base = public_base(request, get_settings(request))
    found = editions(session)
    site = get_settings(request).site_name
    updated = found[0].published_at if found else utcnow()
    feed = atom_feed(f"{base}/editions", site, updated, site)
    for edition in found:
        atom_entry(
            feed,
            entry_id=f"{base}/editions/{edition.id}",
            title=edition.title,
            link=f"{base}/editions/{edition.id}",
            updated=edition.published_at,
            summary=f"{edition.period}: {edition.sha256}",
        )
    return atom_response(feed)


def _edition(session: ReadSessionDep, edition_id: str) -> Edition | None:
    if not edition_id.isdigit() or len(edition_id) > 18:
        return None
    return session.get(Edition, int(edition_id))


@router.get("/editions/{edition_id}", response_class=HTMLResponse)
def edition_page(request: Request, edition_id: str, session: ReadSessionDep) -> Response:
    edition = _edition(session, edition_id)
    if edition is None:
        return error_page(request, 404, None)
    files = edition_files(session, edition.id)
    before = previous_edition(session, edition)
    context = {
        "edition": edition,
        "notes": edition_notes(session, edition.id),
        "rankings": [(f, rows_of(f.content)[:ROWS_SHOWN]) for f in files],
        "previous": before,
        "diffs": diff(files, edition_files(session, before.id)) if before else [],
    }
    return get_templates(request).render(request, "edition.html", context)


@router.get("/editions/{edition_id}/rankings.csv")
def edition_csv(
    request: Request,
    edition_id: str,
    session: ReadSessionDep,
    metric: str = "complaints",
    channel: str = "",
) -> Response:
    """One frozen ranking, byte for byte as published (never changes: immutable)."""
    edition = _edition(session, edition_id)
    if edition is None or metric not in METRIC_SLUGS:
        return error_page(request, 404, None)
    content = edition_file(session, edition.id, metric, channel)
    if content is None and not channel:  # a wait metric asked for without its channel
        content = edition_file(session, edition.id, metric, "phone")
    if content is None:
        return error_page(request, 404, None)
    filename = f"edition-{edition.id}-{metric}{'-' + channel if channel else ''}.csv"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, media_type=CSV_TYPE, headers=headers)
