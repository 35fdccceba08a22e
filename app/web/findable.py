"""What search engines and crawlers read: robots.txt and a sitemap of every page."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response

from app.deps import ReadSessionDep, get_settings
from app.metrics import METRIC_SLUGS
from app.services.companies import company_slugs
from app.services.data_package import data_package
from app.web.addresses import public_base

router = APIRouter(include_in_schema=False)
SITEMAP = "http://www.sitemaps.org/schemas/sitemap/0.9"
# Pages without data of their own, listed in every sitemap.
FIXED_PAGES = ("/", "/rankings", "/methodology", "/sources", "/data", "/om")


@router.get("/robots.txt", response_class=PlainTextResponse)
def robots(request: Request) -> str:
    """Everything may be read but the reply forms; the sitemap lists the pages."""
    base = public_base(request, get_settings(request))
    return f"User-agent: *\nDisallow: /companies/*/reply\nSitemap: {base}/sitemap.xml\n"


@router.get("/datapackage.json")
def datapackage(request: Request) -> JSONResponse:
    """The downloads described as a Frictionless Data Package, a type per column."""
    settings = get_settings(request)
    base = public_base(request, settings)
    package = data_package(
        base, settings.site_name, settings.data_licence, settings.data_licence_url
    )
    return JSONResponse(package)


@router.get("/sitemap.xml")
def sitemap(request: Request, session: ReadSessionDep) -> Response:
    base = public_base(request, get_settings(request))
    paths = [*FIXED_PAGES, *(f"/rankings?metric={metric}" for metric in METRIC_SLUGS)]
    paths += [f"/companies/{slug}" for slug in company_slugs(session)]
    ET.register_namespace("", SITEMAP)
    urlset = ET.Element(f"{{{SITEMAP}}}urlset")
    for path in paths:
        url = ET.SubElement(urlset, f"{{{SITEMAP}}}url")
        ET.SubElement(url, f"{{{SITEMAP}}}loc").text = base + path
    body = ET.tostring(urlset, encoding="utf-8", xml_declaration=True)
    return Response(body, media_type="application/xml")
