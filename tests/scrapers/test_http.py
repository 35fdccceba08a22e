"""The polite client against a real local server (127.0.0.1) or httpx.MockTransport.

No test sends anything to a non-loopback address: requests go to the local
server, to a MockTransport, or are refused before any connection is made.
"""

from __future__ import annotations

import gzip
import random
import ssl
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpcore
import httpx
import pytest

from scrapers.charset import decode_as, open_text
from scrapers.http import (
    BlockedAddress,
    DeadlineExceeded,
    HTTPStatusError,
    NetworkError,
    PoliteClient,
    RobotsDisallowed,
    TextDecodeError,
    TooLarge,
    TooManyRedirects,
    decode_text,
    is_public_address,
    looks_like_mojibake,
    parse_retry_after,
    repair_mojibake,
)
from scrapers.pinned import AddressBook, PinnedBackend
from scrapers.settings import ScraperSettings
from tests.scrapers.conftest import LocalServer, Reply, Seen

SWEDISH = "Beräknad väntetid: 12 min. Åtgärd för ÅÄÖ åäö é"


class FakeTime:
    """A clock that only moves when the client sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class LoopbackOnly(httpx.BaseTransport):
    """A real transport that refuses (fails the test) anything but 127.0.0.1."""

    def __init__(self) -> None:
        self.inner = httpx.HTTPTransport()
        self.urls: list[str] = []

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        assert request.url.host == "127.0.0.1", f"the test tried to reach {request.url}"
        self.urls.append(str(request.url))
        return self.inner.handle_request(request)

    def close(self) -> None:
        self.inner.close()


def settings(**values: Any) -> ScraperSettings:
    defaults: dict[str, Any] = {
        "contact_url": "https://example.org/shamelist-contact",
        "delay_seconds": 0.0,
        "backoff_seconds": 0.0,
        "deadline_seconds": 10.0,
    }
    return ScraperSettings(**(defaults | values))


def client_for(fake: FakeTime | None = None, **values: Any) -> PoliteClient:
    if fake is None:
        return PoliteClient(settings(**values), allow_private_hosts=True)
    return PoliteClient(
        settings(**values), allow_private_hosts=True, sleep=fake.sleep, clock=fake.clock
    )


# ---------------------------------------------------------------- robots.txt


def test_robots_disallowed_path_is_never_requested(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", Reply(body=b"User-agent: *\nDisallow: /private\n"))
    local_server.route("/private/page", Reply(body=b"secret"))
    local_server.route("/public", Reply(body=b"ok"))
    with client_for() as client:
        with pytest.raises(RobotsDisallowed):
            client.get(local_server.url("/private/page"))
        assert client.get(local_server.url("/public")).body == b"ok"
    assert local_server.hits("/private/page") == 0
    assert local_server.hits("/robots.txt") == 1  # fetched once per host, then cached


def test_robots_group_for_our_agent_applies_to_us(local_server: LocalServer) -> None:
    rules = b"User-agent: *\nAllow: /\n\nUser-agent: ShamelistBot\nDisallow: /\n"
    local_server.route("/robots.txt", Reply(body=rules))
    with client_for() as client, pytest.raises(RobotsDisallowed):
        client.get(local_server.url("/page"))
    assert local_server.hits("/page") == 0


def test_robots_server_error_means_disallow_all(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", Reply(503))
    local_server.route("/page", Reply(body=b"ok"))
    with client_for(max_retries=1) as client, pytest.raises(RobotsDisallowed):
        client.get(local_server.url("/page"))
    assert local_server.hits("/robots.txt") == 2  # retried like any page, then given up
    assert local_server.hits("/page") == 0


def test_missing_robots_means_allowed(local_server: LocalServer) -> None:
    local_server.route("/page", Reply(body=b"ok", headers={"Content-Type": "text/plain"}))
    with client_for() as client:
        document = client.get(local_server.url("/page"))
    assert (document.body, document.status, document.content_type) == (b"ok", 200, "text/plain")
    assert document.url == local_server.url("/page")
    assert document.fetched_at.tzinfo is UTC


def test_crawl_delay_lengthens_the_delay(local_server: LocalServer) -> None:
    local_server.route("/robots.txt", Reply(body=b"User-agent: *\nCrawl-delay: 7\n"))
    local_server.route("/a", Reply(body=b"a"))
    local_server.route("/b", Reply(body=b"b"))
    fake = FakeTime()
    with client_for(fake, delay_seconds=2.0, deadline_seconds=100.0) as client:
        client.get(local_server.url("/a"))
        client.get(local_server.url("/b"))
    assert fake.sleeps == [7.0, 7.0]  # robots.txt -> /a -> /b


def test_crawl_delay_shorter_than_the_setting_does_not_shorten_it(
    local_server: LocalServer,
) -> None:
    local_server.route("/robots.txt", Reply(body=b"User-agent: *\nCrawl-delay: 1\n"))
    local_server.route("/a", Reply(body=b"a"))
    fake = FakeTime()
    with client_for(fake, delay_seconds=5.0, deadline_seconds=100.0) as client:
        client.get(local_server.url("/a"))
    assert fake.sleeps == [5.0]


# ---------------------------------------------------------------- politeness


def test_requests_to_one_host_are_spaced_by_the_delay(local_server: LocalServer) -> None:
    fake = FakeTime()
    moments: list[float] = []

    def page(seen: Seen) -> Reply:
        moments.append(fake.now)
        return Reply(body=b"ok")

    local_server.route("/robots.txt", lambda seen: (moments.append(fake.now), Reply(404))[1])
    local_server.route("/a", page)
    local_server.route("/b", page)
    with client_for(fake, delay_seconds=5.0, deadline_seconds=100.0) as client:
        client.get(local_server.url("/a"))
        client.get(local_server.url("/b"))
    assert moments == [0.0, 5.0, 10.0]
    assert fake.sleeps == [5.0, 5.0]


def test_user_agent_names_the_project_and_the_contact_url(local_server: LocalServer) -> None:
    local_server.route("/page", Reply(body=b"ok"))
    with client_for() as client:
        client.get(local_server.url("/page"))
    agents = {seen.headers["user-agent"] for seen in local_server.seen}
    assert agents == {"ShamelistBot/1.0 (+https://example.org/shamelist-contact)"}


def test_default_settings_are_the_documented_ones(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ScraperSettings.model_fields:
        monkeypatch.delenv(f"SHAMELIST_SCRAPER_{name.upper()}", raising=False)
    defaults = ScraperSettings()
    assert defaults.contact_url == "https://github.com/shamelist/shamelist"
    assert (defaults.delay_seconds, defaults.max_bytes) == (5.0, 20 * 1024 * 1024)
    assert (defaults.connect_timeout, defaults.read_timeout) == (10.0, 30.0)
    assert (defaults.deadline_seconds, defaults.max_retries) == (120.0, 4)
    monkeypatch.setenv("SHAMELIST_SCRAPER_DELAY_SECONDS", "9")
    assert ScraperSettings().delay_seconds == 9.0


# ---------------------------------------------------------------- retries


def answers(*replies: Reply) -> Any:
    """A route that gives these replies in turn, then the last one again."""
    queue = list(replies)
    return lambda seen: queue.pop(0) if len(queue) > 1 else queue[0]


def test_429_waits_for_retry_after_then_succeeds(local_server: LocalServer) -> None:
    local_server.route(
        "/page", answers(Reply(429, headers={"Retry-After": "1"}), Reply(body=b"ok"))
    )
    with client_for() as client:
        started = time.monotonic()
        assert client.get(local_server.url("/page")).body == b"ok"
        elapsed = time.monotonic() - started
    first, second = (seen.at for seen in local_server.seen if seen.path == "/page")
    assert 1.0 <= second - first < 2.0  # really waited, measured server-side
    assert 1.0 <= elapsed < 2.5


def test_503_is_retried_with_growing_backoff_then_succeeds(local_server: LocalServer) -> None:
    local_server.route("/page", answers(Reply(503), Reply(503), Reply(503), Reply(body=b"ok")))
    fake = FakeTime()
    client = PoliteClient(
        settings(backoff_seconds=1.0, deadline_seconds=100.0),
        allow_private_hosts=True,
        sleep=fake.sleep,
        clock=fake.clock,
        rng=random.Random(7),
    )
    with client:
        assert client.get(local_server.url("/page")).body == b"ok"
    assert local_server.hits("/page") == 4
    first, second, third = fake.sleeps
    assert 1 <= first < 2 <= second < 4 <= third < 8  # doubling, with jitter


def test_retries_give_up_with_the_last_status(local_server: LocalServer) -> None:
    local_server.route("/page", Reply(502))
    with client_for(FakeTime(), max_retries=2) as client, pytest.raises(HTTPStatusError) as error:
        client.get(local_server.url("/page"))
    assert error.value.status == 502
    assert local_server.hits("/page") == 3


def test_404_is_not_retried(local_server: LocalServer) -> None:
    local_server.route("/gone", Reply(404, b"nope"))
    with client_for(FakeTime()) as client, pytest.raises(HTTPStatusError) as error:
        client.get(local_server.url("/gone"))
    assert error.value.status == 404
    assert local_server.hits("/gone") == 1


def test_retry_after_beyond_the_deadline_is_given_up_but_still_respected(
    local_server: LocalServer,
) -> None:
    local_server.route("/page", Reply(429, headers={"Retry-After": "600"}))
    local_server.route("/other", Reply(body=b"ok"))
    fake = FakeTime()
    with client_for(fake, deadline_seconds=60.0) as client:
        with pytest.raises(HTTPStatusError) as error:
            client.get(local_server.url("/page"))
        assert (error.value.status, fake.sleeps) == (429, [])
        client.get(local_server.url("/other"))  # the host asked for 600 s of quiet
    assert fake.sleeps == [600.0]
    assert local_server.hits("/page") == 1


def test_network_errors_are_retried() -> None:
    calls: list[str] = []

    def flaky(request: httpx.Request) -> httpx.Response:
        calls.append(request.url.path)
        if request.url.path == "/robots.txt":
            return httpx.Response(404)
        if len(calls) < 4:
            raise httpx.ConnectError("connection refused", request=request)
        return httpx.Response(200, content=b"ok")

    fake = FakeTime()
    client = PoliteClient(
        settings(backoff_seconds=1.0, deadline_seconds=100.0),
        transport=httpx.MockTransport(flaky),
        allow_private_hosts=True,
        sleep=fake.sleep,
        clock=fake.clock,
    )
    with client:
        assert client.get("https://example.se/page").body == b"ok"
    assert calls == ["/robots.txt", "/page", "/page", "/page"]
    first, second = fake.sleeps
    assert 1 <= first < 2 <= second < 4


def test_one_request_at_a_time_per_host(local_server: LocalServer) -> None:
    in_flight: list[int] = [0, 0]  # now, most

    def slow(seen: Seen) -> Reply:
        in_flight[0] += 1
        in_flight[1] = max(in_flight[1], in_flight[0])
        local_server.pause(0.2)
        in_flight[0] -= 1
        return Reply(body=b"ok")

    local_server.route("/slow", slow)
    with client_for() as client:
        threads = [
            threading.Thread(target=client.get, args=(local_server.url("/slow"),)) for _ in range(3)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert local_server.hits("/slow") == 3
    assert in_flight[1] == 1


def test_a_long_crawl_delay_is_waited_for_not_counted_against_the_deadline(
    local_server: LocalServer,
) -> None:
    local_server.route("/robots.txt", Reply(body=b"User-agent: *\nCrawl-delay: 200\n"))
    local_server.route("/a", Reply(body=b"a"))
    fake = FakeTime()
    with client_for(fake, deadline_seconds=60.0) as client:
        assert client.get(local_server.url("/a")).body == b"a"
    assert fake.sleeps == [200.0]


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2025, 3, 1, 12, 0, 0, tzinfo=UTC)
    assert parse_retry_after("Sat, 01 Mar 2025 12:00:30 GMT", now) == 30.0
    assert parse_retry_after("Sat, 01 Mar 2025 11:00:00 GMT", now) == 0.0
    assert parse_retry_after("120", now) == 120.0
    assert parse_retry_after("soon", now) is None
    assert parse_retry_after(None, now) is None


# ---------------------------------------------------------------- deadline and size


def test_body_trickling_one_byte_a_second_is_cut_at_the_deadline(
    local_server: LocalServer,
) -> None:
    def trickle() -> Iterator[bytes]:
        for _ in range(60):
            yield b"x"
            if not local_server.pause(1.0):
                return

    local_server.route("/slow", lambda seen: Reply(body=trickle()))
    with client_for(deadline_seconds=2.0) as client:
        started = time.monotonic()
        with pytest.raises(DeadlineExceeded):
            client.get(local_server.url("/slow"))
        elapsed = time.monotonic() - started
    assert 2.0 <= elapsed < 3.5


def test_endless_body_stops_at_the_cap(local_server: LocalServer) -> None:
    chunk = b"x" * 65536
    sent: list[int] = []

    def endless() -> Iterator[bytes]:
        for count in range(1, 1024):  # 64 MB at most, should the client not stop
            if local_server.stopping.is_set():
                return
            sent.append(count)
            yield chunk

    local_server.route("/endless", lambda seen: Reply(body=endless()))
    with client_for(max_bytes=100_000) as client, pytest.raises(TooLarge):
        client.get(local_server.url("/endless"))
    local_server.stop()  # waits for the handler: it ends when its writes fail
    assert len(sent) < 1023


def test_content_length_over_the_cap_is_refused_before_reading(
    local_server: LocalServer,
) -> None:
    local_server.route("/big", Reply(body=b"x" * 50_000))
    with client_for(max_bytes=1000) as client, pytest.raises(TooLarge, match="Content-Length"):
        client.get(local_server.url("/big"))


def test_small_content_length_does_not_let_a_large_body_through(
    local_server: LocalServer,
) -> None:
    # 1 MB of zeros, gzipped to about 1 KB: the header is under the cap, the body is not.
    packed = gzip.compress(b"\0" * 1_000_000)
    headers = {"Content-Encoding": "gzip", "Content-Length": str(len(packed))}
    local_server.route("/bomb", Reply(body=packed, headers=headers))
    with client_for(max_bytes=10_000) as client, pytest.raises(TooLarge, match="body over"):
        client.get(local_server.url("/bomb"))
    assert len(packed) < 10_000


# ---------------------------------------------------------------- addresses and redirects


@pytest.mark.parametrize(
    "target",
    [
        "http://10.0.0.1/",
        "http://169.254.169.254/latest/meta-data/",
        "http://localhost/",
        "http://[::1]/",
        "http://[::ffff:192.168.1.1]/",
    ],
)
def test_redirect_to_a_private_address_is_refused_without_connecting(
    local_server: LocalServer, target: str
) -> None:
    local_server.route("/start", Reply(302, headers={"Location": target}))
    guard = LoopbackOnly()
    client = PoliteClient(
        settings(),
        transport=guard,
        allowed_private=frozenset({local_server.host_port}),  # only the first hop
    )
    with client, pytest.raises(BlockedAddress):
        client.get(local_server.url("/start"))
    assert guard.urls == [local_server.url("/robots.txt"), local_server.url("/start")]


def test_private_address_is_refused_by_default(local_server: LocalServer) -> None:
    local_server.route("/page", Reply(body=b"ok"))
    with PoliteClient(settings()) as client, pytest.raises(BlockedAddress):
        client.get(local_server.url("/page"))
    assert local_server.seen == []


def test_one_private_address_among_public_ones_is_refused() -> None:
    sent: list[httpx.Request] = []
    client = PoliteClient(
        settings(),
        transport=httpx.MockTransport(lambda request: sent.append(request) or httpx.Response(200)),
        resolve=lambda host, port: ["93.184.215.14", "10.1.2.3"],
    )
    with client, pytest.raises(BlockedAddress, match=r"10\.1\.2\.3"):
        client.get("https://shop.example/")
    assert sent == []


def test_redirects_are_followed_to_public_addresses() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old":
            return httpx.Response(301, headers={"Location": "https://www.example.se/new"})
        return httpx.Response(200, content=b"here", headers={"Content-Type": "text/html"})

    client = PoliteClient(
        settings(),
        transport=httpx.MockTransport(answer),
        resolve=lambda host, port: ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"],
    )
    with client:
        document = client.get("https://example.se/old")
    assert (document.url, document.body) == ("https://www.example.se/new", b"here")


def test_redirect_loops_stop() -> None:
    loop = httpx.MockTransport(lambda request: httpx.Response(302, headers={"Location": "/loop"}))
    client = PoliteClient(settings(), transport=loop, allow_private_hosts=True)
    with client, pytest.raises(TooManyRedirects):
        client.get("https://example.se/loop")


@pytest.mark.parametrize(
    ("address", "public"),
    [
        ("93.184.215.14", True),
        ("2606:4700::1", True),
        ("127.0.0.1", False),
        ("10.0.0.1", False),
        ("172.16.5.4", False),
        ("192.168.1.1", False),
        ("169.254.169.254", False),
        ("100.64.0.1", False),  # carrier-grade NAT
        ("0.0.0.0", False),
        ("224.0.0.1", False),
        ("240.0.0.1", False),
        ("255.255.255.255", False),
        ("::1", False),
        ("::", False),
        ("fe80::1%eth0", False),
        ("fc00::1", False),
        ("ff02::1", False),
        ("::ffff:10.0.0.1", False),  # IPv4-mapped
        ("::ffff:93.184.215.14", True),
        ("2002:a00:1::", False),  # 6to4 around 10.0.0.1
        ("64:ff9b::a9fe:a9fe", False),  # NAT64 around 169.254.169.254
    ],
)
def test_public_addresses(address: str, public: bool) -> None:
    assert is_public_address(address) is public


# ---------------------------------------------------------------- text


def test_cp1252_page_keeps_its_swedish_letters(local_server: LocalServer) -> None:
    body = f"<html><body><p>{SWEDISH}</p></body></html>".encode("cp1252")
    local_server.route(
        "/declared", Reply(body=body, headers={"Content-Type": "text/html; charset=windows-1252"})
    )
    local_server.route("/undeclared", Reply(body=body, headers={"Content-Type": "text/html"}))
    with client_for() as client:
        for path in ("/declared", "/undeclared"):
            document = client.get(local_server.url(path))
            assert SWEDISH in decode_text(document.body, document.content_type)


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (SWEDISH.encode("cp1252"), "text/html; charset=ISO-8859-1"),  # read as cp1252
        (("€ – ” " + SWEDISH).encode("cp1252"), "text/html; charset=iso-8859-1"),
        (b'<meta charset="windows-1252">' + SWEDISH.encode("cp1252"), "text/html"),
        (
            b'<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'
            + SWEDISH.encode("cp1252"),
            "text/html",
        ),
        (SWEDISH.encode("utf-8"), "text/html; charset=utf-8"),
        (SWEDISH.encode("utf-8"), "text/html"),
        (b"\xef\xbb\xbf" + SWEDISH.encode("utf-8"), "text/html"),
        (b"\xef\xbb\xbf" + SWEDISH.encode("utf-8"), "text/html; charset=windows-1252"),
        (SWEDISH.encode("utf-8"), "text/html; charset=iso-8859-1"),  # mislabelled UTF-8
        (SWEDISH.encode("cp1252"), "text/html; charset=utf-8"),  # mislabelled cp1252
    ],
)
def test_decode_text(body: bytes, content_type: str) -> None:
    text = decode_text(body, content_type)
    assert SWEDISH in text
    assert not text.startswith("\ufeff")


@pytest.mark.parametrize(
    "text", ["BerÃ¤knad vÃ¤ntetid", "Ã…terbetalning", "pÃ¥", "Ã¶ppet", "Kundtjänst â€“ öppet"]
)
def test_mojibake_is_detected(text: str) -> None:
    assert looks_like_mojibake(text)


@pytest.mark.parametrize(
    "text", [SWEDISH, "PÅ\xa0PLATS", "NESTLÉ®", "ÅÄÖ…", "São Paulo", "Kundtjänst – öppet"]
)
def test_real_text_is_not_mojibake(text: str) -> None:
    assert not looks_like_mojibake(text)


def mangle(text: str, times: int) -> str:
    """UTF-8 read as cp1252, ``times`` over."""
    for _ in range(times):
        text = text.encode("utf-8").decode("cp1252")
    return text


@pytest.mark.parametrize("times", [1, 2, 3])
def test_mojibake_is_repaired(times: int) -> None:
    assert repair_mojibake(mangle(SWEDISH, times)) == SWEDISH
    # beside real text that is not mojibake (the whole cannot be re-read at once)
    assert repair_mojibake(f"→ {mangle(SWEDISH, times)} ÅÄÖ €") == f"→ {SWEDISH} ÅÄÖ €"


def test_decode_text_repairs_mojibake_stored_in_the_page() -> None:
    stored_wrongly = mangle(SWEDISH, 2).encode("utf-8")
    assert decode_text(stored_wrongly, "text/html; charset=utf-8") == SWEDISH


def test_mojibake_that_cannot_be_repaired_is_refused() -> None:
    with pytest.raises(TextDecodeError):
        decode_text(mangle("Beräknad väntetid", 6).encode("utf-8"), "text/plain; charset=utf-8")


def test_bytes_no_charset_can_read_are_refused() -> None:
    with pytest.raises(TextDecodeError):
        decode_text(b"ok \x81\x8d\xff", "text/plain")


def test_a_dash_and_a_euro_sign_survive_a_page_said_to_be_latin1() -> None:
    body = "Exempel – Resor € AB".encode("cp1252")
    assert decode_text(body, "text/html; charset=ISO-8859-1") == "Exempel – Resor € AB"
    assert decode_text(body, "text/html; charset=iso-8859-15") == "Exempel – Resor € AB"


def test_text_that_decodes_to_c1_controls_is_refused() -> None:
    # Windows-1252 once read as Latin-1 and saved as UTF-8: the dash is U+0096.
    body = "Exempel \x96 Resor AB".encode()
    with pytest.raises(TextDecodeError, match="C1 control"):
        decode_text(body, "text/plain; charset=utf-8")
    with pytest.raises(TextDecodeError):  # and as cp1252 it is mojibake
        open_text(body)
    with pytest.raises(TextDecodeError, match="C1 control"):
        decode_as(body, "utf-8")


@pytest.mark.parametrize(
    "body",
    [
        SWEDISH.encode("cp1252"),
        SWEDISH.encode("utf-8"),
        b"\xef\xbb\xbf" + SWEDISH.encode("utf-8"),
        ("€ – " + SWEDISH).encode("cp1252"),
    ],
)
def test_a_stream_reads_as_the_whole_body_does(body: bytes) -> None:
    stream = open_text(body)
    assert stream.read() == decode_text(body)
    stream.seek(0)
    assert stream.read() == decode_text(body)  # read again from the start (no BOM)


def test_a_line_in_its_stated_charset_is_read_strictly() -> None:
    assert decode_as("Låtsas – AB".encode("cp1252"), "latin-1") == "Låtsas – AB"
    with pytest.raises(TextDecodeError):
        decode_as(b"P\x81hittade", "latin-1")
    with pytest.raises(TextDecodeError, match="mojibake"):
        decode_as("Påhittade".encode(), "latin-1")


# ---------------------------------------------------------------- the checked address


class FakeNetwork(httpcore.NetworkBackend):
    """The network edge. It records where the client asks to connect; ``public`` stands
    in for a public host (served by the local server) and any other address is out of
    reach. Asked for a host *name*, it answers as a rebinding DNS server would the
    second time: with the private address, where the local server also listens."""

    def __init__(self, port: int, public: str | None = None, tls: list[object] | None = None):
        self.port = port
        self.public = public
        self.tls = tls
        self.asked: list[str] = []
        self.real = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Any = None,
    ) -> httpcore.NetworkStream:
        self.asked.append(host)
        if self.tls is not None:
            return RecordingTls(self.tls)
        if host == self.public or not host[0].isdigit():
            return self.real.connect_tcp("127.0.0.1", self.port, timeout)
        raise httpcore.ConnectError(f"{host} is out of reach in tests")


class RecordingTls(httpcore.NetworkStream):
    """A connection whose TLS handshake records what it was asked to verify, then fails."""

    def __init__(self, seen: list[object]) -> None:
        self.seen = seen

    def start_tls(
        self, ssl_context: Any, server_hostname: str | None = None, timeout: float | None = None
    ) -> httpcore.NetworkStream:
        self.seen += [server_hostname, ssl_context.check_hostname, ssl_context.verify_mode]
        raise httpcore.ConnectError("no TLS in tests")

    def close(self) -> None:
        pass


def test_a_second_dns_answer_cannot_lead_the_client_to_a_private_address(
    local_server: LocalServer,
) -> None:
    """DNS rebinding: public for the check, private for the connection."""
    local_server.route("/secret", Reply(body=b"internal"))
    network = FakeNetwork(local_server.port)  # 93.184.215.14 itself is out of reach
    client = PoliteClient(
        settings(max_retries=0), resolve=lambda host, port: ["93.184.215.14"], network=network
    )
    with client, pytest.raises(NetworkError):
        client.get(f"http://intranet.example:{local_server.port}/secret")
    assert network.asked == ["93.184.215.14"]
    assert local_server.seen == []


def test_the_connection_goes_to_the_checked_address_with_the_host_name_kept(
    local_server: LocalServer,
) -> None:
    local_server.route("/robots.txt", Reply(404))
    local_server.route("/page", Reply(body=b"ok"))
    network = FakeNetwork(local_server.port, public="93.184.215.14")
    client = PoliteClient(settings(), resolve=lambda host, port: ["93.184.215.14"], network=network)
    with client:
        document = client.get(f"http://shop.example:{local_server.port}/page")
    assert document.body == b"ok"
    assert set(network.asked) == {"93.184.215.14"}
    assert {seen.headers["host"] for seen in local_server.seen} == {
        f"shop.example:{local_server.port}"
    }


def test_tls_verifies_the_host_name_while_connecting_to_the_checked_address() -> None:
    seen: list[object] = []
    network = FakeNetwork(0, tls=seen)
    client = PoliteClient(
        settings(max_retries=0), resolve=lambda host, port: ["93.184.215.14"], network=network
    )
    with client, pytest.raises(NetworkError):
        client.get("https://shop.example/")
    assert network.asked == ["93.184.215.14"]
    assert seen == ["shop.example", True, ssl.CERT_REQUIRED]


def test_a_host_that_was_never_checked_is_not_connected_to() -> None:
    network = FakeNetwork(0)
    backend = PinnedBackend(AddressBook(), network)
    with pytest.raises(httpcore.ConnectError, match="not checked"):
        backend.connect_tcp("shop.example", 443)
    assert network.asked == []


def test_the_next_checked_address_is_tried_when_one_does_not_answer(
    local_server: LocalServer,
) -> None:
    book = AddressBook()
    book.pin("shop.example", 80, ["93.184.215.14", "93.184.215.15"])
    network = FakeNetwork(local_server.port, public="93.184.215.15")
    PinnedBackend(book, network).connect_tcp("shop.example", 80).close()
    assert network.asked == ["93.184.215.14", "93.184.215.15"]
