"""What the gateway's service answers: the gateway's session as one request sees it (:class:`GatewayView`),
and what a process's start did (:class:`Restart`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from ..auth.session_state import Session
from ..store.records.gateway import GatewayRecord


class Restart(NamedTuple):
    """What a process's start did (``GatewayService.restarted``)."""

    live: bool
    """Whether the gateway had a live session."""
    others: int
    """The other live processes of the instance: any, and that session was kept."""
    ended: bool
    """Whether that session ended (or an earlier start's ending was closed: its step was cut)."""


@dataclass(frozen=True)
class GatewayView:
    """The gateway's session as one request sees it."""

    record: GatewayRecord
    session: Session
    sso_expires_at: int
    """When the SSO session ends unless something keeps it alive: automatic logoff, the session's
    lifetime or the daily reset, whichever comes first."""
    daily_reset_at: int | None
