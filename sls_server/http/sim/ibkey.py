"""``/sim/v1/ibkey``: what a person does with IBKR Mobile on their phone. ``<device_id>`` names the phone: the
id an admin got when enrolling its first IB Key, or the device id of any user on it (see ``ibkey_app``)."""

from __future__ import annotations

import re

from flask.typing import ResponseReturnValue

from ...accounts.errors import IpRestricted, UserNotFound
from ...auth.errors import (
    AccountDisabled,
    AccountLocked,
    ChallengeExpired,
    ChallengeUsed,
    DeviceInactive,
    DeviceLocked,
    InvalidCredentials,
    InvalidResponse,
    PushDenied,
    RateLimited,
    UnknownTransaction,
    WrongMode,
)
from ...errors import Conflict, DeviceBusy, InvalidRequest, NotFound
from ...factors.errors import (
    ActivationCodeExpired,
    ActivationCodeUsed,
    ActivationTriesSpent,
    InvalidActivationCode,
)
from ...shapes.ibkey import (
    IbKeyActivated,
    IbKeyActivateRequest,
    IbKeyAddUserRequest,
    IbKeyAnswered,
    IbKeyApp,
    IbKeyApproveRequest,
    IbKeyBiometrics,
    IbKeyDenyRequest,
    IbKeyMigrateRequest,
    IbKeyMigrationStarted,
    IbKeyNotifications,
    IbKeyRespondRequest,
    IbKeyRespondResponse,
    IbKeySettings,
    IbKeyUserAdded,
)
from ...sim.errors import (
    ActivationInProgress,
    AlreadyActivated,
    AppBusy,
    AppLockedOut,
    IbKeysBusy,
    NothingToMigrate,
    PasscodeRejected,
    PhoneOffline,
    PinRejected,
    SendLimited,
    UnknownApp,
    UnknownNotification,
)
from ..common import client_ip, core, now
from ..operations import operation
from . import bp

_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
PARAMETERS = {
    "device_id": "The phone: the device id an admin got when enrolling its first IB Key (its app id), or the "
    "device id of any user activated on it.",
    "notification_id": "The notification's `id`, from the phone's notification list.",
}
UNLOCK_ERRORS = (PinRejected, PasscodeRejected, AppLockedOut, UnknownApp, AppBusy)
ANSWER_ERRORS = (
    *UNLOCK_ERRORS,
    UnknownNotification,
    InvalidResponse,
    PushDenied,
    ChallengeExpired,
    ChallengeUsed,
    WrongMode,
    DeviceInactive,
    DeviceLocked,
    UnknownTransaction,
    AccountDisabled,
    PhoneOffline,
)
PASSWORD_ERRORS = (InvalidCredentials, IpRestricted, AccountDisabled, AccountLocked, RateLimited)


def _ref(value: str, unknown: type[NotFound] = UnknownApp) -> str:
    """Ids become Redis keys: anything that is not one of ours is simply unknown."""
    if not _ID.fullmatch(value):
        raise unknown()
    return value


@operation(
    bp,
    "post",
    "/ibkey/<device_id>/activate",
    summary="Activate IB Key on the phone (new phone, migration, or an added user)",
    body=IbKeyActivateRequest,
    ok=IbKeyActivated,
    returns="Active: the phone holds the user's keys; the server, the public half.",
    errors=(
        *PASSWORD_ERRORS,
        *UNLOCK_ERRORS,
        InvalidActivationCode,
        ActivationCodeExpired,
        ActivationCodeUsed,
        ActivationInProgress,
        ActivationTriesSpent,
        Conflict,
        DeviceBusy,
        IbKeysBusy,
    ),
    parameters=PARAMETERS,
)
def activate_ib_key(device_id: str, body: IbKeyActivateRequest) -> ResponseReturnValue:
    """Username and password (counted by the login lockout), the code texted at enrolment, then `pin`
    (Android) or `biometric: true` (iOS), or on an iPhone without Touch ID / Face ID set up its `passcode`
    (a new iPhone keeps it as its passcode; IB Key asks for it from then on). The app makes an Ed25519 key
    pair and agrees the OCRA key with the server (X25519 + HKDF-SHA256); the private key never leaves the
    phone. The code is good once, for 10 minutes, and dies after 5 wrong tries (401
    `invalid_activation_code` with `attempts_left`, then 410); a new code gives no fresh guesses: twenty
    wrong in a day, whichever of the user's new IB Keys, and none is judged until the day has passed (429
    `rate_limited` with `retry_after`). Activating replaces the user's IB Key on
    any other phone at once (`replaced`); one activation of a user at a time: another one already running
    answers 409 `activation_in_progress` and spends nothing."""
    return core().ibkey.activation.activate(
        _ref(device_id),
        body.username,
        body.password,
        body.activation_code,
        unlock=body.unlock(),
        now=now(),
        ip=client_ip(),
    )


@operation(
    bp,
    "post",
    "/ibkey/<device_id>/users",
    summary="Add another user to an active phone",
    body=IbKeyAddUserRequest,
    ok=IbKeyUserAdded,
    status=201,
    returns="A code was texted to that user's phone.",
    errors=(
        *PASSWORD_ERRORS,
        SendLimited,
        UnknownApp,
        AlreadyActivated,
        UserNotFound,
        AppBusy,
        IbKeysBusy,
    ),
    parameters=PARAMETERS,
)
def add_ib_key_user(device_id: str, body: IbKeyAddUserRequest) -> ResponseReturnValue:
    """Then `POST .../activate` with that user's name, password and code, unlocked with this phone's PIN or
    biometrics. Each user gets their own key pair and server device."""
    return core().ibkey.activation.add_user(
        _ref(device_id), body.username, body.password, now=now(), ip=client_ip()
    )


@operation(
    bp,
    "post",
    "/ibkey/migrate",
    summary="Migrate IB Key to this (new) phone",
    body=IbKeyMigrateRequest,
    ok=IbKeyMigrationStarted,
    status=201,
    returns="A new IB Key waits for activation on this phone.",
    errors=(*PASSWORD_ERRORS, SendLimited, NothingToMigrate, UserNotFound),
)
def migrate_ib_key(body: IbKeyMigrateRequest) -> ResponseReturnValue:
    """The broker's "Migrate IB Key", done entirely on the new phone: log in, ask to migrate, then
    `POST .../<device_id>/activate` with the code. The code is texted to the number the active IB Key was
    activated with, unless a DSC+ card is active for the user: then `activation` is `card` and the card's
    response to `challenge` is the code. Activation replaces the old phone's IB Key at once."""
    return core().ibkey.migration.start(
        body.username, body.password, platform=body.platform, handset=body.handset, now=now(), ip=client_ip()
    )


@operation(
    bp,
    "get",
    "/ibkey/<device_id>",
    summary="Read the phone's IB Key state",
    ok=IbKeyApp,
    returns="Platform, unlock, users, notification setting.",
    errors=(UnknownApp,),
    parameters=PARAMETERS,
)
def get_ib_key_app(device_id: str) -> ResponseReturnValue:
    return core().ibkey.status(_ref(device_id))


@operation(
    bp,
    "get",
    "/ibkey/<device_id>/notifications",
    summary="Read the phone's pending push notifications",
    ok=IbKeyNotifications,
    returns="Unanswered, unexpired pushes for any user on the phone.",
    errors=(UnknownApp,),
    parameters=PARAMETERS,
    links={
        name: {"device_id": "path.device_id", "notification_id": "response.notifications/0/id"}
        for name in ("approve_ib_key_notification", "deny_ib_key_notification")
    },
)
def list_ib_key_notifications(device_id: str) -> ResponseReturnValue:
    return {"notifications": core().ibkey.notifications(_ref(device_id), now=now())}


def _answer(
    device_id: str, notification_id: str, decision: str, body: IbKeyApproveRequest | IbKeyDenyRequest
) -> ResponseReturnValue:
    return core().ibkey.answer(
        _ref(device_id),
        _ref(notification_id, UnknownNotification),
        decision,
        match=body.match if isinstance(body, IbKeyApproveRequest) else None,
        unlock=body.unlock(),
        now=now(),
        ip=client_ip(),
    )


@operation(
    bp,
    "post",
    "/ibkey/<device_id>/notifications/<notification_id>/approve",
    summary="Approve a push, picking the number the login page shows",
    body=IbKeyApproveRequest,
    ok=IbKeyAnswered,
    returns="Approved: the login's next poll gets the session.",
    errors=ANSWER_ERRORS,
    parameters=PARAMETERS,
)
def approve_ib_key_notification(
    device_id: str, notification_id: str, body: IbKeyApproveRequest
) -> ResponseReturnValue:
    """The app signs the transaction (txn id, user, device, nonce, the number picked, the decision) with the
    user's private key. A number not among the candidates is a 400; a signed approval with the wrong one of
    them is 401 `invalid_response` with `attempts_left` (number matching). A revoked or replaced IB Key gets
    403 `device_inactive`. From a phone roaming (abroad, without data), 409 `phone_offline`, nothing checked
    or changed: the answer cannot reach the server (the login's Challenge/Response needs no connection)."""
    return _answer(device_id, notification_id, "approve", body)


@operation(
    bp,
    "post",
    "/ibkey/<device_id>/notifications/<notification_id>/deny",
    summary="Deny a push",
    body=IbKeyDenyRequest,
    ok=IbKeyAnswered,
    returns="Denied: the login's poll says `denied`.",
    errors=ANSWER_ERRORS,
    parameters=PARAMETERS,
)
def deny_ib_key_notification(
    device_id: str, notification_id: str, body: IbKeyDenyRequest
) -> ResponseReturnValue:
    return _answer(device_id, notification_id, "deny", body)


@operation(
    bp,
    "post",
    "/ibkey/<device_id>/respond",
    summary="Answer a challenge without notifications (roaming, notifications off)",
    body=IbKeyRespondRequest,
    ok=IbKeyRespondResponse,
    returns="The 8-digit response to type into the login page.",
    errors=UNLOCK_ERRORS,
    parameters=PARAMETERS,
)
def respond_ib_key_challenge(device_id: str, body: IbKeyRespondRequest) -> ResponseReturnValue:
    """OCRA `OCRA-1:HOTP-SHA256-8:QN06` with the key agreed at activation ("Generate Passcode"). Android:
    `pin` (403 `wrong_pin` with `pin_attempts_left`; 423 `app_locked` after 10); iOS: `biometric: true`,
    or `passcode` on an iPhone without Touch ID / Face ID (403 `wrong_passcode` with
    `passcode_attempts_left`). Requests using one phone's app run one at a time; one that waited about 5 s
    for its turn is 429 `device_busy` with `retry_after`, its PIN neither checked nor counted."""
    return core().ibkey.respond(_ref(device_id), body.challenge, username=body.username, unlock=body.unlock())


@operation(
    bp,
    "put",
    "/ibkey/<device_id>/settings",
    summary="Switch the phone's push notifications on or off",
    body=IbKeySettings,
    ok=IbKeyApp,
    returns="The phone's state after the change.",
    errors=(UnknownApp, InvalidRequest, AppBusy, DeviceBusy, IbKeysBusy),
    parameters=PARAMETERS,
)
def set_ib_key_settings(device_id: str, body: IbKeySettings) -> ResponseReturnValue:
    """With notifications off, logins get a challenge instead of a push."""
    return core().ibkey.settings.notifications(_ref(device_id), body.notifications, now=now())


@operation(
    bp,
    "put",
    "/ibkey/<device_id>/biometrics",
    summary="Set up or remove Touch ID / Face ID on the iPhone",
    body=IbKeyBiometrics,
    ok=IbKeyApp,
    returns="The phone's state: `unlock` is `biometric`, or `passcode` without Touch ID / Face ID.",
    errors=(*UNLOCK_ERRORS, InvalidRequest),
    parameters=PARAMETERS,
)
def set_ib_key_biometrics(device_id: str, body: IbKeyBiometrics) -> ResponseReturnValue:
    """The iPhone's Settings: without Touch ID / Face ID, IB Key asks for the iPhone's passcode to approve a
    push or generate a response. iOS asks for the passcode either way; a wrong one is 403 `wrong_passcode`.
    An Android phone: 400 naming `pin`."""
    return core().ibkey.settings.biometrics(_ref(device_id), body.enabled, passcode=body.passcode, now=now())
