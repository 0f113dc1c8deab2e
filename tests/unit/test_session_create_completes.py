"""How ``session_create.lua`` settles the login a session completes, where ``scripts/lua_mutation.py`` found
no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a login completes once; each state a
login is found in has its answer; one whose prompt was replaced, or found at its end, makes no session;
the user gone, disabled or re-created spends the login ('revoked'), a session refused under 'refuse' does
not (the user may log out elsewhere and answer again); the device's strikes refuse at their limit and are
cleared by as many as the right answer cleared. On a real redis-server."""

from __future__ import annotations

import pytest
from session_create_kit import NOW, TXN, change_user, create, login_state, session

from sls_server.store import Store, keys
from sls_server.store.lockout import DeviceStrikes
from sls_server.store.records import UserRecord


@pytest.fixture
def store(store: Store) -> Store:
    store.users.create(UserRecord("alice", "hash", NOW, epoch="e1"))
    assert store.logins.create(TXN, now=NOW)
    return store


def test_a_login_completes_once(store: Store) -> None:
    assert create(store, completes=TXN.txn_id) == ("ok", [])
    assert login_state(store) == "authenticated"
    assert create(store, session(1), completes=TXN.txn_id) == ("used", [])
    assert create(store, session(2), completes="alice~txn-gone") == ("missing", [])


@pytest.mark.parametrize(
    ("state", "answer"),
    [("approved", "used"), ("revoked", "revoked"), ("device_revoked", "device_revoked"), ("expired", "dead")],
)
def test_each_state_of_a_login_has_its_answer(store: Store, state: str, answer: str) -> None:
    store.client.hset(keys.login("alice", TXN.txn_id), "state", state)
    assert create(store, completes=TXN.txn_id) == (answer, [])


def test_a_login_whose_device_was_revoked_since_makes_no_session(store: Store) -> None:
    store.client.hset(keys.login("alice", TXN.txn_id), "device_gone", "card")
    assert create(store, completes=TXN.txn_id) == ("device_revoked", [])
    store.client.hset(keys.login("alice", TXN.txn_id), "device_gone", "another card")
    assert create(store, completes=TXN.txn_id) == ("ok", [])


def test_an_answer_to_a_replaced_prompt_makes_no_session(store: Store) -> None:
    assert create(store, completes=TXN.txn_id, prompt="2") == ("switched", [])
    assert login_state(store) == "second_factor"
    assert create(store, completes=TXN.txn_id, prompt="1") == ("ok", [])


def test_a_login_found_at_its_end_expires(store: Store) -> None:
    assert create(store, completes=TXN.txn_id, now=TXN.expires_at) == ("expired", [])
    assert login_state(store) == "expired"


@pytest.mark.parametrize(
    ("change", "answer"),
    [({"epoch": "e2"}, "stale"), ({"disabled": "1"}, "disabled"), (None, "no_user")],
)
def test_a_user_gone_disabled_or_re_created_spends_the_login(
    store: Store, change: dict[str, str] | None, answer: str
) -> None:
    change_user(store, change)
    assert create(store, completes=TXN.txn_id) == (answer, [])
    assert login_state(store) == "revoked"
    assert store.client.hget(keys.login("alice", TXN.txn_id), "settled_at") == str(NOW)


def test_a_session_refused_under_refuse_leaves_the_login_to_answer_again(store: Store) -> None:
    assert create(store, session(1), concurrency="refuse") == ("ok", [])  # none live: 'refuse' refuses none
    assert create(store, concurrency="refuse", completes=TXN.txn_id) == ("refused", [])
    assert login_state(store) == "second_factor"


def strikes(store: Store) -> str | None:
    value = store.client.hget(keys.user_device_strikes("alice"), "card")
    return None if value is None else str(value)


def test_the_device_s_strikes_refuse_at_their_limit_and_a_right_answer_clears_its_own(store: Store) -> None:
    store.client.hset(keys.user_device_strikes("alice"), "card", 3)
    at_limit = DeviceStrikes(limit=3, seen=3, cleared=0)
    assert create(store, completes=TXN.txn_id, strikes=at_limit) == ("device_locked", [])
    assert login_state(store) == "second_factor" and strikes(store) == "3"
    below = DeviceStrikes(limit=3, seen=3, cleared=1)  # its right answer cleared one on the device
    assert create(store, completes=TXN.txn_id, strikes=below) == ("ok", [])
    assert strikes(store) == "2"


def test_a_card_shared_since_it_was_read_as_one_user_s_is_asked_again(store: Store) -> None:
    store.lockout.mark_shared("card", ("alice",), 4)
    read_alone = DeviceStrikes(limit=3, seen=0, alone_at=4)
    assert create(store, completes=TXN.txn_id, strikes=read_alone) == ("device_shared", [])
    assert create(store, completes=TXN.txn_id, strikes=read_alone.asked()) == ("ok", [])


def test_a_disabled_user_refused_a_session_has_the_device_s_strikes_cleared_all_the_same(
    store: Store,
) -> None:
    store.client.hset(keys.user_device_strikes("alice"), "card", 2)
    store.client.hset(keys.user("alice"), "disabled", "1")
    cleared = DeviceStrikes(limit=3, seen=2, cleared=2)
    assert create(store, completes=TXN.txn_id, strikes=cleared) == ("disabled", [])
    assert strikes(store) == "0"
