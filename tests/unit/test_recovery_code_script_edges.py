"""How ``recovery_code.lua`` spends the code texted for a password recovery, where ``scripts/lua_mutation.py``
found no test held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): each status with its tries
left (0 but after a wrong code); a recovery at its deadline is expired and deleted, so moving the clock back
does not revive it; a code spent moves the recovery on and forgets its digest; a decoy's (no digest) refuses
every code, an empty one too. Through ``RecoveryRepo.check_code``, on a real redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, keys

NOW = 1_900_000_000
DIGEST = "r" * 64


@pytest.fixture
def store(store: Store) -> Store:
    store.recoveries.begin(DIGEST, {"digest": "good"}, expires_at=NOW + 60, now=NOW)
    return store


def check(store: Store, code: str, *, now: int = NOW) -> tuple[str, int]:
    return store.recoveries.check_code(DIGEST, code, now=now, max_failures=3)


def test_a_recovery_never_begun_is_missing(store: Store) -> None:
    assert store.recoveries.check_code("x" * 64, "good", now=NOW, max_failures=3) == ("missing", 0)


def test_the_right_code_is_spent_once_and_forgotten(store: Store) -> None:
    assert check(store, "good", now=NOW + 59) == ("ok", 0)
    assert store.recoveries.get(DIGEST)["stage"] == "factor"
    assert store.recoveries.get(DIGEST)["digest"] == ""
    assert check(store, "good", now=NOW + 59) == ("used", 0)


def test_at_its_deadline_the_recovery_is_expired_and_gone_for_good(store: Store) -> None:
    assert check(store, "good", now=NOW + 60) == ("expired", 0)
    assert not store.client.exists(keys.recovery(DIGEST))
    assert check(store, "good", now=NOW) == ("missing", 0)


def test_wrong_codes_count_down_and_the_last_ends_the_recovery(store: Store) -> None:
    assert check(store, "bad") == ("wrong", 2)
    assert check(store, "bad") == ("wrong", 1)
    assert check(store, "bad") == ("wrong", 0)
    assert not store.client.exists(keys.recovery(DIGEST))


@pytest.mark.parametrize("code", ["good", ""])
def test_a_decoy_without_a_digest_refuses_every_code(store: Store, code: str) -> None:
    store.recoveries.begin(DIGEST, {"digest": ""}, expires_at=NOW + 60, now=NOW)
    assert check(store, code) == ("wrong", 2)
    assert store.recoveries.get(DIGEST)["stage"] == "code"
