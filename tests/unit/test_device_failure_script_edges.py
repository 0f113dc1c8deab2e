"""What ``device_failure.lua`` does that ``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md,
"Mutation testing of the Lua scripts"): a wrong response counts against a card for every user it serves (its
owner and each user it is shared with, by the whole name, read as it is, no pattern), and a device
standing at a limit lowered since is
disabled by the next one without a count past it. Through ``LockoutRepo.device_failed``, on a real
redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, keys


@pytest.fixture
def store(store: Store) -> Store:
    store.client.hset(
        keys.device("card-1"), mapping={"type": "card", "owner": "alice", "shared_with": "bob,carol"}
    )
    return store


@pytest.mark.parametrize("user", ["bob", "carol"])
def test_a_user_the_card_is_shared_with_is_counted(store: Store, user: str) -> None:
    assert store.lockout.device_failed("card-1", user, limit=3) == (1, "counted")


@pytest.mark.parametrize("user", ["bo", "arol", "ali", "b.b"])
def test_a_name_that_is_only_part_of_a_served_one_counts_nothing(store: Store, user: str) -> None:
    assert store.lockout.device_failed("card-1", user, limit=3) == (0, "missing")
    assert store.client.hget(keys.device("card-1"), "factor_failures") is None


@pytest.mark.parametrize("held", [3, 4])
def test_a_device_at_a_limit_lowered_since_is_disabled_without_a_count_past_it(
    store: Store, held: int
) -> None:
    store.client.hset(keys.device("card-1"), "factor_failures", held)
    assert store.lockout.device_failed("card-1", "alice", limit=3) == (held, "disabled")
    assert store.client.hmget(keys.device("card-1"), "factor_failures", "factor_locked") == [str(held), "1"]


def test_the_count_reaching_the_limit_disables_and_one_below_does_not(store: Store) -> None:
    store.client.hset(keys.device("card-1"), "factor_failures", 1)
    assert store.lockout.device_failed("card-1", "alice", limit=3) == (2, "counted")
    assert store.client.hget(keys.device("card-1"), "factor_locked") is None
    assert store.lockout.device_failed("card-1", "alice", limit=3) == (3, "disabled")


def test_a_locked_device_answers_its_count_and_counts_nothing(store: Store) -> None:
    store.client.hset(keys.device("card-1"), mapping={"factor_failures": 2, "factor_locked": 1})
    assert store.lockout.device_failed("card-1", "bob", limit=5) == (2, "locked")
    assert store.client.hget(keys.device("card-1"), "factor_failures") == "2"
