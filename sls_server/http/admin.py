"""``/admin/v1``: test set-up and control, behind the admin bearer token."""

from __future__ import annotations

import hmac

from flask import Blueprint, jsonify, request

from ..enrolment import public_device
from ..errors import InvalidRequest, SlsError
from ..iprules import parse_allowlist
from ..users import canonical_username, public_user
from .common import core, integer, json_body, now, string

bp = Blueprint("admin", __name__, url_prefix="/admin/v1")

MAX_CLOCK_S = 10 * 365 * 86400


class AdminTokenRequired(SlsError):
    code = "admin_token_required"
    status = 401
    message = "This route needs Authorization: Bearer <admin token>."


class UnknownSession(SlsError):
    code = "unknown_session"
    status = 404
    message = "No live session has that id."


@bp.before_request
def require_admin_token() -> None:
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    expected = core().settings.admin_token or ""
    if (
        scheme.lower() != "bearer"
        or not expected
        or not hmac.compare_digest(given.strip().encode(), expected.encode())
    ):
        raise AdminTokenRequired()


def _user_view(username: str):  # type: ignore[no-untyped-def]
    record = core().users.get(username)
    devices = [public_device(d) for d in core().devices.of_user(record["username"])]
    return public_user(record, devices)


@bp.post("/users")
def create_user():  # type: ignore[no-untyped-def]
    body = json_body()
    username = string(body, "username", max_len=64)
    password = string(body, "password", max_len=1024)
    phone = string(body, "phone", max_len=20, required=False)
    allowlist = parse_allowlist(body["ip_allowlist"]) if body.get("ip_allowlist") is not None else []
    record = core().users.create(username, password, phone=phone, now=now())
    if allowlist:  # parsed before the user exists, so a bad entry creates nothing
        core().ip_rules.set_user_allowlist(record["username"], allowlist, now=now())
    return jsonify(_user_view(record["username"])), 201


@bp.get("/users")
def list_users():  # type: ignore[no-untyped-def]
    return jsonify({"users": core().store.users.usernames()})


@bp.get("/users/<username>")
def get_user(username: str):  # type: ignore[no-untyped-def]
    return jsonify(_user_view(username))


@bp.delete("/users/<username>")
def delete_user(username: str):  # type: ignore[no-untyped-def]
    core().users.delete(username, now=now())
    return jsonify({"deleted": canonical_username(username)})


@bp.post("/users/<username>/devices")
def enrol_device(username: str):  # type: ignore[no-untyped-def]
    name = core().users.get(username)["username"]
    body = json_body()
    type_ = string(body, "type", max_len=32)
    string(body, "label", max_len=64, required=False)
    shared = string(body, "share_device_id", max_len=64, required=False)
    if shared is not None:
        if type_ != "dscplus":
            raise InvalidRequest("only a DSC+ card can be shared", field="share_device_id")
        return jsonify(core().devices.share(name, shared, now=now())), 201
    return jsonify(core().devices.enrol(name, type_, body, now=now())), 201


@bp.get("/users/<username>/devices")
def list_devices(username: str):  # type: ignore[no-untyped-def]
    name = core().users.get(username)["username"]
    return jsonify({"devices": [public_device(d) for d in core().devices.of_user(name)]})


@bp.delete("/users/<username>/devices/<device_id>")
def revoke_device(username: str, device_id: str):  # type: ignore[no-untyped-def]
    name = core().users.get(username)["username"]
    return jsonify(core().devices.revoke(name, device_id, now=now()))


@bp.post("/devices/<device_id>/reset")
def reset_card(device_id: str):  # type: ignore[no-untyped-def]
    return jsonify(public_device(core().cards.reset(device_id, now=now())))


@bp.get("/users/<username>/sessions")
def user_sessions(username: str):  # type: ignore[no-untyped-def]
    name = core().users.get(username)["username"]
    return jsonify({"sessions": core().sessions.of_user(name, now=now())})


@bp.delete("/sessions/<session_id>")
def kill_session(session_id: str):  # type: ignore[no-untyped-def]
    username = core().sessions.end(session_id, now=now(), reason="killed")
    if username is None:
        raise UnknownSession()
    return jsonify({"ended": session_id, "username": username})


@bp.get("/clock")
def get_clock():  # type: ignore[no-untyped-def]
    return jsonify(core().clock.reading().as_dict())


@bp.post("/clock")
def move_clock():  # type: ignore[no-untyped-def]
    body = json_body()
    advance = integer(body, "advance_s", lo=-MAX_CLOCK_S, hi=MAX_CLOCK_S, required=False)
    set_at = integer(body, "set_at", lo=0, hi=2**40, required=False)
    if (advance is None) == (set_at is None):
        raise InvalidRequest("give exactly one of advance_s or set_at", field="advance_s")
    clock = core().clock
    reading = clock.advance(advance) if advance is not None else clock.set_at(set_at)
    core().events.record("clock.moved", at=reading.now, detail={"offset_s": reading.offset_s})
    return jsonify(reading.as_dict())


@bp.get("/events")
def events():  # type: ignore[no-untyped-def]
    try:
        limit = int(request.args.get("limit", "100"))
    except ValueError:
        raise InvalidRequest("limit must be an integer", field="limit") from None
    if not 1 <= limit <= 1000:
        raise InvalidRequest("limit must be between 1 and 1000", field="limit")
    since = request.args.get("since") or None
    if since is not None and not _is_cursor(since):
        raise InvalidRequest("since must be a cursor returned by this route", field="since")
    user = request.args.get("user")
    if user is not None:
        try:
            user = canonical_username(user)
        except InvalidRequest:
            raise InvalidRequest("user is not a valid username", field="user") from None
    found, cursor = core().events.page(
        since=since, user=user, type_=request.args.get("type"), limit=limit, now=core().clock.now()
    )
    return jsonify({"events": found, "cursor": cursor})


def _is_cursor(text: str) -> bool:
    millis, _, seq = text.partition("-")
    return millis.isdigit() and seq.isdigit() and len(text) <= 40


@bp.post("/reset")
def reset():  # type: ignore[no-untyped-def]
    deleted = core().store.reset()
    core().events.record("emulator.reset", at=core().clock.now(), detail={"keys_deleted": deleted})
    return jsonify({"reset": True, "keys_deleted": deleted})
