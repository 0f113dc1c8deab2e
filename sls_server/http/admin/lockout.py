"""``/admin/v1`` routes for the account protections: unlock, lock status, disable/enable, device unlock."""

from __future__ import annotations

from flask import jsonify

from ...accounts.devices import public_device
from ..common import core, now
from . import bp


@bp.post("/users/<username>/unlock")
def unlock_user(username: str):  # type: ignore[no-untyped-def]
    name = core().users.get(username).username
    core().lockout.unlock(name, now=now())
    return jsonify(core().lockout.status(name, now=now()))


@bp.get("/users/<username>/lockout")
def lockout_status(username: str):  # type: ignore[no-untyped-def]
    name = core().users.get(username).username
    return jsonify(core().lockout.status(name, now=now()))


@bp.post("/users/<username>/disable")
def disable_user(username: str):  # type: ignore[no-untyped-def]
    return jsonify(core().users.set_disabled(username, True, now=now()))


@bp.post("/users/<username>/enable")
def enable_user(username: str):  # type: ignore[no-untyped-def]
    result = core().users.set_disabled(username, False, now=now())
    return jsonify({"username": result["username"], "disabled": False})


@bp.post("/devices/<device_id>/unlock")
def unlock_device(device_id: str):  # type: ignore[no-untyped-def]
    device = core().devices.get(device_id)
    core().lockout.unlock_device(device, now=now())
    return jsonify(public_device(core().devices.get(device_id)))
