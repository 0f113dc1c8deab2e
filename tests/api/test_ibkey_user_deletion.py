"""A deleted user leaves every IB Key app that held them: a phone shared through Add User no longer lists
them (nor one still being added), the world exports and imports again, and the user left on that phone
approves and answers challenges as before (without naming themselves: they are its only user now).

It listed them for ever: the app's status showed a user the server no longer had, a challenge/response
without a username was refused as ambiguous, and the state export held an app naming a device that was not
in the document, so importing it was refused."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ibkey_world import PASSWORD, PHONES, UNLOCK, World, ibkey_world, push_login  # noqa: F401  (the world fixture)


def shared_phone(world: World) -> tuple[str, dict[str, str]]:
    """alice's phone, with bob added and activated and carol added (her activation still waiting); the
    phone's id and each user's device id there."""
    for name in ("alice", "bob", "carol"):
        world.user(name)
    app = world.activated("alice", "android")
    ids = {"alice": app}
    for name in ("bob", "carol"):
        added = world.client.post(f"/sim/v1/ibkey/{app}/users", json={"username": name, "password": PASSWORD})
        assert added.status_code == 201, added.get_json()
        ids[name] = added.get_json()["device_id"]
    done = world.activate(app, "bob", world.code(PHONES["bob"]), **UNLOCK["android"])
    assert done.status_code == 200, done.get_json()
    return app, ids


def app_status(world: World, ref: str) -> dict[str, Any]:
    answer = world.client.get(f"/sim/v1/ibkey/{ref}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("deleted", ["bob", "alice"], ids=["the-added-user", "the-phones-first-user"])
def test_a_deleted_user_leaves_the_shared_phones_app(world: World, deleted: str) -> None:
    app, ids = shared_phone(world)
    left = "alice" if deleted == "bob" else "bob"
    for name in (deleted, "carol"):
        assert world.client.delete(f"/admin/v1/users/{name}", headers=world.headers).status_code == 200

    status = app_status(world, ids[left])  # by the remaining user's device id, and by the phone's id
    assert status["users"] == [{"username": left, "device_id": ids[left]}]
    assert status["pending_users"] == []
    assert app_status(world, app) == status

    document = world.client.get("/admin/v1/state/export", headers=world.headers).get_json()
    [exported] = document["ibkey_apps"]
    # the app's users and pending users, as the document keeps them: JSON objects by username (a substring
    # test of the text would also look inside their sealed keys, whose base64 can spell "bob")
    assert set(json.loads(exported["users"])) == {left} and "carol" not in json.loads(exported["pending"])
    assert world.client.post("/admin/v1/reset", headers=world.headers).status_code == 200
    loaded = world.client.post("/admin/v1/state/import", json=document, headers=world.headers)
    assert loaded.status_code == 200, loaded.get_json()

    started, note = push_login(world, left, app)
    approved = world.approve(app, note, started["factor"]["match"], **UNLOCK["android"])
    assert approved.status_code == 200, approved.get_json()
    assert world.poll(started["txn_id"])["state"] == "authenticated"
    world.roam("alice")  # the smartphone (alice's number) roams: a Challenge Code, answered without naming
    # the user, the only one on the app now
    started = world.login(left)
    answer = world.respond(app, started["factor"]["challenge"], **UNLOCK["android"])
    assert answer.status_code == 200, answer.get_json()
    assert world.verify(started["txn_id"], answer.get_json()["response"]).status_code == 200
