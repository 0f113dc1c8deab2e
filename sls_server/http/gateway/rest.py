"""The gateway's REST routes, under ``/v1/api`` and ``/v1/portal`` alike, as tools that keep a gateway
session alive call them: tickle, auth status, reauthenticate, ssodh/init, logout, sso/validate.

No cookie is read: the gateway is a single-user process, and its REST session is the one its browser login
established (``sls_server.gateway``). Anything that reaches the port is that user, as with the real gateway,
so calls from a browser on another site (``Sec-Fetch-Site`` or ``Origin`` saying so) are refused: no other
page can tickle, reauthenticate or log out this gateway behind the user's back. Tools send neither header.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import Blueprint, Response

from ...gateway import NoGatewaySession, answers
from ...shapes.gateway import (
    AuthStatusFull,
    LoggedOut,
    Reauthenticated,
    ReauthenticateQuery,
    SsodhInitRequest,
    SsoValidation,
    Tickle,
)
from ..common import client_ip, core, now
from ..crosssite import from_own_origin
from ..errors import GatewayCrossSite
from ..operations import operation, surface

api_bp = Blueprint("gateway_api", __name__, url_prefix="/v1/api")
portal_bp = Blueprint("gateway_portal", __name__, url_prefix="/v1/portal")
#: IBeam compares the logout's body with exactly this text: no spaces, no newline.
LOGGED_OUT_BODY = '{"status":true}'


def refuse_other_sites() -> None:
    if not from_own_origin():
        raise GatewayCrossSite()


def _tickle() -> Any:
    """Counts as activity, as every request to the gateway does (the real one times a session out when it
    "has not received any requests for several minutes"): the session's automatic logoff starts over (its
    absolute lifetime and the daily reset still end it). The tickle is the request that does nothing else.
    401 `no_session` when there is no gateway session (log in through `/sso/Login`)."""
    view = core().gateway.current(now=now(), ip=client_ip(), activity=True)
    return answers.tickle(view, core().gateway.instance, now())


def _auth_status() -> Any:
    """The brokerage session's state; counts as activity, as every request to the gateway does."""
    view = core().gateway.current(now=now(), ip=client_ip(), activity=True)
    return answers.auth_status_full(view, core().gateway.instance)


def _reauthenticate(query: ReauthenticateQuery) -> Any:
    """Re-establishes the brokerage session (after a drop, or over a competing session) while the SSO
    session is valid; after an SSO expiry, 401: only the login page helps then."""
    core().gateway.reauthenticate(now=now(), ip=client_ip())
    return {"message": "triggered"}


def _ssodh_init(body: SsodhInitRequest) -> Any:
    """Initialises the brokerage session, as reauthenticate does, and answers its state. The body is
    optional (`{"publish": true, "compete": true}` when absent); `"compete": false` leaves a competing
    session alone: the answer then says `competing: true`, `authenticated: false`."""
    view = core().gateway.reauthenticate(now=now(), ip=client_ip(), compete=body.compete)
    return answers.auth_status_full(view, core().gateway.instance)


def _logout() -> Any:
    """Ends the gateway's session and the session behind it; the body is exactly `{"status":true}`."""
    core().gateway.logout(now=now(), ip=client_ip())
    return Response(LOGGED_OUT_BODY, 200, mimetype="application/json")


def _validate() -> Any:
    """Who is logged in, since when, live or paper (`LOGIN_TYPE` 1 or 2); counts as activity, as every
    request to the gateway does."""
    view = core().gateway.current(now=now(), ip=client_ip(), activity=True)
    return answers.validation(view, now())


#: (method, rule, view, what @operation says of it)
ROUTES: list[tuple[str, str, Callable[..., Any], dict[str, Any]]] = [
    ("post", "/tickle", _tickle, {"summary": "Keep the gateway's session alive", "ok": Tickle}),
    # The real gateway answers a GET too, and scripts and container health checks written against it
    # send one (`curl -k https://localhost:5000/v1/api/tickle`): the same tickle, the same activity.
    ("get", "/tickle", _tickle, {"summary": "Keep the gateway's session alive", "ok": Tickle}),
    (
        "get",
        "/iserver/auth/status",
        _auth_status,
        {"summary": "Brokerage session status", "ok": AuthStatusFull},
    ),
    (
        "post",
        "/iserver/auth/status",
        _auth_status,
        {"summary": "Brokerage session status", "ok": AuthStatusFull},
    ),
    (
        "post",
        "/iserver/reauthenticate",
        _reauthenticate,
        {
            "summary": "Re-establish the brokerage session",
            "ok": Reauthenticated,
            "query": ReauthenticateQuery,
        },
    ),
    (
        "post",
        "/iserver/auth/ssodh/init",
        _ssodh_init,
        {
            "summary": "Initialise the brokerage session",
            "ok": AuthStatusFull,
            "body": SsodhInitRequest,
            "body_required": False,
        },
    ),
    ("post", "/logout", _logout, {"summary": "Log the gateway out", "ok": LoggedOut}),
    ("get", "/sso/validate", _validate, {"summary": "Validate the SSO session", "ok": SsoValidation}),
]


def _named(view: Callable[..., Any], name: str, method: str) -> Callable[..., Any]:
    """The view under its own name (the endpoint and the operationId): each prefix and method is one."""

    def named(**given: Any) -> Any:
        return view(**given)

    named.__name__ = named.__qualname__ = name
    named.__doc__ = view.__doc__
    return named


for blueprint, prefix, tag in ((api_bp, "api", "gateway"), (portal_bp, "portal", "gateway-portal")):
    surface(
        blueprint,
        tag=tag,
        description=f"Gateway mode: the Client Portal Gateway's REST routes under /v1/{prefix}, as tools "
        "that automate it call them (another product's API, mimicked; no credentials: the gateway's "
        "session is the process's).",
        errors=(GatewayCrossSite,),
    )
    blueprint.before_request(refuse_other_sites)
    for method, rule, view, declared in ROUTES:
        name = f"{prefix}_{method}_{view.__name__.strip('_')}"
        operation(blueprint, method, rule, errors=(NoGatewaySession,), **declared)(_named(view, name, method))
