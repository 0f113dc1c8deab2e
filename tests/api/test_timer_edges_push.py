"""An IB Key push lives as long as its login, never longer: the app (``/sim/v1``) and the login (``/api/v1``)
agree on when it ends.

A login has one absolute lifetime (3 challenge TTLs from its start, 900 s by default); a push sent by a
switch late in it was given ``SLS_PUSH_TTL`` (120 s) regardless, so the app listed it, with an
``expires_at`` past the login's, after the login had expired, and approving it there was refused.
"""

from __future__ import annotations

import pytest
from conftest import move_clock
from ibkey_world import World, ibkey_world  # noqa: F401  (the world fixture)

LIFETIME = 3 * 300  # LIFETIME_TTLS x SLS_CHALLENGE_TTL's default


def _switch(world: World, txn_id: str, type_: str) -> dict:  # type: ignore[type-arg]
    switched = world.client.post(f"/api/v1/auth/login/{txn_id}/factor", json={"type": type_})
    assert switched.status_code == 200, switched.get_json()
    return switched.get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("at_end", [-1, 0])
def test_a_push_sent_late_in_a_login_ends_with_it(
    world: World, admin_headers: dict[str, str], at_end: int
) -> None:
    app = world.activated_user("alice", "ios")
    card = world.client.post(
        "/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "1234"}, headers=admin_headers
    )
    assert card.status_code == 201
    begun = move_clock(world.client, admin_headers, 0)
    txn_id = world.login("alice")["txn_id"]
    for _ in range(3):  # keep the login alive on the card until its last 50 s
        move_clock(world.client, admin_headers, 280)
        _switch(world, txn_id, "dscplus")
    assert move_clock(world.client, admin_headers, 10) == begun + LIFETIME - 50
    pushed = _switch(world, txn_id, "ibkey")
    assert pushed["factor"]["mode"] == "push" and pushed["expires_at"] == begun + LIFETIME
    note = world.note_for(app, txn_id)
    assert note["expires_at"] == pushed["expires_at"]  # was begun + LIFETIME + 70: the push's own 120 s
    move_clock(world.client, admin_headers, 50 + at_end)
    listed = [n for n in world.notifications(app) if n["txn_id"] == txn_id]
    approved = world.approve(app, note, pushed["factor"]["match"], biometric=True)
    if at_end < 0:
        assert listed and approved.status_code == 200, approved.get_json()
        assert world.poll(txn_id)["state"] == "authenticated"
    else:
        assert not listed  # the app no longer offers what the login would refuse
        assert approved.status_code in (404, 410), approved.get_json()  # gone from the app, as at any expiry
        assert world.poll(txn_id)["state"] == "expired"
