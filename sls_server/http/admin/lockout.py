"""``/admin/v1`` routes for the account protections: unlock, lock status, disable/enable, device unlock, and
the per-address login limit (seen and lifted)."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from ...errors import DeviceBusy, UnknownDevice
from ...shapes.devices import UnlockedDevice
from ...shapes.lockout import (
    IpThrottleLift,
    IpThrottleLifted,
    IpThrottleQuery,
    IpThrottleState,
    LockoutStatus,
    UserDisabled,
)
from ..common import core, now
from ..operations import operation
from . import bp
from .users import USER_ERRORS


@operation(
    bp,
    "post",
    "/users/<username>/unlock",
    summary="Unlock an account locked by failures",
    ok=LockoutStatus,
    returns="The lock state after unlocking.",
    errors=USER_ERRORS,
)
def unlock_user(username: str) -> ResponseReturnValue:
    name = core().users.get(username).username
    core().lockout.unlock(name, now=now())
    return core().lockout.status(name, now=now())


@operation(
    bp,
    "get",
    "/users/<username>/lockout",
    summary="Read an account's lock state",
    ok=LockoutStatus,
    returns="Failures, locks and any wait, per bucket.",
    errors=USER_ERRORS,
)
def get_lockout(username: str) -> ResponseReturnValue:
    name = core().users.get(username).username
    return core().lockout.status(name, now=now())


@operation(
    bp,
    "post",
    "/users/<username>/disable",
    summary="Disable a user",
    ok=UserDisabled,
    returns="Disabled; every session of the user ended.",
    errors=USER_ERRORS,
)
def disable_user(username: str) -> ResponseReturnValue:
    return core().users.set_disabled(username, True, now=now())


@operation(
    bp,
    "post",
    "/users/<username>/enable",
    summary="Enable a user",
    ok=UserDisabled,
    returns="Enabled again.",
    errors=USER_ERRORS,
)
def enable_user(username: str) -> ResponseReturnValue:
    result = core().users.set_disabled(username, False, now=now())
    return {"username": result["username"], "disabled": False}


@operation(
    bp,
    "post",
    "/devices/<device_id>/unlock",
    summary="Re-enable an authenticator disabled by wrong responses",
    ok=UnlockedDevice,
    returns="The device, its failure count zero, and whose strikes on it were cleared.",
    errors=(UnknownDevice, DeviceBusy),
)
def unlock_device(device_id: str) -> ResponseReturnValue:
    done = core().device_lockout.unlock(device_id, now=now())
    return {
        **core().devices.view(done.device),
        "strikes_cleared": list(done.strikes_cleared),
    }


@operation(
    bp,
    "get",
    "/ip-throttle",
    summary="Read an address's login limit",
    ok=IpThrottleState,
    query=IpThrottleQuery,
    returns="The attempts counted against the address and, while it is limited, how long it waits.",
)
def get_ip_throttle(query: IpThrottleQuery) -> ResponseReturnValue:
    """The per-address limit (`SLS_IP_THROTTLE_LIMIT` login attempts in `SLS_IP_THROTTLE_WINDOW`) belongs to
    no user: `GET /admin/v1/users/<username>/lockout` does not show it. While `limited`, every login from the
    address is `429 rate_limited`, a right password included. An address that is not one is a 400 naming
    `ip`."""
    return core().address_limits.state(query.ip, now=now())


@operation(
    bp,
    "post",
    "/ip-throttle/lift",
    summary="Lift an address's login limit and its wrong-token windows",
    body=IpThrottleLift,
    ok=IpThrottleLifted,
    returns="The limit after lifting it, and how many attempts and wrong tokens were forgotten.",
)
def lift_ip_throttle(body: IpThrottleLift) -> ResponseReturnValue:
    """Forget everything counted against the address (an IPv6 address: its /64): its login attempts, so its
    next login is judged at once, and its wrong tokens (admin and sim tokens' window, `/metrics`' window),
    so its next right token is let through; `ip.throttle_lifted` in the audit trail when there were any.
    This route takes the admin token, which the address's own full window of wrong tokens refuses (429):
    lift that from another address or a trainer console already signed in, or wait `retry_after`.
    Unlocking a user (`POST /admin/v1/users/<username>/unlock`) does not lift it, nor this a user's lock."""
    return core().address_limits.lift(body.ip, now=now())
