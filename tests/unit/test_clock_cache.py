"""The clock offset is cached per process and kept true by pub/sub (issue 13: no round trip per request for
"now"): a move made through one app is seen by another at once, warm reads cost Redis nothing, and a broken
subscription falls back to reading Redis."""

from __future__ import annotations

import threading
from typing import Any

import pytest
import redis
from conftest import TOPOLOGY

from sls_server import create_app

#: These read one Redis's own counters and kill its clients; tests/cluster has the cluster's variant.
single_redis_only = pytest.mark.skipif(TOPOLOGY != "single", reason="reads one redis-server's own stats")


def _calls(client: redis.Redis, command: str) -> int:
    return int(client.info("commandstats").get(f"cmdstat_{command}", {}).get("calls", 0))


def test_a_move_through_one_app_is_seen_by_another_at_once(app_config: dict[str, Any]) -> None:
    mover, reader = create_app(app_config), create_app(app_config)
    before = reader.extensions["sls"].clock.now()
    mover.extensions["sls"].clock.advance_within(3600, 0, 2**40)
    assert reader.extensions["sls"].clock.now() - before >= 3600
    moved = mover.extensions["sls"].clock.set_at(1_900_000_000)  # offsets compared: a second may turn
    assert reader.extensions["sls"].clock.reading().offset_s == moved.offset_s
    mover.extensions["sls"].reset_world()  # the offset goes with everything else
    assert abs(reader.extensions["sls"].clock.reading().offset_s) == 0


def test_every_move_answered_is_seen_by_the_other_app_at_once(app_config: dict[str, Any]) -> None:
    """Redis writes the script's reply before the subscribers' messages (the last client given output is
    written first), so the mover could be answered while the message was still unwritten: about one move in
    a hundred was then missed on one Redis, one in ten on a cluster. A thousand in a row find it."""
    mover = create_app(app_config).extensions["sls"].store.clock
    reader = create_app(app_config).extensions["sls"].store.clock
    reader.offset()  # subscribed
    missed = [n for n in range(1, 1001) if mover.set_offset(n) != n or reader.offset() != n]
    assert missed == [], f"{len(missed)} of 1000 moves not seen by the next read"


def test_no_thread_reads_a_clock_older_than_a_move_answered_before(app_config: dict[str, Any]) -> None:
    """A worker's threads read the kept clock without its lock, each polling the subscription on its own;
    only a drain takes the lock. Racing readers through 400 moves: none may read a clock older than a move
    answered before it asked (this fails when a reader skips its poll). The narrower interleaving, a read
    between a drain's taking the message and its replacing the clock, is made on purpose in the next test."""
    mover = create_app(app_config).extensions["sls"].store.clock
    reader = create_app(app_config).extensions["sls"].store.clock
    reader.offset()  # subscribed
    answered = [0]  # the last move whose answer came back
    stale: list[tuple[int, int]] = []
    reads = [0]
    stop = threading.Event()

    def read() -> None:
        while not stop.is_set():
            floor = answered[0]
            seen = reader.offset()
            reads[0] += 1
            if seen < floor:
                stale.append((floor, seen))

    threads = [threading.Thread(target=read) for _ in range(4)]
    for thread in threads:
        thread.start()
    try:
        for n in range(1, 401):
            assert mover.set_offset(n) == n
            answered[0] = n
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    assert reads[0] > 400
    assert stale == [], f"{len(stale)} reads older than a move answered before them, e.g. {stale[:3]}"


@pytest.mark.skipif(TOPOLOGY == "cluster", reason="on a Cluster every read takes the lock (store/clock.py)")
def test_a_read_while_another_thread_drains_waits_for_the_drain(app_config: dict[str, Any]) -> None:
    """The interleaving the threaded test above can only hope to meet, made on purpose: another thread reads
    just after the drain took the message off the socket and before it replaced the kept clock. The socket
    is empty by then; the read must still not answer with the old clock (None: it takes the lock)."""
    mover = create_app(app_config).extensions["sls"].store.clock
    reader = create_app(app_config).extensions["sls"].store.clock
    assert reader.offset() == 0  # subscribed, the clock kept
    cache = reader._cache  # white box: the lock-free read is the unit under test
    pubsub = cache._pubsub
    assert pubsub is not None
    drain = pubsub.get_message
    meanwhile: list[object] = []

    def draining(*args: Any, **kwargs: Any) -> Any:
        message = drain(*args, **kwargs)
        if message is not None and message.get("type") == "message":
            meanwhile.append(cache._unchanged())  # as another thread would, between the two
        return message

    pubsub.get_message = draining  # type: ignore[method-assign]  # observing the drain, then back
    try:
        mover.set_offset(42)
        assert reader.offset() == 42
    finally:
        pubsub.get_message = drain  # type: ignore[method-assign]
    assert meanwhile == [None]
    assert cache._unchanged() is not None, "once drained and quiet, reads need no lock again"


@single_redis_only
def test_warm_reads_of_now_cost_no_round_trip(app_config: dict[str, Any], redis_url: str) -> None:
    core = create_app(app_config).extensions["sls"]
    raw = redis.Redis.from_url(redis_url)
    core.clock.now()  # subscribes and reads once
    gets = _calls(raw, "get")
    for _ in range(50):
        core.clock.now()
    assert _calls(raw, "get") == gets


@single_redis_only
def test_a_broken_subscription_falls_back_to_redis(app_config: dict[str, Any], redis_url: str) -> None:
    core = create_app(app_config).extensions["sls"]
    other = create_app(app_config).extensions["sls"]
    core.clock.now()
    raw = redis.Redis.from_url(redis_url)
    assert raw.client_kill_filter(_type="pubsub") >= 1  # every subscription, ours included
    moved = other.clock.set_at(1_950_000_000)  # published while nobody listens
    assert core.clock.reading().offset_s == moved.offset_s, "missed the message, so it must read Redis"
    moved = other.clock.set_at(1_960_000_000)
    assert core.clock.reading().offset_s == moved.offset_s


@pytest.mark.skipif(TOPOLOGY == "cluster", reason="a Redis Cluster has only db 0")
def test_a_move_or_reset_on_one_database_leaves_another_databases_clock_alone(
    app_config: dict[str, Any],
) -> None:
    """Redis pub/sub ignores the database number: every server on the Redis heard every clock message, so a
    server on db 0 took the offset of a clock moved on db 2 (whose own db 0 says 0), and a wipe of db 2 put
    db 0's moved clock back for its readers. Each database's moves reach only the servers on it."""
    elsewhere = {**app_config, "REDIS_URL": f"{app_config['REDIS_URL']}?db=2"}  # the same redis-server
    here, beside, there, there_too = (
        create_app(config).extensions["sls"] for config in (app_config, app_config, elsewhere, elsewhere)
    )
    for core in (here, beside, there, there_too):
        assert core.clock.reading().offset_s == 0  # subscribed, the clock kept

    moved = there.clock.set_at(1_900_000_000)

    assert there_too.clock.reading().offset_s == moved.offset_s  # the same database: heard at once
    assert here.clock.reading().offset_s == 0 and beside.clock.reading().offset_s == 0
    mine = here.clock.set_at(1_950_000_000)
    assert beside.clock.reading().offset_s == mine.offset_s
    assert there_too.clock.reading().offset_s == moved.offset_s
    there.reset_world()  # db 2's wipe: its clock back to system time, db 0's left where it was moved
    assert there_too.clock.reading().offset_s == 0
    assert beside.clock.reading().offset_s == mine.offset_s


def test_a_message_on_the_channel_that_is_no_clock_reads_the_clock_from_redis(
    app_config: dict[str, Any], caplog: pytest.LogCaptureFixture
) -> None:
    """The channel is anyone's with access to the Redis (the suite's own script tests publish a mark on it
    beside a browser test's server): a message that is no clock raised out of the drain, and every request
    of that process answered 500 until the messages ran out. Now the process forgets what it kept and reads
    the key, as after a broken subscription, and says so in its log."""
    from sls_server.store import keys
    from sls_server.store.connection import database

    app = create_app(app_config)
    core = app.extensions["sls"]
    moved = core.clock.set_at(1_900_000_000)
    assert core.clock.reading().offset_s == moved.offset_s  # subscribed, the clock kept
    client = core.store.client
    client.publish(keys.clock_channel(database(client)), "end of the look")
    # Redis answers a PUBLISH before it writes the subscribers' copy (store/clock.py's module docstring): the
    # store's own wait for it, as after a move. Without it the read below raced the message (always lost on a
    # Cluster).
    core.store.clock.delivered()
    with caplog.at_level("WARNING", logger="sls_server.store.clock"):
        assert core.clock.reading().offset_s == moved.offset_s
    assert "no clock" in caplog.text and "end of the look" not in caplog.text  # its length, not its words
    assert app.test_client().get("/healthz").status_code == 200
    again = create_app(app_config).extensions["sls"].clock.set_at(1_950_000_000)  # heard as before
    assert core.clock.reading().offset_s == again.offset_s
