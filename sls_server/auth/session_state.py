"""A session as its holders read it: who, since when, until when, by which factor, and its step-ups.

The login flow, step-up, the account views and gateway mode pass it around without touching the sessions'
rules (``session_issuing.SessionIssuer``, which makes them, and ``sessions.SessionService``, which checks
them); it is built only from what the store read.
"""

from __future__ import annotations

from dataclasses import field
from typing import Any

from ..frozen import frozen
from ..store.records import SessionRecord


@frozen
class Session:
    id: str
    username: str
    authenticated_at: int
    idle_expires_at: int
    expires_at: int
    factor: str
    device_id: str | None
    epoch: str = ""
    verified: dict[str, int] = field(default_factory=dict)
    """Step-up verifications on this session: purpose -> until (unix s)."""
    retired: tuple[str, ...] = ()
    """The ids of the tokens its step-ups rotated it from (``SessionRecord.retired``)."""

    @classmethod
    def from_record(cls, record: SessionRecord) -> Session:
        return cls(
            id=record.id,
            username=record.username,
            authenticated_at=record.authenticated_at,
            idle_expires_at=record.idle_expires_at,
            expires_at=record.expires_at,
            factor=record.factor,
            device_id=record.device_id,
            epoch=record.epoch or "",
            verified=dict(record.verified),
            retired=record.retired,
        )

    def public(self) -> dict[str, Any]:
        return {
            "username": self.username,
            "authenticated_at": self.authenticated_at,
            "idle_expires_at": self.idle_expires_at,
            "expires_at": self.expires_at,
            "factor": self.factor,
        }
