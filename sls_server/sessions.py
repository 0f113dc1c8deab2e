"""Sessions: 256-bit random tokens, kept server-side under the token's SHA-256, idle and absolute expiry.

Only the hash is stored, so a dump of Redis holds no usable token; the hash doubles as the session's
public id in the admin API.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from typing import Any

from .errors import SessionExpired, Unauthorized
from .events import EventLog
from .store import Store

TOKEN_BYTES = 32


def session_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class Session:
    id: str
    username: str
    authenticated_at: int
    idle_expires_at: int
    expires_at: int
    factor: str
    device_id: str | None

    @classmethod
    def from_record(cls, record: dict[str, str]) -> Session:
        return cls(
            id=record["id"],
            username=record["username"],
            authenticated_at=int(record["authenticated_at"]),
            idle_expires_at=int(record["idle_expires_at"]),
            expires_at=int(record["expires_at"]),
            factor=record["factor"],
            device_id=record.get("device_id"),
        )

    def public(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "authenticated_at": self.authenticated_at,
            "idle_expires_at": self.idle_expires_at,
            "expires_at": self.expires_at,
            "factor": self.factor,
        }


class SessionService:
    def __init__(self, store: Store, events: EventLog, *, idle_timeout: int, absolute_timeout: int) -> None:
        self._store = store
        self._events = events
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout

    def create(
        self, username: str, *, factor: str, device_id: str | None, now: int, ip: str | None
    ) -> tuple[str, Session]:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        sid = session_id(token)
        expires_at = now + self.absolute_timeout
        record = {
            "id": sid,
            "username": username,
            "authenticated_at": now,
            "idle_expires_at": min(now + self.idle_timeout, expires_at),
            "expires_at": expires_at,
            "last_seen_at": now,
            "factor": factor,
            "device_id": device_id,
            "ip": ip,
        }
        self._store.sessions.create(sid, record, now=now)
        return token, Session.from_record({k: str(v) for k, v in record.items() if v is not None})

    def authenticate(self, token: str | None, *, now: int, extend: bool = True) -> Session:
        """The live session for ``token``, counting this request as activity; 401 otherwise."""
        if not token:
            raise Unauthorized()
        sid = session_id(token)
        status, found = self._store.sessions.touch(sid, now=now, idle_timeout=self.idle_timeout, extend=extend)
        if status == "ok":
            return Session.from_record({**found, "id": sid})
        if status == "missing":
            raise Unauthorized("No valid session: log in first.")
        self._events.record(f"session.{status}", at=now, user=found, detail={"session_id": sid[:12]})
        raise SessionExpired()

    def end(self, session_id_: str, *, now: int, reason: str = "logout") -> str | None:
        username = self._store.sessions.end(session_id_)
        if username:
            self._events.record(f"session.{reason}", at=now, user=username, detail={"session_id": session_id_[:12]})
        return username

    def of_user(self, username: str, *, now: int) -> list[dict[str, Any]]:
        return [
            {**Session.from_record(r).public(), "id": r["id"], "ip": r.get("ip"), "last_seen_at": int(r["last_seen_at"])}
            for r in self._store.sessions.for_user(username, now=now)
        ]
