"""``/api/v1`` routes inside a session: step-up ("verify your identity") and the sensitive tasks it guards.

The tasks are stand-ins for what a client portal protects (changing contact details, moving money): they
change real emulator state or record the request, and refuse with 401 ``reauth_required`` unless the session
carries a fresh verification for that purpose.
"""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from ...accounts import rules
from ...accounts.errors import WeakPassword
from ...auth.errors import (
    AccountDisabled,
    AccountLocked,
    ChallengeExpired,
    ChallengeUsed,
    DeviceInactive,
    DeviceLocked,
    InvalidResponse,
    LoginExhausted,
    NoSecondFactor,
    PushDenied,
    RateLimited,
    ReauthRequired,
    UnknownTransaction,
    WrongMode,
    WrongPassword,
)
from ...errors import Conflict, DeviceBusy, InvalidRequest
from ...factors.errors import ChallengeLimited, ChallengeSpaceExhausted, CodeReplayed
from ...shapes.access import IpAllowlist, OwnIpRestrictions
from ...shapes.stepup import (
    PasswordChange,
    PasswordChanged,
    PhoneChange,
    PhoneChanged,
    StepUpAnswer,
    StepUpRequest,
    WithdrawalAccepted,
    WithdrawalRequest,
)
from ...sim.errors import SendLimited
from ..common import caller_session, client_ip, core, now
from ..operations import operation
from . import bp
from .login import SESSION_SET_COOKIE, with_session_cookie


@operation(
    bp,
    "post",
    "/verify",
    summary="Step-up: verify your identity for a sensitive task",
    body=StepUpRequest,
    ok=StepUpAnswer,
    returns="The prompt (start), the state (poll), or `verified` with a rotated token.",
    headers={
        "Set-Cookie": f"Verified: the rotated session's cookie, as a login sets it: {SESSION_SET_COOKIE}"
    },
    security="session",
    errors=(
        UnknownTransaction,
        ChallengeUsed,
        CodeReplayed,
        ChallengeExpired,
        AccountLocked,
        InvalidResponse,
        DeviceInactive,
        DeviceLocked,
        NoSecondFactor,
        ChallengeLimited,
        ChallengeSpaceExhausted,
        SendLimited,
        LoginExhausted,
        PushDenied,
        WrongMode,
        AccountDisabled,
    ),
)
def verify_identity(body: StepUpRequest) -> ResponseReturnValue:
    """Start with `{"purpose"}`: a challenge on the user's factor, like login (`"type": "ibkey", "mode":
    "challenge"`: IB Key's Challenge Code instead of a push, as the broker's procedure has it). Finish with
    `{"txn_id", "response"}`, or poll an IB Key approval with `{"txn_id"}` (a response to a push step is 409
    `wrong_mode`). Verified: the session carries the purpose for SLS_STEPUP_VALIDITY seconds and its token
    is rotated. 429 `rate_limited` with
    `retry_after` when the card or the user has been issued SLS_CHALLENGE_ISSUE_LIMIT challenges in the
    last SLS_CHALLENGE_ISSUE_WINDOW seconds."""
    session = caller_session()
    if body.txn_id is None:
        assert body.purpose is not None  # the shape requires one of the two
        return core().stepup.begin(
            session,
            body.purpose,
            now=now(),
            ip=client_ip(),
            type_=body.type,
            device_id=body.device_id,
            mode=body.mode,
        )
    result, token = core().stepup.complete(session, body.txn_id, body.response, now=now(), ip=client_ip())
    return with_session_cookie(token, result) if token else result


@operation(
    bp,
    "post",
    "/account/phone",
    summary="Change the phone number: a code to the new number, then the change (needs a fresh step-up)",
    body=PhoneChange,
    ok=PhoneChanged,
    returns="`code_sent` (nothing changed yet), or `changed` (both numbers got a notice).",
    security="session",
    errors=(ReauthRequired, InvalidResponse, ChallengeExpired, SendLimited, DeviceBusy),
)
def change_phone(body: PhoneChange) -> ResponseReturnValue:
    """401 `reauth_required` without a fresh `change_contact` verification, for either call. With `code`:
    401 `invalid_response` for a wrong one (five kill it), 410 `challenge_expired` when no code for this
    session and number lives (expired, killed, replaced by a newer request, or never sent). A new code does
    not reset the count: after twenty wrong codes in a day, whichever code, 429 `rate_limited` with
    `retry_after`, the right code included, until the day has passed (a right code forgets them)."""
    return core().tasks.change_phone(caller_session(), body.phone, body.code, now=now(), ip=client_ip())


@operation(
    bp,
    "post",
    "/account/password",
    summary="Change the password: the current one and the new one (needs a fresh step-up)",
    body=PasswordChange,
    ok=PasswordChanged,
    returns="`changed`: log in with the new password from now on; the user's phone got a notice.",
    security="session",
    errors=(ReauthRequired, WeakPassword, WrongPassword, AccountLocked, RateLimited, Conflict),
    rules=lambda fields: rules.new_password(fields, field="new_password"),
)
def change_password(body: PasswordChange) -> ResponseReturnValue:
    """401 `reauth_required` without a fresh `change_security` verification. 400 `weak_password` (with
    `reason`) for a new password the policy refuses, judged before the current one is looked at; 400
    `invalid_request` for a new one equal to the current one. 403 `wrong_password` for a wrong current
    password: counted towards the lockout like a login's, so enough of them lock the account (423
    `account_locked`). 409 `conflict` when another change won a race with this one. Other sessions are
    logged out unless `end_other_sessions` is false."""
    return core().tasks.change_password(
        caller_session(),
        body.current_password,
        body.new_password,
        end_others=body.end_other_sessions,
        now=now(),
        ip=client_ip(),
    )


@operation(
    bp,
    "get",
    "/account/ip-allowlist",
    summary="Your IP Restrictions: the addresses you may log in from",
    ok=OwnIpRestrictions,
    returns="Your list (empty: off), your account's, and the address asking.",
    security="session",
)
def get_ip_restrictions() -> ResponseReturnValue:
    """Seeing them needs only the session."""
    return core().tasks.ip_restrictions(caller_session(), ip=client_ip())


@operation(
    bp,
    "put",
    "/account/ip-allowlist",
    summary="Set your IP Restrictions (needs a fresh step-up); an empty list turns them off",
    body=IpAllowlist,
    ok=OwnIpRestrictions,
    returns="The list as stored, normalised; your phone got a notice.",
    security="session",
    errors=(ReauthRequired, InvalidRequest),
    rules=rules.allowlist,
)
def set_ip_restrictions(body: IpAllowlist) -> ResponseReturnValue:
    """401 `reauth_required` without a fresh `change_security` verification. Logins on every platform, and
    every request of a session, are then allowed only from these addresses (and the account's, if it has a
    list). A list without the address asking (`your_address`) is 400 `invalid_request` with `field:
    ip_allowlist`: this session would end at once and the user could not log in again. One bad entry is 400
    with its `index` and `entry` (several: each in `problems`); nothing is stored either way. Recorded as
    `ip.allowlist_changed` with `by: user`."""
    return core().tasks.set_ip_restrictions(caller_session(), body.ip_allowlist, now=now(), ip=client_ip())


@operation(
    bp,
    "post",
    "/withdrawals",
    summary="Request a withdrawal (needs a fresh step-up, which it spends)",
    body=WithdrawalRequest,
    ok=WithdrawalAccepted,
    returns="Recorded (simulated: no money moves); the `withdrawal` verification is spent.",
    security="session",
    errors=(ReauthRequired,),
)
def request_withdrawal(body: WithdrawalRequest) -> ResponseReturnValue:
    """Each withdrawal spends its `withdrawal` verification (ASVS 5.0 7.5.3: moving money asks a fresh
    factor each time, even within the session): one step-up, one withdrawal. 401 `reauth_required` without a
    fresh, unspent one (the next withdrawal needs `POST /api/v1/verify` again); of withdrawals racing on one
    verification exactly one is accepted. A body refused (400) spends nothing."""
    assert body.currency is not None  # declared nullable for the document; the shape's validator made it USD
    return core().tasks.withdraw(caller_session(), body.amount, body.currency, now=now(), ip=client_ip())
