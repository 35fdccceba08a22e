"""Editions for readers: the list, one edition with its rankings, notes and diff, its
frozen CSVs, its JSON and the Atom feed of editions."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

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
from app.web.feeds import ATOM, ATOM_TYPE
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
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    ET.SubElement(feed, f"{{{ATOM}}}id").text = f"{base}/editions"
    ET.SubElement(feed, f"{{{ATOM}}}title").text = get_settings(request).site_name
    updated = found[0].published_at if found else utcnow()
    ET.SubElement(feed, f"{{{ATOM}}}updated").text = updated.isoformat()
    ET.SubElement(feed, f"{{{ATOM}}}link", href=f"{base}/editions.atom", rel="self")
    author = ET.SubElement(feed, f"{{{ATOM}}}author")
    ET.SubElement(author, f"{{{ATOM}}}name").text = get_settings(request).site_name
    for edition in found:
        entry = ET.SubElement(feed, f"{{{ATOM}}}entry")
        ET.SubElement(entry, f"{{{ATOM}}}id").text = f"{base}/editions/{edition.id}"
        ET.SubElement(entry, f"{{{ATOM}}}title").text = edition.title
        ET.SubElement(entry, f"{{{ATOM}}}link", href=f"{base}/editions/{edition.id}")
        ET.SubElement(entry, f"{{{ATOM}}}updated").text = edition.published_at.isoformat()
        ET.SubElement(entry, f"{{{ATOM}}}summary").text = f"{edition.period}: {edition.sha256}"
    body = ET.tostring(feed, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type=ATOM_TYPE)


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


@router.get("/api/v1/editions/{edition_id}")
def edition_json(request: Request, edition_id: str, session: ReadSessionDep) -> Response:
    edition = _edition(session, edition_id)
    if edition is None:
        return JSONResponse({"detail": "no such edition"}, status_code=404)
    body: dict[str, Any] = {
        "id": edition.id,
        "title": edition.title,
        "period": edition.period,
        "published_at": edition.published_at.isoformat(),
        "sha256": edition.sha256,
        "notes": [
            {"created_at": n.created_at.isoformat(), "text": n.text}
            for n in edition_notes(session, edition.id)
        ],
        "rankings": [
            {
                "metric": f.metric,
                "channel": f.channel or None,
                "csv": f"/editions/{edition.id}/rankings.csv?metric={f.metric}"
                + (f"&channel={f.channel}" if f.channel else ""),
                "rows": rows_of(f.content),
            }
            for f in edition_files(session, edition.id)
        ],
    }
    return JSONResponse(body)
