"""IB Key logins over HTTP: push with number matching, challenge/response when the phone roams or has
notifications off, verify identity, the server's signature check, events, secrets at rest, the CLI
and the OpenAPI document. Time moves only through ``POST /admin/v1/clock``."""

from __future__ import annotations

import pytest
from conftest import move_clock, words
from flask import Flask
from ibkey_world import PASSWORD, PHONES, UNLOCK, World, ibkey_world, push_login  # noqa: F401  (the world fixture)

from sls_server.store import connect

# --- push login ---------------------------------------------------------------------------------------------


def test_push_approved_with_the_right_number_hands_the_session_out_once(world: World) -> None:
    app = world.activated_user("alice", "android")
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


def test_a_push_the_app_sees_before_its_login_is_stored_is_kept(world: World, redis_url: str) -> None:
    """The push reaches the app in the login's own round trip, but before the login is stored (other keys,
    other slots): an app looking in between must not drop it as stale, or the login waits on a phone that
    never shows it (seen in a CI run). Here the login is taken away while the app looks, then put back."""
    app = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", app)
    redis = connect(redis_url)
    try:
        key = next(k for k in redis.scan_iter(match="sls:{u:alice}:login:*") if started["txn_id"] in str(k))
        stored = redis.hgetall(key)
        redis.delete(key)  # the app looks before the login is stored
        assert [n["id"] for n in world.notifications(app)] == [note["id"]]
        redis.hset(key, mapping=stored)  # the login's write lands
    finally:
        redis.close()
    approved = world.approve(app, note, started["factor"]["match"], pin="12ab")
    assert approved.status_code == 200, approved.get_json()
    assert world.poll(started["txn_id"])["state"] == "authenticated"


def test_a_signed_approval_with_the_wrong_number_ends_the_login(world: World) -> None:
    """Number matching stops an approval given without looking only if a wrong pick ends the login: with three
    numbers and three attempts, trying each in turn would always get in."""
    app = world.activated_user("alice", "ios")
    started, note = push_login(world, "alice", app)
    not_offered = world.approve(app, note, "100", biometric=True)
    assert not_offered.status_code == 400 and not_offered.get_json()["field"] == "match"
    assert world.poll(started["txn_id"])["state"] == "pending", (
        "a number never shown is bad input, no attempt"
    )
    wrong = next(c for c in note["candidates"] if c != started["factor"]["match"])
    refused = world.approve(app, note, wrong, biometric=True)
    assert refused.status_code == 401 and refused.get_json()["error"] == "invalid_response"
    assert refused.get_json()["attempts_left"] == 0
    assert "number picked" in refused.get_json()["message"]  # a push has no challenge to mismatch
    assert world.events("login.second_factor_failed", "alice")
    right = world.approve(app, note, started["factor"]["match"], biometric=True)
    assert right.status_code != 200, right.get_json()
    assert world.poll(started["txn_id"])["state"] != "authenticated"


def test_a_resent_push_replaces_the_one_before_it(world: World) -> None:
    app = world.activated_user("alice", "android")
    started, stale = push_login(world, "alice", app)
    other_app = world.activated_user("bob", "android")
    _, bobs = push_login(world, "bob", other_app)
    resent = world.client.post(f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "ibkey"})
    assert resent.status_code == 200, resent.get_json()
    match = resent.get_json()["factor"]["match"]
    inbox = world.notifications(app)
    assert [n["txn_id"] for n in inbox] == [started["txn_id"]]  # one push per login: the stale one is gone
    assert inbox[0]["id"] != stale["id"] and match in inbox[0]["candidates"]
    assert [n["id"] for n in world.notifications(other_app)] == [bobs["id"]]  # another login's push stays
    gone = world.approve(app, stale, stale["candidates"][0], pin="12ab")
    assert gone.status_code == 404, gone.get_json()  # tapping the old push costs the login no attempt
    approved = world.approve(app, inbox[0], match, pin="12ab")
    assert approved.status_code == 200, approved.get_json()
    assert world.poll(started["txn_id"])["state"] == "authenticated"


def test_deny_ends_the_login(world: World) -> None:
    app = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", app)
    wrong_pin = world.deny(app, note, pin="99zz")
    assert wrong_pin.status_code == 403 and wrong_pin.get_json()["error"] == "wrong_pin"
    denied = world.deny(app, note, pin="12ab")
    assert denied.status_code == 200 and denied.get_json()["state"] == "denied"
    assert world.poll(started["txn_id"])["state"] == "denied"
    assert world.events("push.denied", "alice")[0]["result"] == "denied"


def test_an_unanswered_push_expires(world: World, app: Flask) -> None:
    """Tapped on the phone after its expiry, a push is ``410``; once the phone's list has been read past its
    expiry it is gone from the phone, and an answer to it is ``404 unknown_notification``."""
    phone = world.activated_user("alice", "ios")
    started, note = push_login(world, "alice", phone)
    ttl = app.extensions["sls"].settings.push_ttl
    move_clock(world.client, world.headers, ttl)
    assert world.poll(started["txn_id"])["state"] == "expired"
    late = world.approve(phone, note, started["factor"]["match"], biometric=True)
    assert late.status_code == 410 and late.get_json()["error"] == "challenge_expired"
    assert world.notifications(phone) == []
    gone = world.deny(phone, note, biometric=True)
    assert gone.status_code == 404 and gone.get_json()["error"] == "unknown_notification"


def test_past_three_pushes_in_ten_minutes_the_login_asks_for_a_challenge_instead(
    world: World, app: Flask
) -> None:
    """The push limit stops the buzzing, not the user: a login past it is answered in the app by
    challenge/response (the broker's "IB Key without notifications"), so a flood of pushes cannot lock the
    owner of the phone out."""
    phone = world.activated_user("alice", "android")
    nonces = {app.extensions["sls"].steps.load(world.login("alice")["txn_id"]).nonce for _ in range(3)}
    assert len(nonces) == 3 and all(len(bytes.fromhex(n)) == 32 for n in nonces)  # 256-bit, never reused
    fourth = world.login("alice")
    assert fourth["factor"]["mode"] == "challenge" and fourth["factor"]["reason"] == "push_limited"
    assert len(world.notifications(phone)) == 3, "no fourth notification"
    assert world.events("push.rate_limited", "alice")
    response = world.respond(phone, fourth["factor"]["challenge"], username="alice", **UNLOCK["android"])
    assert response.status_code == 200, response.get_json()
    assert world.verify(fourth["txn_id"], response.get_json()["response"]).status_code == 200
    move_clock(world.client, world.headers, 600)
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
    app = world.activated_user("alice", "android")
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
    app = world.activated_user("alice", "ios")
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


# --- the server's check, events, secrets --------------------------------------------------------------------


def test_server_checks_the_signature_over_this_transaction(world: World, app: Flask) -> None:
    """The server's own check, called directly: only the phone's key over this very transaction passes."""
    from sls_devices import ibkey

    phone = world.activated_user("alice", "android")
    core = app.extensions["sls"]
    factor = core.factors.get("ibkey")
    credential = core.ibkey._apps.load(phone)[0].state.users["alice"]
    started, _ = push_login(world, "alice", phone)
    txn, device = core.steps.load(started["txn_id"]), core.devices.get(phone)
    match, wrong = started["factor"]["match"], f"{(int(started['factor']['match']) + 1) % 90 + 10}"

    def signed(key: bytes = credential.signing_key, **changes: str) -> dict[str, str]:
        fields = {
            "txn_id": txn.txn_id,
            "username": "alice",
            "device_id": phone,
            "nonce": txn.nonce,
            "match": match,
            "decision": "approve",
            **changes,
        }
        signature = ibkey.sign(key, ibkey.canonical_transaction(**fields))
        return {"match": fields["match"], "decision": fields["decision"], "signature": signature.hex()}

    def check(answer: dict[str, str]) -> bool:
        verdict = factor.check_approval(device, txn, answer, now=core.clock.now())  # type: ignore[attr-defined]
        assert verdict in ("valid", "wrong_number", "forged")
        return bool(verdict == "valid")

    assert check(signed()) and check(signed(decision="deny", match=""))
    assert factor.check_approval(device, txn, signed(match=wrong), now=core.clock.now()) == "wrong_number"  # type: ignore[attr-defined]
    assert not check(signed(match=wrong))  # validly signed, wrong number
    assert not check(signed(nonce="00" * 32))  # a signature from another push
    assert not check(signed(txn_id="another-login"))
    assert not check(signed(username="bob"))
    assert not check(signed(device_id="ibkey-000000000000"))
    assert not check(signed(key=ibkey.new_signing_key()[0]))
    assert not check({**signed(), "signature": "zz"})
    assert not check({**signed(), "match": wrong})  # the number changed after signing
    assert factor.check_approval(device, txn, {**signed(), "match": wrong}, now=core.clock.now()) == "forged"  # type: ignore[attr-defined]
    assert not check({**signed(), "nonce": "11" * 32})  # an echoed nonce must be this push's
    assert not check({"match": match, "decision": "approve"})


def test_no_key_or_code_in_clear_in_redis(world: World, app: Flask, redis_url: str) -> None:
    world.user("alice")
    device_id = world.enrol("alice", "android")["device_id"]
    code = world.code(PHONES["alice"])
    assert world.activate(device_id, "alice", code, pin="12ab").status_code == 200
    credential = app.extensions["sls"].ibkey._apps.load(device_id)[0].state.users["alice"]
    client = connect(redis_url)  # any topology; replies decoded, as the store reads them
    dump = b""
    for key in client.scan_iter(match="sls:*"):
        if key.endswith(":messages"):
            continue  # the phone's inbox holds the text, as a phone does
        kind = client.type(key)
        if kind == "hash":
            dump += " ".join(v for kv in client.hgetall(key).items() for v in kv).encode() + b" "
    for secret in (credential.signing_key, credential.ocra_key):
        assert secret.hex().encode() not in dump and secret not in dump
    assert code.encode() not in dump and "12ab" not in words(dump.decode())  # the PIN: hex, as the ids are


# --- the OpenAPI document --------------------------------------------------------------------------------


def test_answers_match_the_openapi_document(world: World) -> None:
    from spec_conformance import Conformance

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


def test_a_response_to_a_push_step_is_a_documented_409_wrong_mode(world: World) -> None:
    """Integrator audit: a client that answers every step with ``/verify`` got 409 ``wrong_mode`` on a push
    step, at login and at step-up, and /openapi.json named no such code for either route."""
    from spec_conformance import Conformance

    c = Conformance(world.client, world.client.get("/openapi.json").get_json())
    app = world.activated_user("alice", "android")
    started, note = push_login(world, "alice", app)
    verify = "/api/v1/auth/login/{txn_id}/verify"
    refused = c.call("post", verify.format(**started), verify, 409, json={"response": "12345678"})
    assert refused["error"] == "wrong_mode"
    assert world.approve(app, note, started["factor"]["match"], **UNLOCK["android"]).status_code == 200
    bearer = {"Authorization": f"Bearer {world.poll(started['txn_id'])['session']['token']}"}
    step = world.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=bearer).get_json()
    assert step["factor"]["mode"] == "push"
    answer = {"txn_id": step["txn_id"], "response": "12345678"}
    refused = c.call("post", "/api/v1/verify", "/api/v1/verify", 409, json=answer, headers=bearer)
    assert refused["error"] == "wrong_mode"
