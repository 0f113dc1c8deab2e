"""What ``lib/lock_refusal.lua`` (a lock placed while a login's second factor was answered) does that
``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a
permanent lock answers an ``until`` of 0 (only an admin lifts it); a lock stamped up to 30 s after now
holds (a racing request's), one stamped later is no lock on this clock (it was moved back). Through
``session_create.lua`` completing a login, on a real redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, keys
from sls_server.store.records import LoginTxn, SessionRecord, UserRecord

NOW = 1_900_000_000
TXN = LoginTxn(
    "alice~txn-0000000000000000", "alice", "login", "second_factor", "dscplus", "card", NOW, NOW + 60, 3
)
SESSION = SessionRecord("alice~" + "a" * 64, "alice", NOW, NOW + 600, NOW + 3600, NOW, "dscplus", epoch="e1")


@pytest.fixture
def store(store: Store) -> Store:
    store.users.create(UserRecord("alice", "hash", NOW, epoch="e1"))
    assert store.logins.create(TXN, now=NOW)
    return store


def complete(store: Store) -> tuple[str, list[str]]:
    return store.sessions.create(
        SESSION, now=NOW, concurrency="replace", limit=10, epoch="e1", completes=TXN.txn_id, lock_bucket="all"
    )


def test_a_permanent_lock_refuses_with_no_end(store: Store) -> None:
    store.client.hset(keys.lockout("alice", "all"), "permanent", "1")
    assert complete(store) == ("locked", ["0"])


@pytest.mark.parametrize(
    ("locked_at", "answer"),
    [(NOW + 30, ("locked", [str(NOW + 120)])), (NOW + 31, ("ok", []))],
)
def test_a_lock_stamped_30_s_ahead_holds_a_later_one_does_not(
    store: Store, locked_at: int, answer: tuple[str, list[str]]
) -> None:
    store.client.hset(
        keys.lockout("alice", "all"), mapping={"locked_until": NOW + 120, "locked_at": locked_at}
    )
    assert complete(store) == answer
