"""The audit trail: a Redis stream (ids are the cursor) plus per-type counters for /metrics."""

from __future__ import annotations

import json
from typing import Any

import redis

from . import keys
from .base import guarded

MAX_EVENTS = 100_000


@guarded
class EventRepo:
    def __init__(self, client: redis.Redis) -> None:
        self._r = client

    def append(self, event: dict[str, Any]) -> str:
        pipe = self._r.pipeline(transaction=True)
        pipe.xadd(keys.EVENTS, {"e": json.dumps(event, separators=(",", ":"))}, maxlen=MAX_EVENTS)
        pipe.hincrby(keys.METRICS, event["type"], 1)
        event_id, _ = pipe.execute()
        return str(event_id)

    def read(self, *, since: str | None, count: int) -> list[dict[str, Any]]:
        start = f"({since}" if since else "-"
        rows = self._r.xrange(keys.EVENTS, min=start, max="+", count=count)
        return [{"id": event_id, **json.loads(fields["e"])} for event_id, fields in rows]

    def counters(self) -> dict[str, int]:
        return {name: int(value) for name, value in self._r.hgetall(keys.METRICS).items()}
