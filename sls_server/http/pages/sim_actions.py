"""The simulator pages' own JSON routes: what the card page and the phone page do when a key is pressed or a
button tapped. Each calls the same service as ``/sim/v1`` (``core().ibkey``, ``core().phones``) or the
simulator's models (``CardKeypads``, ``AuthenticatorApp``), under the simulators' access rule, and every
state change carries the page's CSRF token (``sim_guard``). Errors are JSON with the broker's sentence, never
a 500. What the phone page shows is ``phone_view``'s.
"""

from __future__ import annotations

from typing import Any, get_args

from flask.typing import ResponseReturnValue

from sls_devices.phone import Conditions

from ...errors import InvalidRequest, SlsError
from ...shapes.devices import Platform
from ...shapes.phones import PhoneConditionsUpdate
from ...sim.relay import ATTACKER_HANDSET
from ..common import client_ip, core, now
from ..sim.phones import call_audio
from . import bp
from .kit import answers_json, shaped
from .phone_view import phone_state
from .sim_guard import guarded, json_body, known_id, refused, shut, text, unlock
from .simulators import keypads, locked_out

PLATFORMS: tuple[str, ...] = get_args(Platform)


# --- the card ----------------------------------------------------------------------------------------------


@bp.post("/sim/card/<device_id>/keys")
@answers_json
def sim_card_key(device_id: str) -> ResponseReturnValue:
    def press() -> dict[str, Any]:
        body = json_body()
        key = text(body, "key", 8)
        return keypads().press(
            known_id(device_id), key or "", text(body, "state", 2000, required=False), now=now()
        )

    return guarded(press)


@bp.get("/sim/card/<device_id>/state")
@answers_json
def sim_card_state(device_id: str) -> ResponseReturnValue:
    """Whether the card is locked, polled by the card page: a reset by the trainer or an admin (or a lock by
    wrong PINs on another tab) shows without a key press, as the phone page follows its phone."""
    return guarded(lambda: keypads().card(known_id(device_id)), changes=False)


# --- the phone ----------------------------------------------------------------------------------------------


@bp.get("/sim/phone/<username>/state")
@answers_json
def sim_phone_state(username: str) -> ResponseReturnValue:
    return guarded(lambda: phone_state(username), changes=False)


@bp.post("/sim/phone/<username>/conditions")
@answers_json
def sim_phone_conditions(username: str) -> ResponseReturnValue:
    """``PUT /sim/v1/phones/<number>/conditions`` for the user's phone, held to its shape
    (``PhoneConditionsUpdate``: ``"yes"`` is no boolean, a negative count no count), with the page's
    ``sim_swapped`` checkbox for ``sim_swapped_to``: true puts the SIM in the attacker's handset."""

    def change() -> dict[str, Any]:
        body = json_body()
        number = core().users.get(username).phone
        if not number:
            raise InvalidRequest("this user has no phone number", field="number")
        given = {key: value for key, value in body.items() if key != "sim_swapped"}
        if "sim_swapped" in body:
            if not isinstance(body["sim_swapped"], bool) or "sim_swapped_to" in body:
                said = "sim_swapped must be true or false (and sent without sim_swapped_to)"
                raise InvalidRequest(said, field="sim_swapped")
            given["sim_swapped_to"] = ATTACKER_HANDSET if body["sim_swapped"] else None
        asked = shaped(PhoneConditionsUpdate, given)
        # the page is this user's phone: the event is theirs ("rita's SIM moved"), as a staged swap's is
        core().phones.set_conditions(number, Conditions(**asked.model_dump()), now=now(), user=username)
        return phone_state(username)

    return guarded(change)


@bp.post("/sim/phone/<username>/restart")
@answers_json
def sim_phone_restart(username: str) -> ResponseReturnValue:
    """``POST /sim/v1/phones/<number>/restart``: the phone takes texts again."""

    def restart() -> dict[str, Any]:
        number = core().users.get(username).phone
        if not number:
            raise InvalidRequest("this user has no phone number", field="number")
        core().phones.restart(number, now=now(), user=username)  # the page is the user's phone: named
        return phone_state(username)

    return guarded(restart)


@bp.get("/sim/phone/<handset>/calls/<call_id>/audio")
@answers_json
def sim_call_audio(handset: str, call_id: str) -> ResponseReturnValue:
    """``GET /sim/v1/phones/<number>/calls/<call_id>/audio`` (``call_audio``, the same lookup and refusals)
    under the simulators' access rule; a refusal is JSON, as every route here answers one."""
    reason = locked_out()
    if reason:
        return shut(reason)
    try:
        return call_audio(handset, call_id)
    except SlsError as exc:
        return refused(exc)


# --- IBKR Mobile --------------------------------------------------------------------------------------------


@bp.post("/sim/ibkey/<app_id>/notifications/<notification_id>/<decision>")
@answers_json
def sim_ibkey_answer(app_id: str, notification_id: str, decision: str) -> ResponseReturnValue:
    def answer() -> dict[str, Any]:
        if decision not in ("approve", "deny"):
            raise InvalidRequest("decision must be approve or deny", field="decision")
        body = json_body()
        match = text(body, "match", 4) if decision == "approve" else None
        return core().ibkey.answer(
            known_id(app_id),
            known_id(notification_id),
            decision,
            match=match,
            unlock=unlock(body),
            now=now(),
            ip=client_ip(),
        )

    # A wrong number picked: the service says so to the phone's holder ("If you did not start it, someone
    # else has your password"); the pages' words for the code were the login page's, "The security code you
    # entered is not valid".
    return guarded(answer, own=("invalid_response",))


@bp.post("/sim/ibkey/<app_id>/respond")
@answers_json
def sim_ibkey_respond(app_id: str) -> ResponseReturnValue:
    def respond() -> dict[str, Any]:
        body = json_body()
        challenge = text(body, "challenge", 16) or ""
        return core().ibkey.respond(
            known_id(app_id),
            challenge,
            username=text(body, "username", 64, required=False),
            unlock=unlock(body),
        )

    return guarded(respond)


@bp.post("/sim/ibkey/<ref>/activate")
@answers_json
def sim_ibkey_activate(ref: str) -> ResponseReturnValue:
    def activate() -> dict[str, Any]:
        body = json_body()
        return core().ibkey.activation.activate(
            known_id(ref),
            text(body, "username", 64) or "",
            text(body, "password", 1024) or "",
            text(body, "activation_code", 16) or "",
            unlock=unlock(body),
            now=now(),
            ip=client_ip(),
        )

    return guarded(activate)


@bp.post("/sim/phone/<username>/ibkey/migrate")
@answers_json
def sim_ibkey_migrate(username: str) -> ResponseReturnValue:
    """The app's "Migrate IB Key" on this user's phone: the same service as ``POST /sim/v1/ibkey/migrate``,
    with the phone's own number as the new handset (so its conditions, roaming say, still apply)."""

    def migrate() -> dict[str, Any]:
        body = json_body()
        platform = body.get("platform")
        if platform not in PLATFORMS:  # the API's own declaration of the platforms (shapes.devices)
            raise InvalidRequest(f"platform must be {' or '.join(PLATFORMS)}", field="platform")
        password = text(body, "password", 1024) or ""
        user = core().users.get(username)
        return core().ibkey.migration.start(
            user.username, password, platform=platform, handset=user.phone, now=now(), ip=client_ip()
        )

    return guarded(migrate)


@bp.post("/sim/ibkey/<app_id>/users")
@answers_json
def sim_ibkey_add_user(app_id: str) -> ResponseReturnValue:
    def add() -> dict[str, Any]:
        body = json_body()
        username, password = text(body, "username", 64) or "", text(body, "password", 1024) or ""
        return core().ibkey.activation.add_user(
            known_id(app_id), username, password, now=now(), ip=client_ip()
        )

    return guarded(add)


@bp.post("/sim/ibkey/<app_id>/settings")
@answers_json
def sim_ibkey_settings(app_id: str) -> ResponseReturnValue:
    def settings() -> dict[str, Any]:
        enabled = json_body().get("notifications")
        if not isinstance(enabled, bool):
            raise InvalidRequest("notifications must be true or false", field="notifications")
        return core().ibkey.settings.notifications(known_id(app_id), enabled, now=now())

    return guarded(settings)


@bp.post("/sim/ibkey/<app_id>/biometrics")
@answers_json
def sim_ibkey_biometrics(app_id: str) -> ResponseReturnValue:
    """The iPhone's Settings: Touch ID / Face ID set up or removed, confirmed with the iPhone's passcode."""

    def settings() -> dict[str, Any]:
        body = json_body()
        enabled = body.get("enabled")
        if not isinstance(enabled, bool):
            raise InvalidRequest("enabled must be true or false", field="enabled")
        passcode = text(body, "passcode", 16) or ""
        return core().ibkey.settings.biometrics(known_id(app_id), enabled, passcode=passcode, now=now())

    return guarded(settings)
