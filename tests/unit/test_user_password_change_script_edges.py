"""How ``user_password_change.lua`` replaces a password, where ``scripts/lua_mutation.py`` found no test held
(CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a recovery's write is refused ('stale', nothing
written) when the user is disabled, or made again, or its password changed since, each alone; every login of
the user still in progress ends, the last of its index too, while its step-ups and settled logins stay.
Through ``UserRepo.change_password``, on a real redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, keys
from sls_server.store.records import UserRecord

NOW = 1_900_000_000
STANDING = ("e1", "p1")  # the user's epoch and password epoch, as a recovery found them


@pytest.fixture
def store(store: Store) -> Store:
    store.users.create(UserRecord("alice", "old", NOW, epoch="e1", password_epoch="p1"))
    return store


def login(store: Store, txn_id: str, state: str, purpose: str = "login", score: int = NOW) -> None:
    """A login of alice's as the script reads it: its state and purpose, in her index."""
    store.client.hset(keys.login("alice", txn_id), mapping={"state": state, "purpose": purpose})
    store.client.zadd(keys.user_logins("alice"), {txn_id: score})


def user_field(store: Store, name: str) -> str | None:
    value = store.client.hget(keys.user("alice"), name)
    return None if value is None else str(value)


@pytest.mark.parametrize(
    "changed",
    [{"disabled": "1"}, {"epoch": "e2"}, {"password_epoch": "p2"}],
    ids=["disabled", "made-again", "password-changed"],
)
def test_a_recovery_is_refused_when_the_user_no_longer_stands_as_it_found_her(
    store: Store, changed: dict[str, str]
) -> None:
    store.client.hset(keys.user("alice"), mapping=changed)
    login(store, "t1", "second_factor")
    assert store.users.change_password("alice", "old", "new", "p9", now=NOW, standing=STANDING) == (
        "stale",
        0,
    )
    assert user_field(store, "password_hash") == "old"
    assert store.client.hget(keys.login("alice", "t1"), "state") == "second_factor"


def test_a_recovery_under_the_standing_found_changes_the_password(store: Store) -> None:
    assert store.users.change_password("alice", "old", "new", "p9", now=NOW, standing=STANDING) == (
        "changed",
        0,
    )
    assert (user_field(store, "password_hash"), user_field(store, "password_epoch")) == ("new", "p9")


def test_every_login_in_progress_ends_the_last_of_the_index_too(store: Store) -> None:
    login(store, "t1", "approved", score=NOW + 1)
    login(store, "t2", "stepped", purpose="stepup", score=NOW + 2)
    login(store, "t3", "done", score=NOW + 3)
    login(store, "t4", "second_factor", score=NOW + 4)  # the last by score
    assert store.users.change_password("alice", "old", "new", "p9", now=NOW + 7) == ("changed", 2)
    for txn_id in ("t1", "t4"):
        assert store.client.hmget(keys.login("alice", txn_id), "state", "settled_at") == [
            "expired",
            str(NOW + 7),
        ]
    assert store.client.hget(keys.login("alice", "t2"), "state") == "stepped"
    assert store.client.hget(keys.login("alice", "t3"), "state") == "done"


def test_a_change_over_a_hash_no_longer_read_is_a_conflict_and_writes_nothing(store: Store) -> None:
    login(store, "t1", "second_factor")
    assert store.users.change_password("alice", "stale-hash", "new", "p9", now=NOW) == ("conflict", 0)
    assert (user_field(store, "password_hash"), user_field(store, "password_epoch")) == ("old", "p1")
    assert store.client.hget(keys.login("alice", "t1"), "state") == "second_factor"
