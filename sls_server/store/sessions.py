"""Sessions, stored under their user's hash tag by a hash of their token, with a per-user index.

Creating, touching, listing and ending a session are each one Lua script over the user's slot, so the
one-session rule holds under racing logins, every live session is in its user's index, and a session whose
user was disabled or deleted is refused on its next request even if disabling missed it.
"""

from __future__ import annotations

from typing import Any

import redis

from . import keys
from .base import Scripts, from_pairs, guarded, pairs
from .ids import owner_of
from .logins import RECLAIM_MARGIN_S


@guarded
class SessionRepo:
    def __init__(self, client: redis.Redis, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def create(
        self,
        session_id: str,
        record: dict[str, Any],
        *,
        now: int,
        concurrency: str,
        epoch: str,
        retires: str | None = None,
    ) -> tuple[str, list[str]]:
        """Store the session as the user's only live one, in one step.

        ``concurrency`` is 'replace', 'refuse', or 'rotate' (a step-up's new token retiring ``retires``).
        ``epoch`` is the user's epoch the login began under. Returns ('ok', ids of the
        sessions it replaced, left as tombstones) or (refused | disabled | no_user | stale, []).
        """
        username = record["username"]
        expires_at = int(record["expires_at"])
        result = self._scripts(
            "session_create",
            [keys.user(username), keys.user_sessions(username), keys.session(username, session_id)],
            [
                now,
                epoch,
                concurrency,
                session_id,
                expires_at,
                keys.session_prefix(username),
                retires or "",
                expires_at - now + RECLAIM_MARGIN_S,
                *pairs(record),
            ],
        )
        return str(result[0]), [str(old) for old in result[1:]]

    def touch(self, session_id: str, *, now: int, idle_timeout: int, extend: bool) -> tuple[str, Any]:
        """('ok', record) | ('missing', None)
        | ('expired_idle'|'expired_absolute'|'replaced'|'revoked', username)."""
        username = owner_of(session_id)
        if username is None:
            return "missing", None
        result = self._scripts(
            "session_touch",
            [keys.session(username, session_id), keys.user(username), keys.user_sessions(username)],
            [now, idle_timeout, "1" if extend else "0", session_id],
        )
        status = str(result[0])
        if status == "ok":
            return status, from_pairs(result[1:])
        if status == "missing":
            return status, None
        return status, str(result[1])

    def end(self, session_id: str) -> str | None:
        """Delete the session at once; the owner's name, or None if there was none."""
        username = owner_of(session_id)
        if username is None:
            return None
        ended = self._scripts(
            "session_end",
            [keys.session(username, session_id), keys.user_sessions(username)],
            [session_id],
        )
        return str(ended) if ended else None

    def for_user(self, username: str, *, now: int) -> list[dict[str, str]]:
        flat = self._scripts(
            "sessions_list", [keys.user_sessions(username)], [now, keys.session_prefix(username)]
        )
        return [
            {**from_pairs(fields), "id": str(sid)} for sid, fields in zip(flat[::2], flat[1::2], strict=True)
        ]
