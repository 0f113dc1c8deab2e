"""How the ``gateway_*.lua`` scripts keep gateway mode's session and its processes' leases, where
``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a
login replaces the record whole, clears why the last one ended and hands back the one before; a change, an
end or a hand-back lands only on the session read; a start with no other live process ends that session,
moves it to be closed with when it ended and says why, and drops the tokens of leases run out; a close
settled leaves only a newer one owed; a lease held names its process in a set that lives as long as it, and
a stop takes both. Through ``GatewayRepo``, on a real redis-server."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sls_server.store import Store, keys
from sls_server.store.gateway import ENDED_BACKSTOP_S
from sls_server.store.records.gateway import GatewayEnding, GatewayProcess, GatewayRecord

NOW = 1_900_000_000
GW = "gw1"
FIRST = GatewayRecord("s1", "alice", NOW, paper=True)
SECOND = GatewayRecord("s2", "bob", NOW + 5, competing=True)
PROCESS = GatewayProcess("host", 42, 5000, NOW)
SESSION, ENDED, OWED = keys.gateway_session(GW), keys.gateway_ended(GW), keys.gateway_owed(GW)
PROCESSES = keys.gateway_processes(GW)
KEEP = 900


def hash_of(store: Store, key: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in store.client.hgetall(key).items()}


def test_a_login_replaces_the_record_whole_and_hands_back_the_one_before(store: Store) -> None:
    assert store.gateway.establish(GW, FIRST, keep_s=KEEP) is None
    assert KEEP - 5 < store.client.ttl(SESSION) <= KEEP
    store.client.hset(SESSION, "stray", "x")
    store.client.set(ENDED, "old news")
    previous = store.gateway.establish(GW, SECOND, keep_s=KEEP + 100)
    assert previous == FIRST
    assert hash_of(store, SESSION) == SECOND.to_hash()
    assert KEEP + 95 < store.client.ttl(SESSION) <= KEEP + 100
    assert not store.client.exists(ENDED)


def test_a_change_lands_only_on_the_session_read(store: Store) -> None:
    store.gateway.establish(GW, FIRST, keep_s=KEEP)
    assert store.gateway.update(GW, "s0", {"connected": False}) is False
    assert store.gateway.get(GW) == FIRST
    assert store.gateway.update(GW, "s1", {"connected": False, "competing": True}) is True
    assert store.gateway.get(GW) == replace(FIRST, connected=False, competing=True)


def test_an_end_lands_only_on_the_session_read_and_says_why(store: Store) -> None:
    store.gateway.establish(GW, FIRST, keep_s=KEEP)
    assert store.gateway.end(GW, "s0", why="expired", ended_by="timeout", now=NOW + 9) is False
    assert store.gateway.get(GW) == FIRST and not store.client.exists(ENDED)
    assert store.gateway.end(GW, "s1", why="expired", ended_by="timeout", now=NOW + 9, at=NOW + 7) is True
    assert store.gateway.get(GW) is None
    assert store.client.get(ENDED) == f"{NOW + 9} expired timeout {NOW + 7}"
    assert ENDED_BACKSTOP_S - 5 < store.client.ttl(ENDED) <= ENDED_BACKSTOP_S
    assert store.gateway.ended(GW, now=NOW + 10) == GatewayEnding("expired", "timeout", NOW + 7)


def test_a_hand_back_puts_the_record_before_back_whole_or_none(store: Store) -> None:
    store.gateway.establish(GW, SECOND, keep_s=KEEP)
    assert store.gateway.hand_back(GW, "s1", FIRST, keep_s=KEEP) is False
    assert store.gateway.get(GW) == SECOND
    assert store.gateway.hand_back(GW, "s2", FIRST, keep_s=KEEP + 100) is True
    assert hash_of(store, SESSION) == FIRST.to_hash()
    assert KEEP + 95 < store.client.ttl(SESSION) <= KEEP + 100
    assert store.gateway.hand_back(GW, "s1", None, keep_s=KEEP) is True
    assert not store.client.exists(SESSION)


def restart(store: Store, token: str, session_id: str | None = "s1") -> tuple[int, bool]:
    return store.gateway.restart(GW, PROCESS, token, session_id=session_id, why="restart", now=NOW + 20)


def test_a_start_alone_ends_the_session_it_was_told_and_owes_its_close(store: Store) -> None:
    store.gateway.establish(GW, FIRST, keep_s=KEEP)
    assert restart(store, "t1", session_id=None) == (0, False)
    assert restart(store, "t1", session_id="s0") == (0, False)
    assert store.gateway.get(GW) == FIRST
    assert restart(store, "t1") == (0, True)
    assert store.gateway.get(GW) is None
    assert hash_of(store, OWED) == {**FIRST.to_hash(), "ended_at": str(NOW + 20)}
    assert store.gateway.owed(GW) == (FIRST, NOW + 20)
    assert ENDED_BACKSTOP_S - 5 < store.client.ttl(OWED) <= ENDED_BACKSTOP_S
    assert store.client.get(ENDED) == f"{NOW + 20} restart restart"
    assert ENDED_BACKSTOP_S - 5 < store.client.ttl(ENDED) <= ENDED_BACKSTOP_S


def test_a_start_beside_a_live_process_ends_nothing_and_drops_the_dead_ones(store: Store) -> None:
    store.gateway.establish(GW, FIRST, keep_s=KEEP)
    store.gateway.hold_process(GW, PROCESS, "t1", lease_ms=5000)
    store.client.sadd(PROCESSES, "dead")  # its lease ran out
    assert restart(store, "t2") == (1, False)
    assert store.gateway.get(GW) == FIRST
    assert sorted(str(t) for t in store.client.smembers(PROCESSES)) == ["t1", "t2"]
    assert store.gateway.holds_lease(GW, "t2")
    store.gateway.drop_process(GW, "t1")
    assert restart(store, "t2") == (0, True)  # its own lease is no other process


def test_a_start_takes_its_lease_for_as_long_as_the_set(store: Store) -> None:
    started = store.gateway.restart(GW, PROCESS, "t1", session_id=None, why="restart", now=NOW, lease_ms=4000)
    assert started == (0, False)
    assert 3000 < store.client.pttl(keys.gateway_process(GW, "t1")) <= 4000
    assert 3000 < store.client.pttl(PROCESSES) <= 4000
    assert store.gateway.processes(GW) == [PROCESS]


def test_a_close_settled_leaves_only_a_newer_one_owed(store: Store) -> None:
    store.client.hset(OWED, mapping={"session_id": "s2", "ended_at": str(NOW)})
    assert store.gateway.settle_owed(GW, "s1") is False
    assert store.client.exists(OWED)
    assert store.gateway.settle_owed(GW, "s2") is True
    assert not store.client.exists(OWED)
    assert store.gateway.settle_owed(GW, "s2") is False


def test_a_lease_held_names_its_process_and_a_stop_takes_both(store: Store) -> None:
    store.gateway.hold_process(GW, PROCESS, "t1", lease_ms=4000)
    store.gateway.hold_process(GW, PROCESS, "t2", lease_ms=6000)
    assert 5000 < store.client.pttl(PROCESSES) <= 6000
    assert 3000 < store.client.pttl(keys.gateway_process(GW, "t1")) <= 4000
    assert store.gateway.processes(GW) == [PROCESS, PROCESS]
    store.gateway.drop_process(GW, "t1")
    assert not store.gateway.holds_lease(GW, "t1") and store.gateway.holds_lease(GW, "t2")
    assert [str(t) for t in store.client.smembers(PROCESSES)] == ["t2"]


@pytest.mark.parametrize("others", [0, 2])
def test_a_start_counts_each_other_live_process(store: Store, others: int) -> None:
    for n in range(others):
        store.gateway.hold_process(GW, PROCESS, f"o{n}", lease_ms=5000)
    store.gateway.hold_process(GW, PROCESS, "t1", lease_ms=5000)  # its own, from a start before
    assert restart(store, "t1", session_id=None) == (others, False)
