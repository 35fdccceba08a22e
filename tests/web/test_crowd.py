"""Pages for a crowd: constant statements per page, ETag and 304 by data version,
invalidation after an import, gzip, paging, and 503 rather than a pile-up."""

from __future__ import annotations

import asyncio
import gzip

import httpx
import pytest
from fastapi.testclient import TestClient
from starlette.responses import PlainTextResponse
from starlette.types import Receive, Scope, Send

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.services.replies import decide_reply
from app.services.tokens import create_token
from app.web.overload import ConcurrencyLimitMiddleware
from tests.helpers import csv_body, post_csv

RANKING_PAGES = [
    "/",
    "/rankings?metric=wait_median",
    # A rate's and a share's page draw a funnel of every ranked company as well.
    "/rankings?metric=complaints_per_100k",
    "/rankings?metric=abandoned_share",
    "/rankings.csv",
    "/api/v1/rankings",
]
COMPANY_PAGES = ["/companies/{slug}", "/api/v1/companies/{slug}"]


def _data(companies: int, months: int) -> list[tuple[str, bytes]]:
    """Fictional companies with monthly complaints, customers and phone waits."""
    names = [f"Påhittat Bolag {n:03d}" for n in range(companies)]
    complaints = ["company,metric,period,value"]
    customers = ["company,year,customers"]
    waits = ["company,measured_at,channel,wait_seconds,outcome,external_id"]
    for n, name in enumerate(names):
        customers += [f"{name},2024,{1000 + n}", f"{name},2025,{2000 + n}"]
        for m in range(months):
            year, month = 2024 + m // 12, m % 12 + 1
            complaints.append(f"{name},complaints,{year}-{month:02d},{1 + (n * 7 + m) % 50}")
            for k in range(12):
                outcome = "abandoned" if k % 5 == 0 else "answered"
                stamp = f"{year}-{month:02d}-{k + 1:02d}T10:00:00+01:00"
                waits.append(f"{name},{stamp},phone,{30 * k + n},{outcome},w{n}-{m}-{k}")
    return [
        ("complaints", csv_body(*complaints)),
        ("customers", csv_body(*customers)),
        ("waits", csv_body(*waits)),
    ]


def _load(client: TestClient, auth: dict[str, str], companies: int, months: int) -> None:
    for kind, body in _data(companies, months):
        assert post_csv(client, kind, body, auth).status_code == 201


def _statements_per_page(client: TestClient, seen: list[str], paths: list[str]) -> list[int]:
    counts = []
    for path in paths:
        seen.clear()
        response = client.get(path)
        assert response.status_code == 200, (path, response.text[:300])
        counts.append(len(seen))
    return counts


def test_statements_per_page_stay_few_and_do_not_grow_with_the_data(
    client: TestClient, auth: dict[str, str], statements: list[str]
) -> None:
    _load(client, auth, companies=3, months=3)
    slug = "pahittat-bolag-001"
    pages = RANKING_PAGES + [p.format(slug=slug) for p in COMPANY_PAGES]
    small = _statements_per_page(client, statements, pages)
    _load(client, auth, companies=30, months=14)
    large = _statements_per_page(client, statements, pages)
    assert small == large, dict(zip(pages, zip(small, large, strict=True), strict=True))
    ranking_counts, company_counts = large[: len(RANKING_PAGES)], large[len(RANKING_PAGES) :]
    assert max(ranking_counts) <= 8, dict(zip(RANKING_PAGES, ranking_counts, strict=True))
    assert max(company_counts) <= 12, dict(zip(COMPANY_PAGES, company_counts, strict=True))


@pytest.mark.parametrize(
    "path", ["/", "/rankings.csv", "/api/v1/rankings", "/companies/pahittat-bolag-001"]
)
def test_a_page_has_an_etag_and_answers_304_until_an_import_changes_it(
    client: TestClient, auth: dict[str, str], path: str
) -> None:
    _load(client, auth, companies=3, months=2)
    first = client.get(path)
    etag = first.headers["etag"]
    assert "public" in first.headers["cache-control"]
    assert "max-age=60" in first.headers["cache-control"]
    assert {"Accept-Encoding", "Accept-Language"} <= {
        v.strip() for v in first.headers["vary"].split(",")
    }
    again = client.get(path, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    body = csv_body("company,metric,period,value", "Påhittat Bolag 001,complaints,2025-02,999")
    assert post_csv(client, "complaints", body, auth).status_code == 201
    changed = client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["etag"] != etag


def test_a_cached_page_shows_what_an_import_changed_at_once(
    client: TestClient, auth: dict[str, str]
) -> None:
    _load(client, auth, companies=3, months=2)
    assert "Nytt Påhittat Namn" not in client.get("/rankings?period=2025").text
    body = csv_body("company,metric,period,value", "Nytt Påhittat Namn,complaints,2025,77")
    assert post_csv(client, "complaints", body, auth).status_code == 201
    assert "Nytt Påhittat Namn" in client.get("/rankings?period=2025").text


def test_languages_are_cached_apart(client: TestClient, auth: dict[str, str]) -> None:
    _load(client, auth, companies=3, months=2)
    swedish = client.get("/", headers={"Accept-Language": "sv"})
    english = client.get("/", headers={"Accept-Language": "en"})
    assert swedish.headers["etag"] != english.headers["etag"]
    assert 'lang="sv"' in swedish.text
    assert 'lang="en"' in english.text


@pytest.mark.parametrize("path", ["/", "/rankings.csv", "/api/v1/rankings", "/downloads/waits.csv"])
def test_answers_over_1_kib_are_gzipped_for_clients_that_take_it(
    client: TestClient, auth: dict[str, str], path: str
) -> None:
    _load(client, auth, companies=20, months=2)
    plain = client.get(path, headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    with client.stream("GET", path, headers={"Accept-Encoding": "gzip"}) as response:
        assert response.headers["content-encoding"] == "gzip"
        raw = b"".join(response.iter_raw())
    assert gzip.decompress(raw) == plain.content


def test_rankings_show_50_a_page_and_the_front_page_20(
    client: TestClient, auth: dict[str, str]
) -> None:
    _load(client, auth, companies=60, months=1)
    first = client.get("/rankings?period=2024-01")
    second = client.get("/rankings?period=2024-01&page=2")
    assert first.text.count('<th scope="row">') == 50
    assert second.text.count('<th scope="row">') == 10
    assert 'rel="next"' in first.text
    assert 'rel="prev"' in second.text
    assert client.get("/rankings?period=2024-01&page=3").status_code == 404
    assert client.get("/rankings?page=0").status_code == 422
    front = client.get("/?period=2024-01")
    assert front.text.count('<th scope="row">') == 20
    assert "/rankings?period=2024-01" in front.text
    whole = client.get("/rankings.csv?period=2024-01").text.strip().splitlines()
    assert len(whole) == 61  # the CSV holds the whole ranking, header included
    assert len(client.get("/api/v1/rankings?period=2024-01").json()["rows"]) == 60


def test_past_the_concurrency_limit_the_answer_is_503_at_once() -> None:
    release = asyncio.Event()

    async def slow(scope: Scope, receive: Receive, send: Send) -> None:
        await release.wait()
        await PlainTextResponse("done")(scope, receive, send)

    async def scenario() -> tuple[int, str | None, int]:
        app = ConcurrencyLimitMiddleware(slow, limit=1)
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
            first = asyncio.create_task(http.get("/rankings"))
            await asyncio.sleep(0.05)
            busy = await http.get("/rankings")
            release.set()
            return busy.status_code, busy.headers.get("retry-after"), (await first).status_code

    assert asyncio.run(scenario()) == (503, "2", 200)


def test_a_request_that_cannot_get_a_connection_in_time_is_503(settings: Settings) -> None:
    tight = settings.model_copy(update={"db_pool_size": 1, "db_pool_timeout_seconds": 0.2})
    with TestClient(create_app(tight), raise_server_exceptions=False) as client:
        held = client.app.state.database.engine.connect()  # type: ignore[attr-defined]
        try:
            response = client.get("/rankings?metric=arn_cases")
        finally:
            held.close()
    assert response.status_code == 503
    assert response.headers["retry-after"]


def test_a_ranking_is_built_once_per_data_version_for_all_its_views(
    client: TestClient, auth: dict[str, str], statements: list[str]
) -> None:
    _load(client, auth, companies=3, months=2)
    views = ["/rankings?period=2024-02", "/rankings.csv?period=2024-02"]
    views += ["/api/v1/rankings?period=2024-02", "/?period=2024-02"]
    assert client.get(views[0]).status_code == 200
    statements.clear()
    for view in views[1:3]:
        assert client.get(view).status_code == 200
    # The CSV and the JSON reuse the ranking built for the page: neither reads a figure.
    ranked = [s for s in statements if "complaint_period_values" in s or "wait_" in s]
    assert ranked == [], ranked
    body = csv_body("company,metric,period,value", "Påhittat Bolag 002,complaints,2024-02,999")
    assert post_csv(client, "complaints", body, auth).status_code == 201
    for view in views:
        assert "999" in client.get(view).text, view


def test_a_published_reply_renders_the_pages_again_from_the_rankings_already_built(
    client: TestClient, database: Database, auth: dict[str, str], statements: list[str]
) -> None:
    _load(client, auth, companies=3, months=2)
    views = ["/rankings.csv?period=2024-02", "/api/v1/rankings?period=2024-02"]
    before = {view: client.get(view).headers["etag"] for view in views}
    with database.write() as session:
        _token, secret = create_token(
            session, name="svar", source_slug="partner", scope="reply",
            company_slug="pahittat-bolag-001",
        )  # fmt: skip
    reply = {"metric": "complaints", "period": "2024-02", "kind": "reply", "text": "Påhittat."}
    bearer = {"Authorization": f"Bearer {secret}"}
    created = client.post(
        "/api/v1/companies/pahittat-bolag-001/replies", json=reply, headers=bearer
    )
    assert created.status_code == 201, created.text
    with database.write() as session:
        decide_reply(session, created.json()["id"], "published")
    statements.clear()
    for view in views:
        again = client.get(view, headers={"If-None-Match": before[view]})
        # The data version moved (pages may show the reply): answered anew, not 304 ...
        assert again.status_code == 200, view
        assert again.headers["etag"] != before[view]
    # ... from the ranking built before it: the figures did not change, none is read.
    ranked = [s for s in statements if "complaint_period_values" in s or "wait_" in s]
    assert ranked == [], ranked
