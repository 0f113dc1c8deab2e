"""Login transactions: what was asked of whom, until when, and how it was settled."""

from __future__ import annotations

from typing import Any

import redis

from . import keys
from .base import Scripts, clean, guarded, pairs

#: Redis TTLs only reclaim memory; expiry is decided by the app clock against the stored instants.
RECLAIM_MARGIN_S = 3600


@guarded
class LoginRepo:
    def __init__(self, client: redis.Redis, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def create(self, txn_id: str, record: dict[str, Any], *, now: int) -> None:
        reclaim_at = int(record["expires_at"]) + RECLAIM_MARGIN_S
        pipe = self._r.pipeline(transaction=True)
        pipe.hset(keys.login(txn_id), mapping=clean(record))
        pipe.expire(keys.login(txn_id), max(reclaim_at - now, RECLAIM_MARGIN_S))
        pipe.execute()

    def get(self, txn_id: str) -> dict[str, str] | None:
        return self._r.hgetall(keys.login(txn_id)) or None

    def settle(
        self, txn_id: str, *, now: int, outcome: str, ok_state: str = "authenticated"
    ) -> tuple[str, int]:
        """``outcome`` is 'ok', 'bad' or 'deny'; see login_verify.lua for the statuses."""
        status, left = self._scripts("login_verify", [keys.login(txn_id)], [now, outcome, ok_state])
        return str(status), int(left)

    def collect(self, txn_id: str, *, now: int) -> bool:
        return bool(self._scripts("login_collect", [keys.login(txn_id)], [now]))

    def switch(self, txn_id: str, *, now: int, expires_at: int, fields: dict[str, Any]) -> str:
        return str(self._scripts("login_switch", [keys.login(txn_id)], [now, expires_at, *pairs(fields)]))
