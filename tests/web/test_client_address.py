"""The client address under the trusted-proxy rule (contract v2), and in the access log."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError

from app.client_address import client_address, parse_trusted_proxies, rate_key
from app.config import Settings
from app.logs import JsonFormatter
from app.main import create_app

TRUSTED = parse_trusted_proxies("10.0.0.0/8, 192.168.1.5, fd00::/8")


def scope(peer: str | None, *forwarded_for: str) -> dict[str, Any]:
    headers = [(b"x-forwarded-for", value.encode("latin-1")) for value in forwarded_for]
    return {"client": (peer, 5000) if peer else None, "headers": headers}


def test_an_untrusted_peer_is_the_client_whatever_its_x_forwarded_for_says() -> None:
    assert client_address(scope("198.51.100.9", "203.0.113.1"), TRUSTED) == "198.51.100.9"
    assert client_address(scope("198.51.100.9"), TRUSTED) == "198.51.100.9"


def test_behind_a_trusted_proxy_the_rightmost_untrusted_address_is_the_client() -> None:
    # The client forged the first entry; our proxy appended the address it saw.
    assert client_address(scope("10.0.0.2", "6.6.6.6, 203.0.113.1"), TRUSTED) == "203.0.113.1"
    # Two of our proxies in a row are skipped, also when each sent its own header.
    chained = scope("10.0.0.2", "6.6.6.6, 203.0.113.1", "192.168.1.5, 10.1.2.3")
    assert client_address(chained, TRUSTED) == "203.0.113.1"


def test_a_trusted_proxy_without_x_forwarded_for_is_itself_the_client() -> None:
    assert client_address(scope("10.0.0.2"), TRUSTED) == "10.0.0.2"
    assert client_address(scope("10.0.0.2", " , "), TRUSTED) == "10.0.0.2"


def test_when_every_hop_is_trusted_the_farthest_is_the_client() -> None:
    assert client_address(scope("10.0.0.2", "10.9.9.9, 192.168.1.5"), TRUSTED) == "10.9.9.9"


def test_a_hop_that_is_no_address_stops_the_walk_at_the_proxy_that_wrote_it() -> None:
    assert client_address(scope("10.0.0.2", "203.0.113.1, junk"), TRUSTED) == "10.0.0.2"
    assert client_address(scope("10.0.0.2", "junk, 10.3.3.3"), TRUSTED) == "10.3.3.3"


def test_ports_brackets_and_mapped_ipv4_are_read_as_proxies_write_them() -> None:
    assert client_address(scope("10.0.0.2", "203.0.113.1:4711"), TRUSTED) == "203.0.113.1"
    assert client_address(scope("10.0.0.2", "[2001:db8::7]:443"), TRUSTED) == "2001:db8::7"
    assert client_address(scope("::ffff:10.0.0.2", "203.0.113.1"), TRUSTED) == "203.0.113.1"
    assert client_address(scope("fd00::1", "2001:db8::7"), TRUSTED) == "2001:db8::7"


def test_a_peer_without_an_address_is_named_as_it_is() -> None:
    assert client_address(scope("testclient", "203.0.113.1"), TRUSTED) == "testclient"
    assert client_address(scope(None, "203.0.113.1"), TRUSTED) == "unknown"


def test_ipv6_clients_are_counted_by_their_64_block() -> None:
    assert rate_key("2001:db8:1:2::7") == rate_key("2001:db8:1:2:ffff::1") == "2001:db8:1:2::/64"
    assert rate_key("2001:db8:1:3::7") != rate_key("2001:db8:1:2::7")
    assert rate_key("203.0.113.1") == "203.0.113.1"


def test_a_trusted_proxies_setting_that_is_not_addresses_is_refused(database_url: str) -> None:
    with pytest.raises(ValidationError, match=r"proxy\.example"):
        Settings(database_url=database_url, trusted_proxies="10.0.0.1, proxy.example")
    spaced = Settings(database_url=database_url, trusted_proxies=" 10.0.0.1 ,::1/128 ,")
    assert len(parse_trusted_proxies(spaced.trusted_proxies).networks) == 2


def _logged_client(app_settings: Settings, peer: str, headers: dict[str, str], caplog: Any) -> str:
    caplog.clear()
    app = create_app(app_settings)
    with (
        TestClient(app, client=(peer, 40_000)) as client,
        caplog.at_level(logging.INFO, logger="shamelist.access"),
    ):
        assert client.get("/healthz", headers=headers).status_code == 200
    record = next(r for r in caplog.records if r.name == "shamelist.access")
    line = json.loads(JsonFormatter().format(record))
    return str(line["client"])


def test_the_access_log_names_the_client_under_the_trusted_proxy_rule(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    behind = settings.model_copy(update={"trusted_proxies": "127.0.0.1"})
    forwarded = {"X-Forwarded-For": "6.6.6.6, 203.0.113.1"}
    assert _logged_client(behind, "127.0.0.1", forwarded, caplog) == "203.0.113.1"
    assert _logged_client(behind, "198.51.100.9", forwarded, caplog) == "198.51.100.9"
    assert _logged_client(settings, "127.0.0.1", forwarded, caplog) == "127.0.0.1"
