"""An approved push hands its session to the login's next poll, but not for ever: a login the client left
uncollected is dead once its lifetime and a poll's grace (``COLLECT_GRACE_S``) are past. It used to hand out
a session however long after its expiry the client came back."""

from __future__ import annotations

import pytest
from conftest import move_clock
from ibkey_world import World, ibkey_world, push_login  # noqa: F401  (the world fixture)

COLLECT_GRACE_S = 30


@pytest.mark.parametrize(("late_s", "collected"), [(COLLECT_GRACE_S - 1, True), (COLLECT_GRACE_S, False)])
def test_an_approval_made_in_time_is_collected_within_the_grace_only(
    world: World, admin_headers: dict[str, str], late_s: int, collected: bool
) -> None:
    app = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", app)
    now = move_clock(world.client, admin_headers, 0)
    move_clock(world.client, admin_headers, started["expires_at"] - now - 1)  # the login's last second
    approved = world.approve(app, note, started["factor"]["match"], pin="12ab")
    assert approved.status_code == 200, approved.get_json()
    move_clock(world.client, admin_headers, 1 + late_s)  # late_s past the login's expiry
    polled = world.poll(started["txn_id"])
    if collected:
        assert polled["state"] == "authenticated" and polled["session"]["token"]
    else:
        assert polled["state"] == "expired" and "session" not in polled
        move_clock(world.client, admin_headers, -600)  # dead for good, whatever the clock does
        again = world.poll(started["txn_id"])
        assert again["state"] == "expired" and "session" not in again
        assert world.events("login.succeeded", user="alice") == []
