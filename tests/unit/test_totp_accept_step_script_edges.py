"""What ``totp_accept_step.lua`` (the TOTP replay guard) does that ``scripts/lua_mutation.py`` found no test
held (CONTRIBUTING.md, "Mutation testing of the Lua scripts"): a step at or below the last accepted is
refused; after the clock was moved back, the guard is the latest accepted step the clock's window reaches
(the current step plus the drift), not one below it; the steps kept are the 16 highest, and every step at or
below the highest dropped stays refused. Through ``TotpRepo.accept_step``, on a real redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, keys


@pytest.fixture
def store(store: Store) -> Store:
    store.client.hset(keys.device("ibkey-1"), mapping={"type": "ibkey", "owner": "alice"})
    return store


def test_a_deleted_device_accepts_nothing_and_is_not_made_again(store: Store) -> None:
    assert not store.totp.accept_step("gone", 5)
    assert not store.client.exists(keys.device("gone"))


def test_the_last_step_and_any_below_it_are_refused(store: Store) -> None:
    assert store.totp.accept_step("ibkey-1", 100)
    assert not store.totp.accept_step("ibkey-1", 100)
    assert not store.totp.accept_step("ibkey-1", 99)
    assert store.totp.accept_step("ibkey-1", 101)
    assert store.client.hmget(keys.device("ibkey-1"), "last_step", "used_steps") == ["101", "100,101"]


def test_a_step_within_the_drift_of_a_clock_moved_back_still_bars_the_present(store: Store) -> None:
    """A step the clock's window still reaches (the current step plus one of drift) is no step "ahead"."""
    assert store.totp.accept_step("ibkey-1", 100)
    assert not store.totp.accept_step("ibkey-1", 99, current=99, drift=1)
    assert store.totp.accept_step("ibkey-1", 99, current=98, drift=1)  # now 100 is ahead of the window


def test_after_the_clock_moved_back_the_guard_is_the_latest_step_the_window_reaches(store: Store) -> None:
    for step in (88, 90, 100):
        assert store.totp.accept_step("ibkey-1", step)
    assert not store.totp.accept_step("ibkey-1", 89, current=89, drift=1)  # 90 is in the window: the guard
    assert store.totp.accept_step("ibkey-1", 91, current=90, drift=1)


def test_a_step_accepted_ahead_is_refused_again_once_the_clock_reaches_it(store: Store) -> None:
    assert store.totp.accept_step("ibkey-1", 100)
    assert store.totp.accept_step("ibkey-1", 50, current=50)
    assert not store.totp.accept_step("ibkey-1", 100)


@pytest.mark.parametrize("step", [3, 4])
def test_steps_dropped_from_the_sixteen_kept_stay_refused(store: Store, step: int) -> None:
    for accepted in range(1, 21):
        assert store.totp.accept_step("ibkey-1", accepted)
    fields = store.client.hmget(keys.device("ibkey-1"), "used_steps", "floor_step")
    assert fields == [",".join(str(n) for n in range(5, 21)), "4"]
    # no drift: every kept step is ahead of the window, so the floor alone refuses 4 (the highest dropped)
    assert not store.totp.accept_step("ibkey-1", step, current=step, drift=0)


def test_the_floor_never_moves_down(store: Store) -> None:
    store.client.hset(keys.device("ibkey-1"), mapping={"floor_step": 50, "used_steps": "10"})
    for accepted in range(60, 76):
        assert store.totp.accept_step("ibkey-1", accepted)
    assert store.client.hget(keys.device("ibkey-1"), "floor_step") == "50"  # 10 dropped: below the floor
    assert not store.totp.accept_step("ibkey-1", 45, current=45)
