"""How ``sessions_list.lua`` lists a user's live sessions, where ``scripts/lua_mutation.py`` found no test
held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): every live one, the first and the last of the
index too, each with its own fields; an index entry whose session is gone, ended (a tombstone) or idle since
``now`` is pruned, and one past its absolute end is pruned without being read. Through
``SessionRepo.for_user``, on a real redis-server."""

from __future__ import annotations

import pytest
from session_create_kit import NOW, create, session

from sls_server.store import Store, keys
from sls_server.store.records import SessionRecord, UserRecord

FIRST = session(1, idle_expires_at=NOW + 100, expires_at=NOW + 1000)
MIDDLE = session(2, idle_expires_at=NOW + 200, expires_at=NOW + 2000)
LAST = session(3, idle_expires_at=NOW + 300, expires_at=NOW + 3000)


@pytest.fixture
def store(store: Store) -> Store:
    store.users.create(UserRecord("alice", "hash", NOW, epoch="e1"))
    for record in (FIRST, MIDDLE, LAST):
        assert create(store, record, concurrency="multiple")[0] == "ok"
    return store


def listed(store: Store, now: int) -> list[SessionRecord]:
    return store.sessions.for_user("alice", now=now)


def indexed(store: Store) -> list[str]:
    return [str(m) for m in store.client.zrange(keys.user_sessions("alice"), 0, -1)]


def test_every_live_session_is_listed_with_its_own_fields(store: Store) -> None:
    found = listed(store, NOW)
    assert [r.id for r in found] == [FIRST.id, MIDDLE.id, LAST.id]
    assert [r.idle_expires_at for r in found] == [NOW + 100, NOW + 200, NOW + 300]
    assert [r.expires_at for r in found] == [NOW + 1000, NOW + 2000, NOW + 3000]
    assert all(r.username == "alice" for r in found)


def test_a_session_gone_or_ended_is_pruned_from_the_index(store: Store) -> None:
    store.client.delete(keys.session("alice", FIRST.id))
    store.client.hset(keys.session("alice", MIDDLE.id), "state", "killed")
    assert [r.id for r in listed(store, NOW)] == [LAST.id]
    assert indexed(store) == [LAST.id]


def test_a_session_idle_since_now_is_pruned_and_one_idle_later_kept(store: Store) -> None:
    assert [r.id for r in listed(store, NOW + 200)] == [LAST.id]
    assert indexed(store) == [LAST.id]


def test_an_entry_past_its_absolute_end_is_pruned_unread(store: Store) -> None:
    # its hash still says idle until later (written by hand): the index's score alone ends it
    store.client.hset(keys.session("alice", FIRST.id), "idle_expires_at", NOW + 5000)
    for record in (MIDDLE, LAST):  # kept alive by activity since
        store.client.hset(keys.session("alice", record.id), "idle_expires_at", NOW + 1500)
    assert [r.id for r in listed(store, NOW + 1000)] == [MIDDLE.id, LAST.id]
    assert indexed(store) == [MIDDLE.id, LAST.id]
