"""What every view needs: the core, the clock read once per request, the JSON body checked field by field."""

from __future__ import annotations

import hmac
from typing import Any

from flask import current_app, g, request

from ..accounts.clientip import resolve_client_ip
from ..errors import InvalidRequest
from ..wiring import Core
from .json_provider import MAX_JSON_DEPTH, nesting_exceeds

SESSION_COOKIE = "sls_session"
SECURE_SESSION_COOKIE = "__Host-sls_session"


def core() -> Core:
    return current_app.extensions["sls"]  # type: ignore[no-any-return]


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


def json_body(*, optional: bool = False) -> dict[str, Any]:
    """The request's JSON object, or a 400 naming ``body``: bad JSON, too deep, another type, no JSON at all.

    The nesting is checked here too (the app's JSON provider refuses it as well) only so the 400 can say
    why; ``get_json(silent=True)`` would turn it into a plain "not valid JSON".
    """
    raw = request.get_data(cache=True)
    if not raw:
        if optional:
            return {}
        raise InvalidRequest("a JSON object body is required", field="body")
    if not request.is_json:
        raise InvalidRequest("the body must be JSON, sent with Content-Type: application/json", field="body")
    if nesting_exceeds(raw):
        raise InvalidRequest(f"the body nests deeper than {MAX_JSON_DEPTH} levels", field="body")
    data = request.get_json(silent=True)
    if data is None:
        raise InvalidRequest("the body is not valid JSON", field="body")
    if not isinstance(data, dict):
        raise InvalidRequest("the body must be a JSON object", field="body")
    return data


def string(body: dict[str, Any], name: str, *, max_len: int = 256, required: bool = True) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidRequest(f"{name} is required", field=name)
        return None
    if not isinstance(value, str):
        raise InvalidRequest(f"{name} must be a string", field=name)
    if len(value) > max_len:
        raise InvalidRequest(f"{name} must be at most {max_len} characters", field=name)
    if required and not value:
        raise InvalidRequest(f"{name} must not be empty", field=name)
    return value


def integer(body: dict[str, Any], name: str, *, lo: int, hi: int, required: bool = True) -> Any:
    value = body.get(name)
    if value is None:
        if required:
            raise InvalidRequest(f"{name} is required", field=name)
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidRequest(f"{name} must be an integer", field=name)
    if not lo <= value <= hi:
        raise InvalidRequest(f"{name} must be between {lo} and {hi}", field=name)
    return value


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
