"""Audit events: every state change, never a secret.

The recorder refuses detail fields whose names say they carry a secret, so a careless call fails in the
tests rather than leaking into the trail (:func:`sls_server.event_hold.build_event`, where an event is built
and where an open :meth:`EventLog.caused` block holds it; this module writes the trail and reads it).

Refusals that anyone can repeat at will (a throttled address, a locked account, an address outside an
allowlist) go through :meth:`EventLog.record_flood`: the first of each (type, reason, client) per window is
written as usual, the rest are counted, and an ``events.summary`` event reports the count once the window
has closed. So a flood leaves a bounded, exact record instead of pushing the history out.

The trail is read in the order its events were written, so an event is written in the order of what it
tells, not of the code's calls: a step's challenge is recorded once its factor has begun (a refused begin
issues none), and beginning it sends the text or push, whose own event came first and told the room the
code arrived before the challenge that sent it (a SIM swap's feed). :meth:`EventLog.caused` holds the
events recorded while the cause is under way, and writes them after it.
"""

from __future__ import annotations

import logging
import sys
from functools import partial
from typing import Any, Literal

from .accounts.clientip import client_block
from .accounts.name_refs import NameRefs
from .event_hold import HELD, HOLDS_EVERY, Cause, Held, Recorder, build_event
from .store.events import EventRepo
from .store.records import Event
from .telemetry.decoy_log import decoy_log
from .telemetry.jsonlog import EVENT_FIELD
from .telemetry.line_records import LineRecords
from .telemetry.metrics import observe_event

log = logging.getLogger("sls_server.events")
MAX_PAGE = 1000


class EventLog(Recorder):
    def __init__(
        self,
        repo: EventRepo,
        *,
        retention_s: int = 7 * 86400,
        window_s: int = 60,
        name_refs: NameRefs | None = None,
    ) -> None:
        self._repo = repo
        self._name_refs = name_refs
        self.retention_s = retention_s
        self.window_s = window_s

    def _write(self, event: Event) -> None:
        """To the trail; inside a ``Store.write_behind`` block, with the block's writes; inside a
        :meth:`caused` block, when that block ends."""
        held = HELD.get()
        if held is not None:
            held.append(event)
            return
        self._repo.append(event, retention_s=self.retention_s, window_s=self.window_s)
        _log(logging.INFO, event)
        observe_event(event)  # the Prometheus counters, in-process: no Redis round trip

    def caused(self, *, every: bool = False) -> _Caused:
        """Hold back the events :meth:`record` is given in the block, and write them when it ends (well or
        by an error: an event recorded before a refusal still lands), after those given to the yielded
        :class:`Cause`: the challenge issued, then the text that carried its code. The writes go together,
        in one round trip (``EventRepo.together``; with an open ``write_behind`` block's, no round trip more):
        a cause whose write is cut short never leaves the events it held unwritten behind it. A
        flood's event (:meth:`record_flood`) is not held: its answer decides what is written. Nested, the
        inner block's events go to the outer's, in the inner's order.

        ``every``: a flood's and a decoy's events are held too (their writes made as the block ends, in
        order; a flood's answer then read by nobody), for a cause known only at the block's end that must
        still come first: a password reset's start, recorded once it happened, ahead of its text's refusal
        (``PasswordRecovery.start``)."""
        return _Caused(self, every)

    def record_flood(
        self,
        type_: str,
        *,
        per: Literal["ip", "user"],
        at: int,
        user: str | None = None,
        ip: str | None = None,
        factor: str | None = None,
        device_id: str | None = None,
        result: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> str | None:
        """Record an event an outsider can repeat at will: per (type, result, client ``ip`` or ``user``) and
        window, only the first is written (its id is returned; None when it was counted instead), and the
        window's count arrives as an ``events.summary`` event once the window has closed. An address is
        grouped as the throttle counts it (an IPv6 client by its /64, which the summary names): one client
        rotating addresses inside its /64 must not write an event per request."""
        event = build_event(type_, at, user, ip, factor, device_id, result, detail)
        client = (client_block(ip) if ip else None) if per == "ip" else user
        group = _flood_group(type_, result, per, client)
        held = HELD.get()
        if held is not None and HOLDS_EVERY.get():  # ``caused(every=True)``: written as the block ends
            held.append(partial(self._append_flood, event, group))
            return None
        return self._append_flood(event, group)

    def _append_flood(self, event: Event, group: dict[str, str]) -> str | None:
        """:meth:`record_flood`'s write."""
        event_id = self._repo.append_grouped(
            event, retention_s=self.retention_s, window_s=self.window_s, group=group
        )
        _log(logging.INFO if event_id is not None else logging.DEBUG, event, counted=event_id is None)
        observe_event(event)
        return event_id

    def record_once(
        self,
        type_: str,
        *,
        places: str,
        place: str,
        at: int,
        user: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Record an event of a deletion (``UserService.delete``, ``IpRestrictions.delete_account``) exactly
        once, at its ``place`` among the deletion's ``places``: each request finishing the deletion records
        its events before it releases the deletion's mark, and one finding them written already (another
        request's, or its own before a worker was killed) writes nothing (``EventRepo.append_once``).
        Written now, whatever block is open: the mark is released after."""
        event = build_event(type_, at, user, None, None, None, None, detail)
        if self._repo.append_once(
            event, retention_s=self.retention_s, window_s=self.window_s, places=places, place=place
        ):
            _log(logging.INFO, event)
            observe_event(event)

    def places_done(self, places: str) -> None:
        """The deletion's events are all written and its mark is about to be released: its events' places
        are kept the trail's retention more (``EventRepo.places_done``). Called before the release, never
        after: the places are on the trail's slot and the mark on the name's, so no one step does both, and
        a worker killed after the release and before this left the places with no expiry, for good."""
        self._repo.places_done(places, retention_s=self.retention_s)

    def record_decoy(
        self,
        type_: str,
        *,
        at: int,
        ip: str | None = None,
        result: str | None = None,
        detail: dict[str, Any] | None = None,
        flood_of: str | None = None,
    ) -> None:
        """Record the event as :meth:`record` does, the same work, where nobody reads it: for a path whose
        time must not tell it from one that records (a decoy: ``PhoneService.rehearse``,
        ``PasswordRecovery.start``). Built and serialised alike, and written by the same script with the
        same commands, to a stream of the decoys' own (``EventRepo.append_decoy``, the last few kept); its log
        line made, to a logger that writes nowhere (:data:`decoy_log`): nothing reaches the trail, the log or
        the counts. ``flood_of``: as :meth:`record_flood` by user
        (its answer waited for), grouped by this stand-in for the user (a keyed digest: it names nobody)."""
        event = build_event(type_, at, None, ip, None, None, result, detail)
        group = None if flood_of is None else _flood_group(type_, result, "user", flood_of)
        held = HELD.get()
        if held is not None and HOLDS_EVERY.get():  # as a user's events are: ``caused(every=True)``
            held.append(partial(self._append_decoy, event, group))
            return
        self._append_decoy(event, group)

    def _append_decoy(self, event: Event, group: dict[str, str] | None) -> None:
        """:meth:`record_decoy`'s write."""
        self._repo.append_decoy(event, retention_s=self.retention_s, window_s=self.window_s, group=group)
        _log(logging.INFO, event, to=decoy_log)

    def page(
        self,
        *,
        since: str | None = None,
        user: str | None = None,
        type_: str | None = None,
        limit: int = 100,
        now: int | None = None,
    ) -> tuple[list[dict[str, Any]], str | None]:
        """Events after ``since``, oldest first, filtered; and the cursor to pass next time.

        The cursor advances over events the filter skipped too, so a poller never re-reads them. Given
        ``now``, flood windows that have closed are summarised first, so their counts are there to read.
        ``user`` also finds the attempts at that name when no user had it (``detail.name_ref``): whoever
        asks knows the name already.
        """
        if now is not None:
            self._repo.close_windows(now=now, retention_s=self.retention_s, window_s=self.window_s)
        found: list[dict[str, Any]] = []
        cursor = since
        ref = self._name_refs.ref(user) if user is not None and self._name_refs is not None else None
        while len(found) < limit:
            batch = self._repo.read(since=cursor, count=MAX_PAGE)
            if not batch:
                break
            for record in batch:
                cursor = record.id
                event = record.event
                if _about(event, user, ref) and (type_ is None or event.type == type_):
                    found.append(record.to_public())
                    if len(found) >= limit:
                        break
        return found, cursor

    def counters(self) -> dict[str, int]:
        return self._repo.counters()


class _Caused:
    """:meth:`EventLog.caused`'s block. A class, not a ``contextmanager`` generator: one every login
    (``tests/unit/test_block_costs.py``)."""

    __slots__ = ("_cause", "_every", "_every_token", "_held", "_log", "_token")

    def __init__(self, log: EventLog, every: bool) -> None:
        self._log = log
        self._every = every

    def __enter__(self) -> Cause:
        self._held: list[Held] = []
        self._cause = Cause(self._log)
        self._token = HELD.set(self._held)
        self._every_token = HOLDS_EVERY.set(self._every)
        return self._cause

    def __exit__(self, *exc: object) -> None:
        HOLDS_EVERY.reset(self._every_token)
        HELD.reset(self._token)
        outer = HELD.get()  # nested: the inner block's writes, of either kind, go to the outer's
        log = self._log
        # The cause and what it held in one round trip: a cause's write cut short then takes the rest
        # with it, or lands with them (a text the phone got is never missing behind its cause's event).
        with log._repo.together():
            for item in [*self._cause.events, *self._held]:
                if isinstance(item, Event):
                    log._write(item)
                elif outer is not None:
                    outer.append(item)
                else:
                    item()


def _flood_group(type_: str, result: str | None, per: str, client: str | None) -> dict[str, str]:
    """The flood window an event repeatable at will is counted in: its type, result and client."""
    return {"type": type_, "result": result or "", per: client or "-"}


def _about(event: Event, user: str | None, ref: str | None) -> bool:
    """Is ``event`` about ``user`` (None: anyone), by name, or by the reference of a name no user had?"""
    if user is None or event.user == user:
        return True
    return ref is not None and event.user is None and (event.detail or {}).get("name_ref") == ref


def _log(level: int, event: Event, *, counted: bool = False, to: logging.Logger = log) -> None:
    """The event's log line: words for a person, and its fields as ``event`` for a log collector (JSON mode
    writes them as an object: ``telemetry.jsonlog``). Events never carry a secret, so neither does this.
    ``to``: :data:`decoy_log` for a decoy's, made alike and written nowhere."""
    if not to.isEnabledFor(level):
        return
    fields = event.as_dict()
    words = " ".join(
        [f"{k}={v}" for k, v in fields.items() if k not in ("type", "at")]
    )  # a list: no generator
    how = " (counted in its window)" if counted else ""
    # Made for this line (``telemetry.line_records``): with the caller ``to.log`` would have ``findCaller``
    # walk the stack back to (this function; some 10,000 instructions a line, four lines a flow), and
    # ``makeRecord`` split this file's name twice each time.
    record = _LINES.make(to, level, sys._getframe().f_lineno, (event.type, how, words), {EVENT_FIELD: fields})
    to.handle(record)


_LINES = LineRecords(_log.__code__.co_filename, _log.__code__.co_name, "%s%s %s")
