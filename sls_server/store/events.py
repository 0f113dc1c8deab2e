"""The audit trail: a Redis stream (ids are the cursor) plus per-type counters for /metrics.

The trail is trimmed by *age*, never by count: a count cap let anyone push the whole history out with a few
minutes of refused logins. Events are kept at least the retention (``SLS_EVENT_RETENTION``), measured on the
stream ids, which are Redis's wall clock; older ones go in whole stream nodes (``XADD … MINID ~``), so at
most one node (<= 100 entries) past the retention lingers. Memory is therefore the event rate times the
retention: an event takes about 130-180 bytes in the stream (measured on Redis 6.2), so 1 million events is
about 150 MB, and a sustained 10 events/s for the default 7 days (6 million) about 1 GB; watch Redis's
``used_memory`` and shorten the retention rather than cap the count. The rate an outsider can cause is
bounded per client: refusals (what anyone can repeat without a secret) are folded into one event plus one
``events.summary`` per client, reason and window (``append(..., group=...)``), so a flood costs O(addresses x
windows), not O(requests), and wrong passwords stop at ``SLS_IP_THROTTLE_LIMIT`` per address and window.
What can still raise the rate needs a secret (a right password costs an Argon2id hash), is bounded per user
(challenges by their issuance limit), or is the unauthenticated ``/sim/v1`` surface, which deployments
exposed to strangers switch off (``SLS_SIM_ENABLED``). Needs Redis >= 6.2 (``XADD MINID``).
"""

from __future__ import annotations

import json

from . import keys
from .base import Client, Scripts, guarded, text
from .records import Event, EventRecord

#: Closed flood windows summarised per append at most, so one call stays short after a quiet spell.
CLOSE_PER_CALL = 50


EVENT_KEYS = [keys.EVENTS, keys.METRICS, keys.EVENT_WINDOWS, keys.EVENT_WINDOWS_DUE]


def _json(value: dict[str, str]) -> str:
    return json.dumps(value, separators=(",", ":"), sort_keys=True)


def _append_args(event: Event, retention_s: int, window_s: int, group: str) -> list[str | int]:
    return [event.at, retention_s * 1000, window_s, CLOSE_PER_CALL, event.to_json(), event.type, group]


@guarded
class EventRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def append(self, event: Event, *, retention_s: int, window_s: int) -> None:
        """Write ``event`` (with the open ``write_behind`` block's writes, if any). Any flood window that has
        closed is summarised on the way."""
        self._scripts.later(
            self._r, "events_append", EVENT_KEYS, _append_args(event, retention_s, window_s, "")
        )

    def append_grouped(
        self, event: Event, *, retention_s: int, window_s: int, group: dict[str, str]
    ) -> str | None:
        """Write ``event`` if it is the ``group``'s first in its window (its id), else count it (None)."""
        result = self._scripts(
            "events_append", EVENT_KEYS, _append_args(event, retention_s, window_s, _json(group))
        )
        return str(result) if result else None

    def close_windows(self, *, now: int, retention_s: int, window_s: int) -> None:
        """Summarise flood windows that have closed, so a reader sees their counts without a new event."""
        self._scripts(
            "events_append", EVENT_KEYS, [now, retention_s * 1000, window_s, CLOSE_PER_CALL, "", "", ""]
        )

    def read(self, *, since: str | None, count: int) -> list[EventRecord]:
        start = f"({since}" if since else "-"
        rows = self._r.xrange(keys.EVENTS, min=start, max="+", count=count) or []
        return [
            EventRecord(text(event_id), Event.from_json(text(fields["e"])))
            for event_id, fields in rows
            if event_id is not None and fields is not None
        ]

    def counters(self) -> dict[str, int]:
        return {text(name): int(value) for name, value in self._r.hgetall(keys.METRICS).items()}
