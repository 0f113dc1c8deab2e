"""``/api/v1``: the broker's login service as an integration under test sees it."""

from __future__ import annotations

from flask import Response, jsonify, request

from ...auth.login import Authenticated
from ...auth.second_factor import LIFETIME_TTLS
from ..common import (
    SECURE_SESSION_COOKIE,
    SESSION_COOKIE,
    client_ip,
    core,
    json_body,
    now,
    session_token,
    string,
)
from . import bp

#: The login binding for browsers; API clients send the same value as X-Login-Token. Scoped to the one
#: transaction's routes (its path), so two logins started in two tabs each keep their own.
LOGIN_COOKIE = "sls_login"
LOGIN_TOKEN_HEADER = "X-Login-Token"


def _login_path(txn_id: str) -> str:
    return f"{bp.url_prefix}/auth/login/{txn_id}"


def login_token() -> str | None:
    """The login binding the client presents: the header an API client sends, else the browser's cookie."""
    return request.headers.get(LOGIN_TOKEN_HEADER) or request.cookies.get(LOGIN_COOKIE) or None


def with_session_cookie(result: Authenticated | str, body: dict | None = None) -> Response:
    """The JSON answer plus the session cookie; ``result`` is a login's outcome or a rotated token."""
    token = result if isinstance(result, str) else result.token
    response = jsonify(body or (result.body() if isinstance(result, Authenticated) else {}))
    secure = request.is_secure
    response.set_cookie(
        SECURE_SESSION_COOKIE if secure else SESSION_COOKIE,
        token,
        httponly=True,
        secure=secure,
        samesite="Strict",
        path="/",
    )
    return response


@bp.post("/auth/login")
def login():  # type: ignore[no-untyped-def]
    body = json_body()
    username = string(body, "username", max_len=128)
    password = string(body, "password", max_len=1024)
    started = core().logins.start(username, password, now=now(), ip=client_ip())
    response = jsonify(started)
    response.set_cookie(
        LOGIN_COOKIE,
        started["login_token"],
        max_age=LIFETIME_TTLS * core().settings.challenge_ttl,
        httponly=True,
        secure=request.is_secure,
        samesite="Strict",
        path=_login_path(started["txn_id"]),
    )
    return response


@bp.post("/auth/login/<txn_id>/verify")
def verify(txn_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    response = string(body, "response", max_len=64)
    result = core().logins.verify(txn_id, login_token(), response, now=now(), ip=client_ip())
    return with_session_cookie(result)


@bp.post("/auth/login/<txn_id>/factor")
def switch_factor(txn_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    type_ = string(body, "type", max_len=32)
    device_id = string(body, "device_id", max_len=64, required=False)
    return jsonify(core().logins.switch(txn_id, login_token(), type_, device_id, now=now(), ip=client_ip()))


@bp.get("/auth/login/<txn_id>")
def login_status(txn_id: str):  # type: ignore[no-untyped-def]
    body, result = core().logins.status(txn_id, login_token(), now=now(), ip=client_ip())
    return with_session_cookie(result, body) if result else jsonify(body)


@bp.get("/session")
def whoami():  # type: ignore[no-untyped-def]
    return jsonify(core().sessions.authenticate(session_token(), now=now(), ip=client_ip()).public())


@bp.post("/session/tickle")
def tickle():  # type: ignore[no-untyped-def]
    return jsonify(core().sessions.authenticate(session_token(), now=now(), ip=client_ip()).public())


@bp.post("/auth/logout")
def logout():  # type: ignore[no-untyped-def]
    session = core().sessions.authenticate(session_token(), now=now(), ip=client_ip(), extend=False)
    core().sessions.end(session.id, now=now())
    response = jsonify({"state": "logged_out", "username": session.username})
    for name in (SESSION_COOKIE, SECURE_SESSION_COOKIE):
        if name in request.cookies:
            response.delete_cookie(
                name, path="/", secure=name.startswith("__Host-"), httponly=True, samesite="Strict"
            )
    return response
