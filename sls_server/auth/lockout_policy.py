"""The lockout's and the address throttle's numbers, read once from the settings: how many wrong passwords
lock, how long each lock waits, when a lock becomes permanent, and the per-address and per-authenticator
limits. The lockout (``lockout.Lockout``), the address limits' admin view (``address_limits``) and the
authenticators' limit (``device_lockout``) read them.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..config import Settings


@dataclass(frozen=True)
class LockoutPolicy:
    threshold: int
    wait_increment_s: int
    """Seconds each lock waits longer than the one before (``SLS_LOCKOUT_WAIT_INCREMENT``)."""
    max_wait_s: int
    """The longest a timed lock waits, in seconds (``SLS_LOCKOUT_MAX_WAIT``)."""
    permanent_after: int
    known_ips: bool
    ip_limit: int
    ip_window_s: int
    """Seconds of the per-address sliding window of ``ip_limit`` attempts (``SLS_IP_THROTTLE_WINDOW``)."""
    device_limit: int

    @classmethod
    def from_settings(cls, settings: Settings) -> LockoutPolicy:
        return cls(
            threshold=settings.lockout_threshold,
            wait_increment_s=settings.lockout_wait_increment,
            max_wait_s=settings.lockout_max_wait,
            permanent_after=settings.lockout_permanent_after,
            known_ips=settings.lockout_known_ips,
            ip_limit=settings.ip_throttle_limit,
            ip_window_s=settings.ip_throttle_window,
            device_limit=settings.device_failure_limit,
        )
