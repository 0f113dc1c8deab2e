"""One lockout bucket's state (``keys.lockout``), as ``lockout_settle.lua`` leaves it."""

from __future__ import annotations

from ...frozen import frozen
from .codec import Fields, dataclass_fields, to_hash

#: How far after a request's "now" a stamp (a lock's start, an attempt in a window) may be and still be
#: another request's: two requests racing across a second, or one slow between reading the clock and
#: reaching Redis, disagree about "now" by that much, and a lock or attempt one of them made must hold for
#: the other. A stamp further ahead is from a future the clock was moved back from: it has not happened on
#: the clock in force, and is dropped. The Lua scripts that judge stamps (lockout_reserve, sliding_window,
#: claim_challenge) write it as a literal; tests/unit/test_store_hygiene.py holds them to this value.
STAMP_SKEW_S = 30


@frozen
class LockoutState:
    failures: int = 0
    """Consecutive wrong passwords since the last lock or success."""
    locks: int = 0
    """Locks so far: each waits longer, and ``permanent_after`` of them lock for good."""
    locked_until: int | None = None
    permanent: bool = False
    failed: int = 0
    """Wrong passwords since the last login (a lock resets ``failures``, not this): for its notice."""
    locked_at: int | None = None
    """When the timed lock began: one placed more than :data:`STAMP_SKEW_S` after now (the clock was moved
    back) is not in force."""

    @classmethod
    def from_hash(cls, raw: dict[str, str]) -> LockoutState:
        f = Fields("lockout bucket", raw)
        return cls(
            failures=f.count("failures"),
            locks=f.count("locks"),
            failed=f.count("failed"),
            locked_until=f.maybe_integer("locked_until"),
            locked_at=f.maybe_integer("locked_at"),
            permanent=f.flag("permanent"),
        )

    def to_hash(self) -> dict[str, str]:
        """The bucket as the scripts read it (a state document carries it so, ``sls_server.transfer``)."""
        return to_hash(dataclass_fields(self))

    def retry_after(self, now: int) -> int | None:
        """Seconds the timed lock has left, None when it is not running."""
        if self.locked_until is None or self.locked_until <= now:
            return None
        if self.locked_at is not None and self.locked_at > now + STAMP_SKEW_S:
            return None
        return self.locked_until - now

    def locked(self, now: int) -> bool:
        return self.permanent or self.retry_after(now) is not None
