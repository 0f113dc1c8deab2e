"""``/trainer`` administration: what a trainer preparing a demo would otherwise do with ``sls`` or the admin
API. Add a user with one authenticator; per user, disable or enable them, delete them, enrol another
authenticator, revoke, reset or unlock a device, set their IP allowlist, phone number and password; set the
clock to an instant; save the world, load it, reset it, re-seal its old secrets. Ending sessions is in
``trainer_sessions``, the audit trail's filtered read in ``trainer_events``, multi-user accounts in
``trainer_accounts``.

Each route calls the core service its ``/admin/v1`` twin calls (``http/admin/``), and validates with the
twin's shapes (:func:`shaped` words a refusal as :mod:`..validation` does, naming the field), so the console
can neither allow what the admin API refuses nor word it differently. Like the clock and attack buttons,
each is a POST with the page's CSRF token behind the trainer's sign-in (:func:`.trainer.action`); the admin
token never reaches the page.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from flask import Response, request
from flask.typing import ResponseReturnValue

from ...accounts import rules
from ...accounts.user_fields import canonical_username
from ...errors import InvalidRequest, SlsError
from ...shapes.access import IpAllowlist
from ...shapes.clock import ClockMove
from ...shapes.devices import DeviceEnrolRequest
from ...shapes.state import StateDocument, StateImportQuery
from ...shapes.users import UserCreate, UserPasswordRequest, UserPhoneRequest
from ...transfer import SecretsAtRest, StateTransfer
from .. import validation
from ..admin.state import MAX_STATE_BYTES
from ..common import core, now
from . import bp
from .kit import answers_json, require_browser_token, shaped
from .trainer import action, json_guard

#: What the form must carry for an authenticator, checked before the user is created so that the common
#: omissions refuse the form without a user created and taken back (the factor checks them again, and
#: anything else it refuses still takes the user back): the phone the code goes to, the card's PIN, the
#: smartphone's platform.
PHONE_FACTORS = ("sms", "voice", "ibkey")
REQUIRED = {"dscplus": ("pin", "the card's 4-digit PIN"), "ibkey": ("platform", "android or ios")}


def _text(body: dict[str, Any], key: str) -> str | None:
    """A form field as sent: blank is absent."""
    value = body.get(key)
    return None if value is None or value == "" else value


@bp.post("/trainer/users")
@answers_json
def trainer_add_user() -> ResponseReturnValue:
    """``POST /admin/v1/users`` then ``POST /admin/v1/users/<u>/devices``, as one form: with a phone, the user
    also gets the SMS of account opening unless ``sms`` is false (the form's box). What the two shapes
    refuse, an unknown type and a field the type needs (:data:`REQUIRED`, :data:`PHONE_FACTORS`) are refused
    before the user exists; should the enrolment still be refused, the user is deleted again, so a refused
    form leaves nothing behind. The answer carries what
    the enrolment returns once (a card's key, an app's secret, a passcode) for the trainer to read."""

    def add(body: dict[str, Any]) -> dict[str, Any]:
        user, device = _checked_form(body)
        # The SMS of account opening, as the admin API enrols it; the form's box unticked opts out. SMS
        # chosen as the authenticator is that one, not a second SMS device on the same number; voice chosen
        # is the phone's device instead of it (one SMS or voice device per number: 409 `device_exists`).
        opening_sms = body.get("sms") is not False and device.type != "voice"
        sms = None if opening_sms or device.type == "sms" else False
        record, at_opening = core().opening.open(
            user.username, user.password, phone=user.phone, sms=sms, now=now()
        )
        try:
            if device.type == "sms" and at_opening is not None:
                enrolled = at_opening
            elif device.share_device_id is not None:
                enrolled = core().devices.sharing.share(record.username, device.share_device_id, now=now())
            else:
                params = device.model_dump(exclude_none=True)
                enrolled = core().devices.enrol(record.username, device.type, params, now=now())
        except SlsError:
            core().users.delete(record.username, now=now())
            raise
        opened = {"sms_at_opening": at_opening is not None}
        return {"username": record.username, "phone": record.phone, "device": enrolled, **opened}

    return action(add)


def _checked_form(body: dict[str, Any]) -> tuple[UserCreate, DeviceEnrolRequest]:
    """The form's user and authenticator, or one 400 naming every field at fault: the user's shape and the
    rules ``POST /admin/v1/users`` judges after it (the password policy), the authenticator's shape and what
    its type needs, so the trainer fixes them in one round (one field a submit before)."""
    refusals: list[SlsError] = []
    fields = {k: _text(body, k) for k in ("username", "password", "phone")}
    typed = {k: v for k, v in fields.items() if v is not None}
    user = device = None
    try:  # the shape, and the rules the admin API judges after it (its one judgement: ``accounts.rules``)
        user = shaped(UserCreate, typed)
        refusals += rules.new_user(typed)
    except InvalidRequest as exc:
        refusals.append(validation.with_rules(exc, UserCreate, typed, rules.new_user))
    given = body.get("device")
    try:
        if not isinstance(given, dict):
            raise InvalidRequest("choose an authenticator", field="type")
        device = shaped(DeviceEnrolRequest, {k: v for k, v in given.items() if v not in (None, "")})
        core().factors.get(device.type)  # an unknown type is refused here, before the user exists
    except InvalidRequest as exc:
        refusals.append(exc)
    if device is not None:
        if device.type in PHONE_FACTORS and fields["phone"] is None:
            refusals.append(
                InvalidRequest(f"phone is required for {device.type}: the code goes to it", field="phone")
            )
        needed, what = REQUIRED.get(device.type, ("", ""))
        if needed and device.share_device_id is None and getattr(device, needed) is None:
            refusals.append(InvalidRequest(f"{needed} is required: {what}", field=needed))
    refusal = validation.together(refusals)
    if refusal is not None:
        raise refusal
    assert user is not None and device is not None  # each was refused above if it was not made
    return user, device


@bp.post("/trainer/users/<username>/devices")
@answers_json
def trainer_enrol_device(username: str) -> ResponseReturnValue:
    """``POST /admin/v1/users/<u>/devices``: another authenticator for an existing user (a card to show a
    second factor, an IB Key beside SMS); its answer holds what the enrolment returns once."""

    def enrol(body: dict[str, Any]) -> dict[str, Any]:
        name = core().users.get(username).username
        device = shaped(DeviceEnrolRequest, {k: v for k, v in body.items() if v not in (None, "")})
        if device.share_device_id is not None:
            return core().devices.sharing.share(name, device.share_device_id, now=now())
        return core().devices.enrol(name, device.type, device.model_dump(exclude_none=True), now=now())

    return action(enrol)


@bp.post("/trainer/users/<username>/devices/<device_id>/revoke")
@answers_json
def trainer_revoke_device(username: str, device_id: str) -> ResponseReturnValue:
    """``DELETE /admin/v1/users/<u>/devices/<id>``: the device can no longer log in (it stays listed). The
    console asks first."""

    def revoke(_: dict[str, Any]) -> dict[str, Any]:
        name = core().users.get(username).username
        return core().devices.sharing.revoke(name, device_id, now=now())

    return action(revoke)


@bp.post("/trainer/users/<username>/disable")
@answers_json
def trainer_disable(username: str) -> ResponseReturnValue:
    """``POST /admin/v1/users/<u>/disable``: logins refused, and every session ended in the same step."""
    return action(lambda _: core().users.set_disabled(username, True, now=now()))


@bp.post("/trainer/users/<username>/enable")
@answers_json
def trainer_enable(username: str) -> ResponseReturnValue:
    """``POST /admin/v1/users/<u>/enable``."""
    return action(lambda _: core().users.set_disabled(username, False, now=now()))


@bp.post("/trainer/users/<username>/delete")
@answers_json
def trainer_delete_user(username: str) -> ResponseReturnValue:
    """``DELETE /admin/v1/users/<u>``: the user, their devices, sessions and lockout state. The console asks
    first (its confirmation dialog); this route does what it is told."""

    def delete(_: dict[str, Any]) -> dict[str, Any]:
        core().users.delete(username, now=now())
        return {"deleted": canonical_username(username)}

    return action(delete)


@bp.post("/trainer/devices/<device_id>/reset")
@answers_json
def trainer_reset_card(device_id: str) -> ResponseReturnValue:
    """``POST /admin/v1/devices/<id>/reset``: a DSC+ card locked by wrong PINs, unlocked."""
    return action(lambda _: core().devices.view(core().cards.reset(device_id, now=now())))


@bp.post("/trainer/devices/<device_id>/unlock")
@answers_json
def trainer_unlock_device(device_id: str) -> ResponseReturnValue:
    """``POST /admin/v1/devices/<id>/unlock``: an authenticator disabled by wrong responses, re-enabled."""

    def unlock(_: dict[str, Any]) -> dict[str, Any]:
        done = core().device_lockout.unlock(device_id, now=now())
        return {
            **core().devices.view(done.device),
            "strikes_cleared": list(done.strikes_cleared),
        }

    return action(unlock)


@bp.post("/trainer/users/<username>/ip-allowlist")
@answers_json
def trainer_set_allowlist(username: str) -> ResponseReturnValue:
    """``PUT /admin/v1/users/<u>/ip-allowlist``: the list as the core normalised it; empty lifts it. One bad
    entry is the core's 400 (its ``index`` and ``entry``) and nothing is stored."""

    def put(body: dict[str, Any]) -> dict[str, Any]:
        name = core().users.get(username).username
        entries = shaped(IpAllowlist, {"ip_allowlist": body.get("ip_allowlist")}).ip_allowlist
        return core().ip_rules.set_user_allowlist(name, entries, now=now())

    return action(put)


@bp.post("/trainer/users/<username>/phone")
@answers_json
def trainer_set_phone(username: str) -> ResponseReturnValue:
    """``PUT /admin/v1/users/<u>/phone``: SMS and voice devices follow the new number; both numbers told."""

    def put(body: dict[str, Any]) -> dict[str, str | None]:
        phone = shaped(UserPhoneRequest, {"phone": body.get("phone")}).phone
        return core().users.phones.change_phone(username, phone, now=now())

    return action(put)


@bp.post("/trainer/users/<username>/password")
@answers_json
def trainer_set_password(username: str) -> ResponseReturnValue:
    """``PUT /admin/v1/users/<u>/password``: Client Services' reset; the user's sessions and logins in
    progress end, the phone is told."""

    def put(body: dict[str, Any]) -> dict[str, Any]:
        password = shaped(UserPasswordRequest, {"password": body.get("password")}).password
        return core().password_resets.reset(username, password, end_sessions=True, now=now())

    return action(put)


@bp.post("/trainer/clock/set")
@answers_json
def trainer_set_clock() -> ResponseReturnValue:
    """``POST /admin/v1/clock {"set_at": ...}``: the clock at an instant (a frozen one stays frozen there), to
    stage a demo on a given day; refused outside 2000-01-01 .. 2100-01-01, the clock unchanged."""

    def move(body: dict[str, Any]) -> dict[str, Any]:
        if body.get("set_at") is None:  # the shape would ask for "one of advance_s or set_at"
            raise InvalidRequest("set_at is required: the instant to set the clock to", field="set_at")
        at = shaped(ClockMove, {"set_at": body["set_at"]}).set_at
        return core().clock_service.move(set_at=at).as_dict()

    return action(move)


@bp.post("/trainer/state/export")
def trainer_save_world() -> ResponseReturnValue:
    """``GET /admin/v1/state/export`` as a file to keep: ``Content-Disposition: attachment``. A form POST
    (CSRF token in its field, or the script's header) rather than a link: the document holds password hashes
    and sealed secrets, and a GET would let another site's page start the download."""
    refused = json_guard()
    if refused:
        return refused
    require_browser_token()
    document = StateTransfer.of(core()).export()
    stamp = datetime.fromtimestamp(now(), UTC).strftime("%Y%m%d-%H%M%S")
    return Response(
        json.dumps(document, indent=1),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="sls-world-{stamp}.json"'},
    )


@bp.post("/trainer/state/import")
@answers_json
def trainer_load_world() -> ResponseReturnValue:
    """``POST /admin/v1/state/import`` with the file's bytes as the body (``?replace=true`` wipes first).
    The document is read and checked whole before anything is written: one it cannot read is the 400 that
    says why, and the world is as it was."""
    request.max_content_length = MAX_STATE_BYTES  # before the body (or the CSRF check's form) is read

    def load(_: dict[str, Any]) -> dict[str, Any]:
        document = validation.body(StateDocument)
        replace = validation.query(StateImportQuery).replace
        return {"imported": StateTransfer.of(core()).import_(document, replace=replace), "replaced": replace}

    return action(load, parse=False)


@bp.post("/trainer/state/secrets/reseal")
@answers_json
def trainer_reseal_secrets() -> ResponseReturnValue:
    """``POST /admin/v1/state/secrets/reseal``: what an older server sealed under the secret key itself,
    sealed again under the current key (a world loaded from an old file is re-sealed as it loads)."""
    return action(lambda _: dict(SecretsAtRest.of(core()).reseal()))


@bp.post("/trainer/reset")
@answers_json
def trainer_reset_world() -> ResponseReturnValue:
    """``POST /admin/v1/reset``: every user, device, session and event gone. The console asks first."""
    return action(lambda _: {"reset": True, "keys_deleted": core().reset_world()})
