"""``/api/v1``: the broker's login service as an integration under test sees it."""

from __future__ import annotations

from flask import Blueprint, Response, jsonify, request

from ..login import Authenticated
from ..sessions import session_id
from .common import (
    SECURE_SESSION_COOKIE,
    SESSION_COOKIE,
    client_ip,
    core,
    json_body,
    now,
    session_token,
    string,
)

bp = Blueprint("api", __name__, url_prefix="/api/v1")


def _with_session_cookie(result: Authenticated | str, body: dict | None = None) -> Response:
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
    return jsonify(core().logins.start(username, password, now=now(), ip=client_ip()))


@bp.post("/auth/login/<txn_id>/verify")
def verify(txn_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    response = string(body, "response", max_len=64)
    return _with_session_cookie(core().logins.verify(txn_id, response, now=now(), ip=client_ip()))


@bp.post("/auth/login/<txn_id>/factor")
def switch_factor(txn_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    type_ = string(body, "type", max_len=32)
    device_id = string(body, "device_id", max_len=64, required=False)
    return jsonify(core().logins.switch(txn_id, type_, device_id, now=now(), ip=client_ip()))


@bp.get("/auth/login/<txn_id>")
def login_status(txn_id: str):  # type: ignore[no-untyped-def]
    body, result = core().logins.status(txn_id, now=now(), ip=client_ip())
    return _with_session_cookie(result, body) if result else jsonify(body)


@bp.get("/session")
def whoami():  # type: ignore[no-untyped-def]
    return jsonify(core().sessions.authenticate(session_token(), now=now(), ip=client_ip()).public())


@bp.post("/session/tickle")
def tickle():  # type: ignore[no-untyped-def]
    return jsonify(core().sessions.authenticate(session_token(), now=now(), ip=client_ip()).public())


@bp.post("/auth/logout")
def logout():  # type: ignore[no-untyped-def]
    session = core().sessions.authenticate(session_token(), now=now(), ip=client_ip(), extend=False)
    core().sessions.end(session_id(session_token() or ""), now=now())
    response = jsonify({"state": "logged_out", "username": session.username})
    for name in (SESSION_COOKIE, SECURE_SESSION_COOKIE):
        if name in request.cookies:
            response.delete_cookie(
                name, path="/", secure=name.startswith("__Host-"), httponly=True, samesite="Strict"
            )
    return response
