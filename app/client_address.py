"""The client address of a request, under the trusted-proxy rule (contract v2).

``X-Forwarded-For`` is believed only when the request comes straight from a proxy
named in ``SHAMELIST_TRUSTED_PROXIES`` (addresses or CIDR networks, comma-separated).
Each proxy appends the address it was reached from, so the list is read from the
right, skipping our own proxies: the first address that is not one of them is the
client. Whatever a client wrote itself stands to the left of that and is never read,
so a forged header changes nothing. A request from any other peer is that peer.

Written here rather than taken from uvicorn's ``ProxyHeadersMiddleware``: that one
rewrites the request's client and scheme for the whole application and keeps its
trust rules in a private class, while the rate limits and the access log only need
the address, and must agree on it.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
# A peer without an address (a test client, a Unix socket) is named so in logs and limits.
UNKNOWN = "unknown"


@dataclass(frozen=True)
class TrustedProxies:
    networks: tuple[IPNetwork, ...] = ()

    def trusts(self, address: IPAddress) -> bool:
        plain = _unmapped(address)
        return any(plain in network for network in self.networks)


@lru_cache(maxsize=16)
def parse_trusted_proxies(text: str) -> TrustedProxies:
    """``10.0.0.1, 192.168.0.0/16, ::1``: ValueError names the first entry that is neither
    an address nor a network."""
    networks = []
    for entry in (part.strip() for part in text.split(",")):
        if not entry:
            continue
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise ValueError(f"{entry!r} is neither an IP address nor a CIDR network") from None
    return TrustedProxies(tuple(networks))


def client_address(scope: Mapping[str, Any], trusted: TrustedProxies) -> str:
    """The client's address for an ASGI request scope (a Starlette ``request.scope``)."""
    peer = scope.get("client")
    peer_text = str(peer[0]) if peer and peer[0] else UNKNOWN
    peer_address = _address(peer_text)
    if peer_address is None:
        return peer_text
    if not trusted.trusts(peer_address):
        return str(_unmapped(peer_address))
    hops = _forwarded_for(scope.get("headers", []))
    return _rightmost_untrusted(hops, trusted) or str(_unmapped(peer_address))


def _forwarded_for(headers: Iterable[tuple[bytes, bytes]]) -> list[str]:
    """Every address of every ``X-Forwarded-For`` header, in the order they were added."""
    values = [
        bytes(value).decode("latin-1") for name, value in headers if name == b"x-forwarded-for"
    ]
    return [hop.strip() for hop in ",".join(values).split(",") if hop.strip()]


def _rightmost_untrusted(hops: list[str], trusted: TrustedProxies) -> str | None:
    """The first hop from the right that is not our proxy. A hop that is no address at
    all ends the walk: nothing to its left can be vouched for, so the last proxy that
    wrote it is taken as the client (None: the caller's peer)."""
    client = None
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            return client
        client = str(_unmapped(address))
        if not trusted.trusts(address):
            return client
    return client


def _address(text: str) -> IPAddress | None:
    """An address as proxies write it: bare, ``1.2.3.4:port`` or ``[v6]:port``."""
    if text.startswith("["):
        text = text[1 : text.find("]")] if "]" in text else text
    elif text.count(":") == 1:
        text = text.split(":")[0]
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def _unmapped(address: IPAddress) -> IPAddress:
    """``::ffff:192.0.2.1`` (IPv4 on a dual-stack socket) is ``192.0.2.1``."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def rate_key(address: str) -> str:
    """The address a rate limit counts: IPv4 as it is, IPv6 by its /64, the block one
    household or server is given, so that a client cannot walk its own block."""
    parsed = _address(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return address
