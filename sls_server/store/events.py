"""The audit trail: a Redis stream (ids are the cursor) plus per-type counters for /metrics.

The trail is trimmed by *age*, never by count: a count cap let anyone push the whole history out with a few
minutes of refused logins. Events are kept at least the retention (``SLS_EVENT_RETENTION``), measured on the
stream ids against Redis's clock or the app's, whichever is behind; older ones go in whole stream nodes
(``XADD … MINID ~``), so at most one node (<= 100 entries) past the retention lingers, and a worker trims at
most once a second (:data:`TRIM_EVERY_MS`), so a second's more at most. Memory is therefore the
event rate times the retention: an event takes about 130-180 bytes in the stream (measured on Redis 6.2), so 1
million events is about 150 MB, and a sustained 10 events/s for the default 7 days (6 million) about 1 GB;
watch Redis's ``used_memory`` and shorten the retention rather than cap the count. The rate an outsider can
cause is bounded per client: refusals (what anyone can repeat without a secret) are folded into one event plus
one ``events.summary`` per client, reason and window (``append(..., group=...)``), so a flood costs
O(addresses x windows), not O(requests), and wrong passwords stop at ``SLS_IP_THROTTLE_LIMIT`` per address and
window. What can still raise the rate needs a secret (a right password costs an Argon2id hash), is bounded per
user (challenges by their issuance limit), or is the unauthenticated ``/sim/v1`` surface, which deployments
exposed to strangers switch off (``SLS_SIM_ENABLED``). Needs Redis >= 6.2 (``XADD MINID``).

The ids are the readers' cursors (a reader asks for what came after the last id it saw), so no id may come
below one a reader holds. Redis's own ids (``XADD *``) are its wall clock: after a failover the promoted
replica may lack the last events, and if its clock is behind the old master's its ids fell below cursors
readers held, and they never saw those events. So the ids are the app's wall clock instead (the one the
trainer's feed already counts its backlog on; its microseconds within the millisecond are the sequence, so
two workers' events in one millisecond do not both start at 0), and never below a floor this worker passes:
past the highest id it has seen, one it was answered (a grouped append's), read, or given as a reader's cursor
(one within :data:`CURSOR_AHEAD_MS` of its clock: a made-up cursor far ahead cannot push every later id
there).
The floor is taken as the append goes to Redis, not as the event is recorded (:class:`_Append`). Redis still
keeps them in one order: an id at or below the stream's last is refused, and the event goes in with Redis's
next id past that last (``XADD *``, ``lua/events_append.lua``), so past the floor it tried too."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

from ..frozen import frozen
from . import keys
from .base import Scripts, guarded, text
from .connection import Client
from .records import Event, EventRecord
from .writebehind import Queued, later, write_behind

#: Closed flood windows summarised per append at most, so one call stays short after a quiet spell.
CLOSE_PER_CALL = 50

#: How often a worker trims the trail at most (ms). A trim costs Redis a ``TIME`` and the trim's own work;
#: trimmed once a second instead of on every append, an event is still kept at least the retention, and at
#: most a second's more events linger.
TRIM_EVERY_MS = 1000

#: How far past this worker's clock a reader's cursor may be and still raise the floor of its ids (an hour:
#: far more than two machines' clocks disagree by, and as far as a made-up cursor can push the ids ahead).
CURSOR_AHEAD_MS = 3_600_000


EVENT_KEYS = [keys.EVENTS, keys.METRICS, keys.EVENT_WINDOWS, keys.EVENT_WINDOWS_DUE]
DECOY_KEYS = [keys.DECOY_EVENTS, keys.DECOY_METRICS, keys.DECOY_EVENT_WINDOWS, keys.DECOY_EVENT_WINDOWS_DUE]
_EVENT_KEYS, _DECOY_KEYS = tuple(EVENT_KEYS), tuple(DECOY_KEYS)
#: The decoy events kept (``XADD MAXLEN ~``: a whole stream node more at most): enough for the same work as
#: the trail's appends, too few to hold anything.
DECOY_KEPT = 100


def _json(value: dict[str, str]) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _append_args(
    event: Event, retention: int | str, window_s: int, group: str, named: str = ""
) -> tuple[str | int, ...]:
    """``events_append``'s arguments, the id's floor (``ARGV[8]``, ``ARGV[9]``) left to :class:`_Append`."""
    return (
        event.at,
        retention,
        window_s,
        CLOSE_PER_CALL,
        event.to_json(),
        event.type,
        group,
        "",
        "",
        named,
    )


#: Where the floor goes in ``events_append``'s arguments (``ARGV[8]``, ``ARGV[9]``).
_FLOOR_AT = 7


@frozen
class _Append(Queued):
    """A call of ``events_append`` whose id floor is taken as it goes on the wire, not as the event is
    recorded. An event recorded in a ``write_behind`` block waits for the block's round trip; taken as it
    was recorded, its id was often passed meanwhile by another worker's or thread's, recorded later and
    written first, and Redis refused it (one append in ten under the benchmark, each then added again).
    Packed last thing before the send, a worker's appends go out in the order of their ids."""

    floor: Callable[[], tuple[int, str]] | None = None

    @property
    def wire(self) -> tuple[Any, ...]:
        args = self.args
        assert self.floor is not None  # always given; a default only because Queued's fields have them
        return (
            "EVALSHA",
            self.script.sha,
            len(self.keys),
            *self.keys,
            *args[:_FLOOR_AT],
            *self.floor(),
            *args[_FLOOR_AT + 2 :],
        )


def _named(event: Event, group: dict[str, str]) -> str:
    """Whom a flood's event names, for its window's summary when the group is by address (a group by user
    names its user already): the user, ``?`` and the reference of a name no user has, or '' for no one."""
    if "user" in group:
        return ""
    if event.user:
        return event.user
    ref = (event.detail or {}).get("name_ref")
    return f"?{ref}" if ref else ""


def _parsed(event_id: str) -> tuple[int, int]:
    ms, _, seq = event_id.partition("-")
    return int(ms), int(seq or 0)


def _wall_ms() -> int:
    return int(time.time() * 1000)


def _believable(cursor: str) -> bool:
    """Whether a reader's cursor can be an id this trail issued: within :data:`CURSOR_AHEAD_MS` of this
    worker's clock, and a sequence number a millisecond's events could reach (a huge one, valid as a stream
    id, would leave no room for the ids after it)."""
    ms, seq = _parsed(cursor)
    return ms <= _wall_ms() + CURSOR_AHEAD_MS and seq < 2**32


@guarded
class EventRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts
        # the highest event id this worker has seen: in the trail, and in the decoys' (``append_decoy``)
        self._seen = {keys.EVENTS: (0, 0), keys.DECOY_EVENTS: (0, 0)}
        self._seen_lock = threading.Lock()
        # when this worker last had the trail trimmed (its wall clock, ms): ``_retention``
        self._trimmed_at = 0
        self._script = scripts.script("events_append")

    def together(self) -> AbstractContextManager[None]:
        """A block whose appends go to Redis together as it ends (or with its first answered call), in one
        round trip: written all, or none (``writebehind``); inside an open block, with that block's."""
        return write_behind(self._r)

    def append(self, event: Event, *, retention_s: int, window_s: int) -> None:
        """Write ``event`` (with the open ``write_behind`` block's writes, if any). Any flood window that has
        closed is summarised on the way."""
        args = _append_args(event, self._retention(retention_s), window_s, "")
        later(self._r, _Append(args, self._script, _EVENT_KEYS, self._floor))

    def append_grouped(
        self, event: Event, *, retention_s: int, window_s: int, group: dict[str, str]
    ) -> str | None:
        """Write ``event`` if it is the ``group``'s first in its window (its id), else count it (None)."""
        args = _append_args(event, self._retention(retention_s), window_s, _json(group), _named(event, group))
        result = self._scripts.ask(_Append(args, self._script, _EVENT_KEYS, self._floor))
        if not result:
            return None
        self._saw(str(result))
        return str(result)

    def append_once(self, event: Event, *, retention_s: int, window_s: int, places: str, place: str) -> bool:
        """Write ``event`` unless the deletion's ``places`` (``keys.event_places``) holds its ``place``
        already, and note it there in the same step: a deletion's events, which each request finishing it
        records (two at once, or one after a worker was killed before the deletion's mark was released), are
        in the trail once. Answered, so the caller releases the mark only once it is written; False when it
        was written before."""
        args = (*_append_args(event, self._retention(retention_s), window_s, ""), "", place)
        write = _Append(args, self._script, (*EVENT_KEYS, keys.event_places(places)), self._floor)
        result = self._scripts.ask(write)
        if not result:
            return False
        self._saw(str(result))
        return True

    def places_done(self, places: str, *, retention_s: int) -> None:
        """The deletion's events are written and its mark is about to be released: its places expire with
        the trail's retention (a request that stalled before its appends while another finished the deletion
        still finds them meanwhile). A worker killed between this and the release leaves the mark: its
        finisher finds the mark saying the events are written (``UserRepo.events_written``, noted before
        this), writes none of them, whenever it comes, and sets the expiry again."""
        self._r.expire(keys.event_places(places), retention_s)

    def append_decoy(
        self, event: Event, *, retention_s: int, window_s: int, group: dict[str, str] | None = None
    ) -> None:
        """The call :meth:`append` makes for ``event`` (with a ``group``, :meth:`append_grouped`'s,
        answered), the same script doing the same work, on the decoy's keys (:data:`DECOY_KEYS`): the event
        is written to a stream nobody reads, capped at the last :data:`DECOY_KEPT`, and counted, grouped and
        summarised there, not in the trail."""
        if group is None:
            args = (*_append_args(event, "", window_s, ""), DECOY_KEPT)
            later(self._r, _Append(args, self._script, _DECOY_KEYS, self._decoy_floor))
            return
        args = (*_append_args(event, "", window_s, _json(group), ""), DECOY_KEPT)
        result = self._scripts.ask(_Append(args, self._script, _DECOY_KEYS, self._decoy_floor))
        if result:
            self._saw(str(result), keys.DECOY_EVENTS)

    def close_windows(self, *, now: int, retention_s: int, window_s: int) -> None:
        """Summarise flood windows that have closed, so a reader sees their counts without a new event."""
        args = (now, self._retention(retention_s), window_s, CLOSE_PER_CALL, "", "", "", "", "", "")
        self._scripts.ask(_Append(args, self._script, _EVENT_KEYS, self._floor))

    def read(self, *, since: str | None, count: int) -> list[EventRecord]:
        """The events after ``since`` (a reader's cursor, which raises this worker's floor)."""
        if since and _believable(since):
            self._saw(since)
        start = f"({since}" if since else "-"
        rows = self._r.xrange(keys.EVENTS, min=start, max="+", count=count) or []
        records = [
            EventRecord(text(event_id), Event.from_json(text(fields["e"])))
            for event_id, fields in rows
            if event_id is not None and fields is not None
        ]
        if records:
            self._saw(records[-1].id)
        return records

    def _floor(self, stream: str = keys.EVENTS) -> tuple[int, str]:
        """The app's wall clock (ms) and the id the script tries first for the next event of ``stream``: the
        clock to the microsecond (its microseconds within the millisecond as the sequence), or past the
        highest id this worker has seen when that is higher. It counts as seen from here on, so this
        worker's next event starts past it. The microseconds keep two workers' events in one millisecond
        apart in the order of their clocks: each began the millisecond at sequence 0, and Redis refused the
        second's id. Taken as the call goes on the wire (:class:`_Append`), not as the event is recorded."""
        wall, micro = divmod(round(time.time() * 1_000_000), 1000)
        with self._seen_lock:
            ms, seq = self._seen[stream]
            first = max((ms, seq + 1), (wall, micro))
            self._seen[stream] = first
        return wall, f"{first[0]}-{first[1]}"

    def _decoy_floor(self) -> tuple[int, str]:
        """:meth:`_floor` of the decoys' stream."""
        return self._floor(keys.DECOY_EVENTS)

    def _retention(self, retention_s: int) -> int | str:
        """The retention (ms) for an append that trims the trail, '' for one that does not: this worker trims
        at most once every :data:`TRIM_EVERY_MS`."""
        wall = _wall_ms()
        if wall - self._trimmed_at < TRIM_EVERY_MS:
            return ""
        self._trimmed_at = wall
        return retention_s * 1000

    def _saw(self, event_id: str, stream: str = keys.EVENTS) -> None:
        seen = _parsed(event_id)
        with self._seen_lock:
            if seen > self._seen[stream]:
                self._seen[stream] = seen

    def counters(self) -> dict[str, int]:
        return {text(name): int(value) for name, value in self._r.hgetall(keys.METRICS).items()}
