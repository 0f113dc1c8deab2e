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

import ipaddress
import re
import socket
from collections.abc import Iterable
from functools import lru_cache

from flask import Flask, request

from ..config_values import HOST_NAME
from ..errors import InvalidRequest

#: Probes that answer any host: nothing to read in them, nothing to drive.
PROBES = frozenset({"/healthz", "/readyz"})
_PORT = re.compile(r"[0-9]{1,5}")


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text))
    except ValueError:
        return None


def host_name(header: str) -> str | None:
    """The name in a ``Host`` value, as ``SLS_ALLOWED_HOSTS`` writes it (lower case, no port, no brackets,
    no trailing dot, an address in its canonical form); ``None`` when it is no host at all (userinfo, a
    path, a bad port, an empty value)."""
    value = header.strip().lower()
    if value.startswith("["):  # [::1]:5000: an IPv6 address, the only kind a Host brackets
        inside, bracket, rest = value[1:].partition("]")
        name = _address(inside) if bracket and ":" in inside else None
    elif value.count(":") > 1:  # ::1 unbracketed, as some clients send it: an address or nothing
        return _address(value)
    else:
        inside, _, rest = value.partition(":")
        rest = f":{rest}" if ":" in value else ""
        name = inside.removesuffix(".")  # one: `localhost.` is localhost, `localhost..` nothing
        name = _address(name) or (name if HOST_NAME.fullmatch(name) and not name.endswith(".") else None)
    if rest and not (rest.startswith(":") and _PORT.fullmatch(rest[1:])):
        return None
    return name


def own_names() -> tuple[str, ...]:
    """This machine's name and its mDNS form: what another machine on its LAN calls it."""
    name = host_name(socket.gethostname())
    if name is None or _address(name):
        return ()
    return (name,) if "." in name else (name, f"{name}.local")


def admitted(name: str | None, names: frozenset[str]) -> bool:
    """Whether a request for ``name`` (from :func:`host_name`) may be answered."""
    if name is None:
        return False
    return _address(name) is not None or name == "localhost" or name.endswith(".localhost") or name in names


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
        if request.path in PROBES:
            return
        name, ok = judged(request.headers.get("Host", request.host))  # as sent: werkzeug's drops a :80
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
