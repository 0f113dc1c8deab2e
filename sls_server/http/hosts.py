"""In gateway mode, an answer only to the host names the gateway is known by.

The gateway's REST routes need no credential: the session they report on or end is the gateway's own, as at
the real gateway, and only the browser's origin guards them (``crosssite``). A web page can defeat that by DNS
rebinding: its own name made to resolve to 127.0.0.1, it is same-origin with itself while talking to the
gateway, and its ``Origin`` matches the ``Host`` it sends. What it cannot change is that ``Host``: its own
name. So a request naming any host but the loopback names and ``SLS_GATEWAY_HOSTS`` is refused (400) before
a view runs.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask import Flask, request

from ..errors import InvalidRequest

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def host_name(header: str) -> str:
    """The name in a ``Host`` value, as ``SLS_GATEWAY_HOSTS`` writes it: lower-case, no port, no brackets."""
    value = header.strip().lower()
    if value.startswith("["):  # [::1]:5000
        return value[1 : value.find("]")] if "]" in value else value
    return value.rsplit(":", 1)[0] if value.count(":") == 1 else value


def register(app: Flask, allowed: Iterable[str]) -> None:
    trusted = frozenset((*LOOPBACK, *allowed))
    shown = ", ".join(sorted(trusted))

    @app.before_request
    def refuse_other_hosts() -> None:
        if host_name(request.host) not in trusted:
            raise InvalidRequest(
                f"this gateway answers to {shown} (add a name with SLS_GATEWAY_HOSTS), not to the host this "
                "request names: a page whose own name was pointed at this machine is refused",
                field="Host",
            )
