"""IB Key in Redis: the simulated phone's app record, its push inbox, and the server's activation step.

Three owners, three hash tags. ``{ibapp:<app>}`` is the phone's own storage (only the simulator reads it);
``{ibpush:<app>}`` is the push channel the server delivers notifications into, like a carrier's inbox;
the server's device records stay under ``{d:<device>}`` (see ``keys.device``). Keys live here rather than
in ``keys.py`` because nothing else touches them.
"""

from __future__ import annotations

import json
from typing import Any

import redis

from . import keys
from .base import Scripts, guarded, pairs

#: Redis TTLs only reclaim memory; expiry is decided by the app clock against the stored instants.
RECLAIM_MARGIN_S = 3600


def app_key(app_id: str) -> str:
    return f"{keys.PREFIX}{{ibapp:{app_id}}}:app"


def inbox_key(app_id: str) -> str:
    return f"{keys.PREFIX}{{ibpush:{app_id}}}:inbox"


@guarded
class IbKeyRepo:
    def __init__(self, client: redis.Redis, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    # --- the phone's app record (simulator side) ------------------------------------------------------

    def create_app(self, app_id: str, record: dict[str, Any]) -> bool:
        """False if the app exists already; the check and the write are one step."""
        return bool(self._scripts("create_hash", [app_key(app_id)], [0, *pairs({**record, "version": 0})]))

    def get_app(self, app_id: str) -> dict[str, str] | None:
        return self._r.hgetall(app_key(app_id)) or None

    def update_app(self, app_id: str, version: str, changes: dict[str, Any]) -> str:
        """'ok', 'conflict' (someone wrote since ``version``) or 'missing'."""
        return str(self._scripts("update_hash_versioned", [app_key(app_id)], [version, *pairs(changes)]))

    # --- the push channel -------------------------------------------------------------------------------

    def deliver(self, app_id: str, notification: dict[str, Any], *, now: int) -> None:
        key = inbox_key(app_id)
        pipe = self._r.pipeline(transaction=True)
        pipe.hset(key, notification["id"], json.dumps(notification, separators=(",", ":")))
        pipe.expire(key, max(int(notification["expires_at"]) - now, 0) + RECLAIM_MARGIN_S)
        pipe.execute()

    def inbox(self, app_id: str) -> list[dict[str, Any]]:
        return [json.loads(raw) for raw in self._r.hvals(inbox_key(app_id))]

    def notification(self, app_id: str, notification_id: str) -> dict[str, Any] | None:
        raw = self._r.hget(inbox_key(app_id), notification_id)
        return json.loads(raw) if raw else None

    def discard(self, app_id: str, *notification_ids: str) -> None:
        if notification_ids:
            self._r.hdel(inbox_key(app_id), *notification_ids)

    # --- the server's activation step --------------------------------------------------------------------

    def activate(
        self, device_id: str, *, now: int, digest: str, max_failures: int, fields: dict[str, Any]
    ) -> tuple[str, int]:
        """See ``ibkey_activate.lua``: (status, attempts left after a wrong code)."""
        status, left = self._scripts(
            "ibkey_activate", [keys.device(device_id)], [now, digest, max_failures, *pairs(fields)]
        )
        return str(status), int(left)
