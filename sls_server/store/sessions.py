"""Sessions, stored under a hash of their token, with a per-user index for listing and killing."""

from __future__ import annotations

from typing import Any

import redis

from . import keys
from .base import Scripts, clean, from_pairs, guarded
from .logins import RECLAIM_MARGIN_S


@guarded
class SessionRepo:
    def __init__(self, client: redis.Redis, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def create(
        self, session_id: str, record: dict[str, Any], *, now: int, concurrency: str
    ) -> list[str] | None:
        """Store the session as the user's only one. None if ``concurrency`` is 'refuse' and one is live;
        otherwise the ids of the sessions it replaced, which are left as tombstones."""
        username = record["username"]
        self.for_user(username, now=now)  # prunes index entries whose sessions are gone
        claimed = self._scripts(
            "session_claim",
            [keys.user_sessions(username)],
            [now, session_id, int(record["expires_at"]), concurrency],
        )
        if claimed[0] == "refused":
            return None
        key = keys.session(session_id)
        pipe = self._r.pipeline(transaction=True)
        pipe.hset(key, mapping=clean(record))
        pipe.expire(key, int(record["expires_at"]) - now + RECLAIM_MARGIN_S)
        pipe.execute()
        replaced = [str(old) for old in claimed[1:]]
        for old in replaced:
            self._scripts("mark_replaced", [keys.session(old)], [])
        return replaced

    def touch(self, session_id: str, *, now: int, idle_timeout: int, extend: bool) -> tuple[str, Any]:
        """('ok', record) | ('missing', None) | ('expired_idle'|'expired_absolute'|'replaced', username)."""
        result = self._scripts(
            "session_touch", [keys.session(session_id)], [now, idle_timeout, "1" if extend else "0"]
        )
        status = str(result[0])
        if status == "ok":
            return status, from_pairs(result[1:])
        if status == "missing":
            return status, None
        self._r.zrem(keys.user_sessions(str(result[1])), session_id)
        return status, str(result[1])

    def end(self, session_id: str) -> str | None:
        """Delete the session at once; the owner's name, or None if there was none."""
        username = self._scripts("delete_returning", [keys.session(session_id)], ["username"])
        if username:
            self._r.zrem(keys.user_sessions(str(username)), session_id)
        return str(username) if username else None

    def for_user(self, username: str, *, now: int) -> list[dict[str, str]]:
        index = keys.user_sessions(username)
        self._r.zremrangebyscore(index, "-inf", now)
        session_ids = self._r.zrange(index, 0, -1)
        pipe = self._r.pipeline(transaction=False)
        for session_id in session_ids:
            pipe.hgetall(keys.session(session_id))
        found = []
        for session_id, record in zip(session_ids, pipe.execute(), strict=True):
            if record and record.get("state") != "replaced" and int(record["idle_expires_at"]) > now:
                found.append({**record, "id": session_id})
            else:
                self._r.zrem(index, session_id)
        return found
