"""Failed-login lockout and per-address throttling (an authenticator disabled by wrong responses is
``device_lockout``'s).

The account check runs before the password is looked at: a locked account answers 423 whatever the
password, and an attempt is *reserved* in Redis before verification so racing requests cannot exceed the
threshold (``store/lua/lockout_reserve.lua``). Failures are counted in buckets: one per account, or, with
``lockout_known_ips``, one for addresses the user has logged in from and one for all others, so strangers
cannot lock the user out of their usual places (NIST 800-63B-4 §3.2.2 permits this). An attempt a check
refused silently (``lockout_terms.SILENT_REFUSAL``: from outside the IP allowlist,
``SLS_IP_REFUSAL=silent``) counts in the user's decoy bucket instead, which locks like any other but is
never the user's: the outsider sees what it would see at any name, and the user inside the list logs in all
the same.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from ..accounts.clientip import client_block
from ..events import EventLog
from ..store.base import ScriptCall
from ..store.lockout import BUCKETS, DECOY, IP_WINDOW, LockoutRepo, Reservation
from .errors import AccountDisabled, RateLimited
from .lockout_policy import LockoutPolicy
from .lockout_terms import (
    BUCKET,
    DISABLED,
    FAILED_BEFORE,
    SILENT_REFUSAL,
    raise_if_locked,
    raise_locked,
)
from .password_step import Attempt

if TYPE_CHECKING:
    from .suspicious import SuspiciousNotices

#: What a login is told while the account's remaining attempts are all being checked by other requests.
BUSY = "Other logins to this account are being checked right now; try again in a second."
#: Seconds between asks while the account is busy (about 0.6 s in all: several password hashes, even
#: ``strong``'s). A worker thread waits meanwhile; only a burst at one account waits at all.
BUSY_PAUSES_S = (0.005, 0.01, 0.02, 0.04, 0.08, 0.16, 0.32)
#: How a busy reservation waits (tests replace it to settle the attempts in flight instead of waiting).
_pause = time.sleep


class Lockout:
    def __init__(
        self,
        repo: LockoutRepo,
        events: EventLog,
        policy: LockoutPolicy,
        notices: SuspiciousNotices | None = None,
    ) -> None:
        self._repo = repo
        self._events = events
        self.policy = policy
        self._notices = notices

    # --- LoginCheck ---------------------------------------------------------------------------------------

    def ask(self, attempt: Attempt) -> ScriptCall | None:
        """The address's window, reserved with the read of the user (it only counts the address; an IPv6
        address's /64, :func:`client_block`, so rotating through one's own /64 earns no fresh window)."""
        if not attempt.ip:
            return None
        return self._repo.ip_window(
            client_block(attempt.ip),
            now=attempt.now,
            window_s=self.policy.ip_window_s,
            limit=self.policy.ip_limit,
            attempt_id=attempt.id,
        )

    def before_password(self, attempt: Attempt) -> None:
        if attempt.ip:
            wait = int(attempt.answers[IP_WINDOW])
            if wait:
                self._refused(attempt, "rate_limited")
                raise RateLimited(retry_after=wait)
        silent = SILENT_REFUSAL in attempt.notes  # refused already: counted in the decoy, never the user's
        bucket = DECOY if silent else self._bucket(attempt.lock_name, attempt.ip)
        attempt.notes[BUCKET] = bucket
        status, until, failed = self._reserve(attempt, bucket)
        if status == "ok":
            if failed:
                attempt.notes[FAILED_BEFORE] = str(failed)
            return
        if status == "busy":
            # The account's last allowed attempts were still being checked after every pause (a long burst
            # of logins, right passwords too): not a lock, and not this address's failure, so its window is
            # handed back.
            self._refused(attempt, "busy")
            if attempt.ip:
                self._repo.refund_ip(client_block(attempt.ip), attempt.id)
            raise RateLimited(BUSY, retry_after=1)
        if status == "disabled":  # reserved as an 'ok' is: after_password settles it (a wrong one counts)
            attempt.notes[DISABLED] = "1"
            raise AccountDisabled()
        self._refused(attempt, "account_locked")
        raise_locked(until if status == "locked" else None, now=attempt.now)

    def _reserve(self, attempt: Attempt, bucket: str) -> Reservation:
        """Reserve the attempt; while the account's remaining attempts are all in flight ('busy'), pause and
        ask again. Those attempts settle within a password hash: then a lock is a lock (423 for every
        guess past the threshold, as a flood expects) and a right password goes through (a burst of right
        passwords is not told the account is locked)."""

        def reserve() -> Reservation:
            threshold = self.policy.threshold
            return self._repo.reserve(
                attempt.lock_name, bucket, now=attempt.now, threshold=threshold, attempt_id=attempt.id
            )

        for pause in BUSY_PAUSES_S:
            reserved = reserve()
            if reserved.status != "busy":
                return reserved
            _pause(pause)
        return reserve()

    def after_password(self, attempt: Attempt, *, ok: bool) -> None:
        """A right password hands back the address's reservation and the account's, unanswered (nothing
        waits on them: they ride with the step's next round trip), and at a disabled account is recorded as
        the refusal it gets; a wrong one is counted, answered."""
        if ok:
            if attempt.ip:
                self._repo.refund_ip(client_block(attempt.ip), attempt.id)
            self._repo.release(attempt.lock_name, attempt.notes[BUCKET], attempt_id=attempt.id)
            if DISABLED in attempt.notes:
                self._refused(attempt, "account_disabled")
            return
        p = self.policy
        status, until, locks = self._repo.settle(
            attempt.lock_name,
            attempt.notes[BUCKET],
            now=attempt.now,
            attempt_id=attempt.id,
            ok=ok,
            threshold=p.threshold,
            wait_increment_s=p.wait_increment_s,
            max_wait_s=p.max_wait_s,
            permanent_after=p.permanent_after,
        )
        if status in ("locked", "permanent"):
            # failures: the consecutive wrong passwords that set it (the feed says "after 5 wrong passwords")
            detail: dict[str, Any] = {
                "lock_number": locks,
                "bucket": attempt.notes[BUCKET],
                "failures": p.threshold,
            }
            if status == "locked":
                detail["wait_s"] = until - attempt.now
            else:
                detail["permanent"] = True
            user = attempt.subject.user
            self._events.record(
                "account.locked",
                at=attempt.now,
                user=user,
                ip=attempt.ip,
                detail={**detail, **attempt.subject.detail},
            )
            self._tell_locked(attempt, user, permanent=status == "permanent")

    def login_succeeded(self, username: str, ip: str | None, *, now: int) -> None:
        self._repo.forget_failures(username, self._bucket(username, ip))
        if ip:
            self._repo.remember_ip(username, ip)

    def know_places(self, username: str, ips: list[str]) -> None:
        """Addresses the user has signed in from before, as if they had: a login from one is no new place
        (no notice, ``auth/suspicious.py``), and with ``SLS_LOCKOUT_KNOWN_IPS`` counts in the known bucket.
        The demo world gives its users the trainer's own addresses, so a volunteer's login is not news."""
        self._repo.know_ips(username, ips)

    def bucket_of(self, username: str, ip: str | None) -> str:
        """The bucket a request of ``username`` from ``ip`` counts in (a step-up's, judged when answered)."""
        return self._bucket(username, ip)

    def refuse_if_locked(self, username: str, bucket: str, *, now: int) -> None:
        """423 while ``bucket`` of the user is locked (one read): a step-up answered during a lock."""
        raise_if_locked(self._repo.state(username).get(bucket), now=now)

    # --- admin --------------------------------------------------------------------------------------------

    def unlock(self, username: str, *, now: int) -> bool:
        """Clear the user's locks and failure counts; True (and ``account.unlocked`` in the trail) only when
        there was something to clear: the trail records what happened, not what was asked."""
        cleared = self._repo.unlock(username)
        if cleared:
            self._events.record("account.unlocked", at=now, user=username)
        return cleared

    def status(self, username: str, *, now: int) -> dict[str, Any]:
        buckets = {}
        for bucket, state in self._repo.state(username).items():
            buckets[bucket] = {
                "failures": state.failures,
                "locks": state.locks,
                "locked": state.locked(now),
                "permanent": state.permanent,
                "retry_after": state.retry_after(now),
            }
        locked = any(b["locked"] for name, b in buckets.items() if name != DECOY)  # the decoy locks no one
        return {
            "username": username,
            "locked": locked,
            "threshold": self.policy.threshold,
            "buckets": buckets,
        }

    # --- helpers ------------------------------------------------------------------------------------------

    def _tell_locked(self, attempt: Attempt, user: str | None, *, permanent: bool) -> None:
        """Text the user that their account was locked: once per lock, as only the settle that placed it
        gets here. Not for the decoy bucket (its lock keeps out only those outside the allowlist, never the
        user), nor for a name that cannot be a user."""
        bucket = attempt.notes[BUCKET]
        if self._notices is None or user is None or bucket == DECOY:
            return
        self._notices.locked(
            user,
            self.policy.threshold,
            new_places_only=bucket == "other",
            permanent=permanent,
            now=attempt.now,
        )

    def _bucket(self, username: str, ip: str | None) -> str:
        if not self.policy.known_ips:
            return BUCKETS[0]
        return "known" if ip and self._repo.is_known_ip(username, ip) else "other"

    def _refused(self, attempt: Attempt, result: str) -> None:
        """Anyone can repeat a refused attempt at will: one event per address, reason and window, the rest
        counted (``EventLog.record_flood``), so refusals cannot flood the trail."""
        self._events.record_flood(
            "login.refused",
            per="ip",
            at=attempt.now,
            user=attempt.subject.user,
            ip=attempt.ip,
            result=result,
            detail=dict(attempt.subject.detail) or None,
        )
