"""Device records and each card's set of challenges already given to it."""

from __future__ import annotations

from typing import Any

import redis

from . import keys
from .base import Scripts, guarded, pairs


@guarded
class DeviceRepo:
    def __init__(self, client: redis.Redis, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def create(self, device_id: str, record: dict[str, Any]) -> bool:
        record = {**record, "version": 0}
        return bool(self._scripts("create_hash", [keys.device(device_id)], [0, *pairs(record)]))

    def get(self, device_id: str) -> dict[str, str] | None:
        return self._r.hgetall(keys.device(device_id)) or None

    def get_many(self, device_ids: list[str]) -> list[dict[str, str]]:
        pipe = self._r.pipeline(transaction=False)
        for device_id in device_ids:
            pipe.hgetall(keys.device(device_id))
        return [record for record in pipe.execute() if record]

    def update(self, device_id: str, version: str, changes: dict[str, Any]) -> str:
        """'ok', 'conflict' (someone wrote since ``version``; re-read and retry) or 'missing'."""
        return str(
            self._scripts("update_hash_versioned", [keys.device(device_id)], [version, *pairs(changes)])
        )

    def claim_challenge(self, device_id: str, encodings: list[str], capacity: int) -> int | str:
        """Index (1-based) of the first never-used candidate, 0 if all were used, 'full' at capacity."""
        result = self._scripts(
            "claim_challenge", [keys.device_used_challenges(device_id)], [capacity, *encodings]
        )
        return result if isinstance(result, str) else int(result)

    def delete(self, device_id: str) -> None:
        self._r.delete(keys.device(device_id), keys.device_used_challenges(device_id))
