"""How an IP address and an IP network are read, the one reading for every place that takes them: the
settings (``SLS_TRUSTED_PROXIES``), the client-address rule, allowlists, a state document's ranges.

Here, beneath ``config`` and ``accounts`` alike and pure (the standard library only), so the settings refuse
at start-up exactly what a request would: two readings once let ``fe80::1%eth0`` through the settings and then
failed every request that asked for the client's address.

IPv4-mapped IPv6 (``::ffff:203.0.113.5``, what a dual-stack socket reports for an IPv4 peer) is read as IPv4,
for addresses and networks alike, so ``203.0.113.0/24`` matches either form.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")


def parse_ip(text: str) -> IPAddress:
    """The address in ``text``, IPv4-mapped IPv6 as IPv4, without a zone (``fe80::1%eth0`` is ``fe80::1``:
    the zone names an interface of the host that saw it, nothing the client is); ``ValueError`` if none."""
    address = ipaddress.ip_address(text.strip())
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
        if address.scope_id is not None:
            return ipaddress.IPv6Address(int(address))
    return address


def normalise_ip(text: str) -> str:
    """The canonical text of an address (``2001:DB8::01`` -> ``2001:db8::1``); ``ValueError`` if none."""
    return str(parse_ip(text))


def parse_network(text: str) -> IPNetwork:
    """A network from an address or CIDR, host bits cleared; an IPv4-mapped IPv6 range becomes IPv4.

    ``ValueError`` for anything else (a prefix too long, a word, a netmask that is not one, a zone: a range
    of one interface's link-local addresses is no range a peer's address could be tested against).
    """
    if "%" in text:
        raise ValueError(f"a zone is not part of a network: {text!r}")
    network = ipaddress.ip_network(text.strip(), strict=False)
    if isinstance(network, ipaddress.IPv6Network) and network.prefixlen >= 96 and network.subnet_of(_MAPPED):
        mapped = network.network_address.ipv4_mapped
        assert mapped is not None  # inside ::ffff:0:0/96, so it is mapped
        return ipaddress.IPv4Network((mapped, network.prefixlen - 96))
    return network


def network_text(network: IPNetwork) -> str:
    """A single host as its bare address (``203.0.113.5``), anything wider in CIDR form."""
    if network.prefixlen == network.max_prefixlen:
        return str(network.network_address)
    return str(network)


def in_networks(address: IPAddress, networks: Sequence[IPNetwork]) -> bool:
    return any(address in network for network in networks)
