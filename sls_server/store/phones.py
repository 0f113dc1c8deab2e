"""Phones: conditions per number, an inbox and a call log per handset, and sliding-window send limits."""

from __future__ import annotations

import json
from typing import Any

import redis

from . import keys
from .base import Scripts, clean, guarded

KEEP_MESSAGES = 200


@guarded
class PhoneRepo:
    def __init__(self, client: redis.Redis, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def conditions(self, number: str) -> dict[str, str]:
        return self._r.hgetall(keys.phone_conditions(number))

    def set_conditions(self, number: str, values: dict[str, Any]) -> None:
        key = keys.phone_conditions(number)
        pipe = self._r.pipeline(transaction=True)
        pipe.delete(key)
        if clean(values):
            pipe.hset(key, mapping=clean(values))
        pipe.execute()

    def push(self, handset: str, box: str, record: dict[str, Any]) -> None:
        key = keys.phone_box(handset, box)
        pipe = self._r.pipeline(transaction=True)
        pipe.lpush(key, json.dumps(record, separators=(",", ":")))
        pipe.ltrim(key, 0, KEEP_MESSAGES - 1)
        pipe.execute()

    def box(self, handset: str, box: str) -> list[dict[str, Any]]:
        return [json.loads(item) for item in self._r.lrange(keys.phone_box(handset, box), 0, -1)]

    def hit(self, name: str, *, now: int, window: int, limit: int, member: str) -> int:
        """Count one event under ``name`` in a sliding window; 0 if allowed, else seconds to wait."""
        return int(self._scripts("sliding_window", [keys.rate(name)], [now, window, limit, member]))

    def unhit(self, name: str, member: str) -> None:
        self._r.zrem(keys.rate(name), member)
