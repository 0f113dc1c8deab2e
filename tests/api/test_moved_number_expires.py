"""A number its user moved away from, and nobody else has, is kept a while and then reclaimed: its phone's
keys (the notice of the change among its texts) get a real-time TTL, and a number given to a user again
keeps its phone for good once more.

Before, the old number's phone and its owner entry stayed in Redis for good: every change of number in a
kept world left one more phone behind (``scripts/soak_state.py``; docs/operations.md "What grows with what").
The TTL is real time (Redis's own), so the test reads it rather than waiting for it."""

from __future__ import annotations

from conftest import EnrolledUser
from ibkey_world import PASSWORD, PHONES, World, ibkey_world  # noqa: F401  (the world fixture)

from sls_server.store import connect
from sls_server.store.phones import MOVED_AWAY_KEPT_S


def ttls(redis_url: str, number: str) -> dict[str, int]:
    client = connect(redis_url)
    try:
        return {str(key): int(client.ttl(key)) for key in client.scan_iter(match=f"sls:{{p:{number}}}:*")}
    finally:
        client.close()


def test_a_number_moved_away_from_is_kept_a_while_then_given_back_for_good(
    world: World, redis_url: str
) -> None:
    old, new = PHONES["alice"], PHONES["bob"]
    world.user("alice")
    moved = world.client.put("/admin/v1/users/alice/phone", json={"phone": new}, headers=world.headers)
    assert moved.status_code == 200, moved.get_json()
    notices = world.client.get(f"/sim/v1/phones/{old}/messages").get_json()["messages"]
    assert any("changed" in m["text"] for m in notices)  # the old number is told, and can read it a while

    kept = ttls(redis_url, old)
    assert kept and f"sls:{{p:{old}}}:owners" not in kept  # nobody's number now
    assert all(0 < ttl <= MOVED_AWAY_KEPT_S for ttl in kept.values()), kept
    assert all(ttl == -1 for ttl in ttls(redis_url, new).values())  # her number now: no expiry

    again = world.client.post(
        "/admin/v1/users",
        json={"username": "carol", "password": PASSWORD, "sms": False, "phone": old},
        headers=world.headers,
    )
    assert again.status_code == 201, again.get_json()
    assert all(ttl == -1 for ttl in ttls(redis_url, old).values()), ttls(redis_url, old)


def test_a_number_nobody_has_is_reclaimed_after_its_last_text(alice: EnrolledUser, redis_url: str) -> None:
    """A number typed in a change never confirmed (a mistyped one) was texted its code and kept it for good;
    conditions set over /sim/v1 on a number nobody has, the same."""
    mistyped, typed = "+15550109998", "+15550109997"
    bearer = {"Authorization": f"Bearer {alice.step_up(purpose='change_contact')}"}
    asked = alice.client.post("/api/v1/account/phone", json={"phone": mistyped}, headers=bearer)
    assert asked.status_code == 200, asked.get_json()
    assert alice.client.get(f"/sim/v1/phones/{mistyped}/messages").get_json()["messages"]
    set_ = alice.client.put(f"/sim/v1/phones/{typed}/conditions", json={"roaming": True})
    assert set_.status_code == 200, set_.get_json()

    for number in (mistyped, typed):
        kept = ttls(redis_url, number)
        assert kept and all(0 < ttl <= MOVED_AWAY_KEPT_S for ttl in kept.values()), kept
