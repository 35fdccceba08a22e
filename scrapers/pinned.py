"""Which addresses are public, and connections made to the address that was checked.

``scrapers.http`` resolves a host and checks that every address is public before a
request. If the connection then resolved the name again, a DNS server could answer
a public address to the check and a private one to the connection (DNS rebinding).
So the check pins the addresses it approved, and the connection goes to one of
them: the request keeps its host name, so the Host header, the TLS SNI and the
certificate check are all for the name, while the socket goes to the pinned IP.

httpx has no public hook for this; httpcore's connection pool takes a network
backend, so ``PinnedTransport`` is httpx's own transport with its pool rebuilt on a
backend that knows the pins (written here, as no library offers it for httpx).
"""

from __future__ import annotations

import ipaddress
import socket
import threading
import typing

import httpcore
import httpx

SocketOption = typing.Any  # httpcore's SOCKET_OPTION, not exported


def resolve_host(host: str, port: int) -> list[str]:
    """Every address the host resolves to, IPv4 and IPv6."""
    return [str(info[4][0]) for info in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)]


_NAT64 = ipaddress.ip_network("64:ff9b::/96")


def is_public_address(address: str) -> bool:
    """True only for globally routable unicast addresses (IPv4 embedded in IPv6 judged as IPv4)."""
    ip = ipaddress.ip_address(address.split("%", 1)[0])  # drop an IPv6 zone id
    if isinstance(ip, ipaddress.IPv6Address):
        embedded = ip.ipv4_mapped or ip.sixtofour
        if embedded is None and ip in _NAT64:
            embedded = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
        if embedded is not None:
            return is_public_address(str(embedded))
    # is_global alone lets some multicast ranges through on Python 3.11.
    return ip.is_global and not (ip.is_multicast or ip.is_reserved or ip.is_private)


class AddressBook:
    """(host, port) -> the addresses the public-address check approved, latest check wins."""

    def __init__(self) -> None:
        self._pins: dict[tuple[str, int], tuple[str, ...]] = {}
        self._lock = threading.Lock()

    def pin(self, host: str, port: int, addresses: typing.Iterable[str]) -> None:
        with self._lock:
            self._pins[(host.lower(), port)] = tuple(addresses)

    def addresses(self, host: str, port: int) -> tuple[str, ...] | None:
        with self._lock:
            return self._pins.get((host.lower(), port))


class PinnedBackend(httpcore.NetworkBackend):
    """Connects to a pinned address of the host; a host never checked is not connected to.

    ``allow_unpinned`` (tests whose client skips the check altogether) lets such a
    host through to ``inner`` as it is.
    """

    def __init__(
        self,
        book: AddressBook,
        inner: httpcore.NetworkBackend | None = None,
        *,
        allow_unpinned: bool = False,
    ) -> None:
        self.book = book
        self.inner = inner or httpcore.SyncBackend()
        self.allow_unpinned = allow_unpinned

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: typing.Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        addresses = self.book.addresses(host, port)
        if addresses is None:
            if self.allow_unpinned:
                return self.inner.connect_tcp(host, port, timeout, local_address, socket_options)
            raise httpcore.ConnectError(f"{host}:{port} was not checked: no connection made")
        failure: Exception = httpcore.ConnectError(f"{host} has no checked address")
        for address in addresses:
            try:
                return self.inner.connect_tcp(
                    address.split("%", 1)[0], port, timeout, local_address, socket_options
                )
            except (httpcore.ConnectError, httpcore.ConnectTimeout) as error:
                failure = error  # try the next checked address, as a resolver's order allows
        raise failure

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: typing.Iterable[SocketOption] | None = None,
    ) -> httpcore.NetworkStream:
        raise httpcore.ConnectError("only TCP connections to checked addresses are made")

    def sleep(self, seconds: float) -> None:
        self.inner.sleep(seconds)


class PinnedTransport(httpx.HTTPTransport):
    """httpx's transport (certificates verified, HTTP/1.1), connecting through the pins."""

    def __init__(self, backend: PinnedBackend) -> None:
        super().__init__()
        limits = httpx.Limits()
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(trust_env=False),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=backend,
        )
