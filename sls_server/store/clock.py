"""The clock offset: one value in Redis, so every worker and instance agrees on "now"."""

from __future__ import annotations

import redis

from . import keys
from .base import guarded


@guarded
class ClockRepo:
    def __init__(self, client: redis.Redis) -> None:
        self._r = client

    def offset(self) -> int:
        return int(self._r.get(keys.CLOCK_OFFSET) or 0)

    def advance(self, seconds: int) -> int:
        return int(self._r.incrby(keys.CLOCK_OFFSET, seconds))

    def set_offset(self, seconds: int) -> int:
        self._r.set(keys.CLOCK_OFFSET, seconds)
        return seconds
