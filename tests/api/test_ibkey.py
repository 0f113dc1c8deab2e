"""IB Key end to end over HTTP: enrolment by SMS code, activation on Android (PIN) and iOS (biometrics), push
login with number matching, challenge/response when the phone roams or has notifications off, verify
identity, migration to a new phone, Add User, revocation, events and secrets at rest.

Everything goes through the three surfaces as a test in another language would: /admin/v1 to set up, /sim/v1
for the phone (the activation code is read from the simulated phone's inbox), /api/v1 for the login page.
Time moves only through ``POST /admin/v1/clock``.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import redis
from conftest import move_clock
from flask import Flask
from flask.testing import FlaskClient

PASSWORD = "Amber-Falcon-Ibkey-17"
UNLOCK = {"android": {"pin": "12ab"}, "ios": {"biometric": True}}
PHONES = {"alice": "+15550100001", "bob": "+15550100002", "carol": "+15550100003"}


class World:
    """The admin, the phones and the login page of one test."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]) -> None:
        self.client = client
        self.headers = headers

    def user(self, name: str, *, phone: bool = True) -> str:
        body = {"username": name, "password": PASSWORD, **({"phone": PHONES[name]} if phone else {})}
        created = self.client.post("/admin/v1/users", json=body, headers=self.headers)
        assert created.status_code == 201, created.get_json()
        return name

    def enrol(self, name: str, platform: str) -> dict[str, Any]:
        enrolled = self.client.post(
            f"/admin/v1/users/{name}/devices",
            json={"type": "ibkey", "platform": platform},
            headers=self.headers,
        )
        assert enrolled.status_code == 201, enrolled.get_json()
        return enrolled.get_json()  # type: ignore[no-any-return]

    def code(self, number: str) -> str:
        inbox = self.client.get(f"/sim/v1/phones/{number}/messages")
        assert inbox.status_code == 200, inbox.get_json()
        texts = [m for m in inbox.get_json()["messages"] if "activation code" in m["text"]]
        return texts[0]["code"]  # type: ignore[no-any-return]  # newest first

    def activate(self, ref: str, name: str, code: str, **unlock: Any) -> Any:
        body = {"username": name, "password": PASSWORD, "activation_code": code, **unlock}
        return self.client.post(f"/sim/v1/ibkey/{ref}/activate", json=body)

    def activated(self, name: str, platform: str) -> str:
        """A user with an active IB Key on a new phone; the phone's id."""
        device_id = self.enrol(name, platform)["device_id"]
        done = self.activate(device_id, name, self.code(PHONES[name]), **UNLOCK[platform])
        assert done.status_code == 200, done.get_json()
        assert done.get_json()["status"] == "active"
        return device_id

    def login(self, name: str) -> dict[str, Any]:
        started = self.client.post("/api/v1/auth/login", json={"username": name, "password": PASSWORD})
        assert started.status_code == 200, started.get_json()
        return started.get_json()  # type: ignore[no-any-return]

    def notifications(self, app: str) -> list[dict[str, Any]]:
        listed = self.client.get(f"/sim/v1/ibkey/{app}/notifications")
        assert listed.status_code == 200, listed.get_json()
        return listed.get_json()["notifications"]  # type: ignore[no-any-return]

    def note_for(self, app: str, txn_id: str) -> dict[str, Any]:
        return next(n for n in self.notifications(app) if n["txn_id"] == txn_id)

    def approve(self, app: str, note: dict[str, Any], match: str, **unlock: Any) -> Any:
        return self.client.post(
            f"/sim/v1/ibkey/{app}/notifications/{note['id']}/approve", json={"match": match, **unlock}
        )

    def deny(self, app: str, note: dict[str, Any], **unlock: Any) -> Any:
        return self.client.post(f"/sim/v1/ibkey/{app}/notifications/{note['id']}/deny", json=unlock)

    def respond(self, app: str, challenge: str, **body: Any) -> Any:
        return self.client.post(f"/sim/v1/ibkey/{app}/respond", json={"challenge": challenge, **body})

    def poll(self, txn_id: str) -> dict[str, Any]:
        polled = self.client.get(f"/api/v1/auth/login/{txn_id}")
        assert polled.status_code == 200, polled.get_json()
        return polled.get_json()  # type: ignore[no-any-return]

    def verify(self, txn_id: str, response: str) -> Any:
        return self.client.post(f"/api/v1/auth/login/{txn_id}/verify", json={"response": response})

    def roam(self, name: str, roaming: bool = True) -> None:
        put = self.client.put(f"/sim/v1/phones/{PHONES[name]}/conditions", json={"roaming": roaming})
        assert put.status_code == 200, put.get_json()

    def events(self, type_: str, user: str | None = None) -> list[dict[str, Any]]:
        query = {"type": type_, **({"user": user} if user else {})}
        page = self.client.get("/admin/v1/events", query_string=query, headers=self.headers)
        assert page.status_code == 200, page.get_json()
        return page.get_json()["events"]  # type: ignore[no-any-return]

    def device(self, name: str, device_id: str) -> dict[str, Any]:
        listed = self.client.get(f"/admin/v1/users/{name}/devices", headers=self.headers).get_json()
        return next(d for d in listed["devices"] if d["device_id"] == device_id)


@pytest.fixture
def world(client: FlaskClient, admin_headers: dict[str, str]) -> World:
    return World(client, admin_headers)


def push_login(world: World, name: str, app: str) -> tuple[dict[str, Any], dict[str, Any]]:
    started = world.login(name)
    factor = started["factor"]
    assert factor["type"] == "ibkey" and factor["mode"] == "push"
    return started, world.note_for(app, started["txn_id"])


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


# --- push login ---------------------------------------------------------------------------------------------


def test_push_approved_with_the_right_number_hands_the_session_out_once(world: World) -> None:
    world.user("alice")
    app = world.activated("alice", "android")
    started, note = push_login(world, "alice", app)
    match = started["factor"]["match"]
    assert len(match) == 2 and 10 <= int(match) <= 99
    assert len(note["candidates"]) == 3 and match in note["candidates"] and note["username"] == "alice"
    assert world.poll(started["txn_id"])["state"] == "pending"

    approved = world.approve(app, note, match, pin="12ab")
    assert approved.status_code == 200 and approved.get_json()["state"] == "approved", approved.get_json()
    first = world.poll(started["txn_id"])
    assert first["state"] == "authenticated" and first["session"]["token"]
    me = world.client.get("/api/v1/session", headers={"Authorization": f"Bearer {first['session']['token']}"})
    assert me.status_code == 200 and me.get_json()["username"] == "alice"
    second = world.poll(started["txn_id"])
    assert second["state"] == "authenticated" and "session" not in second
    assert world.notifications(app) == []
    assert world.events("push.approved", "alice")


def test_a_signed_approval_with_the_wrong_number_is_refused(world: World) -> None:
    world.user("alice")
    app = world.activated("alice", "ios")
    started, note = push_login(world, "alice", app)
    wrong = next(c for c in note["candidates"] if c != started["factor"]["match"])
    refused = world.approve(app, note, wrong, biometric=True)
    assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_response"
    assert refused.get_json()["attempts_left"] == 2
    assert world.poll(started["txn_id"])["state"] == "pending"
    assert world.events("login.second_factor_failed", "alice")
    not_offered = world.approve(app, note, "100", biometric=True)
    assert not_offered.status_code == 400 and not_offered.get_json()["field"] == "match"
    assert world.approve(app, note, started["factor"]["match"], biometric=True).status_code == 200
    assert world.poll(started["txn_id"])["state"] == "authenticated"


def test_deny_ends_the_login(world: World) -> None:
    world.user("alice")
    app = world.activated("alice", "android")
    started, note = push_login(world, "alice", app)
    wrong_pin = world.deny(app, note, pin="99zz")
    assert wrong_pin.status_code == 403 and wrong_pin.get_json()["error"] == "wrong_pin"
    denied = world.deny(app, note, pin="12ab")
    assert denied.status_code == 200 and denied.get_json()["state"] == "denied"
    assert world.poll(started["txn_id"])["state"] == "denied"
    assert world.events("push.denied", "alice")[0]["result"] == "denied"


def test_an_unanswered_push_expires(world: World, app: Flask) -> None:
    world.user("alice")
    phone = world.activated("alice", "ios")
    started, note = push_login(world, "alice", phone)
    ttl = app.extensions["sls"].settings.push_ttl
    move_clock(world.client, world.headers, ttl)
    assert world.poll(started["txn_id"])["state"] == "expired"
    late = world.approve(phone, note, started["factor"]["match"], biometric=True)
    assert late.status_code == 410 and late.get_json()["error"] == "challenge_expired"
    assert world.notifications(phone) == []


def test_a_fourth_push_within_ten_minutes_is_refused(world: World, app: Flask) -> None:
    world.user("alice")
    world.activated("alice", "android")
    nonces = {app.extensions["sls"].steps.load(world.login("alice")["txn_id"])["nonce"] for _ in range(3)}
    assert len(nonces) == 3 and all(len(bytes.fromhex(n)) == 32 for n in nonces)  # 256-bit, never reused
    fourth = world.client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert fourth.status_code == 429 and fourth.get_json()["error"] == "rate_limited"
    assert 0 < fourth.get_json()["retry_after"] <= 600
    assert world.events("push.rate_limited", "alice")
    move_clock(world.client, world.headers, fourth.get_json()["retry_after"])
    assert world.login("alice")["factor"]["mode"] == "push"


# --- challenge/response without notifications ---------------------------------------------------------------


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_roaming_phone_gets_a_challenge_instead_of_a_push(world: World, platform: str) -> None:
    world.user("alice")
    app = world.activated("alice", platform)
    world.roam("alice")
    started = world.login("alice")
    factor = started["factor"]
    assert factor["mode"] == "challenge" and len(factor["challenge"]) == 6 and "match" not in factor
    assert world.notifications(app) == []
    if platform == "android":
        wrong_pin = world.respond(app, factor["challenge"], pin="9zz9")
        assert wrong_pin.status_code == 403 and wrong_pin.get_json()["pin_attempts_left"] == 9
    answered = world.respond(app, factor["challenge"], **UNLOCK[platform])
    assert answered.status_code == 200, answered.get_json()
    done = world.verify(started["txn_id"], answered.get_json()["response"])
    assert done.status_code == 200 and done.get_json()["state"] == "authenticated"
    assert world.verify(started["txn_id"], answered.get_json()["response"]).status_code == 409


def test_notifications_off_means_challenge_mode(world: World) -> None:
    world.user("alice")
    app = world.activated("alice", "android")
    off = world.client.put(f"/sim/v1/ibkey/{app}/settings", json={"notifications": False})
    assert off.status_code == 200 and off.get_json()["notifications"] is False
    started = world.login("alice")
    assert started["factor"]["mode"] == "challenge"
    wrong = world.verify(started["txn_id"], "12345678")
    assert wrong.status_code == 401
    response = world.respond(app, started["factor"]["challenge"], pin="12ab").get_json()["response"]
    assert world.verify(started["txn_id"], response).status_code == 200
    world.client.put(f"/sim/v1/ibkey/{app}/settings", json={"notifications": True})
    assert world.login("alice")["factor"]["mode"] == "push"


@pytest.mark.parametrize("platform", ["android", "ios"])
def test_verify_identity_with_ib_key(world: World, platform: str) -> None:
    """The seed: a task asks for verification, a challenge code is shown, the app (PIN + challenge on
    Android, Touch ID / Face ID on iOS) gives the response string, which is typed back."""
    world.user("alice")
    app = world.activated("alice", platform)
    started, note = push_login(world, "alice", app)
    assert world.approve(app, note, started["factor"]["match"], **UNLOCK[platform]).status_code == 200
    token = world.poll(started["txn_id"])["session"]["token"]
    auth = {"Authorization": f"Bearer {token}"}
    world.roam("alice")  # the seed's flow is the challenge code
    step = world.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=auth)
    assert step.status_code == 200, step.get_json()
    factor = step.get_json()["factor"]
    assert factor["type"] == "ibkey" and factor["mode"] == "challenge"
    response = world.respond(app, factor["challenge"], **UNLOCK[platform]).get_json()["response"]
    verified = world.client.post(
        "/api/v1/verify", json={"txn_id": step.get_json()["txn_id"], "response": response}, headers=auth
    )
    assert verified.status_code == 200 and verified.get_json()["state"] == "verified", verified.get_json()


def test_verify_identity_by_push_approval(world: World) -> None:
    world.user("alice")
    app = world.activated("alice", "ios")
    started, note = push_login(world, "alice", app)
    world.approve(app, note, started["factor"]["match"], biometric=True)
    auth = {"Authorization": f"Bearer {world.poll(started['txn_id'])['session']['token']}"}
    step = world.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=auth).get_json()
    assert step["factor"]["mode"] == "push"
    note = world.note_for(app, step["txn_id"])
    assert note["purpose"] == "withdrawal"
    waiting = world.client.post("/api/v1/verify", json={"txn_id": step["txn_id"]}, headers=auth)
    assert waiting.get_json()["state"] == "pending"
    assert world.approve(app, note, step["factor"]["match"], biometric=True).status_code == 200
    verified = world.client.post("/api/v1/verify", json={"txn_id": step["txn_id"]}, headers=auth)
    assert verified.status_code == 200 and verified.get_json()["state"] == "verified", verified.get_json()


# --- one smartphone per user, several users per smartphone --------------------------------------------------


def test_migrating_to_a_new_phone_stops_the_old_one_at_once(world: World) -> None:
    world.user("alice")
    old = world.activated("alice", "android")
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
    world.user("alice")
    app = world.activated("alice", "ios")
    started, note = push_login(world, "alice", app)
    revoked = world.client.delete(f"/admin/v1/users/alice/devices/{app}", headers=world.headers)
    assert revoked.status_code == 200
    refused = world.approve(app, note, started["factor"]["match"], biometric=True)
    assert refused.status_code == 403 and refused.get_json()["error"] == "device_inactive"
    assert world.poll(started["txn_id"])["state"] == "pending"


# --- the server's check, events, secrets --------------------------------------------------------------------


def test_server_checks_the_signature_over_this_transaction(world: World, app: Flask) -> None:
    """The server's own check, called directly: only the phone's key over this very transaction passes."""
    from devices import ibkey

    world.user("alice")
    phone = world.activated("alice", "android")
    core = app.extensions["sls"]
    factor = core.factors.get("ibkey")
    credential = core.ibkey._apps.load(phone)[0].state.users["alice"]
    started, _ = push_login(world, "alice", phone)
    txn, device = core.steps.load(started["txn_id"]), core.devices.get(phone)
    match, wrong = started["factor"]["match"], f"{(int(started['factor']['match']) + 1) % 90 + 10}"

    def signed(key: bytes = credential.signing_key, **changes: str) -> dict[str, str]:
        fields = {
            "txn_id": txn["txn_id"],
            "username": "alice",
            "device_id": phone,
            "nonce": txn["nonce"],
            "match": match,
            "decision": "approve",
            **changes,
        }
        signature = ibkey.sign(key, ibkey.canonical_transaction(**fields))
        return {"match": fields["match"], "decision": fields["decision"], "signature": signature.hex()}

    def check(answer: dict[str, str]) -> bool:
        return factor.check_approval(device, txn, answer, now=core.clock.now())  # type: ignore[attr-defined]

    assert check(signed()) and check(signed(decision="deny", match=""))
    assert not check(signed(match=wrong))  # validly signed, wrong number
    assert not check(signed(nonce="00" * 32))  # a signature from another push
    assert not check(signed(txn_id="another-login"))
    assert not check(signed(username="bob"))
    assert not check(signed(device_id="ibkey-000000000000"))
    assert not check(signed(key=ibkey.new_signing_key()[0]))
    assert not check({**signed(), "signature": "zz"})
    assert not check({**signed(), "match": wrong})  # the number changed after signing
    assert not check({**signed(), "nonce": "11" * 32})  # an echoed nonce must be this push's
    assert not check({"match": match, "decision": "approve"})


def test_events_tell_the_story_without_secrets(world: World) -> None:
    world.user("alice")
    device_id = world.enrol("alice", "android")["device_id"]
    code = world.code(PHONES["alice"])
    assert world.activate(device_id, "alice", code, pin="12ab").status_code == 200
    started, note = push_login(world, "alice", device_id)
    world.approve(device_id, note, started["factor"]["match"], pin="12ab")
    started, note = push_login(world, "alice", device_id)
    world.deny(device_id, note, pin="12ab")
    for type_ in ("device.enrolled", "device.activated", "push.sent", "push.approved", "push.denied"):
        assert world.events(type_, "alice"), type_
    everything = json.dumps(world.client.get("/admin/v1/events", headers=world.headers).get_json())
    for secret in (code, PASSWORD, "12ab"):
        assert secret not in everything
    assert "signature" not in everything and "nonce" not in everything


def test_no_key_or_code_in_clear_in_redis(world: World, app: Flask, redis_url: str) -> None:
    world.user("alice")
    device_id = world.enrol("alice", "android")["device_id"]
    code = world.code(PHONES["alice"])
    assert world.activate(device_id, "alice", code, pin="12ab").status_code == 200
    credential = app.extensions["sls"].ibkey._apps.load(device_id)[0].state.users["alice"]
    client = redis.Redis.from_url(redis_url)
    dump = b""
    for key in client.scan_iter(match="sls:*"):
        if key.endswith(b":messages"):
            continue  # the phone's inbox holds the text, as a phone does
        kind = client.type(key)
        if kind == b"hash":
            dump += b" ".join(v for kv in client.hgetall(key).items() for v in kv)
    for secret in (credential.signing_key, credential.ocra_key):
        assert secret.hex().encode() not in dump and secret not in dump
    assert code.encode() not in dump and b"12ab" not in dump


# --- the CLI and the OpenAPI document -----------------------------------------------------------------------


def test_cli_drives_the_phone_over_http(sls_serve: Any, tmp_path: Any) -> None:
    """``sls device activate|notifications|approve|ibkey-respond`` against a real ``sls serve``."""
    import requests
    from click.testing import CliRunner
    from conftest import ADMIN_TOKEN

    from sls_server.cli.main import cli

    server = sls_serve(workers=1)
    admin = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
    body = {"username": "alice", "password": PASSWORD, "phone": PHONES["alice"]}
    assert requests.post(f"{server.url}/admin/v1/users", json=body, headers=admin, timeout=10).ok
    enrolled = requests.post(
        f"{server.url}/admin/v1/users/alice/devices",
        json={"type": "ibkey", "platform": "android"},
        headers=admin,
        timeout=10,
    ).json()
    app = enrolled["device_id"]
    inbox = requests.get(f"{server.url}/sim/v1/phones/{PHONES['alice']}/messages", timeout=10).json()
    code = next(m["code"] for m in inbox["messages"] if "activation code" in m["text"])
    env = {"SLS_DATA_DIR": str(tmp_path / "cli"), "SLS_URL": server.url}

    def sls(*args: str) -> Any:
        result = CliRunner().invoke(cli, [*args, "--json"], env=env, prog_name="sls")
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    activated = sls(
        "device",
        "activate",
        app,
        "--username",
        "alice",
        "--password",
        PASSWORD,
        "--code",
        code,
        "--pin",
        "12ab",
    )
    assert activated["status"] == "active"
    login = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=10
    ).json()
    note = sls("device", "notifications", app)["notifications"][0]
    assert note["txn_id"] == login["txn_id"]
    approved = sls("device", "approve", app, note["id"], "--match", login["factor"]["match"], "--pin", "12ab")
    assert approved["state"] == "approved"
    polled = requests.get(f"{server.url}/api/v1/auth/login/{login['txn_id']}", timeout=10).json()
    assert polled["state"] == "authenticated"

    requests.put(
        f"{server.url}/sim/v1/phones/{PHONES['alice']}/conditions", json={"roaming": True}, timeout=10
    )
    login = requests.post(
        f"{server.url}/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}, timeout=10
    ).json()
    answer = sls("device", "ibkey-respond", app, "--challenge", login["factor"]["challenge"], "--pin", "12ab")
    verified = requests.post(
        f"{server.url}/api/v1/auth/login/{login['txn_id']}/verify", json=answer, timeout=10
    )
    assert verified.status_code == 200

    refused = CliRunner().invoke(cli, ["device", "deny", app, note["id"]], env=env, prog_name="sls")
    assert refused.exit_code == 2 and "--pin or --biometric" in refused.stderr
    wrong = CliRunner().invoke(
        cli, ["device", "approve", app, "nope", "--match", "42", "--pin", "12ab"], env=env
    )
    assert wrong.exit_code == 1 and "unknown_notification" in wrong.stderr


def test_answers_match_the_openapi_document(world: World) -> None:
    from test_openapi import Conformance

    c = Conformance(world.client, world.client.get("/openapi.json").get_json())
    world.user("alice")
    enrolled = world.enrol("alice", "ios")
    app, code = enrolled["device_id"], world.code(PHONES["alice"])
    activate, base = "/sim/v1/ibkey/{device_id}/activate", "/sim/v1/ibkey/{device_id}"
    wrong = "11111111" if code == "00000000" else "00000000"
    body = {"username": "alice", "password": PASSWORD, "activation_code": wrong, "biometric": True}
    c.call("post", f"/sim/v1/ibkey/{app}/activate", activate, 401, json=body)
    c.call("post", f"/sim/v1/ibkey/{app}/activate", activate, 400, json={**body, "pin": "1234"})
    c.call("post", f"/sim/v1/ibkey/{app}/activate", activate, 200, json={**body, "activation_code": code})
    c.call("post", f"/sim/v1/ibkey/{app}/activate", activate, 409, json={**body, "activation_code": code})
    c.call("get", f"/sim/v1/ibkey/{app}", base, 200)
    c.call("get", "/sim/v1/ibkey/ibkey-nothing", base, 404)
    started = world.login("alice")
    listed = c.call("get", f"/sim/v1/ibkey/{app}/notifications", f"{base}/notifications", 200)
    note = listed["notifications"][0]["id"]
    approve = f"{base}/notifications/{{notification_id}}/approve"
    c.call("post", f"/sim/v1/ibkey/{app}/notifications/{note}/approve", approve, 400, json={"match": "42x"})
    c.call("post", f"/sim/v1/ibkey/{app}/notifications/nope/approve", approve, 404, json={"match": "42"})
    c.call(
        "post",
        f"/sim/v1/ibkey/{app}/notifications/{note}/approve",
        approve,
        200,
        json={"match": started["factor"]["match"], "biometric": True},
    )
    c.call("put", f"/sim/v1/ibkey/{app}/settings", f"{base}/settings", 200, json={"notifications": False})
    c.call("put", f"/sim/v1/ibkey/{app}/settings", f"{base}/settings", 400, json={"notifications": "no"})
    challenge = world.login("alice")["factor"]["challenge"]
    c.call(
        "post",
        f"/sim/v1/ibkey/{app}/respond",
        f"{base}/respond",
        200,
        json={"challenge": challenge, "biometric": True},
    )
    c.call(
        "post",
        f"/sim/v1/ibkey/{app}/users",
        f"{base}/users",
        401,
        json={"username": "bob", "password": "x" * 9},
    )
    world.user("bob")
    c.call(
        "post",
        f"/sim/v1/ibkey/{app}/users",
        f"{base}/users",
        201,
        json={"username": "bob", "password": PASSWORD},
    )
    assert len(c.checked) == 15


# --- M2FS ------------------------------------------------------------------------------------------------


def test_m2fs_switch_from_a_push_to_the_card_and_the_default_is_remembered(world: World) -> None:
    name = world.user("alice")
    app = world.activated(name, "android")
    card = world.client.post(
        f"/admin/v1/users/{name}/devices", json={"type": "dscplus", "pin": "1234"}, headers=world.headers
    ).get_json()
    started = world.login(name)
    assert {f["type"] for f in started["factors"]} == {"ibkey", "dscplus"}
    to_push = world.client.post(f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "ibkey"})
    assert to_push.get_json()["factor"]["mode"] == "push"
    switched = world.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor",
        json={"type": "dscplus", "device_id": card["device_id"]},
    )
    assert switched.status_code == 200
    challenge = switched.get_json()["factor"]["challenge"]
    answer = world.client.post(
        f"/sim/v1/dscplus/{card['device_id']}/respond", json={"pin": "1234", "challenge": challenge}
    ).get_json()["response"]
    assert world.verify(started["txn_id"], answer).status_code == 200  # no longer waiting for the push
    note = world.note_for(app, started["txn_id"])
    late = world.approve(app, note, note["candidates"][0], pin=UNLOCK["android"]["pin"])
    assert late.status_code in (404, 409), late.get_json()  # the login is settled: the push can't be used
    assert world.login(name)["factor"]["type"] == "dscplus"  # the card is now the remembered default
