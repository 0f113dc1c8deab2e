"""What ``login_create.lua`` does that ``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md,
"Mutation testing of the Lua scripts"): the login and its user's index of logins carry a TTL (Redis
reclaims them), and a new login prunes the index of the ones Redis may have reclaimed, so the index a
user's deletion walks stays as small as the logins alive. On a real redis-server, through ``LoginRepo``."""

from __future__ import annotations

from sls_server.store import Store, keys
from sls_server.store.logins import RECLAIM_MARGIN_S
from sls_server.store.records import LoginTxn

NOW = 1_900_000_000


def txn(n: int, *, at: int) -> LoginTxn:
    return LoginTxn(
        f"alice~txn-{n:016d}", "alice", "login", "second_factor", "dscplus", "card", at, at + 60, 3
    )


def test_a_login_and_the_index_are_reclaimed_by_redis(store: Store) -> None:
    assert store.logins.create(txn(0, at=NOW), now=NOW)
    keeps = 60 + RECLAIM_MARGIN_S
    assert 0 < store.client.ttl(keys.login("alice", txn(0, at=NOW).txn_id)) <= keeps
    assert 0 < store.client.ttl(keys.user_logins("alice")) <= keeps


def test_a_new_login_prunes_the_index_of_the_reclaimable_ones(store: Store) -> None:
    assert store.logins.create(txn(0, at=NOW), now=NOW)
    later = NOW + 60 + RECLAIM_MARGIN_S
    assert store.logins.create(txn(1, at=later), now=later)
    assert store.client.zrange(keys.user_logins("alice"), 0, -1) == [txn(1, at=later).txn_id]
