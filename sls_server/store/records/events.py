"""An audit event as written to the stream (JSON in the entry's ``e`` field) and as read back with its id.

``detail`` stays a free mapping: each event type has its own (``events.EventLog`` refuses secret names in
it); the fields every event shares are typed.
"""

from __future__ import annotations

import json
from typing import Any

from pydantic_core import to_json

from ...frozen import frozen


@frozen
class Event:
    at: int
    type: str
    user: str | None = None
    ip: str | None = None
    factor: str | None = None
    device_id: str | None = None
    result: str | None = None
    detail: dict[str, Any] | None = None

    def as_dict(self) -> dict[str, Any]:
        """The published form: absent fields left out, not null. Built field by field (every event's log
        line takes it), not as a whole dict filtered afterwards."""
        fields: dict[str, Any] = {"at": self.at, "type": self.type}
        if self.user is not None:
            fields["user"] = self.user
        if self.ip is not None:
            fields["ip"] = self.ip
        if self.factor is not None:
            fields["factor"] = self.factor
        if self.device_id is not None:
            fields["device_id"] = self.device_id
        if self.result is not None:
            fields["result"] = self.result
        if self.detail:
            fields["detail"] = self.detail
        return fields

    def to_json(self) -> str:
        """Compact, keys sorted by name at every level (what the trail has always held).

        The fields are laid out in that order here rather than built as :meth:`as_dict` and sorted: every
        event recorded is encoded, and sorting the whole form each time cost about three times the encoding
        (some 8 µs an event against 2.5 for a typical one); only ``detail`` is free, so only it is sorted."""
        return to_json(self._sorted_form()).decode()

    def _sorted_form(self) -> dict[str, Any]:
        """:meth:`as_dict` with its keys in the order of their names (``at``, ``detail``, ``device_id``,
        ``factor``, ``ip``, ``result``, ``type``, ``user``), and ``detail``'s at every level."""
        form: dict[str, Any] = {"at": self.at}
        if self.detail:
            form["detail"] = _by_name(self.detail)
        if self.device_id is not None:
            form["device_id"] = self.device_id
        if self.factor is not None:
            form["factor"] = self.factor
        if self.ip is not None:
            form["ip"] = self.ip
        if self.result is not None:
            form["result"] = self.result
        form["type"] = self.type
        if self.user is not None:
            form["user"] = self.user
        return form

    @classmethod
    def from_json(cls, raw: str) -> Event:
        d = json.loads(raw)

        def text(name: str) -> str | None:
            value = d.get(name)
            return None if value is None else str(value)

        detail = d.get("detail")
        return cls(
            at=int(d["at"]),
            type=str(d["type"]),
            user=text("user"),
            ip=text("ip"),
            factor=text("factor"),
            device_id=text("device_id"),
            result=text("result"),
            detail=detail if isinstance(detail, dict) and detail else None,
        )


@frozen
class EventRecord:
    """An event as read: its stream id (the reader's cursor) and the event."""

    id: str
    event: Event

    def to_public(self) -> dict[str, Any]:
        """The id, then the fields in the order they are stored (sorted by name)."""
        return {"id": self.id, **dict(sorted(self.event.as_dict().items()))}


#: What :func:`_by_name` looks inside; anything else is written as it is.
_NESTED = (dict, list, tuple)


def _by_name(value: Any) -> Any:
    """``value`` with every mapping in it ordered by key, as ``json.dumps(sort_keys=True)`` writes it. A
    scalar inside is taken as it is, without a call of its own (most of a detail's values are)."""
    if isinstance(value, dict):
        return {k: _by_name(v) if isinstance(v, _NESTED) else v for k, v in sorted(value.items())}
    if isinstance(value, list | tuple):
        return [_by_name(item) if isinstance(item, _NESTED) else item for item in value]
    return value
