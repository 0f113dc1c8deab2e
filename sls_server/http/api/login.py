"""``/api/v1``: the login flow (password, second factor, polling) and the session it opens."""

from __future__ import annotations

from typing import Any

from flask import Response, request
from flask.typing import ResponseReturnValue

from ...accounts.errors import IpRestricted
from ...auth.errors import (
    AccountDisabled,
    AccountLocked,
    ChallengeExpired,
    ChallengeUsed,
    DeviceInactive,
    DeviceLocked,
    InvalidCredentials,
    InvalidResponse,
    LoginExhausted,
    NoSecondFactor,
    PushDenied,
    RateLimited,
    SessionActive,
    SessionIpRejected,
    UnknownTransaction,
    WrongMode,
)
from ...auth.login import Authenticated
from ...auth.prompts import LIFETIME_TTLS
from ...auth.session_tokens import session_id
from ...factors.errors import ChallengeLimited, ChallengeSpaceExhausted, CodeReplayed
from ...shapes.login import Authenticated as AuthenticatedShape
from ...shapes.login import (
    FactorSwitched,
    FactorSwitchRequest,
    LoginRequest,
    LoginStarted,
    LoginStatus,
    VerifyRequest,
)
from ...shapes.login_names import LOGIN_COOKIE, LOGIN_TOKEN_HEADER
from ...shapes.sessions import LoggedOut, Session
from ...sim.errors import SendLimited
from ..common import (
    SESSION_COOKIE,
    caller_session,
    client_ip,
    core,
    drop_session_cookies,
    header,
    host_cookie,
    json_answer,
    now,
    session_token,
)
from ..errors import answer_error
from ..operations import operation
from . import bp

SESSION_SET_COOKIE = (
    "`sls_session` (`__Host-sls_session`; Secure over TLS, or when a proxy in SLS_TRUSTED_PROXIES says "
    "X-Forwarded-Proto: https); HttpOnly; SameSite=Strict; Path=/"
)


def _login_path(txn_id: str) -> str:
    return f"{bp.url_prefix}/auth/login/{txn_id}"


def login_token() -> str | None:
    """The login binding the client presents: the header an API client sends, else the browser's cookie."""
    return header(LOGIN_TOKEN_HEADER) or request.cookies.get(LOGIN_COOKIE) or None


def with_session_cookie(token: str, body: Any) -> Response:
    """The JSON answer plus the session cookie of ``token`` (a new login's, or a step-up's rotated one)."""
    response = json_answer(body)
    response.set_cookie(
        host_cookie(SESSION_COOKIE),
        token,
        httponly=True,
        secure=request.is_secure,
        samesite="Strict",
        path="/",
    )
    return response


def _logged_in(result: Authenticated, body: Any = None) -> Response:
    return with_session_cookie(result.token, body if body is not None else result.body())


@operation(
    bp,
    "post",
    "/auth/login",
    summary="Check username and password; issue a second-factor challenge",
    body=LoginRequest,
    ok=LoginStarted,
    returns="The password was right; a second factor is now required.",
    headers={
        "Set-Cookie": f"`{LOGIN_COOKIE}`: the `login_token`; HttpOnly; SameSite=Strict; "
        "Path=/api/v1/auth/login/<txn_id>"
    },
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
        SendLimited,
    ),
    links={
        name: {"txn_id": "response.txn_id"} for name in ("verify_login", "get_login_status", "switch_factor")
    },
)
def start_login(body: LoginRequest) -> Response:
    """401 `invalid_credentials` is the same for an unknown user and a wrong password, in body and timing.
    403 `no_second_factor` when the user has no active authenticator. 403 `ip_restricted` when the client's
    address is outside the user's IP allowlist: judged before the password, so the answer is the same
    whatever was typed (under SLS_IP_REFUSAL=silent it is a wrong password's instead: 401, then 423). 423
    `account_locked` with `retry_after` (absent when only an admin can unlock) after too many failures,
    whatever the password; 429 `rate_limited` with `retry_after` when one address fails
    too often across accounts, when too many codes were sent, or (after a right password) when the card or
    the user has been issued SLS_CHALLENGE_ISSUE_LIMIT challenges in the last SLS_CHALLENGE_ISSUE_WINDOW
    seconds; 423 `device_locked` when every authenticator of the user is disabled by wrong responses; 403
    `account_disabled` for a user an administrator disabled. The answer's `login_token` binds the login to
    this client: every call on the transaction must carry it (`X-Login-Token`, or the `sls_login` cookie)."""
    started = core().logins.start(body.username, body.password, now=now(), ip=client_ip())
    response = json_answer(started)
    response.set_cookie(
        LOGIN_COOKIE,
        started["login_token"],
        max_age=LIFETIME_TTLS * core().settings.challenge_ttl,
        httponly=True,
        secure=request.is_secure,
        samesite="Strict",
        path=_login_path(started["txn_id"]),
    )
    return response


@operation(
    bp,
    "post",
    "/auth/login/<txn_id>/verify",
    summary="Answer the second-factor challenge",
    body=VerifyRequest,
    ok=AuthenticatedShape,
    returns="The response matched: a session, also set as a cookie.",
    headers={"Set-Cookie": SESSION_SET_COOKIE},
    security="login",
    errors=(
        InvalidResponse,
        DeviceInactive,
        UnknownTransaction,
        ChallengeUsed,
        CodeReplayed,
        ChallengeExpired,
        AccountLocked,
        DeviceLocked,
        SessionActive,
        SessionIpRejected,
        AccountDisabled,
        LoginExhausted,
        WrongMode,
        PushDenied,
    ),
)
def verify_login(txn_id: str, body: VerifyRequest) -> Response:
    """401 `invalid_response` with `attempts_left`; 410 `challenge_expired` (start over; also once the
    attempts are spent); 409 `challenge_used` (a replayed response: an answered login's, or an authenticator
    app's code whose time step was used already; no attempt is spent); 404 `unknown_transaction`; 423
    `account_locked` (with `retry_after`, and the Retry-After header; absent when only an admin can unlock)
    while the account is locked, whatever the response: nothing is spent, no session is made, and the login
    stays answerable once the lock ends, within its own expiry; 403 `device_inactive` (the device was revoked
    meanwhile, even while this response was being checked; the login stays pending, for another factor); 400
    `invalid_request` when the response does not have the form the factor gives; 423 `device_locked` when this
    answer was the last wrong one allowed (or it was disabled already); 409 `session_active` under
    SLS_SESSION_CONCURRENCY=refuse; 403 `ip_restricted` from an address outside the user's allowlist; 403
    `account_disabled` when the user was disabled while the login was in progress; 401
    `login_binding_required` without the login's `login_token` (or with another); 409 `wrong_mode` on an IB
    Key push step, which is approved in the app and polled (`GET /api/v1/auth/login/<txn_id>`), not answered
    here; 401 `push_denied` when the user denied that push (the login is over)."""
    result = core().logins.verify(txn_id, login_token(), body.response, now=now(), ip=client_ip())
    return _logged_in(result)


@operation(
    bp,
    "post",
    "/auth/login/<txn_id>/factor",
    summary="Use another authenticator, or ask for a new code",
    body=FactorSwitchRequest,
    ok=FactorSwitched,
    returns="The new prompt; the attempt count carries over.",
    security="login",
    errors=(
        UnknownTransaction,
        ChallengeUsed,
        ChallengeExpired,
        NoSecondFactor,
        DeviceLocked,
        SendLimited,
        LoginExhausted,
        AccountDisabled,
        AccountLocked,
        ChallengeLimited,
        ChallengeSpaceExhausted,
        PushDenied,
        DeviceInactive,
    ),
)
def switch_factor(txn_id: str, body: FactorSwitchRequest) -> ResponseReturnValue:
    """M2FS: pick another of the user's factors (`factors` in the login answer). "Didn't receive a
    security code?": `{"type": "sms"}` sends a new text, `{"type": "voice"}` places a voice callback.
    `{"type": "ibkey", "mode": "challenge"}`: IB Key's Challenge/Response instead of a push, for a phone that
    gets no notifications (`reason: requested`). A new code never resets the failure count; sends are
    rate-limited, and so are challenges per card and per user (429 `rate_limited` with `retry_after`). A
    login lives at most 3 challenge TTLs from its start, and may switch or ask again 5 times: the next
    request ends it (429 `login_exhausted`). 403 `device_inactive` for a login whose app approval was
    collected by no poll before its IB Key was revoked or replaced (the login ended)."""
    return core().logins.switch(
        txn_id, login_token(), body.type, body.device_id, now=now(), ip=client_ip(), mode=body.mode
    )


@operation(
    bp,
    "get",
    "/auth/login/<txn_id>",
    summary="Poll a pending login",
    ok=LoginStatus,
    returns="Where the login transaction stands; the first poll after an approval carries the session.",
    headers={"Set-Cookie": f"Once approved, on the poll that carries the session: {SESSION_SET_COOKIE}"},
    security="login",
    errors=(UnknownTransaction, AccountDisabled, AccountLocked, SessionIpRejected, SessionActive),
)
def get_login_status(txn_id: str) -> ResponseReturnValue:
    body, result = core().logins.status(txn_id, login_token(), now=now(), ip=client_ip())
    return _logged_in(result, body) if result else body


@operation(
    bp,
    "get",
    "/session",
    summary="Who am I",
    ok=Session,
    returns="The live session; the request counts as activity.",
    security="session",
)
def get_session() -> ResponseReturnValue:
    """401 `session_expired` after auto-logoff (idle) or the absolute lifetime; 401 `not_authenticated`
    without a live session."""
    return _live_session()


@operation(
    bp,
    "post",
    "/session/tickle",
    summary="Keep the session alive",
    ok=Session,
    returns="The live session, its idle expiry pushed back.",
    security="session",
)
def tickle_session() -> ResponseReturnValue:
    return _live_session()


def _live_session() -> dict[str, Any]:
    """The caller's session as its owner sees it; reading it counts as activity (pushes back the idle
    expiry), so ``GET /session`` and ``POST /session/tickle`` both keep it alive."""
    return caller_session().public()


@operation(
    bp,
    "post",
    "/auth/logout",
    summary="End the session",
    ok=LoggedOut,
    returns="The session is ended server-side; its token is dead at once.",
    security="session",
    headers={
        "Set-Cookie": "The session cookie (`sls_session` or `__Host-sls_session`) that holds the ended "
        "session's token, cleared (expired at once), whether the session came by it or by the bearer "
        "token. A cookie of another session (the bearer token named a different one) is left as it is: "
        "that session is still live, and the cookie is how its browser ends it."
    },
    description="From an address the user's IP allowlist refuses, the session is ended all the same and the "
    "answer is the `403 ip_restricted` any request from there gets (the token's holder is told no more, "
    "not even the name); it clears the ended session's cookie as the success does.",
)
def logout() -> Response:
    token = session_token()
    try:
        session = core().sessions.logout(token, now=now(), ip=client_ip())
    except SessionIpRejected as refused:  # ended all the same: a cookie of it left in the browser is dead
        response = answer_error(refused)
        ended = session_id(token) if token else None
        if ended is not None:
            drop_session_cookies(response, ended)
        return response
    response = json_answer({"state": "logged_out", "username": session.username})
    drop_session_cookies(response, session.id)
    return response
