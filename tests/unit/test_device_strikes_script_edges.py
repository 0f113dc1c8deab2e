"""What ``lib/device_strikes.lua`` does that ``scripts/lua_mutation.py`` found no test held (CONTRIBUTING.md,
"Mutation testing of the Lua scripts"): a right response that cleared one of the device's wrong responses
takes exactly as many of the user's strikes on it, no fewer (the user's count would stay above the
device's) and no more. Through ``device_strikes_clear.lua`` (``LockoutRepo.strikes_cleared``), on a real
redis-server."""

from __future__ import annotations

import pytest

from sls_server.store import Store, keys


@pytest.mark.parametrize(("held", "cleared", "left"), [(1, 1, 0), (3, 1, 2), (2, 5, 0), (2, 0, 2)])
def test_a_right_response_clears_as_many_strikes_as_the_device_lost(
    store: Store, held: int, cleared: int, left: int
) -> None:
    store.client.hset(keys.user_device_strikes("alice"), "card-1", held)
    with store.write_behind():
        store.lockout.strikes_cleared("alice", "card-1", cleared)
    assert store.client.hget(keys.user_device_strikes("alice"), "card-1") == str(left)


def test_a_share_marks_a_card_never_written_since_it_was_made(store: Store) -> None:
    """A card's version starts at 0 (``DeviceRecord.version``): a share of it at 0 is marked as any other,
    so a request that read it as one user's at 0 is refused 'device_shared' at its settling step."""
    store.lockout.mark_shared("card-1", ("alice",), 0)
    assert store.client.hget(keys.user_device_strikes("alice"), "card-1:shared") == "0"
    store.lockout.mark_shared("card-1", ("alice",), 5)
    store.lockout.mark_shared("card-1", ("alice",), 3)  # an older share's, later: never moves it back
    assert store.client.hget(keys.user_device_strikes("alice"), "card-1:shared") == "5"
