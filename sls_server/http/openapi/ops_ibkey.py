"""OpenAPI operations and schemas of the simulated IBKR Mobile app (``/sim/v1/ibkey``): activation, Add User,
the push inbox, approve / deny with number matching, challenge/response and the notification switch."""

from __future__ import annotations

from typing import Any

from devices.ibkey import PIN_RE, PLATFORMS

from ...accounts.access import IpRestricted
from ...auth.lockout import AccountLocked, DeviceLocked, RateLimited
from ...auth.second_factor import PushDenied, WrongMode
from ...errors import (
    AccountDisabled,
    ChallengeExpired,
    ChallengeUsed,
    Conflict,
    DeviceInactive,
    InvalidCredentials,
    InvalidRequest,
    InvalidResponse,
    UnknownTransaction,
)
from ...factors.ibkey.activation import ActivationCodeExpired, ActivationCodeUsed, InvalidActivationCode
from ...sim.card import WrongPinError
from ...sim.ibkey.phone_storage import AlreadyOnApp, AppLockedError, UnknownApp, UnknownNotification
from ...sim.phones import SendLimited
from .build import describe_path_parameters, ok, op
from .schemas import Schema, array, boolean, const, integer, obj, ref, string, unix_time

Operation = tuple[str, str, dict[str, Any]]

_PARAMETERS = {
    "device_id": "The phone: the device id an admin got when enrolling its first IB Key (its app id), or the "
    "device id of any user activated on it.",
    "notification_id": "The notification's `id`, from the phone's notification list.",
}

_DEVICE_ID = string("A server device record: one per user per phone.", examples=["ibkey-0a1b2c3d4e5f"])
_APP_ID = string("The phone's id: the device id of the first IB Key activated on it.")
_UNLOCK = {
    "pin": string("Android: the app's PIN (4-6 letters or digits, at least one digit).", maxLength=16),
    "biometric": boolean("iOS: Touch ID / Face ID confirmed (must be true; iOS has no PIN)."),
}
_USER = {"username": string(maxLength=64), "password": string(maxLength=1024, format="password")}

SCHEMAS: dict[str, Schema] = {
    "IbKeyActivateRequest": obj(
        {**_USER, "activation_code": string("The code texted to the user's phone.", maxLength=16)},
        {
            "pin": string(
                "Android: the PIN to set on a new phone, or the phone's PIN when adding a user.",
                pattern=PIN_RE.pattern,
            ),
            "biometric": _UNLOCK["biometric"],
        },
    ),
    "IbKeyActivated": obj(
        {
            "status": const("active"),
            "username": string(),
            "device_id": _DEVICE_ID,
            "app_id": _APP_ID,
            "platform": string(enum=list(PLATFORMS)),
            "replaced": array(_DEVICE_ID, "The user's IB Keys on other phones, replaced from now on."),
        }
    ),
    "IbKeyAddUserRequest": obj(_USER),
    "IbKeyUserAdded": obj(
        {
            "status": const("pending_activation"),
            "username": string(),
            "device_id": _DEVICE_ID,
            "app_id": _APP_ID,
            "sent_to": string("The masked number the activation code went to."),
            "activation_expires_at": unix_time("When the activation code stops working"),
        }
    ),
    "IbKeyAppUser": obj({"username": string(), "device_id": _DEVICE_ID}),
    "IbKeyApp": obj(
        {
            "app_id": _APP_ID,
            "platform": string(enum=list(PLATFORMS)),
            "unlock": string("How the keys are unlocked.", enum=["pin", "biometric"]),
            "notifications": boolean("Push notifications on; off means challenge/response at login."),
            "locked": boolean("Too many wrong PINs: the keys are disabled."),
            "pin_attempts_left": {
                **integer("Android: wrong PINs still allowed; null on iOS.", minimum=0),
                "type": ["integer", "null"],
            },
            "users": array(ref("IbKeyAppUser"), "The users activated on this phone."),
            "pending_users": array(ref("IbKeyAppUser"), "Users added and waiting for their activation."),
        }
    ),
    "IbKeyNotification": obj(
        {
            "id": string(),
            "txn_id": string("The login (or step-up) transaction it belongs to."),
            "username": string(),
            "device_id": _DEVICE_ID,
            "candidates": array(string(pattern=r"^[0-9]{2}$"), "Three numbers; the login page shows one."),
            "purpose": string("`login` or a step-up purpose."),
            "sent_at": unix_time("When it was sent"),
            "expires_at": unix_time("When it can no longer be answered"),
        }
    ),
    "IbKeyNotifications": obj({"notifications": array(ref("IbKeyNotification"), "Newest first.")}),
    "IbKeyApproveRequest": obj(
        {"match": string("The number the login page shows, picked among the candidates.", examples=["42"])},
        _UNLOCK,
    ),
    "IbKeyDenyRequest": obj({}, _UNLOCK),
    "IbKeyAnswered": obj(
        {
            "state": string("What the login now says to a poll.", enum=["approved", "denied"]),
            "notification_id": string(),
            "txn_id": string(),
        }
    ),
    "IbKeyRespondRequest": obj(
        {"challenge": string("The 6 digits the login page shows.", pattern=r"^[0-9]{6}$")},
        {**_UNLOCK, "username": string("Which user, when several are on the phone.", maxLength=64)},
    ),
    "IbKeyRespondResponse": obj({"response": string("What the app shows.", pattern=r"^[0-9]{8}$")}),
    "IbKeySettings": obj({"notifications": boolean("Receive push notifications.")}),
}


def _described(operation: Operation) -> Operation:
    return describe_path_parameters(operation, _PARAMETERS)


def operations() -> list[Operation]:
    base = "/sim/v1/ibkey/{device_id}"
    unlock_errors = (WrongPinError, AppLockedError, UnknownApp)
    answer_errors = (
        *unlock_errors,
        UnknownNotification,
        InvalidResponse,
        PushDenied,
        ChallengeExpired,
        ChallengeUsed,
        WrongMode,
        DeviceInactive,
        DeviceLocked,
        UnknownTransaction,
    )
    password_errors = (InvalidCredentials, IpRestricted, AccountDisabled, AccountLocked, RateLimited)
    return [
        _described(o)
        for o in (
            op(
                "post",
                f"{base}/activate",
                "activateIbKey",
                "Activate IB Key on the phone (new phone, migration, or an added user)",
                ok("IbKeyActivated", "Active: the phone holds the user's keys; the server, the public half."),
                body="IbKeyActivateRequest",
                errors=(
                    *password_errors,
                    *unlock_errors,
                    InvalidActivationCode,
                    ActivationCodeExpired,
                    ActivationCodeUsed,
                    Conflict,
                ),
                description="Username and password (counted by the login lockout), the code texted at "
                "enrolment, then `pin` (Android) or `biometric: true` (iOS). The app makes an Ed25519 key "
                "pair and agrees the OCRA key with the server (X25519 + HKDF-SHA256); the private key never "
                "leaves the phone. The code is good once, for 10 minutes, and dies after 5 wrong tries "
                "(401 `invalid_activation_code` with `attempts_left`, then 410). Activating replaces the "
                "user's IB Key on any other phone at once (`replaced`).",
            ),
            op(
                "post",
                f"{base}/users",
                "addIbKeyUser",
                "Add another user to an active phone",
                ok("IbKeyUserAdded", "A code was texted to that user's phone.", status=201),
                body="IbKeyAddUserRequest",
                errors=(*password_errors, SendLimited, UnknownApp, AlreadyOnApp),
                description="Then `POST .../activate` with that user's name, password and code, unlocked "
                "with this phone's PIN or biometrics. Each user gets their own key pair and server device.",
            ),
            op(
                "get",
                base,
                "getIbKeyApp",
                "Read the phone's IB Key state",
                ok("IbKeyApp", "Platform, unlock, users, notification setting."),
                errors=(UnknownApp,),
            ),
            op(
                "get",
                f"{base}/notifications",
                "listIbKeyNotifications",
                "Read the phone's pending push notifications",
                ok("IbKeyNotifications", "Unanswered, unexpired pushes for any user on the phone."),
                errors=(UnknownApp,),
            ),
            op(
                "post",
                f"{base}/notifications/{{notification_id}}/approve",
                "approveIbKeyNotification",
                "Approve a push, picking the number the login page shows",
                ok("IbKeyAnswered", "Approved: the login's next poll gets the session."),
                body="IbKeyApproveRequest",
                errors=answer_errors,
                description="The app signs the transaction (txn id, user, device, nonce, the number picked, "
                "the decision) with the user's private key. A number not among the candidates is a 400; a "
                "signed approval with the wrong one of them is 401 `invalid_response` with `attempts_left` "
                "(number matching). A revoked or replaced IB Key gets 403 `device_inactive`.",
            ),
            op(
                "post",
                f"{base}/notifications/{{notification_id}}/deny",
                "denyIbKeyNotification",
                "Deny a push",
                ok("IbKeyAnswered", "Denied: the login's poll says `denied`."),
                body="IbKeyDenyRequest",
                errors=answer_errors,
            ),
            op(
                "post",
                f"{base}/respond",
                "respondIbKeyChallenge",
                "Answer a challenge without notifications (roaming, notifications off)",
                ok("IbKeyRespondResponse", "The 8-digit response to type into the login page."),
                body="IbKeyRespondRequest",
                errors=unlock_errors,
                description="OCRA `OCRA-1:HOTP-SHA256-8:QN06` with the key agreed at activation. Android: "
                "`pin` (403 `wrong_pin` with `pin_attempts_left`; 423 `app_locked` after 10); iOS: "
                "`biometric: true`.",
            ),
            op(
                "put",
                f"{base}/settings",
                "setIbKeySettings",
                "Switch the phone's push notifications on or off",
                ok("IbKeyApp", "The phone's state after the change."),
                body="IbKeySettings",
                errors=(UnknownApp, InvalidRequest),
                description="With notifications off, logins get a challenge instead of a push.",
            ),
        )
    ]
