"""Where a server listening on ``--host`` is reached: from this machine, and from the others on its network.

One answer for every command that prints a server's address (``sls serve``, ``sls demo`` and ``sls gateway``'s
banners, the server ``sls scenario demo`` starts of its own): a trainer binding every interface
(``--host 0.0.0.0``) for a class needs URLs a trainee's laptop can open, not ``127.0.0.1``, which on the
trainee's machine is the trainee's own. The address printed for the others is an IP literal (or, with no
route out, this machine's name), both of which the Host guard (``hostnames.admitted``) lets in.

Standard library only, no Flask: ``sls_scenarios`` (a client of the server) may import it
(``tests/unit/test_layout.py``), and ``sls serve``'s master reads it before gunicorn forks.
"""

from __future__ import annotations

import socket

#: Addresses that name no one interface: the server listens on every one, and this machine reaches it on the
#: loopback address of the family.
WILDCARDS = {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}


def http_url(host: str, port: int) -> str:
    """``http://host:port``, an IPv6 address in brackets."""
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


def local_url(host: str, port: int) -> str:
    """Where this machine reaches a server listening on ``host``: loopback for a wildcard, else ``host``."""
    return http_url(WILDCARDS.get(host, host), port)


def outward_address() -> str:
    """This machine's address on its network, as another machine there reaches it: the source address the
    routing table picks for a packet leaving it (a UDP socket is only connected, nothing is sent; the address
    is a documentation one, RFC 5737). With no route out, the machine's name, which its network may know."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("203.0.113.1", 9))
            address = str(probe.getsockname()[0])
        except OSError:
            address = ""
    return address if address and not address.startswith("127.") else socket.gethostname()


def public_url(host: str, port: int) -> str:
    """Where the other machines reach a server listening on ``host``: this machine's address on its network
    for a wildcard (every interface), else ``host`` itself (one address or name, the same from anywhere)."""
    return http_url(outward_address(), port) if host in WILDCARDS else local_url(host, port)
