"""Audit events: every state change, never a secret.

The recorder refuses detail fields whose names say they carry a secret, so a careless call fails in the
tests rather than leaking into the trail.
"""

from __future__ import annotations

import logging
from typing import Any

from .store.events import EventRepo

log = logging.getLogger("sls_server.events")

FORBIDDEN_DETAIL = frozenset({"password", "pin", "code", "response", "secret", "key", "token", "challenge"})
MAX_PAGE = 1000


class EventLog:
    def __init__(self, repo: EventRepo) -> None:
        self._repo = repo

    def record(
        self,
        type_: str,
        *,
        at: int,
        user: str | None = None,
        ip: str | None = None,
        factor: str | None = None,
        device_id: str | None = None,
        result: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> str:
        leaked = FORBIDDEN_DETAIL.intersection(detail or {})
        if leaked:
            raise ValueError(f"event detail must not carry secrets: {sorted(leaked)}")
        event = {
            "at": at,
            "type": type_,
            "user": user,
            "ip": ip,
            "factor": factor,
            "device_id": device_id,
            "result": result,
            "detail": detail or None,
        }
        event = {k: v for k, v in event.items() if v is not None}
        event_id = self._repo.append(event)
        log.info("%s %s", type_, " ".join(f"{k}={v}" for k, v in event.items() if k not in ("type", "at")))
        return event_id

    def page(
        self, *, since: str | None = None, user: str | None = None, type_: str | None = None, limit: int = 100
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Events after ``since``, oldest first, filtered; and the cursor to pass next time.

        The cursor advances over events the filter skipped too, so a poller never re-reads them.
        """
        found: list[dict[str, Any]] = []
        cursor = since
        while len(found) < limit:
            batch = self._repo.read(since=cursor, count=MAX_PAGE)
            if not batch:
                break
            for event in batch:
                cursor = event["id"]
                if (user is None or event.get("user") == user) and (type_ is None or event["type"] == type_):
                    found.append(event)
                    if len(found) >= limit:
                        break
        return found, cursor

    def counters(self) -> dict[str, int]:
        return self._repo.counters()
