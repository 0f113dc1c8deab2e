"""What ``session_touch.lua`` (every request's check of its session) does that ``scripts/lua_mutation.py``
found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a step-up found stale is
forgotten, so it stays stale if the clock is moved back; an ended session leaves its user's index (the
count of live sessions, the list) and its tombstone says when it ended on every later touch; a user whose
epoch moved (disabled, deleted, re-created) revokes the session; a request near the absolute end, whose
idle expiry can grow no more, still records when it was seen. On a real redis-server."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sls_server.store import Store, keys
from sls_server.store.records import SessionRecord, UserRecord

NOW = 1_900_000_000
SESSION = SessionRecord(
    "alice~" + "a" * 64,
    "alice",
    NOW,
    NOW + 600,
    NOW + 3600,
    NOW,
    "dscplus",
    epoch="e1",
    verified={"withdrawal": NOW + 300},
)


@pytest.fixture
def store(store: Store) -> Store:
    store.users.create(UserRecord("alice", "hash", NOW, epoch="e1"))
    return store


def create(store: Store, session: SessionRecord = SESSION) -> None:
    assert store.sessions.create(session, now=NOW, concurrency="replace", limit=10, epoch="e1") == ("ok", [])


def indexed(store: Store) -> bool:
    return store.client.zscore(keys.user_sessions("alice"), SESSION.id) is not None


def test_a_step_up_found_stale_is_forgotten_and_stays_so_when_the_clock_moves_back(store: Store) -> None:
    create(store)
    at_its_end = store.sessions.touch(SESSION.id, now=NOW + 300, idle_timeout=600, mode="check")
    assert at_its_end.record is not None and at_its_end.record.verified == {}  # fresh until, not at, its end
    moved_back = store.sessions.touch(SESSION.id, now=NOW + 100, idle_timeout=600, mode="check")
    assert moved_back.record == replace(SESSION, verified={})


def test_an_expired_session_leaves_the_index_and_its_tombstone_says_when(store: Store) -> None:
    create(store)
    assert indexed(store)
    ended = store.sessions.touch(SESSION.id, now=NOW + 900, idle_timeout=600, mode="extend")
    assert (ended.status, ended.username, ended.earlier, ended.ended_at) == (
        "expired_idle",
        "alice",
        False,
        NOW + 600,
    )
    assert not indexed(store)
    again = store.sessions.touch(SESSION.id, now=NOW + 901, idle_timeout=600, mode="extend")
    assert (again.status, again.username, again.earlier, again.ended_at) == (
        "expired_idle",
        "alice",
        True,
        NOW + 600,
    )


def test_a_user_whose_epoch_moved_revokes_the_session(store: Store) -> None:
    create(store)
    store.client.hset(keys.user("alice"), "epoch", "e2")
    touched = store.sessions.touch(SESSION.id, now=NOW + 10, idle_timeout=600, mode="extend")
    assert (touched.status, touched.username, touched.ended_at) == ("revoked", "alice", NOW + 10)
    assert not indexed(store)


def test_a_logout_ends_the_session_and_leaves_the_index(store: Store) -> None:
    create(store)
    touched = store.sessions.touch(SESSION.id, now=NOW + 10, idle_timeout=600, mode="end")
    assert touched.status == "ok"
    assert not indexed(store)
    assert store.sessions.touch(SESSION.id, now=NOW + 11, idle_timeout=600, mode="check").status == "missing"


def test_a_request_near_the_absolute_end_is_still_seen(store: Store) -> None:
    """The idle expiry is capped at the absolute one: a later request changes only ``last_seen_at``."""
    create(store, replace(SESSION, expires_at=NOW + 700))
    first = store.sessions.touch(SESSION.id, now=NOW + 200, idle_timeout=600, mode="extend")
    assert first.record is not None and first.record.idle_expires_at == NOW + 700
    later = store.sessions.touch(SESSION.id, now=NOW + 300, idle_timeout=600, mode="extend")
    assert later.record is not None and later.record.last_seen_at == NOW + 300
    read = store.sessions.touch(SESSION.id, now=NOW + 300, idle_timeout=600, mode="check")
    assert read.record is not None and read.record.last_seen_at == NOW + 300


@pytest.mark.parametrize(
    ("user_epoch", "change"),
    [("e1", "disabled"), ("", "deleted")],  # a record from before epochs has none: ''
)
def test_a_disabled_or_deleted_user_revokes_the_session_even_on_the_same_epoch(
    store: Store, user_epoch: str, change: str
) -> None:
    """Disabling or deleting a user moves the epoch too; each alone still revokes (lib/user_stands.lua)."""
    store.client.hset(keys.user("alice"), "epoch", user_epoch)
    assert store.sessions.create(
        replace(SESSION, epoch=user_epoch or None), now=NOW, concurrency="replace", limit=10, epoch=user_epoch
    ) == ("ok", [])
    if change == "disabled":
        store.client.hset(keys.user("alice"), "disabled", "1")
    else:
        store.client.delete(keys.user("alice"))
    touched = store.sessions.touch(SESSION.id, now=NOW + 10, idle_timeout=600, mode="extend")
    assert (touched.status, touched.username) == ("revoked", "alice")
