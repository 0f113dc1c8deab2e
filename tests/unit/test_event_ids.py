"""The audit trail's ids, the cursors its readers hold, never fall below one a reader already has, even after
a failover to a replica that lacks the last events and whose clock is behind the old master's: the ids are
the app's wall clock, never below the highest this worker has seen (``store/events.py``).

A real failover with a lost tail and skewed clocks cannot be staged on one machine, so the replica's state is
made by hand: the stream as it was before the lost event (``DUMP``, then ``RESTORE``), and "a clock ahead" an
id written in the future."""

from __future__ import annotations

import threading
import time

import redis
from freezegun import freeze_time

from sls_bench.redis_stats import masters
from sls_server.events import EventLog
from sls_server.store import Store, keys

RETENTION = 3600
AHEAD_MS = 50 * 60 * 1000  # the old master's clock ahead of the new one's, more than any failover takes


def _log(redis_url: str) -> tuple[EventLog, redis.Redis]:
    store = Store.from_url(redis_url)
    return EventLog(store.events, retention_s=RETENTION, window_s=60), store.client


def _future_id() -> str:
    return f"{int(time.time() * 1000) + AHEAD_MS}-0"


def test_a_reader_holding_an_id_the_failover_lost_sees_what_is_written_after_it(redis_url: str) -> None:
    """The reader read an event the old master wrote on its clock ahead, which never reached the replica; the
    new master's clock is behind that id. Its ids were Redis's clock: below the cursor, so never read."""
    events, r = _log(redis_url)
    events.record("user.created", at=1, user="alice")
    replica = r.dump(keys.EVENTS)  # what the replica had when the old master died
    r.xadd(keys.EVENTS, {"e": '{"at":2,"type":"user.deleted","user":"alice"}'}, id=_future_id())
    read, cursor = events.page()
    assert [e["type"] for e in read] == ["user.created", "user.deleted"]
    assert replica is not None
    r.restore(keys.EVENTS, 0, replica, replace=True)  # the failover: the replica's stream, the tail lost

    events.record("user.created", at=3, user="bob")
    after, _ = events.page(since=cursor)
    assert [(e["type"], e["user"]) for e in after] == [("user.created", "bob")]


def test_a_cursor_a_reader_brings_raises_the_ids_this_worker_writes_next(redis_url: str) -> None:
    """A worker that never saw the lost event but serves the reader's next read writes past its cursor."""
    events, _ = _log(redis_url)
    cursor = _future_id()  # an id the old master issued, lost with it, and read through another worker
    assert events.page(since=cursor)[0] == []
    events.record("user.created", at=1, user="carol")
    assert [e["user"] for e in events.page(since=cursor)[0]] == ["carol"]


def test_a_cursor_far_past_the_clock_is_not_taken_as_a_floor(redis_url: str) -> None:
    """A made-up cursor a day ahead (or with a sequence no millisecond reaches) pushes no id there."""
    events, r = _log(redis_url)
    day = int(time.time() * 1000) + 86_400_000
    events.page(since=f"{day}-0")
    events.page(since=f"{int(time.time() * 1000)}-{2**63}")
    events.record("user.created", at=1, user="dave")
    [(written, _)] = r.xrange(keys.EVENTS)
    ms, seq = (int(part) for part in written.split("-"))
    assert ms < day and seq < 2**32


def test_the_ids_are_the_app_clock_not_redis_and_stay_in_one_order(redis_url: str) -> None:
    """The ids follow the app's wall clock (a day ahead of Redis's here), and an id already in the stream
    past it (written when the ids were Redis's clock, on a clock ahead) still comes first."""
    events, r = _log(redis_url)
    tomorrow_ms = (int(time.time()) + 86_400) * 1000
    with freeze_time(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(tomorrow_ms / 1000))):
        events.record("user.created", at=1, user="erin")
    r.xadd(keys.EVENTS, {"e": '{"at":2,"type":"user.deleted","user":"erin"}'}, id=f"{tomorrow_ms + 5000}-0")
    with freeze_time(time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(tomorrow_ms / 1000))):
        events.record("user.created", at=3, user="frank")
    ids = [event_id for event_id, _ in r.xrange(keys.EVENTS)]
    assert ids == [f"{tomorrow_ms}-0", f"{tomorrow_ms + 5000}-0", f"{tomorrow_ms + 5000}-1"]


def _calls(redis_url: str, command: str) -> int:
    """``command``'s calls so far on every master, counted by Redis (a script's own calls included)."""
    return sum(
        int(node.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0))
        for node in masters(redis_url)
    )


def test_a_workers_events_in_one_millisecond_take_the_next_ids_without_reading_the_stream(
    redis_url: str,
) -> None:
    """The id a worker's append tries first counts as seen: its next event in the same millisecond starts
    past it. Before, Redis refused that id and the script read the stream's last id (``XINFO``) to pass it:
    about one append in eight under the benchmark."""
    events, r = _log(redis_url)
    with freeze_time("2026-12-05 09:00:00.123"):
        events.record("user.created", at=1, user="grace")
        before = _calls(redis_url, "xinfo")
        for n in range(4):
            events.record("user.updated", at=2 + n, user="grace")
        assert _calls(redis_url, "xinfo") == before
    ms = int(r.xrange(keys.EVENTS)[0][0].split("-")[0])
    assert [event_id for event_id, _ in r.xrange(keys.EVENTS)] == [f"{ms}-{n}" for n in range(5)]


def test_two_workers_events_in_one_millisecond_take_their_ids_without_reading_the_stream(
    redis_url: str,
) -> None:
    """Two workers (each its own floor) append in one millisecond, the second 300 µs after the first: its
    id's sequence is its clock's microseconds within the millisecond, past the first's. Both began the
    millisecond at sequence 0: Redis refused the second (the stream's last id), and the script read it
    (``XINFO``) to pass it, about one append in five under the benchmark."""
    one, r = _log(redis_url)
    other, _ = _log(redis_url)
    with freeze_time("2026-12-05 09:00:00.123100"):
        one.record("user.created", at=1, user="judy")
    before = _calls(redis_url, "xinfo")
    with freeze_time("2026-12-05 09:00:00.123400"):
        other.record("user.created", at=2, user="ken")
    assert _calls(redis_url, "xinfo") == before
    ids = [event_id for event_id, _ in r.xrange(keys.EVENTS)]
    ms = ids[0].split("-")[0]
    assert ids == [f"{ms}-100", f"{ms}-400"]


def test_an_id_below_the_streams_last_goes_in_past_it_without_reading_the_stream(redis_url: str) -> None:
    """A worker whose clock is behind another's appends after it: Redis refuses its id, and the script adds
    the event with Redis's own next id (``XADD *``: past the stream's last, so past the refused one), reading
    nothing. Before, it read the stream's last id (``EXISTS``, then ``XINFO STREAM``: some 10 µs of Redis's
    time a refusal) and added the event again past it."""
    one, r = _log(redis_url)
    other, _ = _log(redis_url)
    with freeze_time("2026-12-05 09:00:00.123400"):
        one.record("user.created", at=1, user="lena")
    reads = _calls(redis_url, "xinfo") + _calls(redis_url, "exists")
    with freeze_time("2026-12-05 09:00:00.123100"):
        other.record("user.created", at=2, user="max")
    assert _calls(redis_url, "xinfo") + _calls(redis_url, "exists") == reads
    rows = r.xrange(keys.EVENTS)
    assert [fields["e"].split('"user":"')[1][:-2] for _, fields in rows] == ["lena", "max"]
    first, second = ((int(ms), int(seq)) for ms, seq in (event_id.split("-") for event_id, _ in rows))
    assert second > first
    assert r.hgetall(keys.METRICS) == {"user.created": "2"}


def test_an_events_id_is_taken_as_it_goes_to_redis_not_as_it_is_recorded(redis_url: str) -> None:
    """An event recorded in a block waits for the block's round trip; another worker's event, recorded and
    written meanwhile, must not make Redis refuse its id. Its id was taken as it was recorded, before the
    other's, and landed after it: refused (one append in ten under the benchmark)."""
    one, r = _log(redis_url)
    other, _ = _log(redis_url)
    xadds = _calls(redis_url, "xadd")
    with freeze_time("2026-12-05 09:00:00.123100") as clock, one._repo.together():
        one.record("user.created", at=1, user="nina")
        clock.tick(0.001)
        worker = threading.Thread(target=lambda: other.record("user.created", at=2, user="otto"))
        worker.start()
        worker.join()
        clock.tick(0.001)  # the block's round trip, a millisecond later
    assert _calls(redis_url, "xadd") == xadds + 2  # a refused id is an XADD more
    ms = int(time.mktime(time.strptime("2026-12-05 09:00:00", "%Y-%m-%d %H:%M:%S")) - time.timezone) * 1000
    assert [event_id for event_id, _ in r.xrange(keys.EVENTS)] == [f"{ms + 124}-100", f"{ms + 125}-100"]
