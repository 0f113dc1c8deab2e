"""The world around the people: the server's clock, raw calls, and the broker's own acts (enrol, revoke).

Time passes only through ``POST /admin/v1/clock``: a scenario that crosses a 15-minute idle timeout takes
milliseconds, and the same instants every run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ..durations import duration_words
from ..transport import LOGIN_TOKEN_HEADER, Response, on_this_server, segment
from ..values import DURATION_FORMS, duration_seconds, parse_instant
from ..world import Actor, Device, StepFailed, World
from . import Outcome, step
from .session_notes import sessionless_note


def instant(value: int | str) -> int:
    """Unix seconds from an integer or an ISO 8601 text (``2030-01-01T09:00:00Z``); ``StepFailed`` if not."""
    try:
        return parse_instant(value)
    except ValueError as exc:
        raise StepFailed(str(exc)) from None


@step("advance_clock")
def advance_clock(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    if isinstance(body, dict) and "to" in body:
        payload = {"set_at": instant(body["to"])}
    else:
        seconds: Any = body.get("seconds") if isinstance(body, dict) else body
        if not isinstance(seconds, int | float | str) or isinstance(seconds, bool):
            raise StepFailed(f"advance_clock needs a duration like {DURATION_FORMS}, got {seconds!r}")
        try:
            payload = {"advance_s": duration_seconds(seconds)}
        except ValueError as exc:
            worded = duration_words(seconds) if isinstance(seconds, str) else ""
            raise StepFailed(f"advance_clock: {exc}{worded}") from None
    answer = world.admin("POST", "/admin/v1/clock", payload)
    now = answer.body.get("now") if isinstance(answer.body, dict) else None
    shown = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M:%SZ") if now else answer.brief()
    return Outcome(answer, f"now {shown}")


@step("http")
def http(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    method, path = str(body["method"]), str(body["path"])
    if not on_this_server(path):  # the schema saw it before its variables were filled in
        raise StepFailed(f"http: path must be a path on the server, starting with one '/', got {path!r}")
    headers = dict(body.get("headers") or {})
    auth = body.get("auth", "none")
    if auth == "admin":
        headers.setdefault("Authorization", f"Bearer {world.target.admin_token}")
    elif auth == "session":
        if not actor.session:
            raise StepFailed(f"{actor.name} has no session to send (auth: session)")
        headers.setdefault("Authorization", f"Bearer {actor.session}")
    elif auth == "login":
        if actor.pending is None or not actor.pending.login_token:
            raise StepFailed(f"{actor.name} has no login waiting (auth: login)")
        headers.setdefault(LOGIN_TOKEN_HEADER, actor.pending.login_token)
    elif path.startswith("/sim/") and world.target.sim_token:
        headers.setdefault("Authorization", f"Bearer {world.target.sim_token}")
    client = world.admin_client if auth == "admin" and world.admin_client else actor.client
    answer = client.request(
        method, path, json_body=body.get("json"), headers=headers, query=body.get("query")
    )
    return Outcome(answer, sessionless_note(world, actor, answer) if auth == "session" else "")


def enrol(world: World, spec: dict[str, Any]) -> tuple[Device | None, Response]:
    """Enrol a device for ``spec['user']`` through the admin API and remember it under ``spec['as']``, with
    an iPhone's ``passcode`` and ``biometrics`` (the setup's and the ``enroll`` step's alike); ``None`` and
    the refusal when the server says no."""
    user = str(spec["user"])
    payload: dict[str, Any] = {"type": spec["type"]}
    for key in ("platform", "days"):
        if key in spec:
            payload[key] = spec[key]
    if spec["type"] == "dscplus" and "share" not in spec:
        payload["pin"] = str(spec.get("pin", "1234"))
    if "share" in spec:
        payload["share_device_id"] = world.device(spec["share"]).device_id
    answer = world.admin("POST", f"/admin/v1/users/{segment(user)}/devices", payload)
    if answer.status != 201 or not isinstance(answer.body, dict):
        return None, answer
    shared = world.device(spec["share"]) if "share" in spec else None
    pin = shared.pin if shared else (str(spec["pin"]) if "pin" in spec else payload.get("pin"))
    name = str(spec.get("as") or answer.body["device_id"])
    device = Device(name, user, str(spec["type"]), dict(answer.body), pin, spec.get("platform"))
    if spec["type"] == "ibkey" and spec.get("platform") == "ios":  # how its activation will unlock
        device.passcode = str(spec["passcode"]) if "passcode" in spec else None
        device.biometrics = spec.get("biometrics", True) is not False
    world.devices[name] = device
    if spec.get("as"):
        world.variables[name] = device.record
    return device, answer


@step("enroll")
def enroll(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    device, answer = enrol(world, body)
    if device is None:
        return Outcome(answer, f"{body['type']} for {body['user']} refused")
    return Outcome(answer, f"{device.type} {device.device_id} for {device.user}")


@step("revoke")
def revoke(world: World, actor: Actor, body: Any, step_: dict[str, Any]) -> Outcome:
    device = world.device(body["device"])
    path = f"/admin/v1/users/{segment(str(body['user']))}/devices/{segment(device.device_id)}"
    answer = world.admin("DELETE", path)
    return Outcome(answer, f"{device.name} ({device.device_id})")
