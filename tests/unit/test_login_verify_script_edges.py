"""How ``login_verify.lua`` settles an answer to a second-factor step, where ``scripts/lua_mutation.py``
found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): an answer settles once; each
state a step is found in has its answer; a user gone, disabled or re-created revokes the step; an answer
to a replaced prompt, or found at the step's end, or under a lock, settles nothing; a denial and a wrong
answer that ends the step spend it. Through ``LoginRepo.settle``, on a real redis-server."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from session_create_kit import NOW, USER_CHANGES, change_user
from session_create_kit import TXN as KIT_TXN

from sls_server.store import Store, keys
from sls_server.store.lockout import DeviceStrikes
from sls_server.store.records import UserRecord

TXN = replace(KIT_TXN, epoch="e1")


@pytest.fixture
def store(store: Store) -> Store:
    store.users.create(UserRecord("alice", "hash", NOW, epoch="e1"))
    assert store.logins.create(TXN, now=NOW)
    return store


def settle(store: Store, outcome: str = "ok", **options: Any) -> tuple[str, int]:
    arguments: dict[str, Any] = {"now": NOW + 1, "outcome": outcome, **options}
    return store.logins.settle(TXN.txn_id, **arguments)


def field(store: Store, name: str) -> str | None:
    value = store.client.hget(keys.login("alice", TXN.txn_id), name)
    return None if value is None else str(value)


def test_a_right_answer_settles_once(store: Store) -> None:
    assert settle(store) == ("ok", 3)
    assert (field(store, "state"), field(store, "settled_at")) == ("authenticated", str(NOW + 1))
    assert settle(store) == ("used", 0)
    assert store.logins.settle("alice~txn-0000000000000009", now=NOW, outcome="ok") == ("missing", 0)


@pytest.mark.parametrize(
    ("state", "answer"),
    [("approved", "used"), ("revoked", "revoked"), ("device_revoked", "device_revoked"), ("denied", "dead")],
)
def test_each_state_of_a_step_has_its_answer(store: Store, state: str, answer: str) -> None:
    store.client.hset(keys.login("alice", TXN.txn_id), "state", state)
    assert settle(store) == (answer, 0)
    assert field(store, "state") == state


@pytest.mark.parametrize("change", USER_CHANGES)
def test_a_user_gone_disabled_or_re_created_revokes_the_step(
    store: Store, change: dict[str, str] | None
) -> None:
    change_user(store, change)
    assert settle(store) == ("revoked", 0)
    assert (field(store, "state"), field(store, "settled_at")) == ("revoked", str(NOW + 1))


def test_an_answer_on_a_device_revoked_since_settles_nothing(store: Store) -> None:
    store.client.hset(keys.login("alice", TXN.txn_id), "device_gone", "card")
    assert settle(store) == ("device_revoked", 0)
    store.client.hset(keys.login("alice", TXN.txn_id), "device_gone", "another card")
    assert settle(store) == ("ok", 3)


def test_an_answer_to_a_replaced_prompt_settles_nothing(store: Store) -> None:
    assert settle(store, "bad", prompt="2") == ("switched", 0)
    assert field(store, "attempts_left") == "3"
    assert settle(store, prompt=TXN.prompt) == ("ok", 3)


def test_an_answer_found_at_the_step_s_end_expires_it(store: Store) -> None:
    assert settle(store, now=TXN.expires_at) == ("expired", 0)
    assert field(store, "state") == "expired"


def test_a_lock_refuses_any_answer(store: Store) -> None:
    store.client.hset(keys.lockout("alice", "all"), mapping={"locked_until": NOW + 120, "locked_at": NOW})
    assert settle(store, "bad", lock_bucket="all") == ("locked", NOW + 120)
    assert (field(store, "state"), field(store, "attempts_left")) == ("second_factor", "3")


def test_a_denial_spends_the_step(store: Store) -> None:
    assert settle(store, "deny") == ("denied", 0)
    assert (field(store, "state"), field(store, "settled_at")) == ("denied", str(NOW + 1))


def test_wrong_answers_count_down_and_one_that_ends_the_step_spends_it(store: Store) -> None:
    assert settle(store, "bad") == ("bad", 2)
    assert field(store, "state") == "second_factor"
    assert settle(store, "end") == ("bad", 0)
    assert (field(store, "state"), field(store, "attempts_left")) == ("failed", "0")


def test_the_device_s_strikes_refuse_a_right_answer_at_their_limit(store: Store) -> None:
    store.client.hset(keys.user_device_strikes("alice"), "card", 3)
    assert settle(store, strikes=DeviceStrikes(limit=3, seen=3)) == ("device_locked", 0)
    store.lockout.mark_shared("card", ("alice",), 4)
    assert settle(store, strikes=DeviceStrikes(limit=4, seen=3, alone_at=4)) == ("device_shared", 0)
    assert field(store, "state") == "second_factor"
    assert settle(store, strikes=DeviceStrikes(limit=4, seen=3, alone_at=4).asked()) == ("ok", 3)
