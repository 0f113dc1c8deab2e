"""How a login's pending step is collected, expired, switched or told its device is gone
(``login_collect.lua``, ``login_expire.lua``, ``login_switch_reserve.lua``, ``logins_device_revoked.lua``),
where ``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md, "Mutation testing of the Lua
scripts"): each at its deadline itself, the prompt's or the login's lifetime's, whichever comes first; each
refusal with the state it leaves for good; the switches counted down to the one that kills the login; and
every login of the user on a revoked device marked or ended, the last of the index too. Through
``LoginRepo``, on a real redis-server."""

from __future__ import annotations

from dataclasses import replace

import pytest
from session_create_kit import IBKEY_TXN, USER_CHANGES, change_user

from sls_server.store import Store, keys
from sls_server.store.records import LoginTxn, UserRecord

NOW = 1_900_000_000
GRACE = 5
TXN = replace(IBKEY_TXN, switches_left=2)


@pytest.fixture
def store(store: Store) -> Store:
    store.users.create(UserRecord("alice", "hash", NOW, epoch="e1"))
    return store


def add(store: Store, txn: LoginTxn = TXN) -> None:
    assert store.logins.create(txn, now=NOW)


def login(store: Store, txn_id: str = TXN.txn_id) -> dict[str, str]:
    return {str(k): str(v) for k, v in store.client.hgetall(keys.login("alice", txn_id)).items()}


def approved(store: Store) -> None:
    add(store)
    store.client.hset(keys.login("alice", TXN.txn_id), "state", "approved")


def collect(store: Store, now: int, bucket: str | None = None) -> tuple[str, int]:
    return store.logins.collect(TXN.txn_id, now=now, grace_s=GRACE, lock_bucket=bucket)


# login_collect.lua


def test_a_login_not_approved_is_collected_by_no_one(store: Store) -> None:
    add(store)
    assert collect(store, NOW) == ("no", 0)
    assert login(store)["state"] == "second_factor"


def test_an_approved_login_is_collected_once_within_its_grace(store: Store) -> None:
    approved(store)
    assert collect(store, NOW + 60 + GRACE - 1) == ("ok", 0)
    assert (login(store)["state"], login(store)["collected_at"]) == ("authenticated", str(NOW + 64))
    assert collect(store, NOW + 64) == ("no", 0)


def test_an_approved_login_left_past_its_grace_is_expired_for_good(store: Store) -> None:
    approved(store)
    assert collect(store, NOW + 60 + GRACE) == ("expired", 0)
    assert (login(store)["state"], login(store)["settled_at"]) == ("expired", str(NOW + 65))
    assert collect(store, NOW) == ("no", 0)


@pytest.mark.parametrize("change", USER_CHANGES, ids=["made-again", "disabled", "deleted"])
def test_an_approved_login_whose_user_changed_is_revoked(store: Store, change: dict[str, str] | None) -> None:
    approved(store)
    change_user(store, change)
    assert collect(store, NOW) == ("revoked", 0)
    assert (login(store)["state"], login(store)["settled_at"]) == ("revoked", str(NOW))


def test_an_approved_login_is_left_approved_while_its_bucket_is_locked(store: Store) -> None:
    approved(store)
    lock = keys.lockout("alice", "known")
    store.client.hset(lock, mapping={"locked_until": NOW + 30, "locked_at": NOW})
    assert collect(store, NOW + 1, "known") == ("locked", NOW + 30)
    assert login(store)["state"] == "approved"
    assert collect(store, NOW + 1, "other") == ("ok", 0)


# login_expire.lua


def test_a_step_before_its_expiry_is_not_expired(store: Store) -> None:
    add(store)
    assert store.logins.expire(TXN.txn_id, now=NOW + 59) is False
    assert login(store)["state"] == "second_factor"


def test_a_step_at_its_prompts_expiry_is_expired_for_good(store: Store) -> None:
    add(store)
    assert store.logins.expire(TXN.txn_id, now=NOW + 60) is True
    assert login(store)["state"] == "expired"
    assert store.logins.expire(TXN.txn_id, now=NOW + 60) is False


def test_a_step_at_the_end_of_the_logins_lifetime_is_expired_whatever_its_prompt(store: Store) -> None:
    add(store, replace(TXN, expires_at=NOW + 300))  # a prompt outliving the login (written before the cap)
    assert store.logins.expire(TXN.txn_id, now=NOW + 179) is False
    assert store.logins.expire(TXN.txn_id, now=NOW + 180) is True


def test_a_step_from_before_lifetimes_expires_by_its_prompt(store: Store) -> None:
    add(store, replace(TXN, dies_at=None))
    assert store.logins.expire(TXN.txn_id, now=NOW + 59) is False
    assert store.logins.expire(TXN.txn_id, now=NOW + 60) is True


# login_switch_reserve.lua


def test_switches_are_reserved_in_turn_until_the_one_past_the_limit_kills_the_login(store: Store) -> None:
    add(store)
    assert store.logins.reserve_switch(TXN.txn_id, now=NOW + 1) == ("ok", 1)
    assert login(store)["switches_left"] == "1"
    assert store.logins.reserve_switch(TXN.txn_id, now=NOW + 2) == ("ok", 2)
    assert login(store)["switches_left"] == "0"
    assert store.logins.reserve_switch(TXN.txn_id, now=NOW + 3) == ("exhausted", 0)
    assert (login(store)["state"], login(store)["settled_at"]) == ("exhausted", str(NOW + 3))
    assert store.logins.reserve_switch(TXN.txn_id, now=NOW + 4) == ("exhausted", 0)


def test_a_switch_at_the_prompts_expiry_expires_the_step_for_good(store: Store) -> None:
    add(store)
    assert store.logins.reserve_switch(TXN.txn_id, now=NOW + 60) == ("expired", 0)
    assert login(store)["state"] == "expired"
    assert login(store)["switches_left"] == "2"
    assert store.logins.reserve_switch(TXN.txn_id, now=NOW) == ("expired", 0)


def test_a_switch_at_the_end_of_the_logins_lifetime_is_expired_whatever_its_prompt(store: Store) -> None:
    add(store, replace(TXN, expires_at=NOW + 300))
    assert store.logins.reserve_switch(TXN.txn_id, now=NOW + 180) == ("expired", 0)
    assert login(store)["state"] == "expired"


def test_a_switch_of_a_step_from_before_lifetimes_is_judged_by_its_prompt(store: Store) -> None:
    add(store, replace(TXN, dies_at=None))
    assert store.logins.reserve_switch(TXN.txn_id, now=NOW + 59) == ("ok", 1)


def test_a_switch_of_a_step_whose_user_was_disabled_is_refused(store: Store) -> None:
    add(store)
    change_user(store, {"disabled": "1"})
    assert store.logins.reserve_switch(TXN.txn_id, now=NOW + 1) == ("revoked", 0)
    assert "switch_seq" not in login(store)


# logins_device_revoked.lua


def test_every_login_on_a_revoked_device_is_marked_or_ended_the_last_too(store: Store) -> None:
    on = {
        "t1": ("second_factor", "ibkey-1"),
        "t2": ("approved", "ibkey-1"),
        "t3": ("second_factor", "ibkey-2"),
        "t4": ("authenticated", "ibkey-1"),
        "t5": ("second_factor", "ibkey-1"),  # the last of the index
    }
    for n, (name, (state, device)) in enumerate(on.items()):
        txn = replace(
            TXN, txn_id=f"alice~txn-{name:0>16}", state=state, device_id=device, dies_at=NOW + 180 + n
        )
        add(store, txn)
    assert store.logins.device_revoked("alice", "ibkey-1", now=NOW + 7) == 3
    assert [login(store, f"alice~txn-{t:0>16}").get("device_gone") for t in on] == [
        "ibkey-1",
        None,
        None,
        None,
        "ibkey-1",
    ]
    assert [login(store, f"alice~txn-{t:0>16}")["state"] for t in on] == [
        "second_factor",
        "device_revoked",
        "second_factor",
        "authenticated",
        "second_factor",
    ]
    assert login(store, "alice~txn-" + "t2".rjust(16, "0"))["settled_at"] == str(NOW + 7)
