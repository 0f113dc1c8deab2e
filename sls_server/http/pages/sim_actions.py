"""The simulator pages' own JSON routes: what the card page and the phone page do when a key is pressed or a
button tapped. Each calls the same service as ``/sim/v1`` (``core().ibkey``, ``core().phones``) or the
simulator's models (``CardKeypads``, ``AuthenticatorApp``), under the simulators' access rule, and every
state change carries the page's CSRF token. Errors are JSON with the broker's sentence, never a 500.
"""

from __future__ import annotations

import re
from typing import Any, get_args

from flask import Response, jsonify, request
from flask.typing import ResponseReturnValue

from sls_devices.phone import Conditions, is_handset

from ...accounts.users import PHONE_RE
from ...errors import InvalidRequest, SlsError, UnknownDevice
from ...shapes.devices import Platform
from ...shapes.ibkey import Unlock
from ...sim import speech
from ...web.wording import explain
from ..common import client_ip, core, now
from . import bp
from .kit import answers_json, require_browser_token, shaped
from .simulators import authenticators, keypads, locked_out

MAX_SHOWN = 20
PLATFORMS: tuple[str, ...] = get_args(Platform)
_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


def _id(value: str) -> str:
    """Ids become Redis keys: anything that is not one of ours is simply unknown (as in ``/sim/v1``)."""
    if not _ID.fullmatch(value):
        raise UnknownDevice()
    return value


def _refused(exc: SlsError, *, own: tuple[str, ...] = ()) -> Response:
    """The refusal in the pages' words (:func:`explain`), or, for the codes in ``own``, in the service's own:
    words written for the one holding the device, which the login page's would misstate."""
    said = (
        exc.message if exc.code in own else explain(exc.code, exc.message, exc.extra, kind=type(exc).__name__)
    )
    body = {"error": exc.code, "message": said}
    for extra in ("attempts_left", "pin_attempts_left", "retry_after", "field"):
        if extra in exc.extra:
            body[extra] = exc.extra[extra]
    response = jsonify(body)
    response.status_code = exc.status
    return response


def _guarded(action: Any, *, changes: bool = True, own: tuple[str, ...] = ()) -> Response:
    reason = locked_out()
    if reason:
        message = "The simulators are switched off." if reason == "disabled" else "Enter the sim token first."
        response = jsonify({"error": f"sim_{reason}", "message": message})
        response.status_code = 403 if reason == "disabled" else 401
        return response
    try:
        if changes:
            require_browser_token()
        return jsonify(action())
    except SlsError as exc:
        return _refused(exc, own=own)


def _body() -> dict[str, Any]:
    data = request.get_json(silent=True)
    if not isinstance(data, dict):
        raise InvalidRequest("a JSON object body is required", field="body")
    return data


def _text(body: dict[str, Any], name: str, max_len: int = 128, required: bool = True) -> str | None:
    value = body.get(name)
    if value is None or value == "":
        if required:
            raise InvalidRequest(f"{name} is required", field=name)
        return None
    if not isinstance(value, str) or len(value) > max_len:
        raise InvalidRequest(f"{name} must be text of at most {max_len} characters", field=name)
    return value


def _unlock(body: dict[str, Any]) -> dict[str, Any]:
    """PIN (Android), Face ID / Touch ID or, on an iPhone without them, its passcode (iOS): as asked, held
    to the ``Unlock`` shape of the ``/sim/v1`` twin (a PIN or passcode the keypad could not type is a 400
    that counts no wrong try)."""
    if body.get("biometric") is True:
        return {"biometric": True}
    name = "passcode" if "passcode" in body else "pin"
    return shaped(Unlock, {name: _text(body, name, 16)}).unlock()


# --- the card ----------------------------------------------------------------------------------------------


@bp.post("/sim/card/<device_id>/keys")
def sim_card_key(device_id: str) -> ResponseReturnValue:
    def press() -> dict[str, Any]:
        body = _body()
        key = _text(body, "key", 8)
        return keypads().press(
            _id(device_id), key or "", _text(body, "state", 2000, required=False), now=now()
        )

    return _guarded(press)


@bp.get("/sim/card/<device_id>/state")
def sim_card_state(device_id: str) -> ResponseReturnValue:
    """Whether the card is locked, polled by the card page: a reset by the trainer or an admin (or a lock by
    wrong PINs on another tab) shows without a key press, as the phone page follows its phone."""
    return _guarded(lambda: keypads().card(_id(device_id)), changes=False)


# --- the phone ----------------------------------------------------------------------------------------------


def _handset_view(handset: str) -> dict[str, Any]:
    """A handset's texts and calls, each with the number it was sent to: the attacker's handset holds every
    swapped SIM's, and only ``to`` tells whose code is whose."""
    phones = core().phones
    audio = speech.available()
    calls = [
        {
            **{k: c.get(k) for k in ("id", "at", "to", "transcript", "code")},
            "audio_url": f"/sim/phone/{handset}/calls/{c['id']}/audio" if audio else None,
        }
        for c in phones.calls(handset, now=now())[:MAX_SHOWN]
    ]
    messages = [
        {k: m.get(k) for k in ("id", "at", "from", "to", "text", "code")}
        for m in phones.messages(handset, now=now())[:MAX_SHOWN]
    ]
    return {"number": handset, "messages": messages, "calls": calls}


def _ibkey_view(username: str) -> dict[str, Any]:
    """IBKR Mobile on this user's phone: the active app (status, notifications) and activations waiting.

    An IB Key migrated to a handset that is no phone number (the attacker's, holding a swapped SIM) is not on
    this phone: the page says it moved instead of showing that app, whose notifications only its holder
    sees (it used to draw the attacker's app, login requests and all, on the victim's phone)."""
    devices = [d for d in core().devices.of_user(username) if d.type == "ibkey"]
    active = next((d for d in devices if d.status == "active"), None)
    elsewhere = active.handset if active else None  # a number is a phone; a name, a swapped SIM's holder
    moved_to = elsewhere if elsewhere and not PHONE_RE.fullmatch(elsewhere) else None
    if moved_to:
        active = None
    app: dict[str, Any] | None = None
    if active:
        app = core().ibkey.status(active.device_id)
        app["inbox"] = core().ibkey.notifications(app["app_id"], now=now())
    waiting = [  # a new phone for this user (its first IB Key, or a migration)
        {
            "device_id": d.device_id,
            "platform": d.platform,
            "migrate": active is not None,
            "username": username,
            # a migration the user's card confirms (no text is sent): the challenge to key into the card
            **({"challenge": d.activation_challenge} if d.activation_card else {}),
        }
        for d in devices
        if d.status == "pending_activation" and not d.app_id
    ]
    if app:  # users added to this phone (Add User), waiting for their activation code
        waiting += [
            {
                "device_id": p["device_id"],
                "platform": app["platform"],
                "migrate": False,
                "adding": True,  # confirmed with this app's own PIN or passcode, not a new one
                "username": p["username"],
            }
            for p in app["pending_users"]
        ]
    return {"app": app, "waiting": waiting, "moved_to": moved_to}


def phone_state(username: str) -> dict[str, Any]:
    user = core().users.get(username)
    number = user.phone
    state: dict[str, Any] = {"username": user.username, "number": number, "now": now()}
    if number:
        conditions = core().phones.conditions(number)
        state["conditions"] = {
            "carrier_blocks_sms": conditions.carrier_blocks_sms,
            "roaming": conditions.roaming,
            "delivery_delay_s": conditions.delivery_delay_s,
            "sim_swapped_to": conditions.sim_swapped_to,
        }
        state["handset"] = _handset_view(number)
        swapped = conditions.sim_swapped_to
        state["attacker"] = _handset_view(swapped) if swapped else None
    state["ibkey"] = _ibkey_view(user.username)
    state["totp"] = authenticators().codes(user.username, now=now())
    return state


@bp.get("/sim/phone/<username>/state")
def sim_phone_state(username: str) -> ResponseReturnValue:
    return _guarded(lambda: phone_state(username), changes=False)


@bp.post("/sim/phone/<username>/conditions")
def sim_phone_conditions(username: str) -> ResponseReturnValue:
    def change() -> dict[str, Any]:
        body = _body()
        number = core().users.get(username).phone
        if not number:
            raise InvalidRequest("this user has no phone number", field="number")
        delay = body.get("delivery_delay_s", 0)
        if isinstance(delay, bool) or not isinstance(delay, int) or not 0 <= delay <= 3600:
            raise InvalidRequest("delivery_delay_s must be 0 to 3600 seconds", field="delivery_delay_s")
        swapped = "attacker" if body.get("sim_swapped") is True else None
        conditions = Conditions(
            carrier_blocks_sms=body.get("carrier_blocks_sms") is True,
            roaming=body.get("roaming") is True,
            delivery_delay_s=delay,
            sim_swapped_to=swapped,
        )
        core().phones.set_conditions(number, conditions, now=now())
        return phone_state(username)

    return _guarded(change)


@bp.get("/sim/phone/<handset>/calls/<call_id>/audio")
@answers_json
def sim_call_audio(handset: str, call_id: str) -> ResponseReturnValue:
    if locked_out() or not is_handset(handset):
        return jsonify({"error": "not_found", "message": "No such call."}), 404
    found = [c for c in core().phones.calls(handset, now=now()) if c["id"] == call_id]
    if not found:
        return jsonify({"error": "not_found", "message": "No such call."}), 404
    try:
        return Response(speech.render_wav(found[0]["transcript"]), mimetype="audio/wav")
    except SlsError as exc:
        return _refused(exc)


# --- IBKR Mobile --------------------------------------------------------------------------------------------


@bp.post("/sim/ibkey/<app_id>/notifications/<notification_id>/<decision>")
def sim_ibkey_answer(app_id: str, notification_id: str, decision: str) -> ResponseReturnValue:
    def answer() -> dict[str, Any]:
        if decision not in ("approve", "deny"):
            raise InvalidRequest("decision must be approve or deny", field="decision")
        body = _body()
        match = _text(body, "match", 4) if decision == "approve" else None
        return core().ibkey.answer(
            _id(app_id),
            _id(notification_id),
            decision,
            match=match,
            unlock=_unlock(body),
            now=now(),
            ip=client_ip(),
        )

    # A wrong number picked: the service says so to the phone's holder ("If you did not start it, someone
    # else has your password"); the pages' words for the code were the login page's, "The security code you
    # entered is not valid".
    return _guarded(answer, own=("invalid_response",))


@bp.post("/sim/ibkey/<app_id>/respond")
def sim_ibkey_respond(app_id: str) -> ResponseReturnValue:
    def respond() -> dict[str, Any]:
        body = _body()
        challenge = _text(body, "challenge", 16) or ""
        return core().ibkey.respond(
            _id(app_id), challenge, username=_text(body, "username", 64, required=False), unlock=_unlock(body)
        )

    return _guarded(respond)


@bp.post("/sim/ibkey/<ref>/activate")
def sim_ibkey_activate(ref: str) -> ResponseReturnValue:
    def activate() -> dict[str, Any]:
        body = _body()
        return core().ibkey.activate(
            _id(ref),
            _text(body, "username", 64) or "",
            _text(body, "password", 1024) or "",
            _text(body, "activation_code", 16) or "",
            unlock=_unlock(body),
            now=now(),
            ip=client_ip(),
        )

    return _guarded(activate)


@bp.post("/sim/phone/<username>/ibkey/migrate")
def sim_ibkey_migrate(username: str) -> ResponseReturnValue:
    """The app's "Migrate IB Key" on this user's phone: the same service as ``POST /sim/v1/ibkey/migrate``,
    with the phone's own number as the new handset (so its conditions, roaming say, still apply)."""

    def migrate() -> dict[str, Any]:
        body = _body()
        platform = body.get("platform")
        if platform not in PLATFORMS:  # the API's own declaration of the platforms (shapes.devices)
            raise InvalidRequest(f"platform must be {' or '.join(PLATFORMS)}", field="platform")
        password = _text(body, "password", 1024) or ""
        user = core().users.get(username)
        return core().ibkey.migration.start(
            user.username, password, platform=platform, handset=user.phone, now=now(), ip=client_ip()
        )

    return _guarded(migrate)


@bp.post("/sim/ibkey/<app_id>/users")
def sim_ibkey_add_user(app_id: str) -> ResponseReturnValue:
    def add() -> dict[str, Any]:
        body = _body()
        username, password = _text(body, "username", 64) or "", _text(body, "password", 1024) or ""
        return core().ibkey.add_user(_id(app_id), username, password, now=now(), ip=client_ip())

    return _guarded(add)


@bp.post("/sim/ibkey/<app_id>/settings")
def sim_ibkey_settings(app_id: str) -> ResponseReturnValue:
    def settings() -> dict[str, Any]:
        enabled = _body().get("notifications")
        if not isinstance(enabled, bool):
            raise InvalidRequest("notifications must be true or false", field="notifications")
        return core().ibkey.settings.notifications(_id(app_id), enabled, now=now())

    return _guarded(settings)


@bp.post("/sim/ibkey/<app_id>/biometrics")
def sim_ibkey_biometrics(app_id: str) -> ResponseReturnValue:
    """The iPhone's Settings: Touch ID / Face ID set up or removed, confirmed with the iPhone's passcode."""

    def settings() -> dict[str, Any]:
        body = _body()
        enabled = body.get("enabled")
        if not isinstance(enabled, bool):
            raise InvalidRequest("enabled must be true or false", field="enabled")
        passcode = _text(body, "passcode", 16) or ""
        return core().ibkey.settings.biometrics(_id(app_id), enabled, passcode=passcode, now=now())

    return _guarded(settings)
