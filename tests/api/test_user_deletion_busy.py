"""A user's deletion that cannot have the turn of one of their devices or IB Key apps (``sls_server.turns``:
another request is keying that card, approving on that app) changes nothing: 429 ``device_busy`` with
``retry_after``, the user, their sessions (still valid), devices, lockout state and app membership as they
were. Sent again once the turn is free, it deletes all.

It took the turns one by one as it went: the user was disabled and their sessions ended first, then the IB
Key apps left, then the devices dropped, and the 429 came partway, leaving the user disabled and revoked, some
devices gone, the record still there.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from ibkey_world import UNLOCK, World, counted_pauses, ibkey_world, push_login  # noqa: F401  (the world and pauses fixtures)
from page_forms import Console
from test_state_transfer import snapshot

from sls_server.turns import PAUSES_S

OTHER = "another-request"
BUSY = {
    "error": "device_busy",
    "message": "Other requests are changing this user's devices or IB Key apps right now; nothing was "
    "deleted: try again in 1 s.",
    "retry_after": 1,
}


def card(world: World, name: str) -> str:
    enrolled = world.client.post(
        f"/admin/v1/users/{name}/devices", json={"type": "dscplus", "pin": "1234"}, headers=world.headers
    )
    assert enrolled.status_code == 201, enrolled.get_json()
    return enrolled.get_json()["device_id"]  # type: ignore[no-any-return]


def session_of(world: World, name: str, app: str) -> str:
    """A session of the user, by a push approved on their IB Key app."""
    started, note = push_login(world, name, app)
    approved = world.approve(app, note, started["factor"]["match"], **UNLOCK["android"])
    assert approved.status_code == 200, approved.get_json()
    return world.poll(started["txn_id"])["session"]["token"]  # type: ignore[no-any-return]


def valid(client: FlaskClient, token: str) -> bool:
    return client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}).status_code == 200


def alice_with_all(world: World) -> dict[str, str]:
    """alice with an IB Key on her phone (the app lists her), a DSC+ card, a session and two failed
    sign-ins counted against her name; their ids and her session's token."""
    app = world.activated_user("alice", "android")
    held = {"token": session_of(world, "alice", app), "app": app, "card": card(world, "alice")}
    for _ in range(2):
        wrong = {"username": "alice", "password": "not-her-password"}
        answer = world.client.post(
            "/api/v1/auth/login", json=wrong, environ_base={"REMOTE_ADDR": "198.51.100.9"}
        )
        assert answer.status_code == 401
    return held


def take(app: Flask, which: str, ref: str) -> Any:
    """The repository whose turn ``which`` names, with ``ref``'s turn taken by another request."""
    store = app.extensions["sls"].store
    repo = store.ibkey if which == "app" else store.devices
    assert repo.take_turn(ref, OTHER, lease_ms=60_000)
    return repo


@pytest.mark.parametrize("which", ["card", "ibkey-device", "app"])
def test_a_deletion_meeting_a_busy_turn_changes_nothing_and_the_next_deletes_all(
    app: Flask, world: World, redis_url: str, pauses: list[float], which: str
) -> None:
    held = alice_with_all(world)
    ref = held["app"] if which != "card" else held["card"]  # the IB Key device's id is its phone's app's
    client, headers = world.client, world.headers
    before = snapshot(redis_url)
    repo = take(app, which, ref)
    kept = snapshot(redis_url)

    refused = client.delete("/admin/v1/users/alice", headers=headers)
    assert refused.status_code == 429 and refused.get_json() == BUSY
    assert refused.headers["Retry-After"] == "1"
    assert pauses == list(PAUSES_S)  # one turn waited for, the rest untouched
    assert snapshot(redis_url) == kept  # not disabled, nothing revoked, dropped or forgotten
    assert valid(client, held["token"])
    status = client.get(f"/sim/v1/ibkey/{held['app']}").get_json()
    assert [u["username"] for u in status["users"]] == ["alice"]
    assert client.get("/admin/v1/users/alice/lockout", headers=headers).get_json()["buckets"] != {}

    repo.end_turn(ref, OTHER)
    assert snapshot(redis_url).keys() == before.keys()
    assert client.delete("/admin/v1/users/alice", headers=headers).get_json() == {"deleted": "alice"}
    assert client.get("/admin/v1/users/alice", headers=headers).status_code == 404
    assert not valid(client, held["token"])
    # the user's keys, her devices', her phone's app (no other user on it: test_deletion_leaves_no_phone)
    gone = ("{u:alice}", f"{{d:{held['card']}}}", f"{{d:{held['app']}}}", f"{{ibapp:{held['app']}}}:app")
    assert [k for k in snapshot(redis_url) if any(tag in k for tag in gone)] == []
    assert client.get(f"/sim/v1/ibkey/{held['app']}").status_code == 404


def test_a_card_shared_by_two_users_busy_keeps_both_as_they_were(
    app: Flask, world: World, redis_url: str, pauses: list[float]
) -> None:
    """bob's card is shared with alice, who has her own card too: with bob's card busy, alice's deletion
    neither drops her own card nor takes her off bob's; once it is free, it does both and bob keeps his."""
    client, headers = world.client, world.headers
    world.user("bob")
    bobs = card(world, "bob")
    world.user("alice")
    own = card(world, "alice")
    shared = client.post(
        "/admin/v1/users/alice/devices", json={"type": "dscplus", "share_device_id": bobs}, headers=headers
    )
    assert shared.status_code == 201, shared.get_json()
    repo = take(app, "card", bobs)
    kept = snapshot(redis_url)

    refused = client.delete("/admin/v1/users/alice", headers=headers)
    assert refused.status_code == 429 and refused.get_json() == BUSY
    assert snapshot(redis_url) == kept
    listed = client.get("/admin/v1/users/alice", headers=headers).get_json()
    assert sorted(d["device_id"] for d in listed["devices"]) == sorted([own, bobs])
    assert listed["disabled"] is False

    repo.end_turn(bobs, OTHER)
    assert client.delete("/admin/v1/users/alice", headers=headers).status_code == 200
    [left] = client.get("/admin/v1/users/bob", headers=headers).get_json()["devices"]
    assert (left["device_id"], left["shared_with"], left["status"]) == (bobs, [], "active")
    assert [k for k in snapshot(redis_url) if "{u:alice}" in k or f"{{d:{own}}}" in k] == []


def test_the_consoles_delete_tells_the_trainer_busy_and_when_to_try_again(
    app: Flask, world: World, pauses: list[float]
) -> None:
    """The console shows the answer's message as it is (trainer-admin.js): the trainer reads that nothing
    was deleted and when to try again."""
    world.user("alice")
    own = card(world, "alice")
    repo = take(app, "card", own)
    console = Console(world.client)
    assert console.post("/trainer/users/alice/delete", status=429) == BUSY
    repo.end_turn(own, OTHER)
    assert console.post("/trainer/users/alice/delete") == {"deleted": "alice"}
