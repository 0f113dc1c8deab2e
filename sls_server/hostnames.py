"""Host names as a ``Host`` header gives them, and which of them no other site's DNS can decide.

Pure (no Flask): the HTTP layer's guard against DNS rebinding (``http.hosts``) judges each request with
it, and ``sls serve`` reads its ``--host`` with it in the master process, before gunicorn forks, where
importing the HTTP layer would load prometheus-client before ``PROMETHEUS_MULTIPROC_DIR`` is set (and
every worker would count in memory: ``tests/unit/test_metrics_mode.py``).
"""

from __future__ import annotations

import ipaddress
import re
import socket

from .config_values import HOST_NAME

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
