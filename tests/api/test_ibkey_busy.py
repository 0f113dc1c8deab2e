"""An IB Key change of several records that cannot have the turn of one of them (``sls_server.turns``: another
request is approving on that app, keying that device) changes nothing: 429 ``device_busy`` with
``retry_after``, every key in Redis as it was. Sent again once the turn is free, it does all.

Each took its turns one at a time as it went, so the 429 came partway: the notification switch turned the
app's notifications off and some of its users' devices still pushed; Add User enrolled the device and texted
its code with the app not waiting for it; an activation spent its code and kept the new phone's keys with the
user's older IB Key still active; a migration enrolled the new IB Key and texted its code, then waited on the
new device's turn to write its handset.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from ibkey_world import PASSWORD, PHONES, UNLOCK, World, counted_pauses, ibkey_world  # noqa: F401  (the world and pauses fixtures)
from test_state_transfer import snapshot

from sls_server.turns import PAUSES_S

OTHER = "another-request"
BUSY = {
    "error": "device_busy",
    "message": "Other requests are using this IB Key app or the user's IB Keys right now; nothing was "
    "changed: try again in 1 s.",
    "retry_after": 1,
}


def taken(app: Flask, which: str, ref: str) -> Any:
    """The repository whose turn ``which`` ("device" or "app") names, with ``ref``'s turn taken by another
    request."""
    store = app.extensions["sls"].store
    repo = store.ibkey if which == "app" else store.devices
    assert repo.take_turn(ref, OTHER, lease_ms=60_000)
    return repo


def refused(answer: Any, pauses: list[float]) -> None:
    assert answer.status_code == 429 and answer.get_json() == BUSY, answer.get_json()
    assert answer.headers["Retry-After"] == "1"
    assert pauses == list(PAUSES_S)  # one turn waited for


def two_users_phone(world: World) -> tuple[str, str]:
    """alice's phone with bob added and activated on it; the phone's id and bob's device id there."""
    world.user("alice")
    world.user("bob")
    app = world.activated("alice", "android")
    added = world.client.post(f"/sim/v1/ibkey/{app}/users", json={"username": "bob", "password": PASSWORD})
    assert added.status_code == 201, added.get_json()
    done = world.activate(app, "bob", world.code(PHONES["bob"]), **UNLOCK["android"])
    assert done.status_code == 200, done.get_json()
    return app, added.get_json()["device_id"]


def push_enabled(app: Flask, *device_ids: str) -> list[bool | None]:
    store = app.extensions["sls"].store
    return [store.devices.get(d).push_enabled for d in device_ids]


@pytest.mark.parametrize("busy", ["alice", "bob"])
def test_the_notification_switch_meeting_a_busy_device_changes_nothing(
    app: Flask, world: World, redis_url: str, pauses: list[float], busy: str
) -> None:
    phone, bobs = two_users_phone(world)
    held = phone if busy == "alice" else bobs  # alice's device id is her phone's app id
    repo = taken(app, "device", held)
    kept = snapshot(redis_url)

    answer = world.client.put(f"/sim/v1/ibkey/{phone}/settings", json={"notifications": False})
    refused(answer, pauses)
    assert snapshot(redis_url) == kept  # the app's switch and both devices as they were
    assert push_enabled(app, phone, bobs) == [True, True]

    repo.end_turn(held, OTHER)
    answer = world.client.put(f"/sim/v1/ibkey/{phone}/settings", json={"notifications": False})
    assert answer.status_code == 200 and answer.get_json()["notifications"] is False
    assert push_enabled(app, phone, bobs) == [False, False]


def test_add_user_meeting_a_busy_app_enrols_nothing_and_texts_nothing(
    app: Flask, world: World, redis_url: str, pauses: list[float]
) -> None:
    world.user("alice")
    world.user("bob")
    phone = world.activated("alice", "android")
    repo = taken(app, "app", phone)
    kept = snapshot(redis_url)

    body = {"username": "bob", "password": PASSWORD}
    refused(world.client.post(f"/sim/v1/ibkey/{phone}/users", json=body), pauses)
    assert snapshot(redis_url) == kept  # no device, no text, no send counted, the app not waiting
    assert world.client.get("/admin/v1/users/bob", headers=world.headers).get_json()["devices"] == []

    repo.end_turn(phone, OTHER)
    added = world.client.post(f"/sim/v1/ibkey/{phone}/users", json=body)
    assert added.status_code == 201, added.get_json()
    device_id = added.get_json()["device_id"]
    stored = app.extensions["sls"].store.devices.get(device_id)
    assert (stored.app_id, stored.status) == (phone, "pending_activation")
    pending = world.client.get(f"/sim/v1/ibkey/{phone}").get_json()["pending_users"]
    assert pending == [{"username": "bob", "device_id": device_id}]


def test_an_activation_meeting_a_busy_older_ib_key_spends_no_code_and_replaces_nothing(
    app: Flask, world: World, redis_url: str, pauses: list[float]
) -> None:
    """A migration's new phone activated while the old phone's IB Key is busy: the code stays good, the new
    phone holds no keys, the old IB Key stays active; once free, the same code activates and replaces it."""
    old = world.activated_user("alice", "android")
    started = world.client.post(
        "/sim/v1/ibkey/migrate", json={"username": "alice", "password": PASSWORD, "platform": "ios"}
    )
    assert started.status_code == 201, started.get_json()
    new = started.get_json()["device_id"]
    code = world.code(PHONES["alice"])
    repo = taken(app, "device", old)
    kept = snapshot(redis_url)

    refused(world.activate(new, "alice", code, **UNLOCK["ios"]), pauses)
    assert snapshot(redis_url) == kept  # the code unspent, no new app, the old IB Key active
    assert world.device("alice", old)["status"] == "active"
    assert world.device("alice", new)["status"] == "pending_activation"

    repo.end_turn(old, OTHER)
    done = world.activate(new, "alice", code, **UNLOCK["ios"])
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["replaced"] == [old]
    assert world.device("alice", old)["status"] == "replaced"


def test_a_migration_writes_the_new_phones_handset_with_the_device_in_one_step(
    app: Flask, world: World, pauses: list[float], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The handset was a second write after the enrolment, under the new device's turn: that turn kept by
    another request was a 429 with the device enrolled and its code texted. Written in the device's one
    create, the migration asks for no turn."""
    world.activated_user("alice", "android")
    monkeypatch.setattr("sls_server.accounts.devices.new_device_id", lambda type_: "ibkey-next")
    taken(app, "device", "ibkey-next")
    body = {"username": "alice", "password": PASSWORD, "platform": "ios", "handset": "+15550100077"}

    started = world.client.post("/sim/v1/ibkey/migrate", json=body)
    assert started.status_code == 201, started.get_json()
    assert started.get_json()["device_id"] == "ibkey-next" and pauses == []
    assert app.extensions["sls"].store.devices.get("ibkey-next").handset == "+15550100077"
