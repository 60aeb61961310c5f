"""The address a request came from, for the per-address login throttle.

``X-Forwarded-For`` is believed only when the connection comes from a configured proxy
(``PADAN_TRUSTED_PROXIES``; default none): anyone else could write any address into it and
so leave the per-address counter. ``padan serve`` turns uvicorn's own proxy-header handling
off (it trusts loopback by default), so this is the one place that reads the header.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from starlette.requests import Request

from padan.errors import InputError

__all__ = ["Networks", "client_address", "trusted_networks"]

Networks = tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]


def trusted_networks(proxies: str | Iterable[str]) -> Networks:
    """Parse proxy addresses or networks (``"10.0.0.2, 10.1.0.0/16"`` or a list of them).

    Raises :class:`InputError` naming an entry that is not an IP address or network.
    """
    items = proxies.split(",") if isinstance(proxies, str) else list(proxies)
    networks = []
    for item in (i.strip() for i in items):
        if not item:
            continue
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError as exc:
            raise InputError(
                f"PADAN_TRUSTED_PROXIES: {item!r} is not an IP address or network; "
                "give addresses or CIDR networks separated by commas (e.g. 10.0.0.2,10.1.0.0/16)"
            ) from exc
    return tuple(networks)


def _is_trusted(address: str, networks: Networks) -> bool:
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_address(request: Request) -> str:
    """The peer's address, or, when the peer is a trusted proxy, the nearest address in
    ``X-Forwarded-For`` that is not itself a trusted proxy (read from the right: every hop
    appends the address it saw, and only the hops we trust vouch for what is left of them)."""
    networks: Networks = getattr(request.app.state, "trusted_proxies", ())
    peer = request.client.host if request.client else "unknown"
    if not networks or not _is_trusted(peer, networks):
        return peer
    hops = [h.strip() for h in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    address = peer
    for hop in reversed([h for h in hops if h]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            break  # not an address: keep the last hop a trusted proxy vouched for
        address = hop
        if not _is_trusted(hop, networks):
            break
    return address
