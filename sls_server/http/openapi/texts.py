"""The prose of the OpenAPI document, and what the shapes cannot carry: the security schemes, the security
headers every answer has, the notes on error codes and path parameters."""

from __future__ import annotations

from typing import Any

from ...shapes.login_names import LOGIN_COOKIE, LOGIN_TOKEN_HEADER
from ..common import SESSION_COOKIE
from ..errors import ALLOW, RETRY_AFTER, WWW_AUTHENTICATE
from ..observe import REQUEST_ID_HEADER
from ..security import CSP_API, CSP_PAGES, HEADERS, HSTS

#: The component of ``Retry-After`` as a 429 of only waitable codes carries it: always (every ``rate_limited``
#: has ``retry_after``), where a 423's may be absent (a lock only an admin lifts), and so may a 429 that can
#: also be ``login_exhausted`` (nothing to wait for). One header, two components.
RETRY_AFTER_ALWAYS = f"{RETRY_AFTER}.always"

DESCRIPTION = """\
An emulator of Interactive Brokers' Secure Login System (SLS): password login followed by a second factor
from a simulated authenticator (a DSC+ card, IB Key, SMS, a voice callback, a TOTP app), sessions with idle
and absolute expiry, on Redis.

Three surfaces:

* `/api/v1`: the broker's login service, as the integration under test calls it.
* `/sim/v1`: the user's side of the world: the simulated cards and phones a person holds. No token by
  default: possession is the test. A server can ask for a token of its own (`SLS_SIM_TOKEN`: send
  `Authorization: Bearer <sim token>`, else 401 `sim_token_required`) or switch them off (403
  `simulator_disabled`).
* `/admin/v1`: test set-up and control (users, devices, sessions, the server's clock, events, reset),
  behind `Authorization: Bearer <admin token>`.

Plus `/healthz`, `/readyz`, `/metrics` and this document; `/metrics` needs `Authorization: Bearer <metrics
token>` when the server sets `SLS_METRICS_TOKEN` (else 401 `metrics_token_required`). Every error is
`{"error": "<code>", "message": "...", ...extra}`; codes are part of the contract. Times are Unix seconds
of the server's clock, which `/admin/v1/clock` can move.

A path sent a method it does not take (`OPTIONS` too: no CORS preflight is served) answers 405
`method_not_allowed` with `Allow` listing the methods it takes; every operation declares that answer. A
path with a GET takes HEAD too, which this document leaves implied (as OpenAPI tools do: no operation lists
HEAD): the GET's status and headers, no body. A path this document does not list
is a 404 `not_found` (one that ends with a slash says whether the path without it is a route: none is).
A request line over 4 KB is refused before any route with 414 `uri_too_long` (`field`: `path`), headers over
their limits with 431 `headers_too_large` (`field`: `headers`); every operation declares both.

Request bodies are JSON objects with the fields their schema lists: an unknown field, a wrong type or a
value out of bounds is a 400 `invalid_request` whose `field` names it (`body` for the body as a whole). One
body takes more, as its schema says: `POST /api/v1/auth/login/{txn_id}/verify` ignores keys beside
`response` (a claimed time changes nothing), so an answer sent under another name is a 400 naming
`response`, never taken. An operation under `/api/v1`, `/sim/v1` or `/admin/v1` without a request body
refuses one (anything but none or `{}`) with a 400 `invalid_request` naming `body`: an option it does not
have is never silently ignored. An `integer` is JSON Schema's: any number whose fraction is zero (`60.0` is
`60`); a string is none. Query
parameters an operation does not list are ignored (a cache-buster does not break a poller), unless one is
like a parameter it lists (`?username=` where the events filter is `user`): that is a 400 `invalid_request`
naming it and the one meant, not an unfiltered answer; one it lists, given twice, is a 400 `invalid_request`
naming it.

Every answer carries `Content-Security-Policy`, `X-Content-Type-Options: nosniff`,
`Referrer-Policy: same-origin` and `X-Frame-Options: DENY` (and, served over HTTPS,
`Strict-Transport-Security: max-age=31536000; includeSubDomains`), and `Cache-Control: no-store` unless
it is a successful `/healthz`, `/readyz`, `/metrics` or `/openapi.json`; and `X-Request-Id`, the id of its
line in the server's log. A state change under `/api/v1` that
carries cookies but no `Authorization: Bearer` must come from this server's own origin (`Sec-Fetch-Site:
same-origin|none`, or an `Origin` equal to ours), else 403 `cross_site_request`; clients that are not
browsers (neither header) are not refused. A JSON body nesting deeper than 32 levels is a 400
`invalid_request` naming `body`. A request whose `Host` is neither an IP address, `localhost`, the server
machine's name nor a name in `SLS_ALLOWED_HOSTS` is a 400 `invalid_request` naming `Host`, before any
route (`/healthz` and `/readyz` excepted): a web page cannot point its own name at the server.
"""

#: What the code's default message does not say: the extras a client can rely on.
ERROR_NOTES = {
    "invalid_request": "Malformed JSON, JSON nested deeper than 32 levels, a missing or unknown field, a "
    "wrong type, a value out of bounds, an oversized body; `field` names it (`index` and `entry` for an "
    "item of a list).",
    "weak_password": "The password breaks the policy; `reason` names the rule.",
    "unsupported_device_type": "The message lists the types this server knows; `field` is `type`.",
    "invalid_response": "The response or code is not the one the prompt expects; `attempts_left` says how "
    "many remain.",
    "challenge_expired": "The prompt expired or the transaction ended (too many wrong responses): start the "
    "login (or the step-up) again.",
    "wrong_pin": "Wrong PIN; `pin_attempts_left` says how many the card still accepts.",
    "not_authenticated": "No session token or cookie, or one that is not a live session.",
    "session_expired": "The session ended by automatic logoff: `ended_by` says `idle` (no activity for the "
    "idle timeout) or `lifetime` (its absolute lifetime). Told to every request with the token for a day "
    "of real time after the end, not only the first; then `not_authenticated`.",
    "session_replaced": "A newer login of the same user ended this session; or a step-up rotated its token, "
    "and the session lives on under the step-up's new token (`message` says to use it). Told to every "
    "request with the token for a day of real time after the end, not only the first; then "
    "`not_authenticated`.",
    "session_revoked": "The server ended this session: the account was disabled or removed, an administrator "
    "ended it, the password was reset, its user ended it from another session, or it was used from an "
    "address the account may not use (`message` says which). Told to every request with the token for a "
    "day of real time after the end, not only the first; then `not_authenticated`.",
    "ip_restricted": "The client's address is outside the IP allowlist of the user (or of their account). "
    "The same body whatever the password; on a session route the session is ended too. Under "
    "SLS_IP_REFUSAL=silent a password step is answered as a wrong password instead (401, then 423).",
    "cross_site_request": "The request carried cookies but no `Authorization: Bearer`, and its "
    "`Sec-Fetch-Site` or `Origin` says it comes from another origin. Send the session as a bearer token, "
    "or make the request from this server's own pages; clients that are not browsers (no `Origin`, no "
    "`Sec-Fetch-Site`) are not refused.",
    "user_in_account": "The user already trades under another account; `username` and `account_id` say "
    "which.",
    "account_made_again": "The account (`account_id`) was deleted and made again under its id, twice, while "
    "the user (`username`) was being added to it; nothing changed: send the request again.",
    "user_not_in_account": "The user (`username`) exists but is not in the account (`account_id`); nothing "
    "changed.",
    "device_exists": "The user's phone has an active SMS or voice device already (`device_id`, `type`); an "
    "SMS device takes voice callbacks too. Nothing was enrolled or sent.",
    "reauth_required": "This task needs a fresh identity verification (`POST /api/v1/verify`); `purpose` "
    "says which.",
    "no_session": "No gateway session: log in through the gateway's login page (`/sso/Login`). After one "
    "ended, until the next login (at most an hour of the server's clock), `reason` says how "
    "(`session_expired`, `sso_expired`, `daily_reset`, `gateway_restarted`, `logout`, ...) and `ended_by` "
    "its cause (`session_expired`: `idle` or `lifetime`).",
    "device_busy": "Requests changing one device or one phone's IB Key app run one at a time, and others "
    "kept it for the ~5 s this one waited for its turn. Nothing was done (no PIN checked or counted): try "
    "again after `retry_after` seconds (`Retry-After`).",
}

#: Path parameters many operations share; an operation describes its own in ``parameters=``.
PARAMETERS = {
    "txn_id": "The login transaction, from `POST /api/v1/auth/login` (`<username>~<random>`).",
    "device_id": "The device's id, from enrolment.",
    "username": "Case-insensitive.",
    "session_id": "The session's public id (`<username>~<sha256 of the token>`), from "
    "`GET /admin/v1/users/{username}/sessions`; or `<username>~` and the 12-digit `session_id` an audit "
    "event shows (any unique prefix of 12 digits or more).",
    "account_id": "The multi-user account's id, as given when it was created (case-sensitive).",
}

#: What ``http.security`` and ``http.observe`` add to every answer, as OpenAPI header components: a header
#: the document leaves out is one a generated client never exposes.
RESPONSE_HEADERS: dict[str, Any] = {
    "Content-Security-Policy": {
        "description": f"`{CSP_API}` on JSON and every other non-HTML answer (nothing may load or run); "
        f"`{CSP_PAGES}` on HTML pages.",
        "required": True,
        "schema": {"type": "string"},
    },
    **{
        name: {
            "description": "On every answer.",
            "required": True,
            "schema": {"type": "string", "const": value},
        }
        for name, value in HEADERS.items()
    },
    "Strict-Transport-Security": {
        "description": f"`{HSTS}` on every answer served over HTTPS (behind a proxy in "
        "SLS_TRUSTED_PROXIES that says so in `X-Forwarded-Proto`); never over plain HTTP.",
        "schema": {"type": "string", "const": HSTS},
    },
    "Cache-Control": {
        "description": "`no-store` on every answer that may carry a token, key, code or passcode: "
        "everything under /api, /admin and /sim, and every error. Only the successful answers of "
        "/healthz, /readyz, /metrics and /openapi.json go without.",
        "schema": {"type": "string", "const": "no-store"},
    },
    RETRY_AFTER: {
        "description": "On a 423 or 429 whose body has `retry_after`: the same number of seconds, for "
        "HTTP clients whose retry logic reads the header (RFC 9110). Absent from a lock only an admin can "
        "lift, and from a 429 `login_exhausted` (start the login again: there is nothing to wait for).",
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    RETRY_AFTER_ALWAYS: {
        "description": "On a 429 whose every code carries `retry_after`: the body's `retry_after`, the "
        "same number of seconds, for HTTP clients whose retry logic reads the header (RFC 9110).",
        "required": True,
        "schema": {"type": "string", "pattern": "^[0-9]+$"},
    },
    WWW_AUTHENTICATE: {
        "description": "On a 401 that names how to authenticate (`metrics_token_required`): RFC 9110's "
        'challenge, `Bearer realm="metrics"`.',
        "schema": {"type": "string"},
    },
    ALLOW: {
        "description": "On every 405 `method_not_allowed`: the methods the path takes (RFC 9110), as "
        "`GET, HEAD, POST`; a path with a GET takes HEAD too (the GET's answer without its body).",
        "required": True,
        "schema": {"type": "string", "pattern": "^[A-Z]+(, [A-Z]+)*$"},
    },
    REQUEST_ID_HEADER: {
        "description": "On every answer: this request's id, also in the server's log line for it; quote it "
        "when reporting a problem. A fresh one, unless the request came through one of "
        "`SLS_TRUSTED_PROXIES` with an `X-Request-Id` of its own (letters, digits, `.`, `_`, `-`; at "
        "most 64).",
        "required": True,
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9._-]{1,64}$"},
    },
}

SECURITY_SCHEMES: dict[str, Any] = {
    "adminToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "`/admin/v1`: the admin token (`SLS_ADMIN_TOKEN`).",
    },
    "simToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "`/sim/v1`, only when the server sets `SLS_SIM_TOKEN` (a demo whose audience plays "
        "the attacker); otherwise the simulators need no credentials.",
    },
    "metricsToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "`/metrics`, only when the server sets `SLS_METRICS_TOKEN`; otherwise it needs no "
        "credentials. The document is the same either way, so it lists both.",
    },
    "sessionToken": {
        "type": "http",
        "scheme": "bearer",
        "description": "The session token returned by a successful /verify.",
    },
    "sessionCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": SESSION_COOKIE,
        "description": "The session cookie set by a successful /verify "
        "(named `__Host-sls_session` when served over TLS).",
    },
    "loginToken": {
        "type": "apiKey",
        "in": "header",
        "name": LOGIN_TOKEN_HEADER,
        "description": "The `login_token` of `POST /api/v1/auth/login`: binds the login to its client.",
    },
    "loginCookie": {
        "type": "apiKey",
        "in": "cookie",
        "name": LOGIN_COOKIE,
        "description": "The same binding for browsers: HttpOnly, SameSite=Strict, "
        "Path=/api/v1/auth/login/<txn_id>.",
    },
}

#: The security requirement of each kind of operation (``operation(security=...)``); none: ``[]``.
SECURITY: dict[str, list[dict[str, list[str]]]] = {
    "session": [{"sessionToken": []}, {"sessionCookie": []}],
    "login": [{"loginToken": []}, {"loginCookie": []}],
    "admin": [{"adminToken": []}],
    # open ({}) unless the server sets SLS_SIM_TOKEN; then the sim token
    "sim": [{}, {"simToken": []}],
    # open ({}) unless the server sets SLS_METRICS_TOKEN; then the metrics token
    "metrics": [{}, {"metricsToken": []}],
}
