"""``/admin/v1/gateway``: look at the gateway's session and stage what automation must survive: the
brokerage session dropping or the gateway losing its connection to the brokerage's servers (SSO still valid:
clients reauthenticate over REST), a competing session from another platform, the SSO session expiring
(clients log in through the page again), the daily reset's time.

Behind the admin token, like all of ``/admin/v1``; the CLI (``sls gateway-state``), the trainer console and
scenarios (the ``http`` step) call these routes.
"""

from __future__ import annotations

from typing import Any, cast

from flask import Blueprint

from ...gateway import GatewayView
from ...gateway.brokerage import Staged
from ...shapes.gateway import DailyResetRequest, GatewayState
from ..admin import require_admin_token
from ..common import core, now
from ..errors import AdminTokenRequired
from ..operations import operation, surface

bp = Blueprint("gateway_admin", __name__, url_prefix="/admin/v1/gateway")
surface(
    bp,
    tag="admin",
    description="Test set-up and control; needs the admin token.",
    security="admin",
    errors=(AdminTokenRequired,),
)
bp.before_request(require_admin_token)


def state(view: GatewayView | None) -> dict[str, Any]:
    """The admin's view: the session (or null), how the last one ended (while that is news: none once a
    login came since), how the gateway behaves and which processes serve it (their leases)."""
    settings = core().settings
    ending = core().gateway.last_ending(now=now())
    ended = (
        None if ending is None else {"reason": ending.reason, "ended_by": ending.ended_by, "at": ending.at}
    )
    session = None
    if view is not None:
        record = view.record
        session = {
            "username": record.username,
            "paper": record.paper,
            "established_at": record.established_at,
            "authenticated": record.authenticated,
            "connected": record.connected,
            "competing": record.competing,
            "sso_expires_at": view.sso_expires_at,
            "daily_reset_at": view.daily_reset_at,
        }
    return {
        "session": session,
        "ended": ended,
        "profile": settings.gateway_profile,
        "notification_step": settings.gateway_notification_step,
        "daily_reset": core().gateway.daily_reset(),
        "processes": [
            {
                "host": lease.process.host,
                "pid": lease.process.pid,
                "port": lease.process.port,
                "since": lease.process.since,
                "lease_age_ms": lease.age_ms,
                "lease_left_ms": lease.left_ms,
            }
            for lease in core().gateway.leases()
        ],
    }


@operation(bp, "get", "", summary="Show the gateway's session", ok=GatewayState)
def gateway_state() -> Any:
    """Looking does not count as activity and judges nobody's address."""
    return state(core().gateway.peek(now=now()))


def _stage(change: str) -> Any:
    return state(core().gateway.stage(cast(Staged, change), now=now()))


@operation(bp, "post", "/drop", summary="Drop the brokerage session", ok=GatewayState)
def gateway_drop() -> Any:
    """`authenticated: false`, `connected` left as it is (a drop after a disconnection does not reconnect the
    gateway): the SSO session stays valid, so a client reauthenticates over REST
    (`/v1/api/iserver/reauthenticate`), which heals both. With no gateway session nothing changes (`session`
    null)."""
    return _stage("drop")


@operation(bp, "post", "/disconnect", summary="Disconnect the gateway from the brokerage", ok=GatewayState)
def gateway_disconnect() -> Any:
    """The gateway loses its connection to the brokerage's servers: `connected: false` and
    `authenticated: false` (with a `message` saying so). The SSO session stays valid (`/v1/api/sso/validate`
    answers, `tickle` still counts as activity), so a client reauthenticates over REST
    (`/v1/api/iserver/reauthenticate`, or `ssodh/init`), as after a drop. With no gateway session nothing
    changes (`session` null)."""
    return _stage("disconnect")


@operation(bp, "post", "/compete", summary="Stage a competing session", ok=GatewayState)
def gateway_compete() -> Any:
    """Another platform logged in: `competing: true`, `authenticated: false` until a client reauthenticates
    (or logs out and in again); `connected` left as it is."""
    return _stage("compete")


@operation(bp, "post", "/expire", summary="Expire the SSO session", ok=GatewayState)
def gateway_expire() -> Any:
    """The SSO session ends now, and the session behind it: every REST route answers 401 until a login
    through `/sso/Login`."""
    return _stage("expire")


@operation(
    bp,
    "put",
    "/daily-reset",
    summary="Set the daily reset's time",
    body=DailyResetRequest,
    ok=GatewayState,
)
def gateway_daily_reset(body: DailyResetRequest) -> Any:
    """Every day at `at` (HH:MM UTC, on the server's clock: move it with `/admin/v1/clock`) the gateway's
    session ends, as the broker's daily reset ends it; `null`: no reset. Applies to the current session from
    now on: its next reset is the first `at` after this change (or after its login, if later), never one that
    passed before the change; a reset the old time had already made due ends it, as any request would."""
    return set_daily_reset(body)


def set_daily_reset(body: DailyResetRequest) -> dict[str, Any]:
    """The daily reset set as ``body`` says: this route's answer, and the trainer console's (``trainer``)."""
    core().gateway.set_daily_reset(body.at, now=now())
    return state(core().gateway.peek(now=now()))
