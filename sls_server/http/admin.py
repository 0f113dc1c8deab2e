"""``/admin/v1``: test set-up and control, behind the admin bearer token."""

from __future__ import annotations

from flask import Blueprint, jsonify, request

from ..enrolment import public_device
from ..errors import InvalidRequest, SlsError
from ..iprules import parse_allowlist
from ..users import canonical_username, public_user
from .common import bearer_matches, core, integer, json_body, now, string

bp = Blueprint("admin", __name__, url_prefix="/admin/v1")

MAX_CLOCK_S = 10 * 365 * 86400
#: The server's clock stays within 2000-01-01T00:00:00Z .. 2100-01-01T00:00:00Z (inclusive): every ``*_at``
#: is published as a non-negative Unix time, and nothing an emulated login does needs another century.
CLOCK_MIN = 946684800
CLOCK_MAX = 4102444800
_CLOCK_RANGE = f"outside the clock's range, 2000-01-01 .. 2100-01-01 UTC ({CLOCK_MIN} .. {CLOCK_MAX})"


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
    if not bearer_matches(core().settings.admin_token):
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
    if (body.get("advance_s") is None) == (body.get("set_at") is None):
        raise InvalidRequest("give exactly one of advance_s or set_at", field="advance_s")
    clock = core().clock
    if body.get("set_at") is not None:
        set_at = integer(body, "set_at", lo=-(2**63), hi=2**63 - 1)
        if not CLOCK_MIN <= set_at <= CLOCK_MAX:
            raise InvalidRequest(f"set_at is {_CLOCK_RANGE}", field="set_at")
        reading = clock.set_at(set_at)
    else:
        advance = integer(body, "advance_s", lo=-MAX_CLOCK_S, hi=MAX_CLOCK_S)
        moved = clock.advance_within(advance, CLOCK_MIN, CLOCK_MAX)
        if moved is None:  # checked and moved in one Lua script: a refused move changed nothing
            raise InvalidRequest(f"advance_s would take the clock {_CLOCK_RANGE}", field="advance_s")
        reading = moved
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
