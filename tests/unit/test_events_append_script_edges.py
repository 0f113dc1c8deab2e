"""What ``events_append.lua`` does that ``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md,
"Mutation testing of the Lua scripts"): the trim point is the retention before Redis's clock or the app's,
whichever is behind, Redis's read to the millisecond (an event an hour past the retention goes; one inside it
on Redis's clock stays however far ahead the app's clock runs); a summary and the event after it, written in
one call, take consecutive ids on the app's clock, not Redis's; a summary by address counts only the kinds
of names its events named; an event once answers whether this call wrote it (its log line and metric
follow). On a real redis-server."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import redis
from freezegun import freeze_time
from test_event_store import RETENTION, _log, _summary_of

from sls_server.events import EventLog
from sls_server.store import Store, keys
from sls_server.store.records import Event

HOUR_MS = 3600 * 1000


def _old_events(r: redis.Redis, first_ms: int) -> None:
    """1000 events from ``first_ms`` on, a millisecond apart: ten stream nodes, so a trim shows."""
    pipe = r.pipeline(transaction=False)
    for n in range(1000):
        pipe.xadd(keys.EVENTS, {"e": '{"at":0,"type":"old"}'}, id=f"{first_ms + n}-0")
    pipe.execute()


def _olds(r: redis.Redis) -> int:
    return sum(1 for _, fields in r.xrange(keys.EVENTS) if '"old"' in fields["e"])


def test_events_an_hour_past_the_retention_are_trimmed(redis_url: str) -> None:
    """Redis's clock read to the millisecond: its seconds times 1000 (999 put it some 20 days behind, and
    nothing younger than that went)."""
    events, r = _log(redis_url)
    _old_events(r, int(time.time() * 1000) - RETENTION * 1000 - HOUR_MS)
    events.record("recent.one", at=1)
    assert _olds(r) <= 100  # at most one node of expired events lingers


def test_an_app_clock_ahead_trims_nothing_redis_holds_young(redis_url: str) -> None:
    """The trim point is the retention before the clock behind, here Redis's: a day ahead, the app's clock
    alone would erase the last hours of the trail."""
    events, r = _log(redis_url)
    _old_events(r, int(time.time() * 1000) - 10 * 60 * 1000)  # ten minutes ago on Redis's clock
    with freeze_time(datetime.fromtimestamp(time.time() + 86400, UTC)):
        events.record("recent.one", at=1)
    assert _olds(r) == 1000


def test_a_summary_and_the_event_after_it_take_consecutive_ids_on_the_apps_clock(redis_url: str) -> None:
    """The second write of one call starts one past the first's id. Any other id was refused (at or below
    the first) or left a gap, and went in with ``XADD *``: Redis's clock, a day ahead of the app's here."""
    events, _ = _log(redis_url)
    with freeze_time(datetime.fromtimestamp(time.time() - 86400, UTC)):
        for at in (600, 601, 660):  # the third closes the first window (a summary) and is written
            events.record_flood("ip.rejected", per="ip", at=at, ip="203.0.113.9", result="login_refused")
    page, _ = events.page(limit=100)
    assert [e["type"] for e in page] == ["ip.rejected", "events.summary", "ip.rejected"]
    ms, seq = page[1]["id"].split("-")
    assert page[2]["id"] == f"{ms}-{int(seq) + 1}"


def _summary(events: EventLog, users: list[str | None]) -> dict[str, Any]:
    """The summary of one address's refusals at ``users`` (None: a name no user has, each its own)."""
    refused = [
        (user, None if user else {"unknown_username": True, "name_ref": f"ref{n}"})
        for n, user in enumerate(users)
    ]
    return _summary_of(events, *refused)


def test_a_summary_at_names_no_user_has_counts_no_users(redis_url: str) -> None:
    events, _ = _log(redis_url)
    detail = _summary(events, [None, None])["detail"]
    assert (detail["unknown_names"], "users" in detail, "more_names" in detail) == (2, False, False)


def test_a_summary_at_several_users_counts_no_unknown_names(redis_url: str) -> None:
    events, _ = _log(redis_url)
    detail = _summary(events, ["carl", "sam"])["detail"]
    assert (detail["users"], "unknown_names" in detail) == (2, False)


def test_a_summary_at_one_user_and_one_unknown_name_counts_each(redis_url: str) -> None:
    events, _ = _log(redis_url)
    detail = _summary(events, ["carl", None])["detail"]
    assert (detail["users"], detail["unknown_names"]) == (1, 1)


def test_an_event_once_answers_whether_this_call_wrote_it(redis_url: str) -> None:
    store = Store.from_url(redis_url)
    event = Event(at=1, type="user.deleted", user="alice")
    first = store.events.append_once(event, retention_s=RETENTION, window_s=60, places="d1", place="deleted")
    again = store.events.append_once(event, retention_s=RETENTION, window_s=60, places="d1", place="deleted")
    assert (first, again) == (True, False)
    assert [e.event.type for e in store.events.read(since=None, count=10)] == ["user.deleted"]
