"""The brokerage session beside the gateway's SSO session: what a trainer or a test stages on it, what a
reauthentication restores, and how the session check's endings are named to the gateway's callers."""

from __future__ import annotations

from typing import Literal

from ..store.records.gateway import BrokerageChanges

Staged = Literal["drop", "disconnect", "compete", "expire"]
#: What each staged change does to the brokerage session (``expire`` ends the SSO session instead), and the
#: event it is recorded as.
#: A drop and a competing session say nothing about the connection: they leave ``connected`` as it is, so a
#: gateway disconnected and then dropped is still disconnected until a reauthentication heals both.
STAGED: dict[str, tuple[BrokerageChanges, str]] = {
    "drop": ({"authenticated": False, "competing": False}, "gateway.brokerage_dropped"),
    "disconnect": (
        {"authenticated": False, "connected": False, "competing": False},
        "gateway.brokerage_disconnected",
    ),
    "compete": ({"authenticated": False, "competing": True}, "gateway.competing_session"),
}
#: A reauthentication (or ``ssodh/init``) while the SSO session is valid: from a drop, a lost connection or a
#: competing session alike.
RESTORED: BrokerageChanges = {"authenticated": True, "connected": True, "competing": False}
#: How the session check names an ending it found (``Touched.status``): the gateway's ``reason`` and
#: ``ended_by`` for it, as :meth:`GatewayService.current` names the same ending from the check's error.
FOUND_ENDED: dict[str, tuple[str, str]] = {
    "expired_idle": ("session_expired", "idle"),
    "expired_absolute": ("session_expired", "lifetime"),
    "replaced": ("session_replaced", "session_replaced"),
    "revoked": ("session_revoked", "session_revoked"),
    "ip_restricted": ("ip_restricted", "ip_restricted"),
    "missing": ("session_ended", "session_ended"),
}
