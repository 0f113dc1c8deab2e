"""``/api/v1/auth/recovery``: "Forgot your password?". No session: the token the first call answers holds
the recovery's place; the core (``auth.password_recovery``) decides everything."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from ...accounts import rules
from ...accounts.errors import IpRestricted, WeakPassword
from ...auth.errors import (
    AccountDisabled,
    AccountLocked,
    ChallengeExpired,
    ChallengeUsed,
    ClientServicesRequired,
    DeviceInactive,
    DeviceLocked,
    InvalidResponse,
    LoginExhausted,
    PushDenied,
    RateLimited,
    ReauthRequired,
    UnknownTransaction,
    WrongMode,
)
from ...factors.errors import ChallengeLimited, ChallengeSpaceExhausted, CodeReplayed
from ...shapes.recovery import (
    RecoveryChallenge,
    RecoveryCode,
    RecoveryDone,
    RecoveryPassword,
    RecoveryStart,
    RecoveryStarted,
    RecoveryStep,
    RecoverySwitched,
    RecoveryVerified,
    RecoveryVerify,
)
from ..common import client_ip, core, now
from ..operations import operation
from . import bp


@operation(
    bp,
    "post",
    "/auth/recovery",
    summary="Forgot your password? Start: a code is texted to the account's phone",
    body=RecoveryStart,
    ok=RecoveryStarted,
    returns="A recovery token; the same answer whether or not the name is a user's.",
    errors=(RateLimited,),
)
def start_recovery(body: RecoveryStart) -> ResponseReturnValue:
    """Any well-formed name gets `code_sent` and a token: a name no user has, a user without a phone, or a
    text the send limits refused, all answer alike (no code arrives then). The code lives
    SLS_SMS_CODE_TTL seconds. 429 `rate_limited` with `retry_after` past SLS_IP_THROTTLE_LIMIT starts from
    one address per SLS_IP_THROTTLE_WINDOW, whatever the names."""
    return core().recovery.start(body.username, now=now(), ip=client_ip())


@operation(
    bp,
    "post",
    "/auth/recovery/code",
    summary="The code texted to the phone; then the second factor",
    body=RecoveryCode,
    ok=RecoveryStep,
    returns="The second factor's prompt, on an authenticator other than the phone.",
    errors=(
        InvalidResponse,
        ChallengeExpired,
        ClientServicesRequired,
        AccountDisabled,
        IpRestricted,
        DeviceLocked,
        ChallengeLimited,
        RateLimited,
    ),
)
def recovery_code(body: RecoveryCode) -> ResponseReturnValue:
    """401 `invalid_response` with `attempts_left` for a wrong code (five end the recovery); 410
    `challenge_expired` when no recovery waits for a code. 403 `client_services_required` when the user has
    no authenticator besides the phone's SMS and voice: the phone alone never resets a password (a swapped
    SIM would be the whole account); Client Services can (`PUT /admin/v1/users/<u>/password`). 403
    `ip_restricted` from outside the user's IP Restrictions. 429 `rate_limited` with `retry_after` once
    twenty codes were tried at the name in a day, whichever of its recoveries (a name no user has alike; a
    right code forgets them): a new recovery gives no fresh guesses."""
    return core().recovery.code(body.recovery_token, body.code, now=now(), ip=client_ip())


@operation(
    bp,
    "post",
    "/auth/recovery/challenge",
    summary="IB Key's Challenge/Response instead of its push, for a phone without notifications",
    body=RecoveryChallenge,
    ok=RecoverySwitched,
    returns="The step's new prompt: the Challenge Code to type into IBKR Mobile.",
    errors=(
        ChallengeExpired,
        ChallengeUsed,
        UnknownTransaction,
        LoginExhausted,
        PushDenied,
        DeviceInactive,
        DeviceLocked,
        ChallengeLimited,
        ChallengeSpaceExhausted,
        IpRestricted,
    ),
)
def recovery_challenge(body: RecoveryChallenge) -> ResponseReturnValue:
    """The broker's "IB Key Use Without Notifications": a phone that gets no notifications answers the
    Challenge Code instead, as a login's `POST .../factor {"type": "ibkey", "mode": "challenge"}` does. The
    push is withdrawn; `factor.reason` is `requested`. 410 `challenge_expired` when no recovery waits at its
    second factor; 400 naming `recovery_token` when that factor is not IB Key; 403 `ip_restricted`, the
    recovery ended, from outside the user's IP Restrictions."""
    return core().recovery.challenge_mode(body.recovery_token, now=now(), ip=client_ip())


@operation(
    bp,
    "post",
    "/auth/recovery/verify",
    summary="Answer the second factor, or poll an app approval",
    body=RecoveryVerify,
    ok=RecoveryVerified,
    returns="`verified`, or where an app approval stands.",
    errors=(
        InvalidResponse,
        ChallengeExpired,
        UnknownTransaction,
        DeviceInactive,
        DeviceLocked,
        CodeReplayed,
        PushDenied,
        WrongMode,
        AccountLocked,
        AccountDisabled,
        IpRestricted,
    ),
)
def recovery_verify(body: RecoveryVerify) -> ResponseReturnValue:
    """As a login's verify: wrong answers count on the device (SLS_DEVICE_FAILURE_LIMIT), an IB Key push is
    polled with the token alone; 403 `ip_restricted`, the recovery ended, from outside the user's IP
    Restrictions."""
    return core().recovery.verify(body.recovery_token, body.response, now=now(), ip=client_ip())


@operation(
    bp,
    "post",
    "/auth/recovery/password",
    summary="Set the new password of a verified recovery",
    body=RecoveryPassword,
    ok=RecoveryDone,
    returns="Changed: log in with it; every session and login in progress ended; the phone was told.",
    errors=(ReauthRequired, WeakPassword, ChallengeExpired, IpRestricted),
    rules=lambda fields: rules.new_password(fields, field="new_password"),
)
def recovery_password(body: RecoveryPassword) -> ResponseReturnValue:
    """401 `reauth_required` (`purpose: password_recovery`) before the second factor verified, or past
    `valid_until`; 400 `weak_password` with `reason` (the recovery stays, to try another); 410
    `challenge_expired`, nothing written, when since the code the user was disabled, deleted and made again,
    or had the password changed or reset (a recovery cannot undo Client Services); 403 `ip_restricted` from
    outside the user's IP Restrictions. Recorded as `user.password_changed` with `by: recovery`."""
    return core().recovery.set_password(body.recovery_token, body.new_password, now=now(), ip=client_ip())
