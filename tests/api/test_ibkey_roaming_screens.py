"""IBKR Mobile's screens that talk to the server, on a phone roaming (abroad, without data).

A roaming phone's answer to a push was refused (409 ``phone_offline``: ``test_ibkey_roaming_answers``), yet
its other screens that need IBKR's servers still worked as though it had a connection: activation, Add User,
Migrate IB Key, the notification switch (the app registers it with the server). The broker's "IB Key Use
Without Notifications" names roaming as having no Internet connectivity; only Challenge/Response, computed
on the phone, works without it. Now each of those screens is refused the same way before anything is checked
(the password is not counted, the code not spent), and the phone's own screens (Challenge/Response, the
iPhone's Touch ID / Face ID setting) keep working.
"""

from __future__ import annotations

from typing import Any

from ibkey_world import PASSWORD, PHONES, UNLOCK, World, ibkey_world  # noqa: F401  (the world fixture)


def _offline(answer: Any) -> None:
    assert answer.status_code == 409, answer.get_json()
    body = answer.get_json()
    assert body["error"] == "phone_offline" and "roaming" in body["message"]


def _texts(world: World, name: str) -> int:
    return len(world.client.get(f"/sim/v1/phones/{PHONES[name]}/messages").get_json()["messages"])


def test_activation_on_a_roaming_phone_is_refused_and_spends_nothing(world: World) -> None:
    world.user("alice")
    device_id = world.enrol("alice", "android")["device_id"]
    code = world.code(PHONES["alice"])  # the text reached the phone before it went abroad
    world.roam("alice")
    _offline(world.activate(device_id, "alice", code, **UNLOCK["android"]))
    wrong = {"username": "alice", "password": "not-the-password-1", "activation_code": code, "pin": "12ab"}
    _offline(world.client.post(f"/sim/v1/ibkey/{device_id}/activate", json=wrong))  # nothing checked
    assert world.events("login.password_failed", "alice") == []  # the password never reached the server
    assert world.device("alice", device_id)["status"] == "pending_activation"
    world.roam("alice", False)  # home again: the same code still activates
    done = world.activate(device_id, "alice", code, **UNLOCK["android"])
    assert done.status_code == 200 and done.get_json()["status"] == "active", done.get_json()


def test_add_user_on_a_roaming_phone_is_refused_and_enrols_nothing(world: World) -> None:
    world.user("alice")
    world.user("bob")
    app = world.activated("alice", "android")
    before = _texts(world, "bob")
    world.roam("alice")  # the smartphone roams (bob's own SIM is at home)
    _offline(world.client.post(f"/sim/v1/ibkey/{app}/users", json={"username": "bob", "password": PASSWORD}))
    assert [
        d
        for d in world.client.get("/admin/v1/users/bob/devices", headers=world.headers).get_json()["devices"]
    ] == []
    assert _texts(world, "bob") == before  # no code texted
    world.roam("alice", False)
    added = world.client.post(f"/sim/v1/ibkey/{app}/users", json={"username": "bob", "password": PASSWORD})
    assert added.status_code == 201, added.get_json()


def test_migration_from_a_roaming_new_phone_is_refused(world: World) -> None:
    world.activated_user("alice", "android")
    world.roam("bob")  # the new phone is bob's number here: only its conditions matter
    body = {"username": "alice", "password": PASSWORD, "platform": "ios", "handset": PHONES["bob"]}
    _offline(world.client.post("/sim/v1/ibkey/migrate", json=body))
    assert world.events("ibkey.migration_started", "alice") == []
    world.roam("bob", False)
    started = world.client.post("/sim/v1/ibkey/migrate", json=body)
    assert started.status_code == 201, started.get_json()


def test_the_notification_switch_needs_data_but_the_phones_own_settings_do_not(world: World) -> None:
    world.user("alice")
    app = world.activated("alice", "ios")
    world.roam("alice")
    _offline(world.client.put(f"/sim/v1/ibkey/{app}/settings", json={"notifications": False}))
    assert world.client.get(f"/sim/v1/ibkey/{app}").get_json()["notifications"] is True
    # Touch ID / Face ID is the iPhone's own setting: no server involved
    world.client.put(f"/sim/v1/ibkey/{app}/biometrics", json={"enabled": True, "passcode": "482916"})
    state = world.client.get(f"/sim/v1/ibkey/{app}")
    assert state.status_code == 200
    started = world.login("alice")  # roaming: a challenge, answered on the phone without a connection
    answered = world.respond(app, started["factor"]["challenge"], **UNLOCK["ios"])
    assert answered.status_code == 200, answered.get_json()
    assert world.verify(started["txn_id"], answered.get_json()["response"]).status_code == 200
