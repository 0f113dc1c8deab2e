"""How ``login_switch_commit.lua``, ``login_switch_release.lua`` and ``lib/switch_refusal.lua`` write or
give back a switch of a second-factor step, where ``scripts/lua_mutation.py`` found no test held
(CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a commit writes only the newest reservation's
prompt, its expiry capped by the login's lifetime; a step gone, settled or whose user no longer stands behind
it is refused (the last settled as revoked); a switch is given back only while the step is pending. Through
``LoginRepo``, on a real redis-server."""

from __future__ import annotations

from typing import Any

import pytest
from session_create_kit import IBKEY_TXN, USER_CHANGES, change_user

from sls_server.store import Store, keys
from sls_server.store.records import UserRecord

NOW = 1_900_000_000
TXN = IBKEY_TXN
FIELDS: Any = {"factor": "dscplus", "device_id": "card", "mode": None, "challenge": "123456"}


@pytest.fixture
def store(store: Store) -> Store:
    store.users.create(UserRecord("alice", "hash", NOW, epoch="e1"))
    assert store.logins.create(TXN, now=NOW)
    assert store.logins.reserve_switch(TXN.txn_id, now=NOW + 1) == ("ok", 1)
    return store


def login(store: Store) -> dict[str, str]:
    return {str(k): str(v) for k, v in store.client.hgetall(keys.login("alice", TXN.txn_id)).items()}


def commit(store: Store, *, ticket: int = 1, expires_at: int = NOW + 61) -> tuple[str, int]:
    return store.logins.commit_switch(
        TXN.txn_id, now=NOW + 2, ticket=ticket, expires_at=expires_at, fields=FIELDS
    )


def test_a_commit_writes_the_prompt_and_names_it_by_its_ticket(store: Store) -> None:
    assert commit(store) == ("ok", NOW + 61)
    after = login(store)
    assert (after["expires_at"], after["prompt_no"], after["factor"], after["device_id"]) == (
        str(NOW + 61),
        "1",
        "dscplus",
        "card",
    )
    assert after["state"] == "second_factor" and after["challenge"] == "123456"


def test_a_prompt_never_outlives_the_login(store: Store) -> None:
    assert commit(store, expires_at=NOW + 500) == ("ok", NOW + 180)
    assert login(store)["expires_at"] == str(NOW + 180)


def test_a_step_without_a_lifetime_is_capped_at_its_prompt(store: Store) -> None:
    store.client.hdel(keys.login("alice", TXN.txn_id), "dies_at")
    assert commit(store, expires_at=NOW + 500) == ("ok", NOW + 60)


def test_an_older_reservation_writes_nothing(store: Store) -> None:
    assert store.logins.reserve_switch(TXN.txn_id, now=NOW + 1) == ("ok", 2)
    before = login(store)
    assert commit(store, ticket=1) == ("switched", 0)
    assert login(store) == before
    assert commit(store, ticket=2) == ("ok", NOW + 61)


def test_a_commit_on_a_step_gone_or_settled_writes_nothing(store: Store) -> None:
    key = keys.login("alice", TXN.txn_id)
    store.client.hset(key, "state", "authenticated")
    before = login(store)
    assert commit(store) == ("authenticated", 0)
    assert login(store) == before
    store.client.delete(key)
    assert commit(store) == ("missing", 0)
    assert not store.client.exists(key)


@pytest.mark.parametrize("change", USER_CHANGES)
def test_a_commit_for_a_user_gone_disabled_or_re_created_revokes_the_step(
    store: Store, change: dict[str, str] | None
) -> None:
    change_user(store, change)
    assert commit(store) == ("revoked", 0)
    after = login(store)
    assert (after["state"], after["settled_at"]) == ("revoked", str(NOW + 2))
    assert after["expires_at"] == str(NOW + 60) and "prompt_no" not in after


def test_a_reservation_for_a_user_disabled_revokes_the_step(store: Store) -> None:
    store.client.hset(keys.user("alice"), "disabled", "1")
    assert store.logins.reserve_switch(TXN.txn_id, now=NOW + 3) == ("revoked", 0)
    assert (login(store)["state"], login(store)["settled_at"]) == ("revoked", str(NOW + 3))


def test_a_switch_is_given_back_only_while_the_step_is_pending(store: Store) -> None:
    assert login(store)["switches_left"] == "4"
    assert store.logins.release_switch(TXN.txn_id) is True
    assert login(store)["switches_left"] == "5"
    store.client.hset(keys.login("alice", TXN.txn_id), "state", "authenticated")
    assert store.logins.release_switch(TXN.txn_id) is False
    assert login(store)["switches_left"] == "5"
    store.client.delete(keys.login("alice", TXN.txn_id))
    assert store.logins.release_switch(TXN.txn_id) is False
    assert not store.client.exists(keys.login("alice", TXN.txn_id))
