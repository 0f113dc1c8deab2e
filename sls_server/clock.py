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

A change a person asks for (``POST /admin/v1/clock``, the trainer console's buttons) goes through
:class:`ClockService`, which keeps the range and records it in the audit trail, the same way for each.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from .errors import InvalidRequest
from .frozen import frozen
from .shapes.clock import CLOCK_MAX, CLOCK_MIN, CLOCK_RANGE
from .store.clock import UNBOUNDED, ClockRepo
from .store.clock_state import ClockState

if TYPE_CHECKING:
    from .events import EventLog


@frozen
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


class ClockService:
    """Every change of the clock a person asks for, with its audit events: ``POST /admin/v1/clock``, the
    trainer console's buttons (+1 min, +15 min, +1 day, Freeze, reset) and its *Set* all come here, so each
    decides the freeze or thaw, keeps the range and leaves the same trail alike (the copies each surface
    kept had drifted: the console's steps recorded ``clock.moved`` without ``frozen``).

    A freeze or thaw that changes the clock is ``clock.frozen`` or ``clock.thawed`` (``offset_s``); a move,
    and a reset, ``clock.moved`` (``offset_s``, ``frozen``)."""

    def __init__(self, clock: Clock, events: EventLog) -> None:
        self._clock = clock
        self._events = events

    def move(
        self,
        *,
        freeze: bool | None = None,
        set_at: int | None = None,
        advance_s: int | None = None,
        field: str | None = None,
    ) -> ClockReading:
        """Freeze or thaw (``freeze``, applied first, so a frozen clock stands at exactly ``set_at``), then
        one move, ``set_at`` or ``advance_s``; the clock as it stands after. A move that would leave
        2000-01-01 .. 2100-01-01 is a 400 and nothing changes, the freeze asked with it neither; the 400
        names ``field`` when the caller's form calls the move otherwise (the console's ``step``), else the
        argument given."""
        if set_at is not None and advance_s is not None:
            raise InvalidRequest("give one of advance_s or set_at", field=field or "advance_s")
        named = field or ("set_at" if set_at is not None else "advance_s")
        reading = self._clock.reading()
        if set_at is not None and not CLOCK_MIN <= set_at <= CLOCK_MAX:
            raise InvalidRequest(f"{named} is {CLOCK_RANGE}", field=named)
        if advance_s is not None and not CLOCK_MIN <= reading.now + advance_s <= CLOCK_MAX:
            raise _out_of_range(named)  # before a freeze asked with it: a refused move changes nothing
        if freeze is not None and freeze != reading.frozen:
            reading = self._clock.freeze(freeze)
            kind = "clock.frozen" if reading.frozen else "clock.thawed"
            self._events.record(kind, at=reading.now, detail={"offset_s": reading.offset_s})
        if set_at is not None:
            reading = self._clock.set_at(set_at)
        elif advance_s is not None:
            moved = self._clock.advance_within(advance_s, CLOCK_MIN, CLOCK_MAX)
            if moved is None:  # checked and moved in one Lua script: a refused move changed nothing
                raise _out_of_range(named)
            reading = moved
        else:
            return reading
        self._moved(reading)
        return reading

    def reset(self) -> ClockReading:
        """Back to real time, running, in one step from any state (no bound applies), with the events of
        every change it amounts to: ``clock.thawed`` when it was frozen, then ``clock.moved``."""
        before, after = self._clock.reset()
        if before.frozen:
            self._events.record("clock.thawed", at=after.now, detail={"offset_s": after.offset_s})
        self._moved(after)
        return after

    def _moved(self, reading: ClockReading) -> None:
        detail = {"offset_s": reading.offset_s, "frozen": reading.frozen}
        self._events.record("clock.moved", at=reading.now, detail=detail)


def _out_of_range(named: str) -> InvalidRequest:
    return InvalidRequest(f"{named} would take the clock {CLOCK_RANGE}", field=named)


def _within(now: int) -> int:
    """``now`` held to the clock's range (see the module's docstring)."""
    return max(CLOCK_MIN, min(CLOCK_MAX, now))


def _reading(state: ClockState, system_now: int) -> ClockReading:
    now = _within(state.now(system_now))
    return ClockReading(now, now - system_now, state.frozen)
