"""``/admin/v1`` users, their devices and their sessions."""

from __future__ import annotations

from typing import Any

from flask.typing import ResponseReturnValue

from ...accounts import rules
from ...accounts.allowlists import parse_addresses
from ...accounts.errors import (
    ConsecutiveTemporaryPasscode,
    DeviceExists,
    UserExists,
    UserNotFound,
    WeakPassword,
)
from ...accounts.user_fields import canonical_username, public_user
from ...auth.errors import UnknownSession
from ...errors import DeviceBusy, InvalidRequest, UnknownDevice
from ...factors.errors import UnsupportedDeviceType
from ...shapes.devices import Device, DeviceEnrolled, DeviceEnrolRequest, DeviceList, check_options_for_type
from ...shapes.sessions import SessionEnded, SessionList
from ...shapes.users import (
    User,
    UserCreate,
    UserDeleted,
    UserList,
    UserPasswordRequest,
    UserPasswordReset,
    UserPhoneChanged,
    UserPhoneRequest,
)
from ..common import core, now, path_value
from ..operations import operation
from . import bp

USER_ERRORS = (InvalidRequest, UserNotFound)


def _user_view(username: str) -> dict[str, Any]:
    record = core().users.get(username)
    devices = core().devices.listed(record.username, now=now())
    return public_user(record, devices)


@operation(
    bp,
    "post",
    "/users",
    summary="Create a user",
    body=UserCreate,
    ok=User,
    status=201,
    returns="The new user, with the SMS authenticator enrolled on their phone unless `sms` is false.",
    errors=(WeakPassword, UserExists, DeviceBusy),
    rules=rules.new_user,
    links={
        name: {"username": "response.username"}
        for name in (
            "get_user",
            "enrol_device",
            "list_devices",
            "get_lockout",
            "list_user_sessions",
            "delete_user",
        )
    },
)
def create_user(body: UserCreate) -> ResponseReturnValue:
    """400 `weak_password` with `reason` for a weak or blocklisted password; 400 `invalid_request` for a
    malformed username, phone or allowlist entry, or `sms: true` without a phone (nothing is created then);
    several fields at fault are listed together in `problems`, the password policy's among them; 409
    `user_exists`. A phone brings an SMS authenticator on it (event `device.enrolled` with
    `detail.at_opening`), as at the broker's account opening, unless `sms` is false. A deletion of the name
    cut short (its worker killed once the user's record was gone) is finished first, so the new user inherits
    none of it (`user.deleted` with `detail.resumed`, then `user.created`); 429 `device_busy` if one of the
    devices still naming the old user stays busy, nothing created."""
    rules.judge(rules.new_user(body.model_dump()))  # every field at fault at once, before anything is made
    known = parse_addresses(body.known_ips or [], field="known_ips")  # as the lockout writes them
    record, _ = core().opening.open(
        body.username,
        body.password,
        phone=body.phone,
        sms=body.sms,
        now=now(),
        paper=body.paper,
        ip_allowlist=body.ip_allowlist,
    )
    core().lockout.know_places(record.username, known)
    return _user_view(record.username)


@operation(
    bp,
    "get",
    "/users",
    summary="List usernames",
    ok=UserList,
    returns="Every username, and each one's password version and phone number.",
)
def list_users() -> ResponseReturnValue:
    names = core().users.names()
    versions, phones = core().users.listed(names)
    return {"users": names, "password_versions": versions, "phones": phones}


@operation(
    bp, "get", "/users/<username>", summary="Get a user and their devices", ok=User, errors=USER_ERRORS
)
def get_user(username: str) -> ResponseReturnValue:
    return _user_view(username)


@operation(
    bp,
    "delete",
    "/users/<username>",
    summary="Delete a user, their devices and sessions",
    ok=UserDeleted,
    returns="Deleted; the user's sessions ended at once.",
    errors=(*USER_ERRORS, DeviceBusy),
)
def delete_user(username: str) -> ResponseReturnValue:
    """Sent again for a name whose deletion was cut short (the worker killed, Redis lost, after the user's
    record went), it finishes that deletion and answers the same (`user.deleted` with `detail.resumed`);
    404 `unknown_user` when there is neither a user nor a deletion to finish."""
    core().users.delete(username, now=now())
    return {"deleted": canonical_username(username)}


@operation(
    bp,
    "put",
    "/users/<username>/password",
    summary="Set a user's password (Client Services resetting a forgotten one)",
    body=UserPasswordRequest,
    ok=UserPasswordReset,
    returns="Set; the phone got a notice, and the user's sessions and logins in progress ended.",
    errors=(*USER_ERRORS, WeakPassword),
    rules=lambda fields: rules.new_password(fields, field="password", username=path_value("username")),
)
def set_user_password(username: str, body: UserPasswordRequest) -> ResponseReturnValue:
    """No current password is asked: the administrator vouches for the user, as the broker's Client Services
    does. The policy applies (400 `weak_password` with `reason`). Every login of the user still waiting on
    its second factor ends, and every live session too unless `end_sessions` is false (each
    `session.killed`, `detail.ended_by: password_reset`); recorded as `user.password_changed` with
    `by: admin`. The user changes their own with `POST /api/v1/account/password`."""
    return core().password_resets.reset(username, body.password, end_sessions=body.end_sessions, now=now())


@operation(
    bp,
    "put",
    "/users/<username>/phone",
    summary="Give a user a phone number (or a new one)",
    body=UserPhoneRequest,
    ok=UserPhoneChanged,
    returns="The new number; SMS and voice devices follow it, and both numbers got a notice.",
    errors=(*USER_ERRORS, DeviceBusy),
)
def set_user_phone(username: str, body: UserPhoneRequest) -> ResponseReturnValue:
    """What a user changes for themselves with a fresh step-up (`POST /api/v1/account/phone`), done by the
    administrator: SMS, voice and IB Key enrolment need a number on the user's record."""
    return core().users.phones.change_phone(username, body.phone, now=now())


@operation(
    bp,
    "post",
    "/users/<username>/devices",
    summary="Enrol an authenticator",
    body=DeviceEnrolRequest,
    ok=DeviceEnrolled,
    status=201,
    returns="The new device, with its key returned this once.",
    errors=(
        *USER_ERRORS,
        UnsupportedDeviceType,
        UnknownDevice,
        DeviceExists,
        ConsecutiveTemporaryPasscode,
        DeviceBusy,
    ),
    links={
        "revoke_device": {"username": "path.username", "device_id": "response.device_id"},
        **{
            name: {"device_id": "response.device_id"}
            for name in ("get_card_status", "get_totp_code", "get_ib_key_app", "reset_card", "unlock_device")
        },
    },
)
def enrol_device(username: str, body: DeviceEnrolRequest) -> ResponseReturnValue:
    """dscplus: `{"type": "dscplus", "pin": "1234"}` returns the card's `serial`, `suite` and `secret_hex` so
    tests can compute responses themselves. `{"type": "dscplus", "share_device_id": ...}` lets the user use
    an existing card instead (404 `unknown_device` if there is none). sms and voice: one active device per
    phone number; a second is 409 `device_exists` (`device_id`, `type`: the one there), nothing sent. An
    SMS phone takes voice callbacks too. temporary: not right after another (KB69): while the user's newest
    device is a temporary passcode, live, lapsed or revoked, a new one is 409 `consecutive_temporary_passcode`
    (`device_id`: that one). An option of another type (`{"type": "totp", "days": 5}`) is a 400 naming it."""
    check_options_for_type(body)
    name = core().users.get(username).username
    if body.share_device_id is not None:
        return core().devices.sharing.share(name, body.share_device_id, now=now())
    return core().devices.enrol(name, body.type, body.model_dump(exclude_none=True), now=now())


@operation(
    bp,
    "get",
    "/users/<username>/devices",
    summary="List a user's devices",
    ok=DeviceList,
    returns="Active and revoked devices, oldest first.",
    errors=USER_ERRORS,
)
def list_devices(username: str) -> ResponseReturnValue:
    name = core().users.get(username).username
    return {"devices": core().devices.listed(name, now=now())}


@operation(
    bp,
    "delete",
    "/users/<username>/devices/<device_id>",
    summary="Revoke a device",
    ok=Device,
    returns="The device, now revoked (as it is, if it was revoked already).",
    errors=(*USER_ERRORS, UnknownDevice, DeviceBusy),
)
def revoke_device(username: str, device_id: str) -> ResponseReturnValue:
    """Idempotent: revoking a device revoked already answers it as it is and records and texts nothing
    again; only the revoke that changed it writes `device.revoked` and the notice. A user a card was shared
    with is taken off it instead; once off, 404 `unknown_device`."""
    name = core().users.get(username).username
    return core().devices.sharing.revoke(name, device_id, now=now())


@operation(
    bp,
    "post",
    "/devices/<device_id>/reset",
    summary="Unlock a DSC+ card locked by wrong PINs",
    ok=Device,
    returns="The card, unlocked, its wrong-PIN count zero.",
    errors=(UnknownDevice, DeviceBusy),
)
def reset_card(device_id: str) -> ResponseReturnValue:
    return core().devices.view(core().cards.reset(device_id, now=now()))


@operation(
    bp,
    "get",
    "/users/<username>/sessions",
    summary="List a user's live sessions",
    ok=SessionList,
    returns="The live sessions.",
    errors=USER_ERRORS,
    links={"kill_session": {"session_id": "response.sessions/0/id"}},
)
def list_user_sessions(username: str) -> ResponseReturnValue:
    name = core().users.get(username).username
    return {"sessions": core().sessions.of_user(name, now=now())}


@operation(
    bp,
    "delete",
    "/sessions/<session_id>",
    summary="End a session",
    ok=SessionEnded,
    returns="Ended; its token is dead at once.",
    errors=(UnknownSession,),
)
def kill_session(session_id: str) -> ResponseReturnValue:
    return end_session(session_id)


def end_session(session_id: str) -> dict[str, str]:
    """One session ended by its whole id or its user and short id: this route's answer, and the trainer
    console's End button (``pages.trainer_sessions``); 404 ``unknown_session`` when it names none live."""
    ended = core().sessions.kill(session_id, now=now())
    if ended is None:
        raise UnknownSession()
    whole, username = ended
    return {"ended": whole, "username": username}
