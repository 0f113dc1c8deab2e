"""Leases: a key held by the one request running something now, taken with ``SET NX PX`` under its holder's
token and let go only by that holder (``lease_release.lua``: a holder whose lease ran out, and was taken by
another, must not end the other's).

A lease runs on real time (Redis's own expiry), never on the app clock: it is a lock between requests running
now, not a timer any client is told of, and its expiry only frees what it guards if a worker died holding it.
On the app clock, moving the clock (``POST /admin/v1/clock``) would open it under a live holder, and a frozen
clock would keep a dead holder's for ever. Two kinds: an IB Key activation of a user
(``IbKeyRepo.hold_activation``), and the turn to change one device or one phone's IB Key app
(``DeviceRepo.take_turn``, ``IbKeyRepo.take_turn``: ``sls_server.turns``).
"""

from __future__ import annotations

from .base import Scripts, text
from .connection import Client


def take(client: Client, key: str, token: str, *, lease_ms: int) -> bool:
    """Hold ``key`` for ``token`` for ``lease_ms``; False while another token holds it. Taken again for the
    same token (the client's retry of a SET whose answer was lost on the way, after Redis took it) it is
    still this holder's."""
    if client.set(key, token, nx=True, px=lease_ms):
        return True
    held = client.get(key)
    return held is not None and text(held) == token


def give_back(scripts: Scripts, key: str, token: str) -> None:
    """Let go of ``key`` if ``token`` still holds it; a lease that ran out and was taken by another stays."""
    scripts("lease_release", [key], [token])
