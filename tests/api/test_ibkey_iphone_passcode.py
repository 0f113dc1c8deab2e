"""IB Key on an iPhone without Touch ID / Face ID set up, over HTTP. The seed (verify your identity with IB
Key, iOS): "If Touch ID has not been activated, IB Key will prompt you to enter your smartphone's passcode."
The app asks for the iPhone's passcode for a push and for Generate Passcode; a wrong one is refused on the
phone and never reaches the server; the iPhone's Settings set Touch ID / Face ID up or remove them."""

from __future__ import annotations

import json
from typing import Any

import pytest
from ibkey_world import PASSWORD, PHONES, World, ibkey_world, push_login  # noqa: F401  (the world fixture)

PASSCODE = "482916"


def iphone_without_biometrics(world: World, name: str = "alice") -> str:
    world.user(name)
    device_id = world.enrol(name, "ios")["device_id"]
    done = world.activate(device_id, name, world.code(PHONES[name]), passcode=PASSCODE)
    assert done.status_code == 200, done.get_json()
    return device_id


def status(world: World, app: str) -> dict[str, Any]:
    answer = world.client.get(f"/sim/v1/ibkey/{app}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def biometrics(world: World, app: str, enabled: bool, passcode: str = PASSCODE) -> Any:
    return world.client.put(
        f"/sim/v1/ibkey/{app}/biometrics", json={"enabled": enabled, "passcode": passcode}
    )


def test_a_push_is_approved_with_the_iphones_passcode_and_a_wrong_one_never_reaches_the_server(
    world: World,
) -> None:
    app = iphone_without_biometrics(world)
    shown = status(world, app)
    assert (shown["platform"], shown["unlock"], shown["pin_attempts_left"]) == ("ios", "passcode", 10)
    started, note = push_login(world, "alice", app)
    match = started["factor"]["match"]

    no_face_id = world.approve(app, note, match, biometric=True)
    assert no_face_id.status_code == 400 and no_face_id.get_json()["field"] == "passcode"
    wrong = world.approve(app, note, match, passcode="000000")
    assert wrong.status_code == 403, wrong.get_json()
    assert wrong.get_json()["error"] == "wrong_passcode" and wrong.get_json()["passcode_attempts_left"] == 9
    assert "000000" not in json.dumps(wrong.get_json()) and PASSCODE not in json.dumps(wrong.get_json())
    assert world.poll(started["txn_id"])["state"] == "pending"  # the phone refused: the login never knew
    assert world.events("login.second_factor_failed") == [] and world.events("push.approved") == []

    approved = world.approve(app, note, match, passcode=PASSCODE)
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved"
    assert world.poll(started["txn_id"])["state"] == "authenticated"
    assert status(world, app)["pin_attempts_left"] == 10  # the right passcode cleared the count
    trail = json.dumps(world.client.get("/admin/v1/events", headers=world.headers).get_json())
    assert PASSCODE not in trail and "000000" not in trail


def test_generate_passcode_asks_for_the_iphones_passcode(world: World) -> None:
    """The seed's verify-your-identity procedure: Challenge Code typed into the app, Generate Passcode, the
    phone's passcode instead of Touch ID, the response string typed back."""
    app = iphone_without_biometrics(world)
    started, note = push_login(world, "alice", app)
    assert world.approve(app, note, started["factor"]["match"], passcode=PASSCODE).status_code == 200
    auth = {"Authorization": f"Bearer {world.poll(started['txn_id'])['session']['token']}"}
    step = world.client.post(
        "/api/v1/verify", json={"purpose": "withdrawal", "type": "ibkey", "mode": "challenge"}, headers=auth
    )
    challenge = step.get_json()["factor"]["challenge"]
    wrong = world.respond(app, challenge, passcode="111111")
    assert wrong.status_code == 403 and wrong.get_json()["error"] == "wrong_passcode"
    assert world.respond(app, challenge, biometric=True).get_json()["field"] == "passcode"
    response = world.respond(app, challenge, passcode=PASSCODE)
    assert response.status_code == 200, response.get_json()
    body = {"txn_id": step.get_json()["txn_id"], "response": response.get_json()["response"]}
    verified = world.client.post("/api/v1/verify", json=body, headers=auth)
    assert verified.status_code == 200 and verified.get_json()["state"] == "verified"


def test_touch_id_removed_and_set_up_again_in_the_iphones_settings(world: World) -> None:
    world.user("alice")
    app = world.activated("alice", "ios")  # with Face ID, as iphone-ivy
    assert status(world, app)["unlock"] == "biometric"
    removed = biometrics(world, app, False)
    assert removed.status_code == 200 and removed.get_json()["unlock"] == "passcode"
    started, note = push_login(world, "alice", app)
    match = started["factor"]["match"]
    assert world.approve(app, note, match, biometric=True).get_json()["field"] == "passcode"
    assert world.approve(app, note, match, passcode=PASSCODE).status_code == 200

    wrong = biometrics(world, app, True, passcode="000000")
    assert wrong.status_code == 403 and wrong.get_json()["error"] == "wrong_passcode"
    assert status(world, app)["unlock"] == "passcode"
    assert biometrics(world, app, True).get_json()["unlock"] == "biometric"
    [off, on] = world.events("ibkey.settings_changed")
    assert (off["detail"]["biometrics"], on["detail"]["biometrics"]) == (False, True)
    assert PASSCODE not in json.dumps([off, on])


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"enabled": False, "passcode": "12ab"}, 400, "passcode"),
        ({"enabled": False}, 400, "passcode"),
        ({"passcode": PASSCODE}, 400, "enabled"),
    ],
)
def test_the_iphones_settings_refuse_by_field(
    world: World, body: dict[str, Any], status: int, field: str
) -> None:
    app = world.activated_user("alice", "ios")
    refused = world.client.put(f"/sim/v1/ibkey/{app}/biometrics", json=body)
    assert refused.status_code == status and refused.get_json()["field"] == field, refused.get_json()


def test_an_android_phone_has_no_touch_id_setting(world: World) -> None:
    app = world.activated_user("alice", "android")
    refused = biometrics(world, app, False)
    assert refused.status_code == 400 and refused.get_json()["field"] == "pin"


@pytest.mark.parametrize(
    ("unlock", "field"),
    [
        ({"pin": "12ab"}, "biometric"),
        ({"biometric": True, "passcode": PASSCODE}, "biometric"),
        ({"passcode": "12ab"}, "passcode"),
        ({"passcode": "12345"}, "passcode"),
    ],
)
def test_a_new_iphone_activates_with_biometrics_or_its_passcode(
    world: World, unlock: dict[str, Any], field: str
) -> None:
    world.user("alice")
    device_id = world.enrol("alice", "ios")["device_id"]
    refused = world.activate(device_id, "alice", world.code(PHONES["alice"]), **unlock)
    assert refused.status_code == 400 and refused.get_json()["field"] == field, refused.get_json()
    assert world.device("alice", device_id)["status"] == "pending_activation"


def test_add_user_on_an_iphone_without_biometrics_is_confirmed_with_its_passcode(world: World) -> None:
    app = iphone_without_biometrics(world)
    world.user("bob")
    added = world.client.post(f"/sim/v1/ibkey/{app}/users", json={"username": "bob", "password": PASSWORD})
    assert added.status_code == 201, added.get_json()
    code = world.code(PHONES["bob"])
    wrong = world.activate(app, "bob", code, passcode="000000")
    assert wrong.status_code == 403 and wrong.get_json()["error"] == "wrong_passcode"
    done = world.activate(app, "bob", code, passcode=PASSCODE)
    assert done.status_code == 200, done.get_json()
    assert [u["username"] for u in status(world, app)["users"]] == ["alice", "bob"]
