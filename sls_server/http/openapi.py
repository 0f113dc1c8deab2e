"""The OpenAPI 3.1 description of every route, served at ``GET /openapi.json``.

Each operation is one :func:`_op` call naming its success body and the :class:`SlsError` subclasses the
route can raise; their codes, statuses and messages come from the classes themselves. What every route of
a surface shares is added here once: ``401 admin_token_required`` on ``/admin/v1``, ``403
simulator_disabled`` on ``/sim/v1``, ``400 invalid_request`` with a body, ``503 store_unavailable`` when the
route touches Redis. ``tests/api/test_openapi.py`` checks the paths against the app's URL map both ways.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from ..errors import (
    ChallengeExpired,
    ChallengeUsed,
    DeviceInactive,
    InvalidCredentials,
    InvalidRequest,
    InvalidResponse,
    NoSecondFactor,
    SessionExpired,
    SimulatorDisabled,
    SlsError,
    StoreUnavailable,
    Unauthorized,
    UnknownDevice,
    UnknownTransaction,
    UnknownUser,
    UnsupportedDeviceType,
    UserExists,
    WeakPassword,
)
from ..factors.dscplus import ChallengeSpaceExhausted
from ..iprules import AccountExists, IpRestricted, UnknownAccount, UserInAnotherAccount
from ..sessions import SessionIpRejected
from ..simulator import CardLockedError, WrongPinError
from .admin import AdminTokenRequired, UnknownSession
from .openapi_schemas import SCHEMAS, SECURITY_SCHEMES, Schema, integer, ref, string

ErrorClass = type[SlsError]

DESCRIPTION = """\
An emulator of Interactive Brokers' Secure Login System (SLS): password login followed by a second factor
from a simulated authenticator (a DSC+ card today), sessions with idle and absolute expiry, on Redis.

Three surfaces:

* `/api/v1`: the broker's login service, as the integration under test calls it.
* `/sim/v1`: the user's side of the world: the simulated cards and phones a person holds. No token:
  possession is the test; a server can switch them off (403 `simulator_disabled`).
* `/admin/v1`: test set-up and control (users, devices, sessions, the server's clock, events, reset),
  behind `Authorization: Bearer <admin token>`.

Plus `/healthz`, `/readyz`, `/metrics` and this document. Every error is
`{"error": "<code>", "message": "...", ...extra}`; codes are part of the contract. Times are Unix seconds
of the server's clock, which `/admin/v1/clock` can move.
"""

TAGS = [
    {"name": "api", "description": "The login service: password, second factor, sessions."},
    {"name": "sim", "description": "The simulated authenticators a person holds."},
    {"name": "admin", "description": "Test set-up and control; needs the admin token."},
    {"name": "ops", "description": "Liveness, readiness, metrics and this document."},
]

#: What the code's default message does not say: the extras a client can rely on.
ERROR_NOTES = {
    "invalid_request": "Malformed JSON, a missing field, a wrong type, an oversized body; `field` names it.",
    "weak_password": "The password breaks the policy; `reason` names the rule.",
    "unsupported_device_type": "The message lists the types this server knows; `field` is `type`.",
    "invalid_response": "The response does not match the challenge; `attempts_left` says how many remain.",
    "challenge_expired": "The challenge expired or the transaction ended (too many wrong responses): "
    "start the login again.",
    "wrong_pin": "Wrong PIN; `pin_attempts_left` says how many the card still accepts.",
    "not_authenticated": "No session token or cookie, or one that is not a live session.",
    "ip_restricted": "The client's address is outside the IP allowlist of the user (or of their account). "
    "The same body whatever the password; on a session route the session is ended too.",
    "user_in_account": "The user already trades under another account; `username` and `account_id` say "
    "which.",
}

PARAMETERS = {
    "txn_id": "The login transaction, from `POST /api/v1/auth/login`.",
    "device_id": "The device's id, from enrolment.",
    "username": "Case-insensitive.",
    "session_id": "The session's public id, from `GET /admin/v1/users/{username}/sessions`.",
    "account_id": "The multi-user account's id, as given when it was created (case-sensitive).",
}

SESSION_SECURITY: list[dict[str, list[str]]] = [{"sessionToken": []}, {"sessionCookie": []}]
ADMIN_SECURITY: list[dict[str, list[str]]] = [{"adminToken": []}]


def _json(schema: Schema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def ok(schema: str, description: str, *, status: int = 200, **headers: str) -> dict[str, Any]:
    """The success response: ``schema`` names a component."""
    response: dict[str, Any] = {"description": description, "content": _json(ref(schema))}
    if headers:
        response["headers"] = {
            name.replace("_", "-"): {"description": text, "schema": {"type": "string"}}
            for name, text in headers.items()
        }
    return {str(status): response}


def _error_response(errors: list[ErrorClass]) -> dict[str, Any]:
    codes = list(dict.fromkeys(e.code for e in errors))
    lines = [f"`{e.code}`: {ERROR_NOTES.get(e.code, e.message)}" for e in errors]
    schema = {"allOf": [ref("Error"), {"properties": {"error": {"enum": codes}}}]}
    return {"description": "\n\n".join(dict.fromkeys(lines)), "content": _json(schema)}


def _path_parameters(path: str) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": PARAMETERS.get(name, name),
            "schema": {"type": "string"},
        }
        for name in re.findall(r"{(\w+)}", path)
    ]


def _surface(path: str) -> str:
    for tag in ("api", "sim", "admin"):
        if path.startswith(f"/{tag}/v1/"):
            return tag
    return "ops"


from ..lockout import AccountLocked, DeviceLocked, RateLimited  # noqa: E402
from ..sessions import SessionActive, SessionReplaced  # noqa: E402


def _op(
    method: str,
    path: str,
    operation_id: str,
    summary: str,
    responses: dict[str, Any],
    *,
    errors: Iterable[ErrorClass] = (),
    body: str | None = None,
    description: str | None = None,
    query: Iterable[dict[str, Any]] = (),
    session: bool = False,
    store: bool = True,
) -> tuple[str, str, dict[str, Any]]:
    """One operation: ``(path, method, operation object)``, with the surface's shared errors added."""
    tag = _surface(path)
    shared: list[ErrorClass] = []
    if body:
        shared.append(InvalidRequest)
    if tag == "admin":
        shared.append(AdminTokenRequired)
    if tag == "sim":
        shared.append(SimulatorDisabled)
    if store:
        shared.append(StoreUnavailable)
    by_status: dict[int, list[ErrorClass]] = {}
    for error in (*errors, *shared):
        by_status.setdefault(error.status, [])
        if error not in by_status[error.status]:
            by_status[error.status].append(error)

    operation: dict[str, Any] = {"tags": [tag], "operationId": operation_id, "summary": summary}
    if description:
        operation["description"] = description
    parameters = [*_path_parameters(path), *query]
    if parameters:
        operation["parameters"] = parameters
    if body:
        operation["requestBody"] = {"required": True, "content": _json(ref(body))}
    operation["responses"] = {
        **responses,
        **{str(status): _error_response(by_status[status]) for status in sorted(by_status)},
    }
    if tag == "admin":
        operation["security"] = ADMIN_SECURITY
    elif session:
        operation["security"] = SESSION_SECURITY
    else:
        operation["security"] = []
    return path, method, operation


def _query(name: str, description: str, schema: Schema) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


_SESSION_ERRORS = (Unauthorized, SessionExpired, SessionReplaced, SessionIpRejected)
_USER_ERRORS = (InvalidRequest, UnknownUser)


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        # --- /api/v1 --------------------------------------------------------------------------------------
        _op(
            "post",
            "/api/v1/auth/login",
            "startLogin",
            "Check username and password; issue a second-factor challenge",
            ok("LoginStarted", "The password was right; a second factor is now required."),
            body="LoginRequest",
            errors=(
                InvalidCredentials,
                IpRestricted,
                NoSecondFactor,
                ChallengeSpaceExhausted,
                AccountLocked,
                RateLimited,
                DeviceLocked,
            ),
            description="401 `invalid_credentials` is the same for an unknown user and a wrong password, in "
            "body and timing. 403 `no_second_factor` when the user has no active authenticator. "
            "403 `ip_restricted` when the client's address is outside the user's IP allowlist: "
            "judged before the password, so the answer is the same whatever was typed. "
            "423 `account_locked` with `retry_after` (absent when only an admin can unlock) after "
            "too many failures, whatever the password; 429 `rate_limited` with `retry_after` when "
            "one address fails too often across accounts; 423 `device_locked` when every "
            "authenticator of the user is disabled by wrong responses.",
        ),
        _op(
            "post",
            "/api/v1/auth/login/{txn_id}/verify",
            "verifyLogin",
            "Answer the second-factor challenge",
            ok(
                "Authenticated",
                "The response matched: a session, also set as a cookie.",
                Set_Cookie="`sls_session` (`__Host-sls_session` over TLS); HttpOnly; SameSite=Strict; Path=/",
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
            ),
            description="401 `invalid_response` with `attempts_left`; 410 `challenge_expired` (start over; "
            "also once the attempts are spent); 409 `challenge_used` (a replayed response); 404 "
            "`unknown_transaction`; 403 `device_inactive` (the device was revoked meanwhile); "
            "400 `invalid_request` when the response does not have the form the factor gives; "
            "423 `device_locked` when this answer was the last wrong one allowed (or it was "
            "disabled already); 409 `session_active` under SLS_SESSION_CONCURRENCY=refuse; "
            "403 `ip_restricted` from an address outside the user's allowlist.",
        ),
        _op(
            "get",
            "/api/v1/auth/login/{txn_id}",
            "getLoginStatus",
            "Poll a pending login",
            ok("LoginStatus", "Where the login transaction stands."),
            errors=(UnknownTransaction,),
        ),
        _op(
            "get",
            "/api/v1/session",
            "getSession",
            "Who am I",
            ok("Session", "The live session; the request counts as activity."),
            errors=_SESSION_ERRORS,
            session=True,
            description="401 `session_expired` after auto-logoff (idle) or the absolute lifetime; "
            "401 `not_authenticated` without a live session.",
        ),
        _op(
            "post",
            "/api/v1/session/tickle",
            "tickleSession",
            "Keep the session alive",
            ok("Session", "The live session, its idle expiry pushed back."),
            errors=_SESSION_ERRORS,
            session=True,
        ),
        _op(
            "post",
            "/api/v1/auth/logout",
            "logout",
            "End the session",
            ok("LoggedOut", "The session is ended server-side; its token is dead at once."),
            errors=_SESSION_ERRORS,
            session=True,
        ),
        # --- /sim/v1 --------------------------------------------------------------------------------------
        _op(
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
        _op(
            "get",
            "/sim/v1/dscplus/{device_id}",
            "getCardStatus",
            "Look at a simulated DSC+ card",
            ok("CardStatus", "Serial, suite, locked or not, PIN tries left."),
            errors=(UnknownDevice,),
        ),
        # --- /admin/v1 ------------------------------------------------------------------------------------
        _op(
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
        _op("get", "/admin/v1/users", "listUsers", "List usernames", ok("UserList", "Every username.")),
        _op(
            "get",
            "/admin/v1/users/{username}",
            "getUser",
            "Get a user and their devices",
            ok("User", "The user."),
            errors=_USER_ERRORS,
        ),
        _op(
            "delete",
            "/admin/v1/users/{username}",
            "deleteUser",
            "Delete a user, their devices and sessions",
            ok("UserDeleted", "Deleted; the user's sessions ended at once."),
            errors=_USER_ERRORS,
        ),
        _op(
            "post",
            "/admin/v1/users/{username}/devices",
            "enrolDevice",
            "Enrol an authenticator",
            ok("DeviceEnrolled", "The new device, with its key returned this once.", status=201),
            body="DeviceEnrolRequest",
            errors=(*_USER_ERRORS, UnsupportedDeviceType),
            description='dscplus: `{"type": "dscplus", "pin": "1234"}` returns the card\'s `serial`, '
            "`suite` and `secret_hex` so tests can compute responses themselves.",
        ),
        _op(
            "get",
            "/admin/v1/users/{username}/devices",
            "listDevices",
            "List a user's devices",
            ok("DeviceList", "Active and revoked devices, oldest first."),
            errors=_USER_ERRORS,
        ),
        _op(
            "delete",
            "/admin/v1/users/{username}/devices/{device_id}",
            "revokeDevice",
            "Revoke a device",
            ok("Device", "The device, now revoked."),
            errors=(*_USER_ERRORS, UnknownDevice),
        ),
        _op(
            "post",
            "/admin/v1/devices/{device_id}/reset",
            "resetCard",
            "Unlock a DSC+ card locked by wrong PINs",
            ok("Device", "The card, unlocked, its wrong-PIN count zero."),
            errors=(UnknownDevice,),
        ),
        _op(
            "get",
            "/admin/v1/users/{username}/sessions",
            "listUserSessions",
            "List a user's live sessions",
            ok("SessionList", "The live sessions."),
            errors=_USER_ERRORS,
        ),
        _op(
            "delete",
            "/admin/v1/sessions/{session_id}",
            "killSession",
            "End a session",
            ok("SessionEnded", "Ended; its token is dead at once."),
            errors=(UnknownSession,),
        ),
        *_ip_restriction_operations(),
        _op("get", "/admin/v1/clock", "getClock", "Read the server's clock", ok("Clock", "The clock.")),
        _op(
            "post",
            "/admin/v1/clock",
            "moveClock",
            "Move the server's clock",
            ok("Clock", "The clock after the move."),
            body="ClockMove",
            description="Every time-dependent decision reads this clock, so a scenario can cross an expiry "
            "or an idle timeout at once. 400 `invalid_request` unless exactly one is given.",
        ),
        _op(
            "get",
            "/admin/v1/events",
            "listEvents",
            "Read audit events",
            ok("EventsPage", "Events after `since`, oldest first, and the cursor to read on from."),
            errors=(InvalidRequest,),
            query=(
                _query("since", "A cursor returned by an earlier call.", string()),
                _query("user", "Only this user's events (400 if not a valid username).", string()),
                _query("type", "Only events of this type.", string(examples=["login.succeeded"])),
                _query("limit", "At most this many events.", integer(minimum=1, maximum=1000, default=100)),
            ),
        ),
        *_lockout_operations(),
        _op(
            "post",
            "/admin/v1/reset",
            "resetEmulator",
            "Wipe all emulator state",
            ok("ResetDone", "Users, devices, sessions, transactions and events are gone."),
        ),
        # --- ops --------------------------------------------------------------------------------------------
        _op("get", "/healthz", "healthz", "Liveness", ok("Status", "The process serves."), store=False),
        _op(
            "get",
            "/readyz",
            "readyz",
            "Readiness",
            ok("Status", "Redis answers."),
            description="503 `store_unavailable` (with `status: unavailable`) while Redis does not answer.",
        ),
        _op(
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
        _op(
            "get",
            "/openapi.json",
            "getOpenApi",
            "This document",
            {"200": {"description": "The OpenAPI 3.1 document.", "content": _json({"type": "object"})}},
            store=False,
        ),
    ]


_ALLOWLIST_NOTE = (
    "Entries are IPv4/IPv6 addresses or CIDR ranges, at most 1000; they are normalised "
    "(host bits cleared, single hosts as bare addresses, IPv4-mapped IPv6 as IPv4, duplicates "
    "dropped). One bad entry is a 400 `invalid_request` with `field: ip_allowlist`, its "
    "`index` and `entry`, and nothing is stored. An empty list lifts the restriction."
)


def _ip_restriction_operations() -> list[tuple[str, str, dict[str, Any]]]:
    account_errors = (InvalidRequest, UnknownAccount)
    return [
        _op(
            "get",
            "/admin/v1/users/{username}/ip-allowlist",
            "getUserIpAllowlist",
            "Read a user's own IP allowlist",
            ok("UserIpAllowlist", "The user's list and their account."),
            errors=_USER_ERRORS,
        ),
        _op(
            "put",
            "/admin/v1/users/{username}/ip-allowlist",
            "setUserIpAllowlist",
            "Replace a user's own IP allowlist",
            ok("UserIpAllowlist", "The list as stored, normalised."),
            body="IpAllowlist",
            errors=_USER_ERRORS,
            description="Logins and every session request are then allowed only from these addresses (and, "
            "if the user belongs to an account with a list, from the account's too). " + _ALLOWLIST_NOTE,
        ),
        _op(
            "post",
            "/admin/v1/accounts",
            "createAccount",
            "Create a multi-user account",
            ok("Account", "The new account.", status=201),
            body="AccountCreate",
            errors=(UnknownUser, AccountExists, UserInAnotherAccount),
            description="The account's IP allowlist applies to all its users; a user's own list narrows it "
            "(an address must pass both). A user belongs to at most one account. " + _ALLOWLIST_NOTE,
        ),
        _op(
            "get",
            "/admin/v1/accounts/{account_id}",
            "getAccount",
            "Read an account",
            ok("Account", "The account, its users and its list."),
            errors=account_errors,
        ),
        _op(
            "put",
            "/admin/v1/accounts/{account_id}/ip-allowlist",
            "setAccountIpAllowlist",
            "Replace an account's IP allowlist",
            ok("Account", "The account with its new list."),
            body="IpAllowlist",
            errors=account_errors,
            description=_ALLOWLIST_NOTE,
        ),
        _op(
            "post",
            "/admin/v1/accounts/{account_id}/users",
            "addAccountUser",
            "Add a user to an account",
            ok("Account", "The account with the user among its users (adding a member again is a no-op)."),
            body="AccountUserAdd",
            errors=(*account_errors, UnknownUser, UserInAnotherAccount),
        ),
    ]


def _lockout_operations() -> list[tuple[str, str, dict[str, Any]]]:
    return [
        _op(
            "post",
            "/admin/v1/users/{username}/unlock",
            "unlockUser",
            "Unlock an account locked by failures",
            ok("LockoutStatus", "The lock state after unlocking."),
            errors=_USER_ERRORS,
        ),
        _op(
            "get",
            "/admin/v1/users/{username}/lockout",
            "getLockout",
            "Read an account's lock state",
            ok("LockoutStatus", "Failures, locks and any wait, per bucket."),
            errors=_USER_ERRORS,
        ),
        _op(
            "post",
            "/admin/v1/users/{username}/disable",
            "disableUser",
            "Disable a user",
            ok("UserDisabled", "Disabled; every session of the user ended."),
            errors=_USER_ERRORS,
        ),
        _op(
            "post",
            "/admin/v1/users/{username}/enable",
            "enableUser",
            "Enable a user",
            ok("UserDisabled", "Enabled again."),
            errors=_USER_ERRORS,
        ),
        _op(
            "post",
            "/admin/v1/devices/{device_id}/unlock",
            "unlockDevice",
            "Re-enable an authenticator disabled by wrong responses",
            ok("Device", "The device, its failure count zero."),
            errors=(UnknownDevice,),
        ),
    ]


def _version() -> str:
    try:
        return version("sls-emulator")
    except PackageNotFoundError:  # pragma: no cover - running from a tree that was never installed
        return "0+unknown"


def build_spec() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for path, method, operation in _operations():
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "sls-emulator",
            "version": _version(),
            "description": DESCRIPTION,
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "tags": TAGS,
        "paths": paths,
        "components": {"schemas": SCHEMAS, "securitySchemes": SECURITY_SCHEMES},
    }
