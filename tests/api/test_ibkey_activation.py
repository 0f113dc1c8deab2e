"""IB Key enrolment by SMS code, activation on Android (PIN) and iOS (biometrics), one smartphone per user
(migration) and several users per smartphone (Add User). Time moves only through ``POST /admin/v1/clock``."""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import move_clock
from ibkey_world import PASSWORD, PHONES, UNLOCK, World, ibkey_world, push_login  # noqa: F401  (the world fixture)

from sls_server.factors.ibkey.activation import (
    ACTIVATION_ATTEMPTS,
    ACTIVATION_TRIES_PER_USER,
    ACTIVATION_TRIES_WINDOW_S,
)

# --- enrolment and activation -------------------------------------------------------------------------------


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_enrolment_texts_a_code_and_the_device_waits_for_activation(world: World, platform: str) -> None:
    world.user("alice")
    enrolled = world.enrol("alice", platform)
    assert enrolled["status"] == "pending_activation" and enrolled["sent_to"] == "+1•••••••0001"
    code = world.code(PHONES["alice"])
    assert len(code) == 8 and code not in json.dumps(enrolled)
    refused = world.client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert refused.status_code == 403 and refused.get_json()["error"] == "no_second_factor"

    done = world.activate(enrolled["device_id"], "alice", code, **UNLOCK[platform])
    assert done.status_code == 200, done.get_json()
    assert done.get_json()["status"] == "active" and done.get_json()["app_id"] == enrolled["device_id"]
    assert world.device("alice", enrolled["device_id"])["status"] == "active"
    shown = world.client.get(f"/sim/v1/ibkey/{enrolled['device_id']}").get_json()
    assert shown["platform"] == platform and shown["unlock"] == (
        "pin" if platform == "android" else "biometric"
    )
    assert [u["username"] for u in shown["users"]] == ["alice"]
    assert world.login("alice")["factor"]["mode"] == "push"


def test_enrolment_needs_a_platform_and_a_phone(world: World) -> None:
    world.user("alice")
    world.user("carol", phone=False)
    for name, body, field in (
        ("alice", {"type": "ibkey"}, "platform"),
        ("alice", {"type": "ibkey", "platform": "symbian"}, "platform"),
        ("carol", {"type": "ibkey", "platform": "ios"}, "phone"),
    ):
        answer = world.client.post(f"/admin/v1/users/{name}/devices", json=body, headers=world.headers)
        assert answer.status_code == 400 and answer.get_json()["field"] == field, answer.get_json()


def test_wrong_expired_and_reused_activation_codes_are_refused(world: World) -> None:
    world.user("alice")
    device_id = world.enrol("alice", "android")["device_id"]
    code = world.code(PHONES["alice"])
    wrong = world.activate(device_id, "alice", f"{(int(code) + 1) % 10**8:08d}", pin="12ab")
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_activation_code"
    assert wrong.get_json()["attempts_left"] == 4
    assert world.activate(device_id, "alice", code, pin="12ab").status_code == 200
    reused = world.activate(device_id, "alice", code, pin="12ab")
    assert reused.status_code == 409 and reused.get_json()["error"] == "activation_code_used"

    world.user("bob")
    world.user("carol")
    in_time, late = world.enrol("bob", "ios")["device_id"], world.enrol("carol", "ios")["device_id"]
    bob_code, carol_code = world.code(PHONES["bob"]), world.code(PHONES["carol"])
    move_clock(world.client, world.headers, 599)
    assert world.activate(in_time, "bob", bob_code, biometric=True).status_code == 200  # 9:59
    move_clock(world.client, world.headers, 2)  # 10:01
    expired = world.activate(late, "carol", carol_code, biometric=True)
    assert expired.status_code == 410 and expired.get_json()["error"] == "activation_code_expired"


def test_five_wrong_codes_burn_the_code(world: World) -> None:
    world.user("alice")
    device_id = world.enrol("alice", "ios")["device_id"]
    code = world.code(PHONES["alice"])
    for left in (4, 3, 2, 1, 0):
        wrong = world.activate(
            device_id, "alice", "00000000" if code != "00000000" else "11111111", biometric=True
        )
        assert wrong.get_json().get("attempts_left") == left, wrong.get_json()
    burnt = world.activate(device_id, "alice", code, biometric=True)
    assert burnt.status_code == 410 and burnt.get_json()["error"] == "activation_code_expired"


def test_activation_checks_the_password_and_the_platform_unlock(world: World) -> None:
    world.user("alice")
    android = world.enrol("alice", "android")["device_id"]
    code = world.code(PHONES["alice"])
    body = {"username": "alice", "password": "not the password", "activation_code": code, "pin": "12ab"}
    bad_password = world.client.post(f"/sim/v1/ibkey/{android}/activate", json=body)
    assert bad_password.status_code == 401 and bad_password.get_json()["error"] == "invalid_credentials"
    for unlock, field in (({"pin": "abcd"}, "pin"), ({"biometric": True}, "pin"), ({}, "pin")):
        refused = world.activate(android, "alice", code, **unlock)
        assert refused.status_code == 400 and refused.get_json()["field"] == field, refused.get_json()
    assert world.activate(android, "alice", code, pin="12ab").status_code == 200  # the code was not spent

    world.user("bob")
    ios = world.enrol("bob", "ios")["device_id"]
    with_pin = world.activate(ios, "bob", world.code(PHONES["bob"]), pin="1234")
    assert with_pin.status_code == 400 and with_pin.get_json()["field"] == "biometric"
    assert world.client.get("/sim/v1/ibkey/ibkey-000000000000").status_code == 404


# --- one smartphone per user, several users per smartphone --------------------------------------------------


def test_migrating_to_a_new_phone_stops_the_old_one_at_once(world: World) -> None:
    old = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", old)  # a push waiting on the old phone
    new = world.enrol("alice", "ios")
    assert new["sent_to"] == "+1•••••••0001"  # the number the old one was activated with
    done = world.activate(new["device_id"], "alice", world.code(PHONES["alice"]), biometric=True)
    assert done.status_code == 200 and done.get_json()["replaced"] == [old]
    assert world.device("alice", old)["status"] == "replaced"

    stale = world.approve(old, note, started["factor"]["match"], pin="12ab")
    assert stale.status_code == 403 and stale.get_json()["error"] == "device_inactive"
    fresh, fresh_note = push_login(world, "alice", new["device_id"])
    assert fresh["factor"]["device_id"] == new["device_id"] and fresh_note["username"] == "alice"
    assert all(n["txn_id"] != fresh["txn_id"] for n in world.notifications(old))
    world.roam("alice")
    challenge = world.login("alice")
    old_answer = world.respond(old, challenge["factor"]["challenge"], pin="12ab").get_json()["response"]
    assert world.verify(challenge["txn_id"], old_answer).status_code == 401
    assert world.events("device.replaced", "alice")[0]["device_id"] == old


def test_another_user_added_to_an_active_app_gets_pushes_there(world: World) -> None:
    world.user("alice")
    world.user("bob")
    app = world.activated("alice", "android")
    wrong_password = world.client.post(
        f"/sim/v1/ibkey/{app}/users", json={"username": "bob", "password": "x" * 9}
    )
    assert wrong_password.status_code == 401
    added = world.client.post(f"/sim/v1/ibkey/{app}/users", json={"username": "bob", "password": PASSWORD})
    assert added.status_code == 201 and added.get_json()["status"] == "pending_activation", added.get_json()
    bob_device = added.get_json()["device_id"]
    wrong_pin = world.activate(app, "bob", world.code(PHONES["bob"]), pin="0000")
    assert wrong_pin.status_code == 403 and wrong_pin.get_json()["error"] == "wrong_pin"
    done = world.activate(app, "bob", world.code(PHONES["bob"]), pin="12ab")  # the phone's own PIN
    assert done.status_code == 200 and done.get_json()["app_id"] == app, done.get_json()
    status = world.client.get(f"/sim/v1/ibkey/{bob_device}").get_json()  # a user's device id names the phone
    assert status["app_id"] == app and {u["username"] for u in status["users"]} == {"alice", "bob"}
    again = world.client.post(f"/sim/v1/ibkey/{app}/users", json={"username": "alice", "password": PASSWORD})
    assert again.status_code == 409 and again.get_json()["error"] == "already_activated"

    alice_login, alice_note = push_login(world, "alice", app)
    bob_login, bob_note = push_login(world, "bob", app)
    assert bob_login["factor"]["device_id"] == bob_device and bob_note["username"] == "bob"
    assert {n["username"] for n in world.notifications(app)} == {"alice", "bob"}
    for started, note in ((alice_login, alice_note), (bob_login, bob_note)):
        assert world.approve(app, note, started["factor"]["match"], pin="12ab").status_code == 200
        assert world.poll(started["txn_id"])["state"] == "authenticated"
    world.roam("bob")  # bob's own SIM abroad: his IB Key is on alice's smartphone, which is not
    assert world.login("bob")["factor"]["mode"] == "push"
    world.roam("alice")  # the smartphone roams: no push for either user on it
    started = world.login("bob")
    ambiguous = world.respond(app, started["factor"]["challenge"], pin="12ab")
    assert ambiguous.status_code == 400 and ambiguous.get_json()["field"] == "username"
    answer = world.respond(app, started["factor"]["challenge"], pin="12ab", username="bob").get_json()
    assert world.verify(started["txn_id"], answer["response"]).status_code == 200


def test_revoked_ib_key_cannot_approve_in_the_same_second(world: World) -> None:
    app = world.activated_user("alice", "ios")
    started, note = push_login(world, "alice", app)
    revoked = world.client.delete(f"/admin/v1/users/alice/devices/{app}", headers=world.headers)
    assert revoked.status_code == 200
    refused = world.approve(app, note, started["factor"]["match"], biometric=True)
    assert refused.status_code == 403 and refused.get_json()["error"] == "device_inactive"
    assert world.poll(started["txn_id"])["state"] == "pending"


# --- the app's password screens follow the IP rules (security review) ------------------------------------

OUTSIDE, INSIDE = "203.0.113.5", "10.1.2.3"


def test_activation_and_add_user_from_outside_the_allowlist_are_refused_before_the_password(
    world: World,
) -> None:
    for name in ("alice", "bob"):
        world.user(name)
        allowed = world.client.put(
            f"/admin/v1/users/{name}/ip-allowlist",
            json={"ip_allowlist": ["10.0.0.0/8"]},
            headers=world.headers,
        )
        assert allowed.status_code == 200, allowed.get_json()
    enrolled = world.enrol("alice", "android")["device_id"]
    code = world.code(PHONES["alice"])
    world.client.environ_base["REMOTE_ADDR"] = OUTSIDE
    right = world.activate(enrolled, "alice", code, pin="12ab")
    wrong = world.client.post(
        f"/sim/v1/ibkey/{enrolled}/activate",
        json={"username": "alice", "password": "not-the-password-1", "activation_code": code, "pin": "12ab"},
    )
    assert right.status_code == wrong.status_code == 403
    assert right.get_json() == wrong.get_json() and right.get_json()["error"] == "ip_restricted"
    lockout = world.client.get("/admin/v1/users/alice/lockout", headers=world.headers).get_json()
    assert all(bucket["failures"] == 0 for bucket in lockout["buckets"].values()), (
        "the password was never judged"
    )

    world.client.environ_base["REMOTE_ADDR"] = INSIDE
    assert world.activate(enrolled, "alice", code, pin="12ab").status_code == 200
    world.client.environ_base["REMOTE_ADDR"] = OUTSIDE
    added = world.client.post(
        f"/sim/v1/ibkey/{enrolled}/users", json={"username": "bob", "password": PASSWORD}
    )
    assert added.status_code == 403 and added.get_json()["error"] == "ip_restricted"
    world.client.environ_base["REMOTE_ADDR"] = INSIDE
    added = world.client.post(
        f"/sim/v1/ibkey/{enrolled}/users", json={"username": "bob", "password": PASSWORD}
    )
    assert added.status_code == 201, added.get_json()


# --- "Migrate IB Key" started on the new phone, as the broker's procedure describes ----------------------


def _migrate(world: World, name: str, platform: str) -> Any:
    return world.client.post(
        "/sim/v1/ibkey/migrate", json={"username": name, "password": PASSWORD, "platform": platform}
    )


def test_migration_from_the_new_phone_texts_the_original_number(world: World) -> None:
    old = world.activated_user("alice", "android")
    started = _migrate(world, "alice", "ios")
    assert started.status_code == 201, started.get_json()
    body = started.get_json()
    assert body["activation"] == "sms" and body["sent_to"] == "+1•••••••0001"
    done = world.activate(body["device_id"], "alice", world.code(PHONES["alice"]), biometric=True)
    assert done.status_code == 200 and done.get_json()["replaced"] == [old]
    assert world.events("ibkey.migration_started", "alice")


def test_migration_with_an_active_card_is_confirmed_by_the_card_not_a_text(world: World) -> None:
    """The seed's exception: "Unless you have a physical security device active for your user"."""
    old = world.activated_user("alice", "android")
    card = world.client.post(
        "/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "2468"}, headers=world.headers
    ).get_json()

    def activation_texts() -> int:
        inbox = world.client.get(f"/sim/v1/phones/{PHONES['alice']}/messages").get_json()["messages"]
        return sum("activation code" in m["text"] for m in inbox)

    texts_before = activation_texts()
    started = _migrate(world, "alice", "android")
    body = started.get_json()
    assert started.status_code == 201 and body["activation"] == "card", body
    assert (
        body["card_device_id"] == card["device_id"] and len(body["challenge"]) == 6 and "sent_to" not in body
    )
    assert activation_texts() == texts_before, "no activation code is texted when the card confirms"
    answer = world.client.post(
        f"/sim/v1/dscplus/{card['device_id']}/respond", json={"pin": "2468", "challenge": body["challenge"]}
    ).get_json()["response"]
    wrong = world.activate(body["device_id"], "alice", "00000000", pin="34cd")
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_activation_code"
    done = world.activate(body["device_id"], "alice", answer, pin="34cd")
    assert done.status_code == 200 and done.get_json()["replaced"] == [old]
    assert world.device("alice", old)["status"] == "replaced"


def test_migration_needs_an_active_ib_key_and_the_password(world: World) -> None:
    world.user("alice")
    nothing = _migrate(world, "alice", "ios")
    assert nothing.status_code == 409 and nothing.get_json()["error"] == "nothing_to_migrate"
    world.activated("alice", "ios")
    wrong = world.client.post(
        "/sim/v1/ibkey/migrate", json={"username": "alice", "password": "not-it-at-all", "platform": "ios"}
    )
    assert wrong.status_code == 401 and wrong.get_json()["error"] == "invalid_credentials"


def test_migrations_cost_texts_and_give_no_fresh_guesses(world: World) -> None:
    """With the password alone, "Migrate IB Key" again and again texted a code each time, past the send
    limits, with five fresh guesses each: now each migration counts against the send limits as Add User's
    does, and twenty wrong activation codes a day, whichever new IB Key, and none is judged, the right one
    included, until the day has passed (NIST SP 800-63B-4: a new code does not reset the count)."""
    world.activated_user("alice", "android")
    started = [_migrate(world, "alice", "ios") for _ in range(7)]
    assert [s.status_code for s in started].count(201) < 7 and started[-1].status_code == 429
    pending = [s.get_json()["device_id"] for s in started if s.status_code == 201]
    tried = [
        world.activate(device, "alice", "00000000", biometric=True).status_code
        for device in pending
        for _ in range(ACTIVATION_ATTEMPTS)
    ]
    assert tried[:ACTIVATION_TRIES_PER_USER] == [401] * ACTIVATION_TRIES_PER_USER
    assert set(tried[ACTIVATION_TRIES_PER_USER:]) <= {429}
    move_clock(world.client, world.headers, 601)  # the send limit lets a text through again
    body = _migrate(world, "alice", "ios").get_json()
    right = world.code(PHONES["alice"])
    assert world.activate(body["device_id"], "alice", right, biometric=True).status_code == 429
    move_clock(world.client, world.headers, ACTIVATION_TRIES_WINDOW_S)
    body = _migrate(world, "alice", "ios").get_json()
    done = world.activate(body["device_id"], "alice", world.code(PHONES["alice"]), biometric=True)
    assert done.status_code == 200, done.get_json()
