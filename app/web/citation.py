"""What a page gives a journalist to cite it: a link that will not change under them,
how far the data runs, the licence, a ready citation line and the downloads of
exactly what the page shows."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

from fastapi import Request

from app.deps import get_settings
from app.services.rankings import Ranking
from app.web.addresses import public_base
from app.web.site_facts import facts_for


@dataclass(frozen=True)
class Citation:
    permalink: str  # absolute
    csv: str
    excel_sv: str
    json: str
    as_of: datetime | None


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


def ranking_citation(request: Request, ranking: Ranking) -> Citation:
    query = urlencode(ranking_query(ranking))
    return _citation(request, ("/rankings", "/rankings.csv", "/api/v1/rankings"), query)


def company_citation(request: Request, slug: str) -> Citation:
    paths = (f"/companies/{slug}", f"/companies/{slug}.csv", f"/api/v1/companies/{slug}")
    return _citation(request, paths, "")


def _citation(request: Request, paths: tuple[str, str, str], query: str) -> Citation:
    """The page, its CSV and its JSON (``paths``), all with the same ``query``."""
    page, csv, json = (f"{path}?{query}" if query else path for path in paths)
    excel_sv = f"{csv}{'&' if query else '?'}dialect=excel-sv"
    base = public_base(request, get_settings(request))
    as_of = facts_for(request).data_as_of
    return Citation(permalink=base + page, csv=csv, excel_sv=excel_sv, json=json, as_of=as_of)


def dataset_ld(request: Request, cite: Citation, title: str, period: str | None) -> dict[str, Any]:
    """schema.org ``Dataset`` JSON-LD for a ranking page: what it is, its licence, how
    far its data runs, and a ``DataDownload`` per file."""
    settings = get_settings(request)
    base = public_base(request, settings)
    downloads = [
        (cite.csv, "text/csv"),
        (cite.excel_sv, "text/csv"),
        (cite.json, "application/json"),
    ]
    dataset: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": f"{settings.site_name}: {title}",
        "description": title,
        "url": cite.permalink,
        "license": settings.data_licence_url,
        "creator": {"@type": "Organization", "name": settings.publisher, "url": base + "/om"},
        "isAccessibleForFree": True,
        "distribution": [
            {"@type": "DataDownload", "contentUrl": base + path, "encodingFormat": kind}
            for path, kind in downloads
        ],
    }
    if period:
        dataset["temporalCoverage"] = period
    if cite.as_of:
        dataset["dateModified"] = cite.as_of.isoformat()
    return dataset
