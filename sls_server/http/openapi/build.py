"""Building blocks of the OpenAPI document: one :func:`op` call per route, shared errors added once.

Each operation is one :func:`op` call naming its success body and the :class:`SlsError` subclasses the
route can raise; their codes, statuses and messages come from the classes themselves. What every route of
a surface shares is added here once: ``401 admin_token_required`` on ``/admin/v1``, ``403
simulator_disabled`` and ``401 sim_token_required`` on ``/sim/v1``, ``400 invalid_request`` with a body,
``503 store_unavailable`` when the route touches Redis, ``403 cross_site_request`` on state changes under
``/api/v1`` (a cookie-authenticated request from another origin), and the security headers on every
response. The
operations live in ``openapi_ops_*.py``, one module per feature; ``openapi.py`` assembles them and
``tests/api/test_openapi.py`` checks the paths against the app's URL map both ways.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from ...auth.login import LoginBindingRequired
from ...auth.sessions import SessionIpRejected, SessionReplaced, SessionRevoked
from ...errors import (
    InvalidRequest,
    SessionExpired,
    SimulatorDisabled,
    SlsError,
    StoreUnavailable,
    Unauthorized,
    UnknownUser,
)
from ..admin import AdminTokenRequired
from ..crosssite import SAFE_METHODS, CrossSiteRequest
from ..security import CSP_API, CSP_PAGES, HEADERS, may_be_stored
from ..sim import SimTokenRequired
from .schemas import Schema, ref

ErrorClass = type[SlsError]

DESCRIPTION = """\
An emulator of Interactive Brokers' Secure Login System (SLS): password login followed by a second factor
from a simulated authenticator (a DSC+ card today), sessions with idle and absolute expiry, on Redis.

Three surfaces:

* `/api/v1`: the broker's login service, as the integration under test calls it.
* `/sim/v1`: the user's side of the world: the simulated cards and phones a person holds. No token by
  default: possession is the test. A server can ask for a token of its own (`SLS_SIM_TOKEN`: send
  `Authorization: Bearer <sim token>`, else 401 `sim_token_required`) or switch them off (403
  `simulator_disabled`).
* `/admin/v1`: test set-up and control (users, devices, sessions, the server's clock, events, reset),
  behind `Authorization: Bearer <admin token>`.

Plus `/healthz`, `/readyz`, `/metrics` and this document. Every error is
`{"error": "<code>", "message": "...", ...extra}`; codes are part of the contract. Times are Unix seconds
of the server's clock, which `/admin/v1/clock` can move.

Every answer carries `Content-Security-Policy`, `X-Content-Type-Options: nosniff`,
`Referrer-Policy: no-referrer` and `X-Frame-Options: DENY`, and `Cache-Control: no-store` unless it is a
successful `/healthz`, `/readyz`, `/metrics` or `/openapi.json`. A state change under `/api/v1` that
carries cookies but no `Authorization: Bearer` must come from this server's own origin (`Sec-Fetch-Site:
same-origin|none`, or an `Origin` equal to ours), else 403 `cross_site_request`; clients that are not
browsers (neither header) are not refused. A JSON body nesting deeper than 32 levels is a 400
`invalid_request` naming `body`.
"""

TAGS = [
    {"name": "api", "description": "The login service: password, second factor, sessions."},
    {"name": "sim", "description": "The simulated authenticators a person holds."},
    {"name": "admin", "description": "Test set-up and control; needs the admin token."},
    {"name": "ops", "description": "Liveness, readiness, metrics and this document."},
]

#: What the code's default message does not say: the extras a client can rely on.
ERROR_NOTES = {
    "invalid_request": "Malformed JSON, JSON nested deeper than 32 levels, a missing field, a wrong type, "
    "an oversized body; `field` names it.",
    "weak_password": "The password breaks the policy; `reason` names the rule.",
    "unsupported_device_type": "The message lists the types this server knows; `field` is `type`.",
    "invalid_response": "The response does not match the challenge; `attempts_left` says how many remain.",
    "challenge_expired": "The challenge expired or the transaction ended (too many wrong responses): "
    "start the login again.",
    "wrong_pin": "Wrong PIN; `pin_attempts_left` says how many the card still accepts.",
    "not_authenticated": "No session token or cookie, or one that is not a live session.",
    "ip_restricted": "The client's address is outside the IP allowlist of the user (or of their account). "
    "The same body whatever the password; on a session route the session is ended too.",
    "cross_site_request": "The request carried cookies but no `Authorization: Bearer`, and its "
    "`Sec-Fetch-Site` or `Origin` says it comes from another origin. Send the session as a bearer token, "
    "or make the request from this server's own pages; clients that are not browsers (no `Origin`, no "
    "`Sec-Fetch-Site`) are not refused.",
    "user_in_account": "The user already trades under another account; `username` and `account_id` say "
    "which.",
}

PARAMETERS = {
    "txn_id": "The login transaction, from `POST /api/v1/auth/login` (`<username>~<random>`).",
    "device_id": "The device's id, from enrolment.",
    "username": "Case-insensitive.",
    "session_id": "The session's public id (`<username>~<sha256 of the token>`), from "
    "`GET /admin/v1/users/{username}/sessions`.",
    "account_id": "The multi-user account's id, as given when it was created (case-sensitive).",
}

#: What ``http.security`` adds to every answer, as OpenAPI header components.
RESPONSE_HEADERS: dict[str, Any] = {
    "Content-Security-Policy": {
        "description": f"`{CSP_API}` on JSON and every other non-HTML answer (nothing may load or run); "
        f"`{CSP_PAGES}` on HTML pages.",
        "schema": {"type": "string"},
    },
    **{
        name: {"description": "On every answer.", "schema": {"type": "string", "const": value}}
        for name, value in HEADERS.items()
    },
    "Cache-Control": {
        "description": "`no-store` on every answer that may carry a token, key, code or passcode: "
        "everything under /api, /admin and /sim, and every error. Only the successful answers of "
        "/healthz, /readyz, /metrics and /openapi.json go without.",
        "schema": {"type": "string", "const": "no-store"},
    },
}


def _with_headers(path: str, status: str, response: dict[str, Any]) -> dict[str, Any]:
    """The response with the security headers it carries (``Cache-Control`` by the rule above)."""
    names = [name for name in RESPONSE_HEADERS if name != "Cache-Control"]
    if not may_be_stored(path, int(status)):
        names.append("Cache-Control")
    headers = {name: {"$ref": f"#/components/headers/{name}"} for name in names}
    return {**response, "headers": {**response.get("headers", {}), **headers}}


SESSION_SECURITY: list[dict[str, list[str]]] = [{"sessionToken": []}, {"sessionCookie": []}]
LOGIN_SECURITY: list[dict[str, list[str]]] = [{"loginToken": []}, {"loginCookie": []}]
ADMIN_SECURITY: list[dict[str, list[str]]] = [{"adminToken": []}]
#: Open (``{}``) unless the server sets ``SLS_SIM_TOKEN``; then the sim token.
SIM_SECURITY: list[dict[str, list[str]]] = [{}, {"simToken": []}]


def json_content(schema: Schema) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def ok(schema: str, description: str, *, status: int = 200, **headers: str) -> dict[str, Any]:
    """The success response: ``schema`` names a component."""
    response: dict[str, Any] = {"description": description, "content": json_content(ref(schema))}
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
    return {"description": "\n\n".join(dict.fromkeys(lines)), "content": json_content(schema)}


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


def op(
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
    bound: bool = False,
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
        shared.extend((SimulatorDisabled, SimTokenRequired))
    if tag == "api" and method.upper() not in SAFE_METHODS:
        shared.append(CrossSiteRequest)
    if store:
        shared.append(StoreUnavailable)
    if bound:
        shared.append(LoginBindingRequired)
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
        operation["requestBody"] = {"required": True, "content": json_content(ref(body))}
    operation["responses"] = {
        status: _with_headers(path, status, response)
        for status, response in {
            **responses,
            **{str(status): _error_response(by_status[status]) for status in sorted(by_status)},
        }.items()
    }
    if tag == "admin":
        operation["security"] = ADMIN_SECURITY
    elif tag == "sim":
        operation["security"] = SIM_SECURITY
    elif session:
        operation["security"] = SESSION_SECURITY
    elif bound:
        operation["security"] = LOGIN_SECURITY
    else:
        operation["security"] = []
    return path, method, operation


def query(name: str, description: str, schema: Schema) -> dict[str, Any]:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


SESSION_ERRORS = (Unauthorized, SessionExpired, SessionReplaced, SessionRevoked, SessionIpRejected)
USER_ERRORS = (InvalidRequest, UnknownUser)


def describe_path_parameters(operation: tuple[str, str, dict[str, Any]], descriptions: dict[str, str]):
    """Describe a feature's own path parameters (the shared ``PARAMETERS`` table knows only the core's)."""
    path, method, body = operation
    for parameter in body.get("parameters", []):
        if parameter["in"] == "path" and parameter["name"] in descriptions:
            parameter["description"] = descriptions[parameter["name"]]
    return path, method, body
