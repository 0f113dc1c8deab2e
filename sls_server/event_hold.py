"""An audit event as it is built, and what an open ``EventLog.caused`` block holds back until it ends.

Split from :mod:`sls_server.events` by job: that module writes and reads the trail; this one says what an
event may carry (never a secret: :func:`build_event` refuses a detail field whose name says it carries one,
so a careless call fails in the tests rather than leaking into the trail) and where a recorded event waits
while a block holds it (per thread, as the write-behind's queue), with the two recorders that feed it: the
trail's own (``EventLog``) and a caused block's :class:`Cause`, which writes ahead of what the block held.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable
from contextvars import ContextVar
from functools import partial
from typing import TYPE_CHECKING, Any

from .store.records import Event

if TYPE_CHECKING:  # Cause writes a decoy's cause through the trail's recorder, which builds on this module
    from .events import EventLog

FORBIDDEN_DETAIL = frozenset({"password", "pin", "code", "response", "secret", "key", "token", "challenge"})

#: What an open :meth:`EventLog.caused` block holds back: an event for the trail, or (a block holding every
#: event: ``caused(every=True)``) a flood's or a decoy's write, made as the block ends.
Held = Event | Callable[[], object]
#: What the open block holds (per thread, as the write-behind's queue), and whether it holds every event.
HELD: ContextVar[list[Held] | None] = ContextVar("sls_events_held", default=None)
HOLDS_EVERY: ContextVar[bool] = ContextVar("sls_events_hold_every", default=False)


def build_event(
    type_: str,
    at: int,
    user: str | None,
    ip: str | None,
    factor: str | None,
    device_id: str | None,
    result: str | None,
    detail: dict[str, Any] | None,
) -> Event:
    """The event, refused (``ValueError``) if its detail names a secret (:data:`FORBIDDEN_DETAIL`)."""
    leaked = FORBIDDEN_DETAIL.intersection(detail or {})
    if leaked:
        raise ValueError(f"event detail must not carry secrets: {sorted(leaked)}")
    return Event(at, type_, user, ip, factor, device_id, result, detail or None)


class Recorder(ABC):
    """What :meth:`record` takes, declared once for the two places an event is recorded: the trail
    (``EventLog``) and a caused block's :class:`Cause`; each says where the event goes (``_write``)."""

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
    ) -> None:
        """Build the event (refused if its detail names a secret) and write it where this recorder writes:
        the trail's, or, for a :class:`Cause`, ahead of the events its block held."""
        self._write(build_event(type_, at, user, ip, factor, device_id, result, detail))

    @abstractmethod
    def _write(self, event: Event) -> None:
        """Where this recorder puts a built event."""


class Cause(Recorder):
    """What a :meth:`EventLog.caused` block records ahead of the events held in it: written as the block ends,
    before what it held."""

    def __init__(self, log: EventLog) -> None:
        self.events: list[Held] = []
        self._log = log

    def _write(self, event: Event) -> None:
        self.events.append(event)

    def record_decoy(
        self, type_: str, *, at: int, ip: str | None = None, detail: dict[str, Any] | None = None
    ) -> None:
        """A decoy's cause (:meth:`EventLog.record_decoy`), where a user's path records its cause: written as
        the block ends, before what it held, so the decoy's writes come in the user's order."""
        self.events.append(partial(self._log.record_decoy, type_, at=at, ip=ip, detail=detail))
