"""The per-address login limit as an administrator sees it, and lifts it.

While an address is limited (``SLS_IP_THROTTLE_LIMIT`` attempts in ``SLS_IP_THROTTLE_WINDOW``), every login
from it is refused, a right password included: the window is reserved before the password is looked at
(``Lockout.ask``), so the limit cannot tell whose password is right. A trainer whose own address filled it
with negative tests, or a developer's test suite on 127.0.0.1, needs to see that and to lift it without
moving the clock or wiping the world; unlocking a user does not touch it, as it belongs to no user.
"""

from __future__ import annotations

from typing import Any

from ..accounts.clientip import client_block
from ..errors import InvalidRequest
from ..events import EventLog
from ..ipnets import normalise_ip
from ..store.lockout import LockoutRepo
from .lockout_policy import LockoutPolicy


class AddressLimits:
    def __init__(self, repo: LockoutRepo, events: EventLog, policy: LockoutPolicy) -> None:
        self._repo = repo
        self._events = events
        self._policy = policy

    def state(self, ip: str, *, now: int) -> dict[str, Any]:
        """What the limit counts against ``ip`` now (an IPv6 address: its /64) and how long it refuses."""
        address = _address(ip)
        block = client_block(address)
        window, limit = self._policy.ip_window_s, self._policy.ip_limit
        stamps = self._repo.ip_attempts_in(block, now=now, window_s=window)
        limited = len(stamps) >= limit
        return {
            "ip": address,
            "counted_as": block,
            "attempts": len(stamps),
            "limit": limit,
            "window_s": window,
            "limited": limited,
            # as sliding_window.lua answers: when the oldest attempt leaves the window
            "retry_after": max(stamps[0] + window - now, 1) if limited else None,
        }

    def lift(self, ip: str, *, now: int) -> dict[str, Any]:
        """Forget the attempts counted against ``ip``'s window: its next login is judged as if it had made
        none. ``ip.throttle_lifted`` in the trail (its address and how many were forgotten) only when there
        were any: the trail records what happened, not what was asked. The state after, with ``cleared``."""
        before = self.state(ip, now=now)
        cleared = before["attempts"] if self._repo.clear_ip(before["counted_as"]) else 0
        if cleared:
            self._events.record(
                "ip.throttle_lifted",
                at=now,
                ip=before["counted_as"],
                detail={"attempts": cleared, "was_limited": before["limited"]},
            )
        return {**self.state(ip, now=now), "cleared": cleared}


def _address(ip: str) -> str:
    """``ip`` as the limit's keys write it; 400 naming ``ip`` when it is no address."""
    try:
        return normalise_ip(ip)
    except ValueError:
        raise InvalidRequest("ip must be an IPv4 or IPv6 address", field="ip") from None
