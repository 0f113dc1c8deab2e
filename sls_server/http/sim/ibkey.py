"""``/sim/v1/ibkey``: what a person does with IBKR Mobile on their phone. ``<device_id>`` names the phone: the
id an admin got when enrolling its first IB Key, or the device id of any user on it (see ``ibkey_app``)."""

from __future__ import annotations

import re
from typing import Any

from flask import jsonify

from ...errors import InvalidRequest, NotFound
from ...sim.ibkey.phone_storage import UnknownApp, UnknownNotification
from ..common import client_ip, core, json_body, now, string
from . import bp

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _ref(value: str, unknown: type[NotFound] = UnknownApp) -> str:
    """Ids become Redis keys: anything that is not one of ours is simply unknown."""
    if not _ID.fullmatch(value):
        raise unknown()
    return value


def _unlock(body: dict[str, Any]) -> dict[str, Any]:
    """``pin`` (Android) or ``biometric: true`` (iOS, Touch ID / Face ID); the app says which it needs."""
    pin = string(body, "pin", max_len=16, required=False)
    biometric = body.get("biometric")
    if biometric is not None and not isinstance(biometric, bool):
        raise InvalidRequest("biometric must be true or false", field="biometric")
    unlock: dict[str, Any] = {}
    if pin is not None:
        unlock["pin"] = pin
    if biometric is not None:
        unlock["biometric"] = biometric
    return unlock


@bp.post("/ibkey/<device_id>/activate")
def ibkey_activate(device_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    username = string(body, "username", max_len=64)
    password = string(body, "password", max_len=1024)
    code = string(body, "activation_code", max_len=16)
    result = core().ibkey.activate(
        _ref(device_id), username, password, code, unlock=_unlock(body), now=now(), ip=client_ip()
    )
    return jsonify(result)


@bp.post("/ibkey/<device_id>/users")
def ibkey_add_user(device_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    username = string(body, "username", max_len=64)
    password = string(body, "password", max_len=1024)
    return jsonify(core().ibkey.add_user(_ref(device_id), username, password, now=now(), ip=client_ip())), 201


@bp.get("/ibkey/<device_id>")
def ibkey_status(device_id: str):  # type: ignore[no-untyped-def]
    return jsonify(core().ibkey.status(_ref(device_id)))


@bp.get("/ibkey/<device_id>/notifications")
def ibkey_notifications(device_id: str):  # type: ignore[no-untyped-def]
    return jsonify({"notifications": core().ibkey.notifications(_ref(device_id), now=now())})


def _answer(device_id: str, notification_id: str, decision: str) -> Any:
    body = json_body()
    match = None
    if decision == "approve":
        raw = body.get("match")
        if isinstance(raw, int) and not isinstance(raw, bool):
            raw = str(raw)
        match = string({"match": raw}, "match", max_len=4)
    result = core().ibkey.answer(
        _ref(device_id),
        _ref(notification_id, UnknownNotification),
        decision,
        match=match,
        unlock=_unlock(body),
        now=now(),
        ip=client_ip(),
    )
    return jsonify(result)


@bp.post("/ibkey/<device_id>/notifications/<notification_id>/approve")
def ibkey_approve(device_id: str, notification_id: str):  # type: ignore[no-untyped-def]
    return _answer(device_id, notification_id, "approve")


@bp.post("/ibkey/<device_id>/notifications/<notification_id>/deny")
def ibkey_deny(device_id: str, notification_id: str):  # type: ignore[no-untyped-def]
    return _answer(device_id, notification_id, "deny")


@bp.post("/ibkey/<device_id>/respond")
def ibkey_respond(device_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    challenge = string(body, "challenge", max_len=16)
    username = string(body, "username", max_len=64, required=False)
    return jsonify(core().ibkey.respond(_ref(device_id), challenge, username=username, unlock=_unlock(body)))


@bp.put("/ibkey/<device_id>/settings")
def ibkey_settings(device_id: str):  # type: ignore[no-untyped-def]
    body = json_body()
    enabled = body.get("notifications")
    if not isinstance(enabled, bool):
        raise InvalidRequest("notifications must be true or false", field="notifications")
    return jsonify(core().ibkey.set_notifications(_ref(device_id), enabled, now=now()))
