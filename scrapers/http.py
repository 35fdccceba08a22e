"""The one polite HTTP client: every request a scraper makes goes through here.

``PoliteClient.get(url)`` gives a ``scrapers.base.Document`` and, on the way,
names us in the User-Agent, obeys robots.txt (and its Crawl-delay), sends one
request at a time per host with a pause between them, retries 429 and 5xx with
backoff (honouring Retry-After), keeps to a deadline and a size cap, and follows
redirects only to public addresses. It connects to the very addresses it checked
(``scrapers.pinned``), so a second DNS answer cannot lead it elsewhere.
``decode_text`` (from ``scrapers.charset``, re-exported here) turns a body into
text that is safe to store.

Nothing else in the project sets a User-Agent, a timeout, a retry or a delay.
"""

from __future__ import annotations

import email.utils
import math
import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType

import httpcore
import httpx
from protego import Protego

from scrapers.base import Document
from scrapers.charset import (
    TextDecodeError,
    declared_charset,
    decode_text,
    looks_like_mojibake,
    repair_mojibake,
)
from scrapers.pinned import (
    AddressBook,
    PinnedBackend,
    PinnedTransport,
    is_public_address,
    resolve_host,
)
from scrapers.settings import ScraperSettings

__all__ = [
    "AGENT_NAME",
    "BlockedAddress",
    "DeadlineExceeded",
    "FetchError",
    "HTTPStatusError",
    "NetworkError",
    "PoliteClient",
    "RobotsDisallowed",
    "TextDecodeError",
    "TooLarge",
    "TooManyRedirects",
    "declared_charset",
    "decode_text",
    "is_public_address",
    "looks_like_mojibake",
    "parse_retry_after",
    "repair_mojibake",
    "resolve_host",
]

AGENT_NAME = "ShamelistBot"  # the name robots.txt rules address us by
MAX_REDIRECTS = 5
ROBOTS_MAX_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_DISALLOW_ALL = "User-agent: *\nDisallow: /\n"
_DEADLINE_SLACK = 0.1  # seconds

Resolver = Callable[[str, int], list[str]]


class FetchError(Exception):
    """A URL could not be fetched; ``url`` names the one that failed."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url


class RobotsDisallowed(FetchError):
    """robots.txt forbids the URL for us; it was not requested."""


class BlockedAddress(FetchError):
    """The host resolves to a loopback, private or otherwise non-public address."""


class HTTPStatusError(FetchError):
    """The final answer was a 4xx or 5xx (after any retries)."""

    def __init__(self, url: str, status: int) -> None:
        super().__init__(url, f"HTTP {status}")
        self.status = status


class DeadlineExceeded(FetchError):
    """The whole ``get`` (retries, redirects, body) took longer than allowed."""


class TooLarge(FetchError):
    """The body is larger than the cap; the rest was never read."""


class TooManyRedirects(FetchError):
    pass


class NetworkError(FetchError):
    """Connecting or reading failed, and kept failing through the retries."""


# ---------------------------------------------------------------- retries


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After header: delay-seconds or an HTTP date."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


def _is_retryable(status: int) -> bool:
    return status == 429 or status >= 500


# ---------------------------------------------------------------- the client


@dataclass
class _Host:
    """Per host: one request at a time, ``delay`` after the last one ended, and not
    before ``not_before`` (a Retry-After or backoff); times are the client's clock."""

    delay: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    last_at: float = -math.inf
    not_before: float = -math.inf
    robots_lock: threading.Lock = field(default_factory=threading.Lock)
    robots: dict[str, Protego] = field(default_factory=dict)  # origin -> rules


class _Budget:
    """The deadline of one ``get`` (robots.txt has its own); it starts with the first
    request, so queueing for the host before it (its delay, a Crawl-delay) is not counted."""

    def __init__(self, clock: Callable[[], float], seconds: float) -> None:
        self._clock = clock
        self._seconds = seconds
        self.expires_at = math.inf

    def start(self) -> None:
        if self.expires_at == math.inf:
            self.expires_at = self._clock() + self._seconds

    def remaining(self, url: str) -> float:
        left = self.expires_at - self._clock()
        if left <= 0:
            raise DeadlineExceeded(url, f"deadline of {self._seconds:g} s exceeded")
        return left

    def timed_out(self, url: str) -> None:
        """After a timeout: raise DeadlineExceeded when it was the deadline's (the
        timeouts are cut to what is left, so a timer may fire a hair before it)."""
        if self.expires_at - self._clock() < _DEADLINE_SLACK:
            raise DeadlineExceeded(url, f"deadline of {self._seconds:g} s exceeded")


@dataclass(frozen=True)
class _Fetched:
    url: str
    status: int
    headers: httpx.Headers
    body: bytes = b""
    location: httpx.URL | None = None


class PoliteClient:
    """Implements ``scrapers.base.Fetcher``. Use it as a context manager, or close it.

    ``allow_private_hosts`` (tests only) skips the public-address check entirely;
    ``allowed_private`` exempts explicit ``host:port`` pairs (``[v6]:port`` for IPv6)
    so that a test's local server can be the first hop while redirects are still judged.
    ``network`` is where connections are opened (tests fake it); ``transport``, when
    given, replaces the whole connection layer (tests with ``httpx.MockTransport``).
    """

    def __init__(
        self,
        settings: ScraperSettings | None = None,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        resolve: Resolver = resolve_host,
        rng: random.Random | None = None,
        allow_private_hosts: bool = False,
        allowed_private: frozenset[str] = frozenset(),
        network: httpcore.NetworkBackend | None = None,
    ) -> None:
        self.settings = settings or ScraperSettings()
        self.user_agent = f"{AGENT_NAME}/1.0 (+{self.settings.contact_url})"
        self._sleep, self._clock, self._resolve = sleep, clock, resolve
        self._rng = rng or random.Random()  # noqa: S311 (jitter, not secrets)
        self._allow_private_hosts = allow_private_hosts
        self._allowed_private = allowed_private
        self._hosts: dict[str, _Host] = {}
        self._hosts_lock = threading.Lock()
        self._pins = AddressBook()
        if transport is None:
            backend = PinnedBackend(self._pins, network, allow_unpinned=allow_private_hosts)
            transport = PinnedTransport(backend)
        # trust_env=False: a proxy from the environment would resolve hosts for us
        # and so get round the public-address check.
        self._http = httpx.Client(
            transport=transport,
            follow_redirects=False,
            trust_env=False,
            headers={"User-Agent": self.user_agent, "Accept-Language": "sv,en;q=0.5"},
        )

    def __enter__(self) -> PoliteClient:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def get(self, url: str) -> Document:
        budget = _Budget(self._clock, self.settings.deadline_seconds)
        fetched = self._follow(url, budget, self.settings.max_bytes, for_robots=False)
        if fetched.status >= 400:
            raise HTTPStatusError(fetched.url, fetched.status)
        content_type = fetched.headers.get("content-type", "application/octet-stream")
        return Document(
            url=fetched.url,
            body=fetched.body,
            content_type=content_type,
            status=fetched.status,
            fetched_at=datetime.now(UTC),
        )

    # -- redirects, robots and retries

    def _follow(self, url: str, budget: _Budget, cap: int, *, for_robots: bool) -> _Fetched:
        current = httpx.URL(url)
        for _hop in range(MAX_REDIRECTS + 1):
            if current.scheme not in ("http", "https"):
                raise FetchError(str(current), "only http and https URLs are fetched")
            self._check_address(current)
            if not for_robots:
                self._check_robots(current)
            fetched = self._with_retries(current, budget, cap, self.settings.max_retries)
            if fetched.location is None:
                return fetched
            current = fetched.location
        raise TooManyRedirects(url, f"more than {MAX_REDIRECTS} redirects")

    def _with_retries(self, url: httpx.URL, budget: _Budget, cap: int, retries: int) -> _Fetched:
        for attempt in range(retries + 1):
            try:
                fetched = self._attempt(url, budget, cap)
            except httpx.TransportError as exc:
                if attempt == retries or not self._back_off(url, budget, attempt, None):
                    raise NetworkError(str(url), f"{type(exc).__name__}: {exc}") from exc
                continue
            if not _is_retryable(fetched.status) or attempt == retries:
                return fetched
            wait = parse_retry_after(fetched.headers.get("retry-after"), datetime.now(UTC))
            if not self._back_off(url, budget, attempt, wait):
                return fetched  # waiting longer would pass the deadline: give the answer up
        raise AssertionError("unreachable")  # pragma: no cover

    def _back_off(self, url: httpx.URL, budget: _Budget, attempt: int, wait: float | None) -> bool:
        """Keep the host waiting before the next attempt; False when that passes the deadline.

        Every request to the host waits, not only ours, and also when we give up.
        """
        if wait is None:
            base = self.settings.backoff_seconds * 2**attempt
            wait = base + self._rng.uniform(0, base)
        resume_at = self._clock() + wait
        host = self._host(url)
        with host.lock:
            host.not_before = max(host.not_before, resume_at)
        return resume_at < budget.expires_at

    def _check_robots(self, url: httpx.URL) -> None:
        host = self._host(url)
        origin = f"{url.scheme}://{url.netloc.decode('ascii')}"
        with host.robots_lock:
            rules = host.robots.get(origin)
            if rules is None:
                rules = host.robots[origin] = self._fetch_robots(origin)
                crawl_delay = rules.crawl_delay(AGENT_NAME)
                if crawl_delay is not None:
                    host.delay = max(host.delay, float(crawl_delay))
        if not rules.can_fetch(str(url), AGENT_NAME):
            raise RobotsDisallowed(str(url), "disallowed by robots.txt")

    def _fetch_robots(self, origin: str) -> Protego:
        budget = _Budget(self._clock, self.settings.deadline_seconds)
        try:
            robots_url = f"{origin}/robots.txt"
            fetched = self._follow(robots_url, budget, ROBOTS_MAX_BYTES, for_robots=True)
        except TooLarge:
            return Protego.parse(_DISALLOW_ALL)  # cannot be read whole: assume the worst
        if _is_retryable(fetched.status):
            return Protego.parse(_DISALLOW_ALL)  # RFC 9309: unreachable means disallow all
        if fetched.status >= 400:
            return Protego.parse("")  # no robots.txt: everything is allowed
        return Protego.parse(fetched.body.decode("utf-8", errors="replace"))

    # -- one request

    def _host(self, url: httpx.URL) -> _Host:
        with self._hosts_lock:
            host = self._hosts.get(url.host)
            if host is None:
                host = self._hosts[url.host] = _Host(delay=self.settings.delay_seconds)
            return host

    def _check_address(self, url: httpx.URL) -> None:
        if self._allow_private_hosts:
            return
        port = url.port or (443 if url.scheme == "https" else 80)
        host = url.raw_host.decode("ascii")
        try:
            addresses = self._resolve(host, port)
        except OSError as exc:
            raise NetworkError(str(url), f"cannot resolve {host}: {exc}") from exc
        exempt = (f"[{host}]" if ":" in host else host) + f":{port}" in self._allowed_private
        refused = [address for address in addresses if not is_public_address(address)]
        if not exempt and (refused or not addresses):
            raise BlockedAddress(str(url), f"{host} resolves to {', '.join(refused) or 'nothing'}")
        self._pins.pin(host, port, addresses)  # the connection goes to these, and no other

    def _attempt(self, url: httpx.URL, budget: _Budget, cap: int) -> _Fetched:
        host = self._host(url)
        with host.lock:
            next_at = max(host.last_at + host.delay, host.not_before)
            if next_at >= budget.expires_at:
                raise DeadlineExceeded(str(url), "waiting for the host would pass the deadline")
            wait = next_at - self._clock()
            if wait > 0:
                self._sleep(wait)
            budget.start()
            try:
                return self._send(url, budget, cap)
            finally:
                host.last_at = self._clock()

    def _send(self, url: httpx.URL, budget: _Budget, cap: int) -> _Fetched:
        left = budget.remaining(str(url))
        settings = self.settings
        read = min(settings.read_timeout, left)
        timeout = httpx.Timeout(min(settings.connect_timeout, left), read=read, write=read)
        request = self._http.build_request("GET", url, timeout=timeout)
        try:
            response = self._http.send(request, stream=True)
        except httpx.TimeoutException:
            budget.timed_out(str(url))
            raise
        try:
            if response.status_code in REDIRECT_STATUSES and "location" in response.headers:
                location = url.join(response.headers["location"])
                return _Fetched(str(url), response.status_code, response.headers, location=location)
            if response.status_code >= 400:
                return _Fetched(str(url), response.status_code, response.headers)
            body = _read_capped(response, str(url), budget, cap)
            return _Fetched(str(url), response.status_code, response.headers, body)
        finally:
            response.close()


def _read_capped(response: httpx.Response, url: str, budget: _Budget, cap: int) -> bytes:
    """Read the (decoded) body, stopping at the cap or the deadline, whichever comes first."""
    declared = response.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise TooLarge(url, f"Content-Length {declared} is over the cap of {cap} bytes")
    chunks: list[bytes] = []
    size = 0
    try:
        for chunk in response.iter_bytes():
            size += len(chunk)
            if size > cap:
                raise TooLarge(url, f"body over the cap of {cap} bytes")
            budget.remaining(url)
            chunks.append(chunk)
    except httpx.TimeoutException:
        budget.timed_out(url)
        raise
    return b"".join(chunks)
