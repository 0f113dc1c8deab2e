"""``/admin/v1`` users, their devices and their sessions."""

from __future__ import annotations

from flask import jsonify

from ...accounts.access import parse_allowlist
from ...accounts.devices import public_device
from ...accounts.users import canonical_username, public_user
from ...errors import InvalidRequest, SlsError
from ..common import core, json_body, now, string
from . import bp


class UnknownSession(SlsError):
    code = "unknown_session"
    status = 404
    message = "No live session has that id."


def _user_view(username: str):  # type: ignore[no-untyped-def]
    record = core().users.get(username)
    devices = [public_device(d) for d in core().devices.of_user(record.username)]
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
        core().ip_rules.set_user_allowlist(record.username, allowlist, now=now())
    return jsonify(_user_view(record.username)), 201


@bp.get("/users")
def list_users():  # type: ignore[no-untyped-def]
    return jsonify({"users": core().users.names()})


@bp.get("/users/<username>")
def get_user(username: str):  # type: ignore[no-untyped-def]
    return jsonify(_user_view(username))


@bp.delete("/users/<username>")
def delete_user(username: str):  # type: ignore[no-untyped-def]
    core().users.delete(username, now=now())
    return jsonify({"deleted": canonical_username(username)})


@bp.post("/users/<username>/devices")
def enrol_device(username: str):  # type: ignore[no-untyped-def]
    name = core().users.get(username).username
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
    name = core().users.get(username).username
    return jsonify({"devices": [public_device(d) for d in core().devices.of_user(name)]})


@bp.delete("/users/<username>/devices/<device_id>")
def revoke_device(username: str, device_id: str):  # type: ignore[no-untyped-def]
    name = core().users.get(username).username
    return jsonify(core().devices.revoke(name, device_id, now=now()))


@bp.post("/devices/<device_id>/reset")
def reset_card(device_id: str):  # type: ignore[no-untyped-def]
    return jsonify(public_device(core().cards.reset(device_id, now=now())))


@bp.get("/users/<username>/sessions")
def user_sessions(username: str):  # type: ignore[no-untyped-def]
    name = core().users.get(username).username
    return jsonify({"sessions": core().sessions.of_user(name, now=now())})


@bp.delete("/sessions/<session_id>")
def kill_session(session_id: str):  # type: ignore[no-untyped-def]
    username = core().sessions.end(session_id, now=now(), reason="killed")
    if username is None:
        raise UnknownSession()
    return jsonify({"ended": session_id, "username": username})
