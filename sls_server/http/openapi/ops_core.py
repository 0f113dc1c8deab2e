"""OpenAPI operations of the login API, the DSC+ simulator, the core admin routes and the ops routes."""

from __future__ import annotations

from typing import Any

from ...accounts.access import IpRestricted
from ...auth.lockout import AccountLocked, DeviceLocked, RateLimited
from ...auth.second_factor import LoginExhausted
from ...auth.sessions import SessionActive, SessionIpRejected
from ...errors import (
    AccountDisabled,
    ChallengeExpired,
    ChallengeUsed,
    DeviceInactive,
    InvalidCredentials,
    InvalidRequest,
    InvalidResponse,
    NoSecondFactor,
    UnknownDevice,
    UnknownTransaction,
    UnsupportedDeviceType,
    UserExists,
    WeakPassword,
)
from ...factors.challenges import ChallengeLimited
from ...factors.dscplus import ChallengeSpaceExhausted
from ...sim.card import CardLockedError, WrongPinError
from ...sim.phones import SendLimited
from ..admin.users import UnknownSession
from .build import SESSION_ERRORS, USER_ERRORS, json_content, ok, op, query
from .schemas import integer, string

Operation = tuple[str, str, dict[str, Any]]


def operations() -> list[Operation]:
    return [
        # --- /api/v1 --------------------------------------------------------------------------------------
        op(
            "post",
            "/api/v1/auth/login",
            "startLogin",
            "Check username and password; issue a second-factor challenge",
            ok(
                "LoginStarted",
                "The password was right; a second factor is now required.",
                Set_Cookie="`sls_login`: the `login_token`; HttpOnly; SameSite=Strict; "
                "Path=/api/v1/auth/login/<txn_id>",
            ),
            body="LoginRequest",
            errors=(
                InvalidCredentials,
                IpRestricted,
                AccountDisabled,
                NoSecondFactor,
                ChallengeSpaceExhausted,
                AccountLocked,
                RateLimited,
                ChallengeLimited,
                DeviceLocked,
            ),
            description="401 `invalid_credentials` is the same for an unknown user and a wrong password, in "
            "body and timing. 403 `no_second_factor` when the user has no active authenticator. "
            "403 `ip_restricted` when the client's address is outside the user's IP allowlist: "
            "judged before the password, so the answer is the same whatever was typed. "
            "423 `account_locked` with `retry_after` (absent when only an admin can unlock) after "
            "too many failures, whatever the password; 429 `rate_limited` with `retry_after` when "
            "one address fails too often across accounts, or (after a right password) when the "
            "card or the user has been issued SLS_CHALLENGE_ISSUE_LIMIT challenges in the last "
            "SLS_CHALLENGE_ISSUE_WINDOW seconds; 423 `device_locked` when every "
            "authenticator of the user is disabled by wrong responses; 403 `account_disabled` for a user "
            "an administrator disabled. The answer's `login_token` binds the login to this client: "
            "every call on the transaction must carry it (`X-Login-Token`, or the `sls_login` cookie).",
        ),
        op(
            "post",
            "/api/v1/auth/login/{txn_id}/verify",
            "verifyLogin",
            "Answer the second-factor challenge",
            ok(
                "Authenticated",
                "The response matched: a session, also set as a cookie.",
                Set_Cookie="`sls_session` (`__Host-sls_session`; Secure over TLS, or when a proxy in "
                "SLS_TRUSTED_PROXIES says X-Forwarded-Proto: https); HttpOnly; SameSite=Strict; Path=/",
            ),
            body="VerifyRequest",
            errors=(
                InvalidResponse,
                DeviceInactive,
                UnknownTransaction,
                ChallengeUsed,
                ChallengeExpired,
                DeviceLocked,
                SessionActive,
                SessionIpRejected,
                AccountDisabled,
            ),
            bound=True,
            description="401 `invalid_response` with `attempts_left`; 410 `challenge_expired` (start over; "
            "also once the attempts are spent); 409 `challenge_used` (a replayed response); 404 "
            "`unknown_transaction`; 403 `device_inactive` (the device was revoked meanwhile); "
            "400 `invalid_request` when the response does not have the form the factor gives; "
            "423 `device_locked` when this answer was the last wrong one allowed (or it was "
            "disabled already); 409 `session_active` under SLS_SESSION_CONCURRENCY=refuse; "
            "403 `ip_restricted` from an address outside the user's allowlist; 403 `account_disabled` "
            "when the user was disabled while the login was in progress; 401 `login_binding_required` "
            "without the login's `login_token` (or with another).",
        ),
        op(
            "post",
            "/api/v1/auth/login/{txn_id}/factor",
            "switchFactor",
            "Use another authenticator, or ask for a new code",
            ok("FactorSwitched", "The new prompt; the attempt count carries over."),
            body="FactorSwitchRequest",
            errors=(
                UnknownTransaction,
                ChallengeUsed,
                ChallengeExpired,
                NoSecondFactor,
                DeviceLocked,
                SendLimited,
                LoginExhausted,
                AccountDisabled,
                ChallengeLimited,
            ),
            bound=True,
            description="M2FS: pick another of the user's factors (`factors` in the login answer). "
            '"Didn\'t receive a security code?": `{"type": "sms"}` sends a new text, '
            '`{"type": "voice"}` places a voice callback. A new code never resets the failure '
            "count; sends are rate-limited, and so are challenges per card and per user "
            "(429 `rate_limited` with `retry_after`). A login lives at most 3 challenge TTLs "
            "from its start, and may switch or ask again 5 times: the next request ends it (429 "
            "`login_exhausted`).",
        ),
        op(
            "get",
            "/api/v1/auth/login/{txn_id}",
            "getLoginStatus",
            "Poll a pending login",
            ok("LoginStatus", "Where the login transaction stands."),
            errors=(UnknownTransaction, AccountDisabled),
            bound=True,
        ),
        op(
            "get",
            "/api/v1/session",
            "getSession",
            "Who am I",
            ok("Session", "The live session; the request counts as activity."),
            errors=SESSION_ERRORS,
            session=True,
            description="401 `session_expired` after auto-logoff (idle) or the absolute lifetime; "
            "401 `not_authenticated` without a live session.",
        ),
        op(
            "post",
            "/api/v1/session/tickle",
            "tickleSession",
            "Keep the session alive",
            ok("Session", "The live session, its idle expiry pushed back."),
            errors=SESSION_ERRORS,
            session=True,
        ),
        op(
            "post",
            "/api/v1/auth/logout",
            "logout",
            "End the session",
            ok("LoggedOut", "The session is ended server-side; its token is dead at once."),
            errors=SESSION_ERRORS,
            session=True,
        ),
        # --- /sim/v1 --------------------------------------------------------------------------------------
        op(
            "post",
            "/sim/v1/dscplus/{device_id}/respond",
            "respondWithCard",
            "Key PIN and challenge into a simulated DSC+ card",
            ok("CardRespondResponse", "The response the card displays."),
            body="CardRespondRequest",
            errors=(WrongPinError, UnknownDevice, CardLockedError),
            description="403 `wrong_pin` with `pin_attempts_left`; after too many the card locks itself: "
            "423 `card_locked` until an admin resets it "
            "(`POST /admin/v1/devices/{device_id}/reset`).",
        ),
        op(
            "get",
            "/sim/v1/dscplus/{device_id}",
            "getCardStatus",
            "Look at a simulated DSC+ card",
            ok("CardStatus", "Serial, suite, locked or not, PIN tries left."),
            errors=(UnknownDevice,),
        ),
        # --- /admin/v1 ------------------------------------------------------------------------------------
        op(
            "post",
            "/admin/v1/users",
            "createUser",
            "Create a user",
            ok("User", "The new user, without devices.", status=201),
            body="UserCreate",
            errors=(WeakPassword, UserExists),
            description="400 `weak_password` with `reason` for a weak or blocklisted password; 400 "
            "`invalid_request` for a malformed username or phone; 409 `user_exists`.",
        ),
        op("get", "/admin/v1/users", "listUsers", "List usernames", ok("UserList", "Every username.")),
        op(
            "get",
            "/admin/v1/users/{username}",
            "getUser",
            "Get a user and their devices",
            ok("User", "The user."),
            errors=USER_ERRORS,
        ),
        op(
            "delete",
            "/admin/v1/users/{username}",
            "deleteUser",
            "Delete a user, their devices and sessions",
            ok("UserDeleted", "Deleted; the user's sessions ended at once."),
            errors=USER_ERRORS,
        ),
        op(
            "post",
            "/admin/v1/users/{username}/devices",
            "enrolDevice",
            "Enrol an authenticator",
            ok("DeviceEnrolled", "The new device, with its key returned this once.", status=201),
            body="DeviceEnrolRequest",
            errors=(*USER_ERRORS, UnsupportedDeviceType),
            description='dscplus: `{"type": "dscplus", "pin": "1234"}` returns the card\'s `serial`, '
            "`suite` and `secret_hex` so tests can compute responses themselves.",
        ),
        op(
            "get",
            "/admin/v1/users/{username}/devices",
            "listDevices",
            "List a user's devices",
            ok("DeviceList", "Active and revoked devices, oldest first."),
            errors=USER_ERRORS,
        ),
        op(
            "delete",
            "/admin/v1/users/{username}/devices/{device_id}",
            "revokeDevice",
            "Revoke a device",
            ok("Device", "The device, now revoked."),
            errors=(*USER_ERRORS, UnknownDevice),
        ),
        op(
            "post",
            "/admin/v1/devices/{device_id}/reset",
            "resetCard",
            "Unlock a DSC+ card locked by wrong PINs",
            ok("Device", "The card, unlocked, its wrong-PIN count zero."),
            errors=(UnknownDevice,),
        ),
        op(
            "get",
            "/admin/v1/users/{username}/sessions",
            "listUserSessions",
            "List a user's live sessions",
            ok("SessionList", "The live sessions."),
            errors=USER_ERRORS,
        ),
        op(
            "delete",
            "/admin/v1/sessions/{session_id}",
            "killSession",
            "End a session",
            ok("SessionEnded", "Ended; its token is dead at once."),
            errors=(UnknownSession,),
        ),
        op("get", "/admin/v1/clock", "getClock", "Read the server's clock", ok("Clock", "The clock.")),
        op(
            "post",
            "/admin/v1/clock",
            "moveClock",
            "Move the server's clock",
            ok("Clock", "The clock after the move."),
            body="ClockMove",
            description="Every time-dependent decision reads this clock, so a scenario can cross an expiry "
            "or an idle timeout at once. 400 `invalid_request` unless exactly one is given, or when the "
            "clock would leave 2000-01-01 .. 2100-01-01 (`field` names the one at fault; the clock is "
            "unchanged).",
        ),
        op(
            "get",
            "/admin/v1/events",
            "listEvents",
            "Read audit events",
            ok("EventsPage", "Events after `since`, oldest first, and the cursor to read on from."),
            errors=(InvalidRequest,),
            description="Flood windows that have closed are summarised (`events.summary`) before the read, "
            "so their counts are there to read.",
            query=(
                query("since", "A cursor returned by an earlier call.", string()),
                query("user", "Only this user's events (400 if not a valid username).", string()),
                query("type", "Only events of this type.", string(examples=["login.succeeded"])),
                query("limit", "At most this many events.", integer(minimum=1, maximum=1000, default=100)),
            ),
        ),
        op(
            "post",
            "/admin/v1/reset",
            "resetEmulator",
            "Wipe all emulator state",
            ok("ResetDone", "Users, devices, sessions, transactions and events are gone."),
        ),
        # --- ops --------------------------------------------------------------------------------------------
        op("get", "/healthz", "healthz", "Liveness", ok("Status", "The process serves."), store=False),
        op(
            "get",
            "/readyz",
            "readyz",
            "Readiness",
            ok("Status", "Redis takes a write."),
            description="503 `store_unavailable` (with `status: unavailable`) while Redis does not answer or "
            "refuses writes (out of memory, read-only replica, MISCONF, NOREPLICAS, BUSY).",
        ),
        op(
            "get",
            "/metrics",
            "metrics",
            "Prometheus metrics",
            {
                "200": {
                    "description": "Prometheus text format: `sls_events_total` by event type.",
                    "content": {"text/plain": {"schema": {"type": "string"}}},
                }
            },
        ),
        op(
            "get",
            "/openapi.json",
            "getOpenApi",
            "This document",
            {
                "200": {
                    "description": "The OpenAPI 3.1 document.",
                    "content": json_content({"type": "object"}),
                }
            },
            store=False,
        ),
    ]
