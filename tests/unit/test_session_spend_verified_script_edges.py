"""How ``session_spend_verified.lua`` spends a session's step-up for one withdrawal, where
``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a
fresh one is let through once, one at its deadline is stale and forgotten, and a session gone or left as a
tombstone is 'ended', not 'stale' (the request must say the session ended, not ask for a step-up in it).
Through ``SessionRepo.spend_verified``, on a real redis-server."""

from __future__ import annotations

import pytest
from session_create_kit import NOW, SESSION, create

from sls_server.store import Store, keys
from sls_server.store.records import UserRecord

FIELD = "verified:withdraw"


@pytest.fixture
def store(store: Store) -> Store:
    store.users.create(UserRecord("alice", "hash", NOW, epoch="e1"))
    assert create(store)[0] == "ok"
    store.client.hset(keys.session("alice", SESSION.id), FIELD, NOW + 30)
    return store


def test_a_fresh_step_up_is_spent_once(store: Store) -> None:
    assert store.sessions.spend_verified(SESSION.id, "withdraw", now=NOW + 29) == "ok"
    assert not store.client.hexists(keys.session("alice", SESSION.id), FIELD)
    assert store.sessions.spend_verified(SESSION.id, "withdraw", now=NOW + 29) == "stale"


def test_a_step_up_at_its_deadline_is_stale_and_forgotten(store: Store) -> None:
    assert store.sessions.spend_verified(SESSION.id, "withdraw", now=NOW + 30) == "stale"
    assert not store.client.hexists(keys.session("alice", SESSION.id), FIELD)
    assert store.client.hexists(keys.session("alice", SESSION.id), "idle_expires_at")  # the session lives on


def test_a_session_gone_is_ended_not_stale(store: Store) -> None:
    store.client.delete(keys.session("alice", SESSION.id))
    assert store.sessions.spend_verified(SESSION.id, "withdraw", now=NOW) == "ended"


def test_a_session_left_as_a_tombstone_is_ended(store: Store) -> None:
    assert store.sessions.end(SESSION.id, tombstone="killed", now=NOW) == "alice"
    store.client.hset(keys.session("alice", SESSION.id), FIELD, NOW + 30)
    assert store.sessions.spend_verified(SESSION.id, "withdraw", now=NOW) == "ended"
    assert store.client.hexists(keys.session("alice", SESSION.id), FIELD)
