"""Right of reply (contract v2): a company answers for one of its figures, as the
company, the moderator and the public meet it."""

from __future__ import annotations

import csv
import io
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from app.config import Settings
from app.db import Database
from app.models import ApiToken, Reply
from app.services.replies import REPLIES_PER_HOUR, decide_reply
from app.services.tokens import create_token, revoke_token
from tests.helpers import csv_body, post_csv, row_counts, shamelist

GOOD = {
    "metric": "complaints",
    "period": "2025",
    "kind": "dispute",
    "text": "Fel: 40 var dubbletter.",
}


def _reply_token(database: Database, company: str) -> str:
    with database.write() as session:
        _token, secret = create_token(
            session,
            name=f"{company} svar",
            source_slug="partner",
            scope="reply",
            company_slug=company,
        )
    return secret


def _bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def _post(client: TestClient, slug: str, body: Any, secret: str | None) -> Any:
    headers = _bearer(secret) if secret else {}
    return client.post(f"/api/v1/companies/{slug}/replies", json=body, headers=headers)


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Some tests write for a dozen companies from one address: no limit per address."""
    return settings.model_copy(update={"reply_limit_per_address": 10_000})


@pytest.fixture
def companies(client: TestClient, auth: dict[str, str]) -> None:
    body = csv_body(
        "company,metric,period,value",
        "Svarsbolaget AB,complaints,2025,120",
        "Svarsbolaget AB,complaints,2024,80",
        "Grannbolaget AB,complaints,2025,60",
    )
    assert post_csv(client, "complaints", body, auth).status_code == 201


@pytest.mark.usefixtures("companies")
def test_a_reply_is_bound_to_its_figure_and_shown_once_published(
    client: TestClient, database: Database, auth: dict[str, str]
) -> None:
    secret = _reply_token(database, "svarsbolaget")
    created = _post(client, "svarsbolaget", GOOD, secret)
    assert created.status_code == 201, created.text
    reply = created.json()
    assert {k: reply[k] for k in ("status", "metric", "period", "kind", "value")} == {
        "status": "pending",
        "metric": "complaints",
        "period": "2025",
        "kind": "dispute",
        "value": "120",
    }
    assert set(reply) == {"id", "status", "metric", "period", "kind", "text", "value", "created_at"}
    # Pending: the public sees nothing, anywhere.
    assert client.get("/api/v1/companies/svarsbolaget/replies").json()["replies"] == []
    assert "dubbletter" not in client.get("/companies/svarsbolaget").text
    assert client.get("/api/v1/companies/svarsbolaget").json()["replies"] == []
    assert "dubbletter" not in client.get("/companies/svarsbolaget.csv").text
    # The company sees its own, pending.
    own = client.get("/api/v1/companies/svarsbolaget/replies", headers=_bearer(secret)).json()
    assert [r["status"] for r in own["replies"]] == ["pending"]

    changed = csv_body("company,metric,period,value", "Svarsbolaget AB,complaints,2025,80")
    assert post_csv(client, "complaints", changed, auth).status_code == 201
    with database.write() as session:
        decide_reply(session, reply["id"], "published")
    page = client.get("/companies/svarsbolaget").text
    assert "Fel: 40 var dubbletter." in page
    assert "Siffran var 120 när företaget svarade; nu är den 80." in page
    published = client.get("/api/v1/companies/svarsbolaget/replies").json()["replies"]
    assert [(r["id"], r["value"]) for r in published] == [(reply["id"], "120")]
    assert "reason" not in published[0]
    assert client.get("/api/v1/companies/svarsbolaget").json()["replies"][0]["id"] == reply["id"]
    text = client.get("/companies/svarsbolaget.csv").text.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    reply_rows = [row for row in rows if (row["kind"], row["status"]) == ("reply", "published")]
    assert [row["text"] for row in reply_rows] == ["Fel: 40 var dubbletter."]


@pytest.mark.usefixtures("companies")
def test_only_a_live_reply_token_of_that_company_may_write_or_read_its_replies(
    client: TestClient, database: Database, auth: dict[str, str]
) -> None:
    secret = _reply_token(database, "svarsbolaget")
    neighbour = _reply_token(database, "grannbolaget")
    before = row_counts(database)
    assert _post(client, "svarsbolaget", GOOD, None).status_code == 401
    assert _post(client, "svarsbolaget", GOOD, "shl_unknown").status_code == 401
    assert _post(client, "svarsbolaget", GOOD, neighbour).status_code == 403
    assert _post(client, "svarsbolaget", GOOD, auth["Authorization"][7:]).status_code == 403
    assert _post(client, "ingetbolag", GOOD, secret).status_code == 404
    foreign = client.get("/api/v1/companies/svarsbolaget/replies", headers=_bearer(neighbour))
    assert foreign.status_code == 403
    assert row_counts(database) == before
    assert _post(client, "svarsbolaget", GOOD, secret).status_code == 201
    with database.write() as session:
        token_id = session.scalars(select(ApiToken.id).where(ApiToken.company_id.is_not(None)))
        for tid in list(token_id):
            revoke_token(session, tid)
    assert _post(client, "svarsbolaget", GOOD, secret).status_code == 401


@pytest.mark.usefixtures("companies")
@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"metric": "stars"}, "metric"),
        ({"period": "2025-13"}, "period"),
        ({"period": "2019"}, "period"),  # no figure for that period
        ({"metric": "wait_median"}, "period"),  # no figure for that metric
        ({"kind": "praise"}, "kind"),
        ({"text": "   "}, "text"),
        ({"text": "x" * 2001}, "text"),
        ({"text": "nul\x00"}, "text"),
        ({"extra": "1"}, "extra"),
        ({"metric": 5}, "metric"),
    ],
)
def test_each_bad_field_is_a_422_that_names_it_and_writes_nothing(
    client: TestClient, database: Database, change: dict[str, Any], field: str
) -> None:
    secret = _reply_token(database, "svarsbolaget")
    before = row_counts(database)
    answer = _post(client, "svarsbolaget", {**GOOD, **change}, secret)
    assert answer.status_code == 422, answer.text
    assert field in [e["field"] for e in answer.json()["errors"]]
    assert row_counts(database) == before


@pytest.mark.usefixtures("companies")
def test_markup_is_shown_as_text(client: TestClient, database: Database) -> None:
    secret = _reply_token(database, "svarsbolaget")
    markup = '<script>alert("x")</script><b>fet</b>'
    created = _post(client, "svarsbolaget", {**GOOD, "text": markup}, secret).json()
    with database.write() as session:
        decide_reply(session, created["id"], "published")
    page = client.get("/companies/svarsbolaget").text
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;fet&lt;/b&gt;" in page
    assert "<b>fet</b>" not in page


@pytest.mark.usefixtures("companies")
def test_ten_replies_an_hour_per_token_then_429(client: TestClient, database: Database) -> None:
    secret = _reply_token(database, "svarsbolaget")
    for _ in range(REPLIES_PER_HOUR):
        assert _post(client, "svarsbolaget", GOOD, secret).status_code == 201
    refused = _post(client, "svarsbolaget", GOOD, secret)
    assert refused.status_code == 429
    assert 1 <= int(refused.headers["Retry-After"]) <= 3600
    with database.read() as session:
        assert len(session.scalars(select(Reply)).all()) == REPLIES_PER_HOUR


def test_no_token_reaches_another_companys_replies(
    client: TestClient, database: Database, auth: dict[str, str]
) -> None:
    """Many companies, a token each: every cross-company read and write is refused."""
    count = 12
    lines = ["company,metric,period,value"]
    lines += [f"Korsbolag {n:02d} AB,complaints,2025,{n + 1}" for n in range(count)]
    assert post_csv(client, "complaints", csv_body(*lines), auth).status_code == 201
    slugs = [f"korsbolag-{n:02d}" for n in range(count)]
    secrets = {slug: _reply_token(database, slug) for slug in slugs}
    ids = {slug: _post(client, slug, GOOD, secrets[slug]).json()["id"] for slug in slugs}
    for writer in slugs:
        for target in slugs:
            if writer == target:
                continue
            assert _post(client, target, GOOD, secrets[writer]).status_code == 403
            listing = client.get(
                f"/api/v1/companies/{target}/replies", headers=_bearer(secrets[writer])
            )
            assert listing.status_code == 403
    for slug in slugs:
        own = client.get(f"/api/v1/companies/{slug}/replies", headers=_bearer(secrets[slug]))
        assert [r["id"] for r in own.json()["replies"]] == [ids[slug]]


@pytest.mark.usefixtures("companies")
def test_the_form_takes_the_token_and_refuses_cross_site_posts(
    client: TestClient, database: Database
) -> None:
    secret = _reply_token(database, "svarsbolaget")
    form = client.get("/companies/svarsbolaget/reply")
    assert form.status_code == 200
    assert 'name="token"' in form.text
    fields = {**GOOD, "token": secret}
    before = row_counts(database)
    for headers in (
        {"Sec-Fetch-Site": "cross-site"},
        {"Origin": "https://elak.example"},
        {"Origin": "null"},
    ):
        refused = client.post("/companies/svarsbolaget/reply", data=fields, headers=headers)
        assert refused.status_code == 403, headers
    assert row_counts(database) == before
    wrong = client.post("/companies/svarsbolaget/reply", data={**fields, "token": "shl_nej"})
    assert wrong.status_code == 401
    assert "Svarsnyckeln saknas, är okänd eller har dragits in." in wrong.text
    bad = {**fields, "period": "förra året", "text": "x" * 2_001, "extra": "1"}
    bad_page = client.post("/companies/svarsbolaget/reply", data=bad).text
    for sentence in (
        "Skriv perioden som ÅÅÅÅ, ÅÅÅÅ-Qn eller ÅÅÅÅ-MM",
        "Text: Högst 2\u00a0000 tecken.",
        "Det här fältet hör inte till ett svar.",
    ):
        assert sentence in bad_page, sentence
    assert "at most" not in bad_page
    english = client.post("/companies/svarsbolaget/reply?lang=en", data=bad).text
    assert "Text: At most 2,000 characters." in english
    same_site = {"Sec-Fetch-Site": "same-origin", "Origin": "http://testserver"}
    sent = client.post("/companies/svarsbolaget/reply", data=fields, headers=same_site)
    assert sent.status_code == 201, sent.text
    assert "Svaret har tagits emot" in sent.text


@pytest.mark.usefixtures("companies")
def test_moderation_from_the_command_line(
    client: TestClient, database: Database, database_url: str
) -> None:
    secret = _reply_token(database, "svarsbolaget")
    first = _post(client, "svarsbolaget", GOOD, secret).json()["id"]
    second = _post(client, "svarsbolaget", {**GOOD, "kind": "reply"}, secret).json()["id"]
    listed = shamelist(database_url, "reply", "list", "--status", "pending")
    assert listed.returncode == 0, listed.stderr
    assert [line.split("\t")[0] for line in listed.stdout.splitlines()] == [str(first), str(second)]
    assert shamelist(database_url, "reply", "publish", str(first)).returncode == 0
    no_reason = shamelist(database_url, "reply", "reject", str(second), "--reason", " ")
    assert no_reason.returncode != 0
    rejected = shamelist(database_url, "reply", "reject", str(second), "--reason", "Ej sakligt")
    assert rejected.returncode == 0, rejected.stderr
    public = client.get("/api/v1/companies/svarsbolaget/replies").json()["replies"]
    assert [r["id"] for r in public] == [first]
    own = client.get("/api/v1/companies/svarsbolaget/replies", headers=_bearer(secret)).json()
    reasons = {r["id"]: (r["status"], r["reason"]) for r in own["replies"]}
    assert reasons == {first: ("published", None), second: ("rejected", "Ej sakligt")}
