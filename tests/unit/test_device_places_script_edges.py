"""How a device's count and end of validity and a user's known addresses are kept (``device_success.lua``,
``device_lapse.lua``, ``known_place_add.lua``, ``new_place.lua``), where ``scripts/lua_mutation.py`` found
no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a right response clears the count of
a device still enabled and says how much it cleared, and touches neither a disabled device nor one gone; a
device is lapsed at its end of validity itself, once, and never one without an end; the known addresses
stay within their bound, never forgetting the one just added; an address is new only when others are known.
Through ``LockoutRepo`` and ``DeviceRepo``, on a real redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, keys
from sls_server.store.lockout import KNOWN_IPS_KEPT

NOW = 1_900_000_000
CARD = "card-1"


def device(store: Store) -> dict[str, str]:
    return {str(k): str(v) for k, v in store.client.hgetall(keys.device(CARD)).items()}


# device_success.lua


def test_a_right_response_clears_the_count_and_says_how_much(store: Store) -> None:
    store.client.hset(keys.device(CARD), mapping={"type": "dscplus", "factor_failures": 2})
    assert store.lockout.device_success(CARD) == 2
    assert device(store)["factor_failures"] == "0"


def test_a_device_never_failed_clears_nothing(store: Store) -> None:
    store.client.hset(keys.device(CARD), mapping={"type": "dscplus"})
    assert store.lockout.device_success(CARD) == 0
    assert device(store)["factor_failures"] == "0"


def test_a_device_disabled_since_it_was_read_is_left_disabled(store: Store) -> None:
    store.client.hset(
        keys.device(CARD), mapping={"type": "dscplus", "factor_locked": "1", "factor_failures": 3}
    )
    assert store.lockout.device_success(CARD) is None
    assert device(store)["factor_failures"] == "3"


def test_a_device_gone_clears_nothing_and_is_not_made_again(store: Store) -> None:
    assert store.lockout.device_success(CARD) == 0
    assert not store.client.exists(keys.device(CARD))


# device_lapse.lua


def test_a_device_is_lapsed_at_its_end_of_validity_itself_once(store: Store) -> None:
    store.client.hset(keys.device(CARD), mapping={"type": "temporary", "expires_at": NOW + 60})
    store.devices.record_lapse(CARD, now=NOW + 59)
    assert "lapsed_at" not in device(store)
    store.devices.record_lapse(CARD, now=NOW + 60)
    assert device(store)["lapsed_at"] == str(NOW + 60)
    store.devices.record_lapse(CARD, now=NOW + 90)
    assert device(store)["lapsed_at"] == str(NOW + 60)


def test_a_device_without_an_end_of_validity_never_lapses(store: Store) -> None:
    store.client.hset(keys.device(CARD), mapping={"type": "dscplus"})
    store.devices.record_lapse(CARD, now=NOW)
    assert "lapsed_at" not in device(store)
    store.devices.record_lapse("gone", now=NOW)
    assert not store.client.exists(keys.device("gone"))


# known_place_add.lua and new_place.lua


def known(store: Store) -> set[str]:
    return {str(m) for m in store.client.smembers(keys.known_ips("alice"))}


def is_new(store: Store, ip: str) -> bool:
    return bool(store.scripts.each_of([store.lockout.new_place("alice", ip)])[0])


@pytest.fixture
def full(store: Store) -> set[str]:
    """Alice's known addresses at their bound."""
    ips = {f"10.0.{n // 256}.{n % 256}" for n in range(KNOWN_IPS_KEPT)}
    store.lockout.know_ips("alice", sorted(ips))
    return ips


def test_a_new_address_past_the_bound_forgets_another_never_itself(store: Store, full: set[str]) -> None:
    for n in range(5):
        store.lockout.remember_ip("alice", f"192.0.2.{n}")
        assert len(known(store)) == KNOWN_IPS_KEPT
        assert f"192.0.2.{n}" in known(store)


def test_a_known_address_again_forgets_nothing(store: Store, full: set[str]) -> None:
    store.lockout.remember_ip("alice", sorted(full)[0])
    assert known(store) == full


def test_under_the_bound_an_address_is_added_and_nothing_forgotten(store: Store) -> None:
    store.lockout.know_ips("alice", ["10.0.0.1"])
    store.lockout.remember_ip("alice", "10.0.0.2")
    assert known(store) == {"10.0.0.1", "10.0.0.2"}


def test_an_address_is_new_only_when_others_are_known(store: Store) -> None:
    assert is_new(store, "10.0.0.1") is False  # a first login is no news
    store.lockout.know_ips("alice", ["10.0.0.1"])
    assert is_new(store, "10.0.0.1") is False
    assert is_new(store, "10.0.0.2") is True
