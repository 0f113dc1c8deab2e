"""An answer only for a ``Host`` no other site can make this machine's: the guard against DNS rebinding.

A web page a trainer or developer opens can point its own name at 127.0.0.1 (or this machine's LAN address)
once loaded. It is then same-origin with itself while it talks to a local server: it passes the cross-site
guard (its ``Origin`` matches the ``Host`` it sends) and reads what needs no credential (``/sim/v1``: the
simulated phones' texts and codes; the gateway's REST routes) or drives what a cookie allows. What it cannot
change is the ``Host`` its browser sends: its own name. So before any view runs, a request is answered only
when that name is one nobody else's DNS decides:

- an IP address (``127.0.0.1``, ``192.168.1.10``, ``[::1]``): a literal is never looked up, so never rebound;
- ``localhost`` and any ``*.localhost`` (RFC 6761: browsers resolve them to loopback themselves, and no
  public DNS holds them);
- this machine's own name, as ``socket.gethostname()`` gives it, and its mDNS form ``<name>.local`` (what
  trainees on a LAN type; ``sls scenario demo`` hands it out when the machine has no outward address);
- every name in ``SLS_ALLOWED_HOSTS`` (its older name ``SLS_GATEWAY_HOSTS`` still read), and the name
  ``--host`` gives ``sls serve``, ``sls demo`` or ``sls gateway``.

Anything else, a malformed ``Host`` included, is ``400 invalid_request`` naming the field ``Host``, with the
setting that would admit the name. Only ``/healthz`` and ``/readyz`` answer any host: they tell nothing but
"up" and "ready", and a probe may name the service as it knows it (``http://sls:8000/readyz``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from flask import Flask

from ..errors import InvalidRequest
from ..hostnames import admitted, host_name, own_names
from .common import this_request

#: Probes that answer any host: nothing to read in them, nothing to drive.
PROBES = frozenset({"/healthz", "/readyz"})


def register(app: Flask, allowed: Iterable[str]) -> None:
    """The guard, as the first of the app's hooks: a request for another host goes no further."""
    configured = tuple(allowed)
    names = frozenset((*own_names(), *configured))
    setting = f"SLS_ALLOWED_HOSTS (now {','.join(configured)})" if configured else "SLS_ALLOWED_HOSTS"

    @lru_cache(maxsize=256)  # a server is asked for a handful of Hosts: judged once each, not per request
    def judged(header: str) -> tuple[str | None, bool]:
        name = host_name(header)
        return name, admitted(name, names)

    @app.before_request
    def refuse_other_hosts() -> None:
        current = this_request()  # bound once: the proxy looks the request up on every read
        if current.path in PROBES:
            return
        sent = current.headers.get("Host")  # as sent: werkzeug's ``host`` drops a :80
        name, ok = judged(current.host if sent is None else sent)
        if ok:
            return
        if name is None:
            raise InvalidRequest(
                "the Host header names no host (a name or an IP address, with an optional :port)",
                field="Host",
            )
        raise InvalidRequest(
            f"this server answers to IP addresses, localhost, this machine's name and the names in "
            f"{setting}, not to {name}: to reach it by this name, add {name} to SLS_ALLOWED_HOSTS (a web "
            "page whose own name was pointed at this machine is refused)",
            field="Host",
        )
