"""How ``session_end.lua``, ``user_revoke.lua`` and ``lib/drop_retired.lua`` end sessions, where
``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a
logout deletes the session with the markers of the tokens its step-ups retired; an ending for another reason
leaves a tombstone of only why and when, reclaimed after a day of real time; a session already ended is
ended once; disabling a user tombstones each live session and empties the index, deleting one takes the
sessions and their markers, enabling one ends nothing. Through ``SessionRepo.end`` and ``UserRepo.revoke``,
on a real redis-server."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sls_server.store import Store, keys
from sls_server.store.records import SessionRecord, UserRecord
from sls_server.store.sessions import ENDED_KEEP_S

NOW = 1_900_000_000
SESSION = SessionRecord("alice~" + "a" * 64, "alice", NOW, NOW + 600, NOW + 3600, NOW, "dscplus", epoch="e1")
OTHER = replace(SESSION, id="alice~" + "b" * 64)
OLD = ("alice~" + "c" * 64, "alice~" + "d" * 64)  # tokens SESSION's step-ups retired


@pytest.fixture
def store(store: Store) -> Store:
    store.users.create(UserRecord("alice", "hash", NOW, epoch="e1"))
    for session in (replace(SESSION, retired=OLD), OTHER):
        assert (
            store.sessions.create(session, now=NOW, concurrency="multiple", limit=10, epoch="e1")[0] == "ok"
        )
    for old in OLD:  # the 'rotated' markers session_create.lua leaves
        store.client.hset(keys.session("alice", old), mapping={"state": "rotated", "to": SESSION.id})
    return store


def hash_of(store: Store, session_id: str) -> dict[str, str]:
    return {str(k): str(v) for k, v in store.client.hgetall(keys.session("alice", session_id)).items()}


def indexed(store: Store) -> list[str]:
    return [str(m) for m in store.client.zrange(keys.user_sessions("alice"), 0, -1)]


def test_a_logout_deletes_the_session_and_its_markers_only(store: Store) -> None:
    assert store.sessions.end(SESSION.id) == "alice"
    assert not any(store.client.exists(keys.session("alice", sid)) for sid in (SESSION.id, *OLD))
    assert indexed(store) == [OTHER.id]
    assert hash_of(store, OTHER.id)
    assert store.sessions.end(SESSION.id) is None


def test_an_ending_leaves_a_tombstone_of_why_and_when_for_a_day(store: Store) -> None:
    assert store.sessions.end(SESSION.id, tombstone="killed", now=NOW + 5) == "alice"
    assert hash_of(store, SESSION.id) == {"state": "killed", "at": str(NOW + 5)}
    assert 0 < store.client.ttl(keys.session("alice", SESSION.id)) <= ENDED_KEEP_S
    assert store.client.ttl(keys.session("alice", SESSION.id)) > ENDED_KEEP_S - 60
    assert indexed(store) == [OTHER.id]
    assert all(store.client.exists(keys.session("alice", old)) for old in OLD)  # it may still be told why
    assert store.sessions.end(SESSION.id, tombstone="ended_by_user", now=NOW + 6) is None
    assert hash_of(store, SESSION.id) == {"state": "killed", "at": str(NOW + 5)}  # the first ending stands


def test_an_ending_of_a_session_gone_drops_its_index_entry(store: Store) -> None:
    store.client.delete(keys.session("alice", SESSION.id))
    assert store.sessions.end(SESSION.id, tombstone="killed", now=NOW) is None
    assert indexed(store) == [OTHER.id]
    assert not store.client.exists(keys.session("alice", SESSION.id))


def test_disabling_tombstones_each_live_session_and_empties_the_index(store: Store) -> None:
    store.sessions.end(OTHER.id, tombstone="killed", now=NOW + 1)
    store.client.zadd(keys.user_sessions("alice"), {OTHER.id: NOW + 3600})  # a stale entry: ended already
    ended = store.users.revoke("alice", disabled=True, epoch="e2", now=NOW + 9)
    assert ended == [SESSION.id]
    assert hash_of(store, SESSION.id) == {"state": "revoked", "at": str(NOW + 9)}
    assert store.client.ttl(keys.session("alice", SESSION.id)) > ENDED_KEEP_S - 60
    assert hash_of(store, OTHER.id) == {"state": "killed", "at": str(NOW + 1)}
    assert not store.client.exists(keys.user_sessions("alice"))
    user = store.client.hgetall(keys.user("alice"))
    assert (user["disabled"], user["epoch"]) == ("1", "e2")


def test_enabling_ends_nothing_and_keeps_the_epoch_unless_given(store: Store) -> None:
    assert store.users.revoke("alice", disabled=False, epoch=None, now=NOW) == []
    user = store.client.hgetall(keys.user("alice"))
    assert (user["disabled"], user["epoch"]) == ("0", "e1")
    assert sorted(indexed(store)) == sorted([SESSION.id, OTHER.id])
    assert hash_of(store, SESSION.id)["username"] == "alice"


def test_a_deleted_user_s_sessions_go_with_their_markers(store: Store) -> None:
    ended = store.users.revoke("alice", disabled=True, epoch="e3", now=NOW, tombstones=False)
    assert sorted(ended or []) == sorted([SESSION.id, OTHER.id])
    assert not any(store.client.exists(keys.session("alice", sid)) for sid in (SESSION.id, OTHER.id, *OLD))
    assert not store.client.exists(keys.user_sessions("alice"))


def test_no_such_user_revokes_nothing(store: Store) -> None:
    assert store.users.revoke("bob", disabled=True, epoch="e9", now=NOW) is None
    assert not store.client.exists(keys.user("bob"))
