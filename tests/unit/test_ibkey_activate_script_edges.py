"""How ``ibkey_activate.lua`` judges an IB Key activation code, where ``scripts/lua_mutation.py`` found no
test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): each state a device is found in has its
answer and changes nothing; a code is good until its expiry and not from it, and one refused as expired is
spent; each wrong code counts down the tries it leaves, and the last burns the code; a right one writes the
device's fields once, bumps its version and clears the code. Through ``IbKeyRepo.activate``, on a real
redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, keys

NOW = 1_900_000_000
DEVICE = "ibkey-0001"
EXPIRES = NOW + 600
PENDING = {
    "device_id": DEVICE,
    "status": "pending_activation",
    "activation_digest": "right",
    "activation_expires_at": str(EXPIRES),
    "version": "4",
}


@pytest.fixture
def store(store: Store) -> Store:
    store.client.hset(keys.device(DEVICE), mapping=PENDING)
    return store


def activate(store: Store, digest: str = "right", *, now: int = NOW, tries: int = 3) -> tuple[str, int]:
    return store.ibkey.activate(
        DEVICE, now=now, digest=digest, max_failures=tries, fields={"status": "active", "owner": "alice"}
    )


def device(store: Store) -> dict[str, str]:
    return {str(k): str(v) for k, v in store.client.hgetall(keys.device(DEVICE)).items()}


def test_a_right_code_activates_once_and_clears_the_code(store: Store) -> None:
    assert activate(store, "wrong") == ("wrong", 2)
    assert activate(store) == ("ok", 0)
    after = device(store)
    assert (after["status"], after["owner"], after["version"]) == ("active", "alice", "5")
    assert "activation_digest" not in after and "activation_failures" not in after
    assert activate(store) == ("used", 0)
    assert device(store) == after


def test_a_missing_device_is_missing(store: Store) -> None:
    store.client.delete(keys.device(DEVICE))
    assert activate(store) == ("missing", 0)
    assert not store.client.exists(keys.device(DEVICE))


@pytest.mark.parametrize(
    ("status", "answer"), [("active", "used"), ("replaced", "used"), ("revoked", "inactive")]
)
def test_a_device_not_waiting_for_activation_is_refused_unchanged(
    store: Store, status: str, answer: str
) -> None:
    store.client.hset(keys.device(DEVICE), "status", status)
    before = device(store)
    assert activate(store) == (answer, 0)
    assert device(store) == before


def test_a_burnt_code_is_refused_unchanged(store: Store) -> None:
    store.client.hdel(keys.device(DEVICE), "activation_digest")
    before = device(store)
    assert activate(store) == ("burnt", 0)
    assert device(store) == before


def test_a_code_works_until_its_expiry_and_is_spent_from_it(store: Store) -> None:
    assert activate(store, "wrong", now=EXPIRES - 1) == ("wrong", 2)
    assert activate(store, now=EXPIRES) == ("expired", 0)
    after = device(store)
    assert "activation_digest" not in after and "activation_failures" not in after
    assert (after["status"], after["version"]) == ("pending_activation", "4")
    assert activate(store, now=NOW) == ("burnt", 0)


def test_the_last_minute_of_a_code_still_activates(store: Store) -> None:
    assert activate(store, now=EXPIRES - 1) == ("ok", 0)


def test_each_wrong_code_counts_down_and_the_last_burns_the_code(store: Store) -> None:
    assert activate(store, "wrong") == ("wrong", 2)
    assert device(store)["activation_failures"] == "1"
    assert activate(store, "wrong") == ("wrong", 1)
    assert device(store)["activation_digest"] == "right"
    assert activate(store, "wrong") == ("wrong", 0)
    after = device(store)
    assert "activation_digest" not in after
    assert (after["status"], after["version"]) == ("pending_activation", "4")
    assert activate(store) == ("burnt", 0)


def test_a_code_allowed_one_wrong_try_burns_at_the_first(store: Store) -> None:
    assert activate(store, "wrong", tries=1) == ("wrong", 0)
    assert activate(store, tries=1) == ("burnt", 0)


def test_tries_already_spent_past_the_limit_answer_none_left(store: Store) -> None:
    store.client.hset(keys.device(DEVICE), "activation_failures", "5")
    assert activate(store, "wrong") == ("wrong", 0)
    assert "activation_digest" not in device(store)
