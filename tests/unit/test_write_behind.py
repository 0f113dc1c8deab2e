"""The write-behind block: unanswered writes wait for the block's end and go in one round trip, land even when
the block fails, and a Redis that cannot take them is a 503 like any other outage."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import redis
from conftest import TOPOLOGY

from sls_server.errors import StoreUnavailable
from sls_server.store import Store, connect, keys
from sls_server.store.records import Event

NOW = 1_700_000_000

#: On a cluster the block's writes go in one pipeline per master (``store/batch.py``): counted there, in
#: tests/cluster/test_cluster.py.
one_server_only = pytest.mark.skipif(
    TOPOLOGY == "cluster", reason="counts one server's reads; a cluster's are per master"
)


@pytest.fixture
def observer(redis_url: str) -> Iterator[Any]:
    """A client of its own to look at Redis with (one Redis, the master Sentinel names, or a Cluster)."""
    client = connect(redis_url)
    yield client
    client.close()


def _reads(observer: redis.Redis) -> int:  # one server's counter (a cluster's are per master)
    """Requests Redis has read from its clients so far (one per command sent alone, one per pipeline)."""
    return int(observer.info("stats")["total_reads_processed"])


def _record(store: Store, n: int) -> None:
    store.events.append(
        Event(NOW, "test.event", user="alice", detail={"n": n}), retention_s=3600, window_s=60
    )


@one_server_only
def test_writes_wait_for_the_end_of_the_block_and_go_in_one_round_trip(store: Store, observer: Any) -> None:
    assert isinstance(observer, redis.Redis)
    _record(store, 0)  # the store's connection is open and its scripts loaded: neither is counted below
    store.lockout.remember_ip("bob", "192.0.2.9")  # a script too: loaded alone, its first call resends it
    observer.delete(keys.EVENTS)
    before = _reads(observer)
    with store.write_behind():
        for n in range(3):
            _record(store, n)
        store.lockout.remember_ip("alice", "192.0.2.1")
        assert observer.xlen(keys.EVENTS) == 0, "nothing is sent before the block ends"
        inside = _reads(observer)
    after = _reads(observer)
    assert inside - before == 2  # the two reads of the observer itself (XLEN, INFO): nothing from the store
    assert after - inside == 2  # the observer's INFO and the store's one pipeline
    assert observer.xlen(keys.EVENTS) == 3
    assert observer.sismember(keys.known_ips("alice"), "192.0.2.1")


def test_outside_a_block_each_write_is_sent_at_once(store: Store, observer: Any) -> None:
    _record(store, 1)
    assert observer.xlen(keys.EVENTS) == 1


def test_a_block_that_fails_still_sends_what_it_queued(store: Store, observer: Any) -> None:
    with pytest.raises(LookupError), store.write_behind():
        _record(store, 1)
        raise LookupError("refused after the event was recorded")
    assert observer.xlen(keys.EVENTS) == 1


def test_nested_blocks_send_once_at_the_outermost_end(store: Store, observer: Any) -> None:
    with store.write_behind():
        with store.write_behind():
            _record(store, 1)
        assert observer.xlen(keys.EVENTS) == 0
        _record(store, 2)
    assert observer.xlen(keys.EVENTS) == 2


def test_a_redis_that_cannot_take_the_writes_is_store_unavailable() -> None:
    gone = Store.from_url("redis://127.0.0.1:9/0", timeout_s=0.2)  # the discard port: nothing listens
    with pytest.raises(StoreUnavailable), gone.write_behind():
        _record(gone, 1)


def test_scripts_redis_lost_are_sent_again_alone(store: Store, observer: Any) -> None:
    """After a restart Redis has forgotten every script: a carried write and the answered call it rode
    with both answer NOSCRIPT, and each is sent again alone, which loads it."""
    _record(store, 0)
    observer.script_flush()
    with store.write_behind():
        _record(store, 1)  # queued: rides with the next call that needs an answer
        assert store.devices.claim_challenge("card", ["e1"], 10) == 1
    assert observer.xlen(keys.EVENTS) == 2


def test_a_queued_writes_name_is_what_its_wire_form_starts_with() -> None:
    """``Flight.read`` reads each answer by the command's name (redis-py's reply callbacks); the name comes
    from ``Queued.name`` without building the command again."""
    from types import SimpleNamespace

    from sls_server.store.flights import Command
    from sls_server.store.writebehind import Queued

    command = Queued(("HGETALL", "k"))
    script = Queued(("a", 1), SimpleNamespace(sha="abc"), ("k1", "k2"))
    assert command.name == command.wire[0] == "HGETALL"
    assert script.name == script.wire[0] == "EVALSHA"
    assert script.wire == ("EVALSHA", "abc", 2, "k1", "k2", "a", 1)
    assert Command(("ASKING",)).name == "ASKING"  # a Cluster's command to a named node is read alike
