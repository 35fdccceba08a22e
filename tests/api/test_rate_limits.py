"""Rate limits of the import and reply APIs (contract v2): per token and per client
address, counted in the database so that every app server on it agrees."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.db import Database
from app.main import create_app
from app.services.tokens import authenticate, create_token, revoke_token
from tests.conftest import make_token
from tests.helpers import csv_body, post_csv

# A day: a window boundary never falls inside a test (windows are aligned to the epoch).
WINDOW = 86_400
PROXY = "10.0.0.2"
BODY = csv_body("company,metric,period,value", "Spärrbolaget AB,complaints,2025,7")


@pytest.fixture
def limited(settings: Settings) -> Settings:
    return settings.model_copy(
        update={
            "rate_limit_window_seconds": WINDOW,
            "import_limit_per_token": 3,
            "import_limit_per_address": 5,
            "reply_limit_per_token": 2,
            "reply_limit_per_address": 3,
            "trusted_proxies": "10.0.0.0/8",
        }
    )


@contextmanager
def app_server(settings: Settings, address: str) -> Iterator[TestClient]:
    """One app server of its own, reached from ``address``."""
    app = create_app(settings)
    with TestClient(app, raise_server_exceptions=False, client=(address, 40_000)) as client:
        yield client


def bearer(secret: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {secret}"}


def imports(client: TestClient, secret: str, n: int, **headers: str) -> list[int]:
    return [
        post_csv(client, "complaints", BODY, {**bearer(secret), **headers}).status_code
        for _ in range(n)
    ]


def assert_refused(answer: Any, per: str) -> None:
    assert answer.status_code == 429, answer.text
    assert 1 <= int(answer.headers["Retry-After"]) <= WINDOW
    assert set(answer.json()) == {"detail"}
    assert f"per {per}" in answer.json()["detail"]


def test_an_import_flood_gets_429_with_retry_after_past_the_tokens_limit(
    limited: Settings, database: Database
) -> None:
    secret = make_token(database)
    with app_server(limited, "203.0.113.7") as client:
        assert imports(client, secret, 3) == [201, 201, 201]
        assert_refused(post_csv(client, "complaints", BODY, bearer(secret)), "token")


def test_another_token_from_the_same_address_is_unaffected_until_the_address_limit(
    limited: Settings, database: Database
) -> None:
    flooded, other = make_token(database), make_token(database, source="other")
    with app_server(limited, "203.0.113.7") as client:
        assert imports(client, flooded, 4)[-1] == 429
        # A refused request counts nowhere: the address has made 3 of its 5, so the
        # other token's next two pass, and the one after passes the address's limit.
        assert imports(client, other, 2) == [201, 201]
        assert_refused(post_csv(client, "complaints", BODY, bearer(other)), "client address")


def test_another_address_is_unaffected_by_a_flooded_one(
    limited: Settings, database: Database
) -> None:
    tokens = [make_token(database, source=f"partner-{n}") for n in range(3)]
    with app_server(limited, "203.0.113.7") as client:
        assert imports(client, tokens[0], 3) + imports(client, tokens[1], 3)[-1:] == [201] * 3 + [
            429
        ]
    with app_server(limited, "198.51.100.20") as client:
        assert imports(client, tokens[2], 3) == [201, 201, 201]


def test_a_revoked_or_unknown_token_gets_401_not_429_from_a_flooded_address(
    limited: Settings, database: Database
) -> None:
    secret = make_token(database)
    with app_server(limited, "203.0.113.7") as client:
        assert imports(client, secret, 6)[-1] == 429
        with database.write() as session:
            token = authenticate(session, secret)
            assert token is not None
            revoke_token(session, token.id)
        assert imports(client, secret, 1) == [401]
        assert imports(client, "shl_" + "x" * 43, 1) == [401]
        assert post_csv(client, "complaints", BODY, {}).status_code == 401


def test_two_app_servers_on_one_database_share_the_limit(
    limited: Settings, database: Database
) -> None:
    secret = make_token(database)
    with app_server(limited, "203.0.113.7") as one, app_server(limited, "203.0.113.7") as two:
        assert (
            imports(one, secret, 1) + imports(two, secret, 1) + imports(one, secret, 1) == [201] * 3
        )
        assert_refused(post_csv(two, "complaints", BODY, bearer(secret)), "token")
        assert_refused(post_csv(one, "complaints", BODY, bearer(secret)), "token")


def test_x_forwarded_for_names_the_client_only_behind_a_trusted_proxy(
    limited: Settings, database: Database
) -> None:
    by_address = limited.model_copy(
        update={"import_limit_per_token": 100, "import_limit_per_address": 2}
    )
    secret = make_token(database)
    with app_server(by_address, PROXY) as proxy:
        assert imports(proxy, secret, 3, **{"X-Forwarded-For": "203.0.113.1"})[-1] == 429
        # Another client behind the same proxy has its own count.
        assert imports(proxy, secret, 1, **{"X-Forwarded-For": "203.0.113.2"}) == [201]
        # What a client writes itself stands left of what the proxy appended: ignored.
        forged = [f"198.51.100.{n}, 203.0.113.2" for n in range(2)]
        answers = [imports(proxy, secret, 1, **{"X-Forwarded-For": f})[0] for f in forged]
        assert answers == [201, 429]
    with app_server(by_address, "198.51.100.9") as direct:
        # Not a trusted proxy: its X-Forwarded-For is ignored, the peer is the client.
        answers = [
            imports(direct, secret, 1, **{"X-Forwarded-For": f"203.0.113.{n + 10}"})[0]
            for n in range(3)
        ]
        assert answers == [201, 201, 429]


@pytest.fixture
def reply_secret(limited: Settings, database: Database) -> str:
    with app_server(limited, "192.0.2.1") as client:
        assert post_csv(client, "complaints", BODY, bearer(make_token(database))).status_code == 201
    with database.write() as session:
        _token, secret = create_token(
            session,
            name="Spärrbolaget svar",
            source_slug="sparr",
            scope="reply",
            company_slug="sparrbolaget",
        )
    return secret


def post_reply(client: TestClient, secret: str) -> Any:
    body = {"metric": "complaints", "period": "2025", "kind": "reply", "text": ""}
    return client.post("/api/v1/companies/sparrbolaget/replies", json=body, headers=bearer(secret))


def test_a_reply_flood_gets_429_per_token_even_when_each_reply_is_refused(
    limited: Settings, reply_secret: str
) -> None:
    with app_server(limited, "203.0.113.7") as client:
        assert [post_reply(client, reply_secret).status_code for _ in range(2)] == [422, 422]
        assert_refused(post_reply(client, reply_secret), "token")
    with app_server(limited, "198.51.100.20") as client:
        assert_refused(post_reply(client, reply_secret), "token")


def test_replies_are_limited_per_client_address_across_tokens(
    limited: Settings, database: Database, reply_secret: str
) -> None:
    with database.write() as session:
        _token, other = create_token(
            session,
            name="Andra svar",
            source_slug="sparr",
            scope="reply",
            company_slug="sparrbolaget",
        )
    with app_server(limited, "203.0.113.7") as client:
        assert [post_reply(client, s).status_code for s in (reply_secret, reply_secret, other)] == [
            422
        ] * 3
        assert_refused(post_reply(client, other), "client address")


def test_the_reply_form_counts_against_the_same_limits_as_the_api(
    limited: Settings, reply_secret: str
) -> None:
    form = {"token": reply_secret, "metric": "complaints", "period": "2025", "kind": "reply"}
    with app_server(limited, "203.0.113.7") as client:
        sent = client.post("/companies/sparrbolaget/reply", data={**form, "text": ""})
        assert sent.status_code == 422
        assert post_reply(client, reply_secret).status_code == 422
        refused = client.post("/companies/sparrbolaget/reply", data={**form, "text": "Svar"})
        assert refused.status_code == 429
        assert 1 <= int(refused.headers["Retry-After"]) <= WINDOW
        assert "För många förfrågningar" in refused.text
        assert_refused(post_reply(client, reply_secret), "token")
