"""``/admin/v1`` control of the emulated world: its clock, the audit trail, a reset."""

from __future__ import annotations

from flask import jsonify, request

from ...accounts.users import canonical_username
from ...errors import InvalidRequest
from ..common import core, integer, json_body
from . import bp

MAX_CLOCK_S = 10 * 365 * 86400
#: The server's clock stays within 2000-01-01T00:00:00Z .. 2100-01-01T00:00:00Z (inclusive): every ``*_at``
#: is published as a non-negative Unix time, and nothing an emulated login does needs another century.
CLOCK_MIN = 946684800
CLOCK_MAX = 4102444800
_CLOCK_RANGE = f"outside the clock's range, 2000-01-01 .. 2100-01-01 UTC ({CLOCK_MIN} .. {CLOCK_MAX})"


@bp.get("/clock")
def get_clock():  # type: ignore[no-untyped-def]
    return jsonify(core().clock.reading().as_dict())


@bp.post("/clock")
def move_clock():  # type: ignore[no-untyped-def]
    body = json_body()
    if (body.get("advance_s") is None) == (body.get("set_at") is None):
        raise InvalidRequest("give exactly one of advance_s or set_at", field="advance_s")
    clock = core().clock
    if body.get("set_at") is not None:
        set_at = integer(body, "set_at", lo=-(2**63), hi=2**63 - 1)
        if not CLOCK_MIN <= set_at <= CLOCK_MAX:
            raise InvalidRequest(f"set_at is {_CLOCK_RANGE}", field="set_at")
        reading = clock.set_at(set_at)
    else:
        advance = integer(body, "advance_s", lo=-MAX_CLOCK_S, hi=MAX_CLOCK_S)
        moved = clock.advance_within(advance, CLOCK_MIN, CLOCK_MAX)
        if moved is None:  # checked and moved in one Lua script: a refused move changed nothing
            raise InvalidRequest(f"advance_s would take the clock {_CLOCK_RANGE}", field="advance_s")
        reading = moved
    core().events.record("clock.moved", at=reading.now, detail={"offset_s": reading.offset_s})
    return jsonify(reading.as_dict())


@bp.get("/events")
def events():  # type: ignore[no-untyped-def]
    try:
        limit = int(request.args.get("limit", "100"))
    except ValueError:
        raise InvalidRequest("limit must be an integer", field="limit") from None
    if not 1 <= limit <= 1000:
        raise InvalidRequest("limit must be between 1 and 1000", field="limit")
    since = request.args.get("since") or None
    if since is not None and not _is_cursor(since):
        raise InvalidRequest("since must be a cursor returned by this route", field="since")
    user = request.args.get("user")
    if user is not None:
        try:
            user = canonical_username(user)
        except InvalidRequest:
            raise InvalidRequest("user is not a valid username", field="user") from None
    found, cursor = core().events.page(
        since=since, user=user, type_=request.args.get("type"), limit=limit, now=core().clock.now()
    )
    return jsonify({"events": found, "cursor": cursor})


def _is_cursor(text: str) -> bool:
    millis, _, seq = text.partition("-")
    return millis.isdigit() and seq.isdigit() and len(text) <= 40


@bp.post("/reset")
def reset():  # type: ignore[no-untyped-def]
    deleted = core().reset_world()
    return jsonify({"reset": True, "keys_deleted": deleted})
