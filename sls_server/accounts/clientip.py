"""Who is the client? The socket peer, or what trusted reverse proxies say in ``X-Forwarded-For``.

Pure functions, no Flask, so the rule can be tested exhaustively on its own. The header is believed only
as far as trusted proxies vouch for it: walking from the right, each entry was appended by the hop to its
right, so the first address that is *not* one of our proxies is the client. Everything to the left of
it was written by the client itself and is ignored; a spoofed header from an untrusted peer is ignored
entirely. A malformed entry stops the walk at the last address we could trust, never an error: the
header is attacker-controlled input and must not be able to fail a request.

Addresses and networks are read by ``ipnets``, as the settings read ``SLS_TRUSTED_PROXIES``: IPv4-mapped
IPv6 as IPv4, so ``203.0.113.0/24`` matches either form.
"""

from __future__ import annotations

import functools
import ipaddress
from collections.abc import Sequence

from ..ipnets import IPAddress, IPNetwork, in_networks, parse_ip, parse_network

#: More trusted hops than this in one header is not a real proxy chain; stop rather than walk on.
MAX_HOPS = 64
#: The IPv6 prefix one client is counted by in per-address limits: a home line or a cloud host is handed a
#: whole /64 (often a /56 or /48), so address by address it could give every guess an address of its own.
CLIENT_V6_PREFIX = 64


@functools.lru_cache(maxsize=4096)
def client_block(ip: str) -> str:
    """What a per-address limit counts ``ip`` (normalised, as :func:`resolve_client_ip` gives it) under: an
    IPv4 address itself, an IPv6 address its /64 (``2001:db8:1:2::/64``). Text that is no address is counted
    as it is. Remembered, as :func:`resolve_client_ip`'s answers are, and for the same reason: a login asks
    twice, its client many times, and ``ipaddress`` parses in Python (a bounded number: a flood evicts)."""
    try:
        address = parse_ip(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, CLIENT_V6_PREFIX), strict=False))
    return str(address)


@functools.lru_cache(maxsize=64)
def _networks(cidrs: tuple[str, ...]) -> tuple[IPNetwork, ...]:
    return tuple(parse_network(cidr) for cidr in cidrs)


def _is_port(text: str) -> bool:
    """ASCII digits only: ``str.isdigit`` also takes superscripts and other scripts' digits, no port's."""
    return text.isascii() and text.isdigit()


def _forwarded_entry(text: str) -> IPAddress:
    """One X-Forwarded-For entry; tolerates the ``[v6]``, ``[v6]:port`` and ``v4:port`` forms some proxies
    write. ``ValueError`` for anything else."""
    entry = text.strip()
    if entry.startswith("["):
        host, bracket, rest = entry[1:].partition("]")
        if not bracket or (rest and not (rest.startswith(":") and _is_port(rest[1:]))):
            raise ValueError(f"not an address: {text!r}")
        return parse_ip(host)
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        if not _is_port(port):
            raise ValueError(f"not an address: {text!r}")
        entry = host
    return parse_ip(entry)


def resolve_client_ip(
    remote_addr: str | None, forwarded_for: str | None, trusted_proxies: Sequence[str]
) -> str | None:
    """The client's address, normalised; ``None`` when the socket has no IP address (a Unix socket).

    ``trusted_proxies`` are CIDRs (``Settings.trusted_proxies``). Unless the socket peer is inside one,
    ``forwarded_for`` is not even looked at.

    A request asks several times (its checks, its events, its log line) and a client sends many requests
    from one address: parsing addresses with ``ipaddress`` was 3 % of a worker's time under load, so the
    answers of this pure function are remembered, a bounded number of them (a flood of forged headers
    only evicts, it cannot grow the cache).
    """
    return _resolve(remote_addr, forwarded_for, tuple(trusted_proxies))


@functools.lru_cache(maxsize=4096)
def _resolve(
    remote_addr: str | None, forwarded_for: str | None, trusted_proxies: tuple[str, ...]
) -> str | None:
    if not remote_addr:
        return None
    try:
        current = parse_ip(remote_addr)
    except ValueError:
        return None
    trusted = _networks(tuple(trusted_proxies))
    if not forwarded_for or not in_networks(current, trusted):
        return str(current)
    for hop, entry in enumerate(reversed(forwarded_for.split(","))):
        if hop >= MAX_HOPS:
            break
        try:
            address = _forwarded_entry(entry)
        except ValueError:
            break  # the last good address is the best we know; the header must not fail the request
        current = address
        if not in_networks(address, trusted):
            break
    return str(current)
