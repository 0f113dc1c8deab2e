"""Where a server listening on ``--host`` is reached: from this machine, and from the others on its network.

One answer for every command that prints a server's address (``sls serve``, ``sls demo`` and ``sls gateway``'s
banners, the server ``sls scenario demo`` starts of its own): a trainer binding every interface
(``--host 0.0.0.0``) for a class needs URLs a trainee's laptop can open, not ``127.0.0.1``, which on the
trainee's machine is the trainee's own. The address printed for the others is an IP literal (or, with no
route out, this machine's name when the Host guard, ``hostnames.admitted``, lets it in): a URL the server
answers.

No Flask (the standard library and the pure ``hostnames``): ``sls_scenarios`` (a client of the server) may
import it (``tests/unit/test_layout.py``), and ``sls serve``'s master reads it before gunicorn forks.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from .hostnames import admitted, host_name, own_names

#: Addresses that name no one interface: the server listens on every one, and this machine reaches it on the
#: loopback address of the family.
WILDCARDS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


def http_url(host: str, port: int) -> str:
    """``http://host:port``, an IPv6 address in brackets."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def local_url(host: str, port: int) -> str:
    """Where this machine reaches a server listening on ``host``: loopback for a wildcard, else ``host``."""
    return http_url(WILDCARDS.get(host, host), port)


#: Where a probe heads: documentation addresses (RFC 5737, RFC 3849), which no packet is sent to.
_PROBED = {socket.AF_INET: "203.0.113.1", socket.AF_INET6: "2001:db8::1"}


def _source(family: socket.AddressFamily) -> str | None:
    """The source address the routing table picks for a packet of ``family`` leaving this machine (a UDP
    socket is only connected, nothing is sent); None with no route out, or only to a loopback or link-local
    address, which no other machine reaches by a plain URL."""
    try:
        with socket.socket(family, socket.SOCK_DGRAM) as probe:
            probe.connect((_PROBED[family], 9))
            found = ipaddress.ip_address(str(probe.getsockname()[0]).partition("%")[0])
    except (OSError, ValueError):
        return None
    return None if found.is_loopback or found.is_link_local or found.is_unspecified else str(found)


def families(host: str) -> tuple[socket.AddressFamily, ...]:
    """The families a server bound to the wildcard ``host`` is reached in, the likelier first: IPv4, and
    for ``::`` (a dual-stack socket, IPv6 everywhere) IPv6 too; a machine on an IPv6-only network has no
    IPv4 route, and naming it by its IPv6 address beats naming it by a name its network may not know."""
    return (socket.AF_INET, socket.AF_INET6) if host == "::" else (socket.AF_INET,)


def named(name: str, host: str) -> str:
    """How to name this machine with no route out: ``name`` (its host name) when the Host guard lets it in
    (``hostnames.admitted`` with the names the server always answers to), else an IP literal, which the
    guard always admits: an address the name resolves to here, else the loopback of ``host``'s family. A
    name the guard refuses (``my_box``: no DNS name) printed as the class's URL would be a URL answered
    with 400."""
    if admitted(host_name(name), frozenset(own_names())):
        return name
    wanted = families(host)
    try:
        resolved = socket.getaddrinfo(name, None, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError):
        resolved = []
    for family in wanted:
        for got_family, *_, address in resolved:
            if got_family == family and not ipaddress.ip_address(str(address[0])).is_loopback:
                return str(address[0])
    return WILDCARDS.get(host, "127.0.0.1")


def outward_address(host: str = "0.0.0.0") -> str:
    """This machine's address on its network, as another machine there reaches a server bound to the
    wildcard ``host``: the source address the routing table picks for a packet leaving it, IPv4 first, IPv6
    for ``::`` when IPv4 gives none. With no route out, the machine's name, or an IP literal where the Host
    guard would refuse the name (:func:`named`)."""
    for family in families(host):
        address = _source(family)
        if address is not None:
            return address
    return named(socket.gethostname(), host)


def public_url(host: str, port: int) -> str:
    """Where the other machines reach a server listening on ``host``: this machine's address on its network
    for a wildcard (every interface), else ``host`` itself (one address or name, the same from anywhere)."""
    return http_url(outward_address(host), port) if host in WILDCARDS else local_url(host, port)


def url_problem(url: str) -> str | None:
    """What keeps ``url`` from being a server's address a client adds its paths to (``http://host:port``),
    in words; None when nothing does. One judgement for every client that is given one: the ``sls``
    commands' ``--url`` and ``--server`` (``cli.admin_commands.server_url``), and the pytest plugin's
    ``--sls-server``, which sent ``127.0.0.1:8000`` as it was and was told "No connection adapters"."""
    try:
        parts = urlsplit(url)
        _ = parts.port  # raises ValueError: not a number, or out of range
    except ValueError as exc:
        return str(exc)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return "it needs http:// or https:// and a host"
    if any(c.isspace() for c in url):
        return "it has a space in it"
    if parts.username is not None or parts.password is not None:
        return "a user or password in it is never sent (the admin token signs in): leave it out"
    if parts.query or parts.fragment or url.rstrip().endswith(("?", "#")):
        return "a query or fragment (?... or #...) has no place in it: each command adds its own path"
    if parts.path.strip("/"):  # no server here serves under a prefix: /admin/v1 would become /x/admin/v1
        return (
            f"the path {parts.path!r} has no place in it: each command adds its own (/admin/v1, /api/v1, "
            "/sim/v1) to the server's address"
        )
    return None
