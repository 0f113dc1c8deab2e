"""What every view needs: the core, the clock read once per request, the client's address and credentials."""

from __future__ import annotations

import hmac
from typing import TypeVar

from flask import current_app, g, request

from ..accounts.clientip import resolve_client_ip
from ..wiring import Core

SESSION_COOKIE = "sls_session"
SECURE_SESSION_COOKIE = "__Host-sls_session"

_T = TypeVar("_T")


def extension(name: str, kind: type[_T]) -> _T:
    """What the app factory keeps in ``app.extensions[name]``, checked to be a ``kind``.

    Flask types the mapping ``dict[str, Any]``; the check is what gives callers a real type (so mypy sees
    through ``core().logins``) and turns a wrong wiring into a clear error rather than an odd attribute one.
    """
    found = current_app.extensions[name]
    if not isinstance(found, kind):
        raise TypeError(f"app.extensions[{name!r}] holds a {type(found).__name__}, not a {kind.__name__}")
    return found


def core() -> Core:
    return extension("sls", Core)


def now() -> int:
    """The app clock, read once per request so every decision in it agrees on the instant."""
    if "sls_now" not in g:
        g.sls_now = core().clock.now()
    return int(g.sls_now)


def client_ip() -> str | None:
    """The socket peer, or the right-most untrusted X-Forwarded-For hop behind ``SLS_TRUSTED_PROXIES``."""
    return resolve_client_ip(
        request.remote_addr, request.headers.get("X-Forwarded-For"), core().settings.trusted_proxies
    )


def bearer_token() -> str | None:
    """The credentials of ``Authorization: Bearer <token>`` (scheme case-insensitive, RFC 9110), if any."""
    scheme, _, credentials = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and credentials.strip():
        return credentials.strip()
    return None


def bearer_matches(expected: str | None) -> bool:
    """Whether the bearer token is ``expected``; never when nothing is expected.

    Compared in constant time (``hmac.compare_digest``), so the answer's timing says nothing about how
    much of a guess was right.
    """
    given = bearer_token()
    if given is None or not expected:
        return False
    return hmac.compare_digest(given.encode(), expected.encode())


def session_cookie() -> str | None:
    return request.cookies.get(SECURE_SESSION_COOKIE) or request.cookies.get(SESSION_COOKIE)


def session_token() -> str | None:
    """The bearer token if the request has one (it wins over a cookie), else the session cookie."""
    return bearer_token() or session_cookie()
