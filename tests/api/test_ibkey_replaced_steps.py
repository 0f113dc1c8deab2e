"""IB Key activated again, and what the old one can still do: an enrolment alone, or an activation whose
password step is refused, stops nothing (the broker's migration removes the old phone's capability when the
new one is activated); an activation does, and a step-up waiting on the old one is left pending, as a login
is, but cannot switch: every answer is refused and it waits for its expiry. The login model
(``model_world_rules.reactivate``) drives the same at random; these say it plainly.
Time moves only through ``POST /admin/v1/clock``."""

from __future__ import annotations

from typing import Any

from conftest import move_clock
from ibkey_world import PASSWORD, PHONES, World, ibkey_world, push_login  # noqa: F401  (the world fixture)

PIN = {"pin": "12ab"}


def _session(world: World, app: str) -> dict[str, str]:
    """Alice logged in by a push on ``app``: her bearer header."""
    started, note = push_login(world, "alice", app)
    assert world.approve(app, note, started["factor"]["match"], **PIN).status_code == 200
    return {"Authorization": f"Bearer {world.poll(started['txn_id'])['session']['token']}"}


def _verify(world: World, auth: dict[str, str], **body: Any) -> Any:
    return world.client.post("/api/v1/verify", json=body, headers=auth)


def test_an_activation_refused_at_its_password_step_leaves_the_old_ib_key_working(world: World) -> None:
    old = world.activated_user("alice", "android")
    auth = _session(world, old)
    step = _verify(world, auth, purpose="withdrawal").get_json()
    new = world.enrol("alice", "android")["device_id"]
    allowlist = {"ip_allowlist": ["203.0.113.0/24"]}  # the app's address is outside it: refused
    put = world.client.put("/admin/v1/users/alice/ip-allowlist", json=allowlist, headers=world.headers)
    assert put.status_code == 200, put.get_json()
    code = world.code(PHONES["alice"])
    refused = world.activate(new, "alice", code, **PIN)
    assert refused.status_code == 403 and refused.get_json()["error"] == "ip_restricted", refused.get_json()
    assert world.device("alice", old)["status"] == "active"
    assert world.device("alice", new)["status"] == "pending_activation"

    # the step-up's push is still the old phone's to answer
    assert world.answer(old, step, "approve", **PIN).status_code == 200
    world.client.put("/admin/v1/users/alice/ip-allowlist", json={"ip_allowlist": []}, headers=world.headers)
    assert _verify(world, auth, txn_id=step["txn_id"]).get_json()["state"] == "verified"


def test_a_step_up_push_on_a_replaced_ib_key_waits_for_its_expiry_and_is_answered_nowhere(
    world: World,
) -> None:
    old = world.activated_user("alice", "android")
    auth = _session(world, old)
    step = _verify(world, auth, purpose="withdrawal").get_json()
    note = world.note_for(old, step["txn_id"])
    new = world.enrol("alice", "android")["device_id"]
    assert world.activate(new, "alice", world.code(PHONES["alice"]), **PIN).status_code == 200

    on_new = world.approve(new, note, step["factor"]["match"], **PIN)  # the new phone never had it
    assert on_new.status_code == 404 and on_new.get_json()["error"] == "unknown_notification"
    on_old = world.approve(old, note, step["factor"]["match"], **PIN)
    assert on_old.status_code == 403 and on_old.get_json()["error"] == "device_inactive"
    assert _verify(world, auth, txn_id=step["txn_id"]).get_json()["state"] == "pending"
    move_clock(world.client, world.headers, step["expires_at"] - move_clock(world.client, world.headers, 0))
    assert _verify(world, auth, txn_id=step["txn_id"]).get_json()["state"] == "expired"
    again = _verify(world, auth, purpose="withdrawal").get_json()  # a new step-up: the new IB Key's
    assert again["factor"]["device_id"] == new, again


def test_a_step_up_on_a_replaced_ib_key_refuses_every_response_and_an_approval_ends(world: World) -> None:
    old = world.activated_user("alice", "android")
    auth = _session(world, old)
    challenge = _verify(world, auth, purpose="withdrawal", type="ibkey", mode="challenge").get_json()
    approved = _verify(world, auth, purpose="withdrawal").get_json()  # the newer step-up of the session
    assert world.answer(old, approved, "approve", **PIN).status_code == 200
    new = world.enrol("alice", "android")["device_id"]
    assert world.activate(new, "alice", world.code(PHONES["alice"]), **PIN).status_code == 200

    assert _verify(world, auth, txn_id=approved["txn_id"]).get_json()["state"] == "expired"
    for app in (old, new):
        typed = world.respond(app, challenge["factor"]["challenge"], **PIN).get_json()["response"]
        answer = _verify(world, auth, txn_id=challenge["txn_id"], response=typed)
        assert answer.status_code == 403 and answer.get_json()["error"] == "device_inactive", (
            answer.get_json()
        )
