"""The per-address login limit as an administrator sees it, and lifts it (with the address's windows of wrong
tokens).

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
from ..store.lockout import GUESS_POOLS, LockoutRepo
from .lockout_policy import LockoutPolicy


class AddressLimits:
    def __init__(self, repo: LockoutRepo, events: EventLog, policy: LockoutPolicy) -> None:
        self._repo = repo
        self._events = events
        self._policy = policy

    def state(self, ip: str, *, now: int) -> dict[str, Any]:
        """What the limit counts against ``ip`` now (an IPv6 address: its /64) and how long it refuses; with
        the wrong tokens its two windows of them hold (the same limit and window: ``auth.token_guesses``),
        which a lift forgets too, so the operator sees what it would forget."""
        address = _address(ip)
        block = client_block(address)
        window, limit = self._policy.ip_window_s, self._policy.ip_limit
        stamps = self._repo.ip_attempts_in(block, now=now, window_s=window)
        guesses = {
            pool: len(self._repo.token_guesses_in(block, now=now, window_s=window, pool=pool))
            for pool in GUESS_POOLS
        }
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
            "token_guesses": guesses["doors"],
            "metrics_guesses": guesses["metrics"],
        }

    def lift(self, ip: str, *, now: int) -> dict[str, Any]:
        """Forget everything ``ip`` is counted in per address: its login attempts, and its wrong tokens
        (the admin and sim tokens' window, /metrics' window: ``auth.token_guesses``), so its next login and
        its next right token are judged as if it had given none. An operator who mistyped the admin token
        into a full window, or whose scraper kept an old metrics token, asks "let this address through"
        as much as one whose negative login tests filled the login window. ``ip.throttle_lifted`` in the
        trail (its address and how many of each were forgotten) only when there were any: the trail records
        what happened, not what was asked. The state after, with ``cleared`` (login attempts),
        ``token_guesses_cleared`` and ``metrics_guesses_cleared``."""
        before = self.state(ip, now=now)
        block = before["counted_as"]
        kept = self._repo.clear_ip(block)
        forgotten = {
            "cleared": before["attempts"] if kept else 0,
            "token_guesses_cleared": before["token_guesses"] if kept else 0,
            "metrics_guesses_cleared": before["metrics_guesses"] if kept else 0,
        }
        if any(forgotten.values()):
            self._events.record(
                "ip.throttle_lifted",
                at=now,
                ip=block,
                detail={
                    "attempts": forgotten["cleared"],
                    "was_limited": before["limited"],
                    "token_guesses": forgotten["token_guesses_cleared"],
                    "metrics_guesses": forgotten["metrics_guesses_cleared"],
                },
            )
        return {**self.state(ip, now=now), **forgotten}


def _address(ip: str) -> str:
    """``ip`` as the limit's keys write it; 400 naming ``ip`` when it is no address."""
    try:
        return normalise_ip(ip)
    except ValueError:
        raise InvalidRequest("ip must be an IPv4 or IPv6 address", field="ip") from None
