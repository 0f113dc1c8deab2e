"""The app's one clock: system time plus an offset kept in Redis, or frozen at an instant until moved.

Every time-dependent decision reads it once per request and passes ``now`` down, so moving it
(``POST /admin/v1/clock``) moves every worker at once, and freezegun, which patches ``time.time``,
controls it in tests. The clock is cached in each process and refreshed by a pub/sub message on every
change (``store.clock``), so reading it costs no Redis round trip.

Frozen (``POST /admin/v1/clock {"freeze": true}``), "now" stands still while real seconds pass: a scripted
scenario then gets the same instants on every run, however long its requests take (two enrolments a second
apart would order a user's devices differently). Only a move changes a frozen clock; a reset thaws it.

"Now" is always read within the range the admin API keeps, 2000-01-01 .. 2100-01-01 (``shapes.clock``): a
running clock set near the end runs up to 2100-01-01 and stands there until moved or reset, rather than
publishing instants no ``set_at`` would take back. Moves start from the instant read, so a step back (or
``advance_s: 0``) works from there, and a reset (one script) works from any state.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .shapes.clock import CLOCK_MAX, CLOCK_MIN
from .store.clock import UNBOUNDED, ClockRepo
from .store.clock_state import ClockState


@dataclass(frozen=True)
class ClockReading:
    now: int
    offset_s: int
    frozen: bool = False

    def as_dict(self) -> dict[str, int | bool]:
        return {"now": self.now, "offset_s": self.offset_s, "frozen": self.frozen}


class Clock:
    def __init__(self, repo: ClockRepo) -> None:
        self._repo = repo

    def now(self) -> int:
        return _within(self._repo.state().now(int(time.time())))

    def reading(self) -> ClockReading:
        return self._reading(int(time.time()))

    def reset(self) -> tuple[ClockReading, ClockReading]:
        """Back to real time (offset 0, running): real authenticator apps agree with the server again. One
        script, from any state (frozen, or years away: no move's bound applies); the clock just before (read
        in the same step, so the caller can tell a thaw from a move) and after."""
        system_now = int(time.time())
        before = self._repo.reset(system_now=system_now)
        return _reading(before, system_now), _reading(ClockState(), system_now)

    def advance(self, seconds: int) -> ClockReading:
        system_now = int(time.time())
        _, state = self._repo.advance_within(seconds, system_now=system_now, lo=-UNBOUNDED, hi=UNBOUNDED)
        return _reading(state, system_now)

    def advance_within(self, seconds: int, lo: int, hi: int) -> ClockReading | None:
        """Move by ``seconds`` if ``now`` stays within ``[lo, hi]``; ``None`` (and no change) otherwise."""
        system_now = int(time.time())
        moved, state = self._repo.advance_within(seconds, system_now=system_now, lo=lo, hi=hi)
        return _reading(state, system_now) if moved else None

    def set_at(self, at: int) -> ClockReading:
        system_now = int(time.time())
        return _reading(self._repo.set_at(at, system_now=system_now), system_now)

    def freeze(self, frozen: bool) -> ClockReading:
        """Stop the clock where it stands (``True``), or let it run on from there (``False``)."""
        system_now = int(time.time())
        state = self._repo.freeze(frozen, system_now=system_now, lo=CLOCK_MIN, hi=CLOCK_MAX)
        return _reading(state, system_now)

    def _reading(self, system_now: int) -> ClockReading:
        return _reading(self._repo.state(), system_now)


def _within(now: int) -> int:
    """``now`` held to the clock's range (see the module's docstring)."""
    return max(CLOCK_MIN, min(CLOCK_MAX, now))


def _reading(state: ClockState, system_now: int) -> ClockReading:
    now = _within(state.now(system_now))
    return ClockReading(now, now - system_now, state.frozen)
