"""The app's one clock: system time plus an offset kept in Redis.

Every time-dependent decision reads it once per request and passes ``now`` down, so moving it
(``POST /admin/v1/clock``) moves every worker at once, and freezegun, which patches ``time.time``,
controls it in tests. The offset is cached in each process and refreshed by a pub/sub message on every
change (``store.clock``), so reading it costs no Redis round trip.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from .store.clock import ClockRepo


@dataclass(frozen=True)
class ClockReading:
    now: int
    offset_s: int

    def as_dict(self) -> dict[str, int]:
        return {"now": self.now, "offset_s": self.offset_s}


class Clock:
    def __init__(self, repo: ClockRepo) -> None:
        self._repo = repo

    def now(self) -> int:
        return int(time.time()) + self._repo.offset()

    def reading(self) -> ClockReading:
        offset = self._repo.offset()
        return ClockReading(int(time.time()) + offset, offset)

    def reset(self) -> ClockReading:
        """Back to real time (offset 0), where real authenticator apps agree with the server again."""
        self._repo.set_offset(0)
        return ClockReading(int(time.time()), 0)

    def advance(self, seconds: int) -> ClockReading:
        offset = self._repo.advance(seconds)
        return ClockReading(int(time.time()) + offset, offset)

    def advance_within(self, seconds: int, lo: int, hi: int) -> ClockReading | None:
        """Move by ``seconds`` if ``now`` stays within ``[lo, hi]``; ``None`` (and no change) otherwise."""
        system_now = int(time.time())
        moved, offset = self._repo.advance_within(seconds, system_now=system_now, lo=lo, hi=hi)
        return ClockReading(system_now + offset, offset) if moved else None

    def set_at(self, at: int) -> ClockReading:
        offset = self._repo.set_offset(at - int(time.time()))
        return ClockReading(at, offset)
