"""A phone that went abroad after a push reached it. The emulator's roaming is "the phone is abroad, without
data" (the broker's "IB Key Use Without Notifications": "your phone has no Internet connectivity (you are in
roaming, out of coverage, without an active mobile data plan, etc.)"), so no push is sent to it; but a push
already in the app could still be approved or denied from there, as though the answer could reach IBKR
without a connection. Now the app says it cannot send, changes nothing, and the Challenge/Response, which
needs no connection, still works."""

from __future__ import annotations

import pytest
from ibkey_world import UNLOCK, World, ibkey_world, push_login  # noqa: F401  (the world fixture)


@pytest.mark.parametrize("decision", ["approve", "deny"])
def test_a_roaming_phone_cannot_send_its_answer_to_a_push(world: World, decision: str) -> None:
    world.user("alice")
    app = world.activated("alice", "android")
    started, note = push_login(world, "alice", app)
    world.roam("alice")
    if decision == "approve":
        refused = world.approve(app, note, started["factor"]["match"], **UNLOCK["android"])
    else:
        refused = world.deny(app, note, **UNLOCK["android"])
    assert refused.status_code == 409, refused.get_json()
    body = refused.get_json()
    assert body["error"] == "phone_offline" and "Challenge/Response" in body["message"]
    assert world.poll(started["txn_id"])["state"] == "pending"  # nothing reached the login
    assert [n["id"] for n in world.notifications(app)] == [note["id"]]  # still in the app
    world.roam("alice", False)  # home again: the same push can be answered
    answered = world.approve(app, note, started["factor"]["match"], **UNLOCK["android"])
    assert answered.status_code == 200, answered.get_json()
    assert world.poll(started["txn_id"])["state"] == "authenticated"


def test_a_roaming_phone_still_answers_the_challenge(world: World) -> None:
    world.user("alice")
    app = world.activated("alice", "android")
    started, _ = push_login(world, "alice", app)
    world.roam("alice")
    switched = world.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor",
        json={"type": "ibkey", "mode": "challenge"},
        headers={"X-Login-Token": started["login_token"]},
    )
    assert switched.status_code == 200, switched.get_json()
    answered = world.respond(app, switched.get_json()["factor"]["challenge"], **UNLOCK["android"])
    assert answered.status_code == 200, answered.get_json()
    done = world.verify(started["txn_id"], answered.get_json()["response"])
    assert done.status_code == 200 and done.get_json()["state"] == "authenticated"
