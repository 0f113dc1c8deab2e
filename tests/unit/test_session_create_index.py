"""How ``session_create.lua`` keeps the user's index of live sessions and rotates a step-up's session, where
``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"):
entries past their end, ended or idle at now leave the index and count for nothing; the sessions replaced
leave it as tombstones; the new one carries a TTL; a rotation retires only a session still live at now,
carries its step-ups still fresh, and leaves the retired one a tombstone Redis reclaims. On a real
redis-server."""

from __future__ import annotations

import pytest
from session_create_kit import NOW, SESSION, create, indexed, session, state_of

from sls_server.store import Store, keys
from sls_server.store.records import UserRecord


@pytest.fixture
def store(store: Store) -> Store:
    store.users.create(UserRecord("alice", "hash", NOW, epoch="e1"))
    return store


def test_an_entry_past_its_end_leaves_the_index_and_counts_for_nothing(store: Store) -> None:
    store.client.zadd(keys.user_sessions("alice"), {"alice~gone": NOW})  # its absolute end: now
    assert create(store, concurrency="refuse") == ("ok", [])
    assert indexed(store) == [SESSION.id]


@pytest.mark.parametrize(
    "ended",
    [
        {"state": "killed", "idle_expires_at": str(NOW + 600)},
        {"idle_expires_at": str(NOW)},
        {"username": "alice"},
    ],
)
def test_a_session_ended_or_idle_at_now_leaves_the_index_and_counts_for_nothing(
    store: Store, ended: dict[str, str]
) -> None:
    old = session(1)
    store.client.zadd(keys.user_sessions("alice"), {old.id: NOW + 3600})
    store.client.hset(keys.session("alice", old.id), mapping=ended)
    assert create(store, concurrency="refuse") == ("ok", [])
    assert indexed(store) == [SESSION.id]


def test_the_sessions_replaced_leave_the_index_as_tombstones(store: Store) -> None:
    old = session(1, expires_at=NOW + 3000)
    assert create(store, old) == ("ok", [])
    assert create(store) == ("ok", [old.id])
    assert indexed(store) == [SESSION.id] and state_of(store, old) == "replaced"


def test_allow_replaces_the_oldest_beyond_the_limit(store: Store) -> None:
    first, second = session(1, expires_at=NOW + 3000), session(2, expires_at=NOW + 3100)
    assert create(store, first, concurrency="allow", limit=2) == ("ok", [])
    assert create(store, second, concurrency="allow", limit=2) == ("ok", [])
    assert create(store, concurrency="allow", limit=2) == ("ok", [first.id])
    assert indexed(store) == [second.id, SESSION.id]


def test_the_new_session_is_reclaimed_by_redis(store: Store) -> None:
    assert create(store) == ("ok", [])
    assert store.client.ttl(keys.session("alice", SESSION.id)) > 0


def rotate(store: Store, retired_id: str, now: int = NOW + 100) -> tuple[str, list[str]]:
    return create(store, concurrency="rotate", retires=retired_id, now=now)


def test_a_rotation_carries_the_fresh_step_ups_and_leaves_a_tombstone(store: Store) -> None:
    old = session(1, verified={"withdrawal": NOW + 300, "transfer": NOW + 100})
    assert create(store, old) == ("ok", [])
    assert rotate(store, old.id) == ("ok", [])  # at NOW + 100: the transfer's step-up is stale
    carried = store.client.hgetall(keys.session("alice", SESSION.id))
    assert {k: v for k, v in carried.items() if k.startswith("verified:")} == {
        "verified:withdrawal": str(NOW + 300)
    }
    assert indexed(store) == [SESSION.id]
    assert store.client.hgetall(keys.session("alice", old.id)) == {"state": "rotated", "at": str(NOW + 100)}
    assert store.client.ttl(keys.session("alice", old.id)) > 0


@pytest.mark.parametrize("state", ["replaced", "rotated"])
def test_a_rotation_of_a_session_replaced_or_rotated_meanwhile_says_so(store: Store, state: str) -> None:
    old = session(1)
    assert create(store, old) == ("ok", [])
    store.client.hset(keys.session("alice", old.id), "state", state)
    assert rotate(store, old.id) == (state, [])


@pytest.mark.parametrize(
    "ends", [{"idle_expires_at": NOW + 100}, {"expires_at": NOW + 100}, {"idle_expires_at": NOW + 101}]
)
def test_a_rotation_retires_only_a_session_live_at_now(store: Store, ends: dict[str, int]) -> None:
    old = session(1)
    assert create(store, old) == ("ok", [])
    store.client.hset(keys.session("alice", old.id), mapping=ends)
    live = ends.get("idle_expires_at", 0) > NOW + 100
    assert rotate(store, old.id) == (("ok", []) if live else ("retired", []))
