"""What the gateway's REST routes answer, built from the gateway's session as one request sees it.

The shapes are the Client Portal Gateway's (``shapes.gateway``), so a tool written against it reads them
as it would the real one's. Identifiers are derived, stable and opaque: a number for the user, an id for
the SSO session, a made-up hardware address per gateway instance; none of them is a credential.
"""

from __future__ import annotations

import hashlib
from importlib.metadata import PackageNotFoundError, version

from ..shapes.gateway import AuthStatus, AuthStatusFull, SsoValidation, Tickle
from .session import GatewayView

SERVER_NAME = "sls-emulator"


def _digest(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def user_number(username: str) -> int:
    """A stable eight-digit number for the user (the gateway's ``userId``/``USER_ID``)."""
    return 10_000_000 + int(_digest("user", username)[:12], 16) % 90_000_000


def session_label(session_id: str) -> str:
    """An opaque id of the SSO session: derived from the session's public id, useless as a credential."""
    return _digest("gateway-session", session_id)[:32]


def mac_address(instance: str) -> str:
    """A made-up, locally administered hardware address, stable per gateway instance."""
    raw = bytearray(bytes.fromhex(_digest("mac", instance)[:12]))
    raw[0] = (raw[0] | 0x02) & 0xFE  # locally administered, unicast
    return ":".join(f"{b:02X}" for b in raw)


def server_version() -> str:
    try:
        return f"{SERVER_NAME} {version('sls-emulator')}"
    except PackageNotFoundError:  # pragma: no cover - running from a tree that was never installed
        return SERVER_NAME


def auth_status(view: GatewayView, instance: str) -> AuthStatus:
    record = view.record
    message = ""
    if not record.connected:
        message = (
            "The gateway has lost its connection to the brokerage's servers; reauthenticate while the SSO "
            "session is valid."
        )
    elif record.competing:
        message = "Another session competes for this brokerage session; reauthenticate to take it over."
    elif not record.authenticated:
        message = "The brokerage session is down; reauthenticate while the SSO session is valid."
    return {
        "authenticated": record.authenticated,
        "competing": record.competing,
        "connected": record.connected,
        "message": message,
        "MAC": mac_address(instance),
        "serverInfo": {"serverName": SERVER_NAME, "serverVersion": server_version()},
    }


def auth_status_full(view: GatewayView, instance: str) -> AuthStatusFull:
    status = auth_status(view, instance)
    return {**status, "fail": "", "hardware_info": f"{_digest('hw', instance)[:8]}|{status['MAC']}"}


def remaining_ms(view: GatewayView, now: int) -> int:
    return max(view.sso_expires_at - now, 0) * 1000


def tickle(view: GatewayView, instance: str, now: int) -> Tickle:
    return {
        "session": session_label(view.record.session_id),
        "ssoExpires": remaining_ms(view, now),
        "collission": False,
        "userId": user_number(view.record.username),
        "iserver": {"authStatus": auth_status(view, instance)},
    }


def validation(view: GatewayView, now: int) -> SsoValidation:
    return {
        "RESULT": True,
        "USER_ID": user_number(view.record.username),
        "USER_NAME": view.record.username,
        "AUTH_TIME": view.session.authenticated_at * 1000,
        "LOGIN_TYPE": 2 if view.record.paper else 1,
        "EXPIRES": remaining_ms(view, now),
    }
