"""A company's Atom feed and badge, as a feed reader and another site meet them."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

from fastapi.testclient import TestClient

from app.db import Database
from app.services.companies import company_by_slug
from app.services.replies import create_reply, decide_reply, parse_reply
from app.services.tokens import create_token
from tests.helpers import csv_body, post_csv

ATOM = "{http://www.w3.org/2005/Atom}"


def _load(client: TestClient, auth: dict[str, str]) -> None:
    lines = ["company,metric,period,value"]
    for n in range(4):
        lines += [
            f"Flödesbolag {n} AB,complaints,2024,{10 + n}",
            f"Flödesbolag {n} AB,complaints,2025,{20 - n}",
        ]
    assert post_csv(client, "complaints", csv_body(*lines), auth).status_code == 201


def test_the_company_feed_is_atom_with_rank_changes_and_published_replies(
    client: TestClient, auth: dict[str, str], database: Database
) -> None:
    _load(client, auth)
    with database.write() as session:
        company = company_by_slug(session, "flodesbolag-3")
        assert company is not None
        token, _secret = create_token(
            session, name="svar", source_slug="partner", scope="reply", company_slug=company.slug
        )
        draft = parse_reply(
            {
                "metric": "complaints",
                "period": "2025",
                "kind": "reply",
                "text": "Vi <b>ser</b> över.",
            }
        )
        published = create_reply(session, token, company, draft)
        decide_reply(session, published.id, "published")
        draft = parse_reply(
            {"metric": "complaints", "period": "2024", "kind": "reply", "text": "Väntar."}
        )
        create_reply(session, token, company, draft)
    answer = client.get("/companies/flodesbolag-3.atom")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("application/atom+xml")
    assert "ETag" in answer.headers
    feed = ET.fromstring(answer.content)
    assert feed.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert feed.find(f"{ATOM}{required}") is not None
    entries = feed.findall(f"{ATOM}entry")
    titles = [entry.findtext(f"{ATOM}title") for entry in entries]
    # 2024: place 1 of 4 (13 is the most); 2025: place 4 of 4 (17 is the least).
    assert "Klagomål, 2024: plats 1 av 4" in titles
    assert "Klagomål, 2025: plats 4 av 4 (var 1)" in titles
    summaries = [entry.findtext(f"{ATOM}summary") for entry in entries]
    assert "Vi <b>ser</b> över." in summaries  # as text, escaped by the XML writer
    assert "Väntar." not in summaries  # pending: not public
    for entry in entries:
        assert entry.findtext(f"{ATOM}id")
        assert entry.findtext(f"{ATOM}updated")
    assert client.get("/companies/finns-inte.atom").status_code == 404


def test_the_badge_shows_the_place_even_for_the_last_company(
    client: TestClient, auth: dict[str, str]
) -> None:
    _load(client, auth)
    last = client.get("/companies/flodesbolag-3/badge.svg?metric=complaints&period=2025")
    assert last.status_code == 200
    assert last.headers["content-type"].startswith("image/svg+xml")
    assert "public" in last.headers["cache-control"]
    svg = ET.fromstring(last.content)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    text = " ".join(t.text or "" for t in svg.iter("{http://www.w3.org/2000/svg}text"))
    assert "Skamlistan" in text
    assert "Klagomål 2025" in text
    assert "plats 4 av 4" in text
    first = client.get("/companies/flodesbolag-0/badge.svg").text  # defaults: complaints, latest
    assert "plats 1 av 4" in first
    english = client.get("/companies/flodesbolag-0/badge.svg?lang=en").text
    assert "place 1 of 4" in english
    unranked = client.get("/companies/flodesbolag-0/badge.svg?metric=wait_median").text
    assert "inte rankad" in unranked
    assert client.get("/companies/flodesbolag-0/badge.svg?metric=nope").status_code == 422


def test_robots_and_the_sitemap_list_every_page(client: TestClient, auth: dict[str, str]) -> None:
    _load(client, auth)
    robots = client.get("/robots.txt").text
    assert "Sitemap: http://testserver/sitemap.xml" in robots
    sitemap = ET.fromstring(client.get("/sitemap.xml").content)
    locations = {
        loc.text for loc in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")
    }
    assert "http://testserver/companies/flodesbolag-2" in locations
    assert "http://testserver/rankings?metric=wait_median" in locations


def test_every_page_names_its_canonical_address_its_languages_and_a_preview(
    client: TestClient, auth: dict[str, str]
) -> None:
    _load(client, auth)
    page = client.get("/rankings?metric=complaints&period=2025").text
    assert (
        '<link rel="canonical" href="http://testserver/rankings?metric=complaints&amp;period=2025">'
        in page
    )
    assert (
        'hreflang="en" href="http://testserver/rankings?metric=complaints&amp;period=2025&amp;lang=en"'
        in page
    )
    assert '<meta property="og:title" content="Klagomål 2025">' in page
    english = client.get("/rankings?metric=complaints&period=2025&lang=en").text
    assert (
        'rel="canonical" href="http://testserver/rankings?metric=complaints&amp;period=2025&amp;lang=en"'
        in english
    )


def test_other_sites_may_read_the_data(client: TestClient, auth: dict[str, str]) -> None:
    _load(client, auth)
    for path in ("/api/v1/rankings", "/rankings.csv", "/companies/flodesbolag-1.csv"):
        for _ in range(2):  # also when the answer comes from the page cache
            answer = client.get(path, headers={"Origin": "https://tidning.example"})
            assert answer.headers["access-control-allow-origin"] == "*", path


def test_the_data_is_described_for_machines(client: TestClient, auth: dict[str, str]) -> None:
    _load(client, auth)
    package = client.get("/datapackage.json").json()
    rankings = next(r for r in package["resources"] if r["name"] == "rankings")
    fields = {f["name"]: f["type"] for f in rankings["schema"]["fields"]}
    assert fields["rank"] == "integer"
    assert fields["value"] == "number"
    assert fields["signal"] == "string"
    assert list(fields)[:10] == [
        "rank", "company", "slug", "org_number", "sector",
        "metric", "period", "value", "sample_size", "previous_rank",
    ]  # fmt: skip
    link = client.get("/rankings.csv").headers["link"]
    assert '</datapackage.json>; rel="describedby"' in link
    page = client.get("/rankings?period=2025").text
    start = page.index('<script type="application/ld+json">') + len(
        '<script type="application/ld+json">'
    )
    dataset = json.loads(page[start : page.index("</script>", start)])
    assert dataset["@type"] == "Dataset"
    assert dataset["temporalCoverage"] == "2025"
    kinds = [d["encodingFormat"] for d in dataset["distribution"]]
    assert kinds == ["text/csv", "text/csv", "application/json"]
    assert dataset["distribution"][0]["contentUrl"].startswith("http://testserver/rankings.csv?")
