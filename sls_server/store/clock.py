"""The clock offset: one value in Redis, so every worker and instance agrees on "now"."""

from __future__ import annotations

import redis

from . import keys
from .base import Scripts, guarded, text


@guarded
class ClockRepo:
    def __init__(self, client: redis.Redis, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def offset(self) -> int:
        value = self._r.get(keys.CLOCK_OFFSET)
        return int(text(value)) if value else 0

    def advance(self, seconds: int) -> int:
        return int(self._r.incrby(keys.CLOCK_OFFSET, seconds))

    def set_offset(self, seconds: int) -> int:
        self._r.set(keys.CLOCK_OFFSET, seconds)
        return seconds

    def advance_within(self, seconds: int, *, system_now: int, lo: int, hi: int) -> tuple[bool, int]:
        """Move by ``seconds`` unless ``system_now`` + the new offset leaves ``[lo, hi]``; atomically.

        ``(moved, offset)``: the new offset, or the unchanged one when the move was refused.
        """
        moved, offset = self._scripts(
            "clock_advance_bounded", [keys.CLOCK_OFFSET], [system_now, seconds, lo, hi]
        )
        return bool(moved), int(offset)
