"""Step-up ("verify your identity") inside a session, the sensitive tasks it guards, temporary passcodes,
shared cards and the notices sent to the user's phone."""

from __future__ import annotations

from conftest import ADMIN_TOKEN, EnrolledUser, move_clock

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _step_up(user: EnrolledUser, token: str, purpose: str) -> dict:
    opened = user.client.post("/api/v1/verify", json={"purpose": purpose}, headers=_bearer(token))
    assert opened.status_code == 200, opened.get_json()
    body = opened.get_json()
    assert body["state"] == "second_factor" and body["factor"]["type"] == "dscplus"
    answer = user.card_response(body["factor"]["challenge"])
    done = user.client.post(
        "/api/v1/verify", json={"txn_id": body["txn_id"], "response": answer}, headers=_bearer(token)
    )
    assert done.status_code == 200, done.get_json()
    return done.get_json()


def test_withdrawal_needs_a_fresh_verification(alice: EnrolledUser) -> None:
    token = alice.log_in()
    refused = alice.client.post("/api/v1/withdrawals", json={"amount": 100}, headers=_bearer(token))
    assert refused.status_code == 401 and refused.get_json()["error"] == "reauth_required"
    verified = _step_up(alice, token, "withdrawal")
    assert verified["state"] == "verified" and verified["purpose"] == "withdrawal"
    new_token = verified["session"]["token"]
    assert new_token != token  # rotated on step-up
    assert alice.client.get("/api/v1/session", headers=_bearer(token)).status_code == 401
    accepted = alice.client.post("/api/v1/withdrawals", json={"amount": 100}, headers=_bearer(new_token))
    assert accepted.status_code == 200 and accepted.get_json()["state"] == "accepted"
    other = alice.client.post(
        "/api/v1/account/phone", json={"phone": "+15550001111"}, headers=_bearer(new_token)
    )
    assert (
        other.get_json()["error"] == "reauth_required"
    )  # verified for a withdrawal, not for contact changes


def test_a_verification_goes_stale(alice: EnrolledUser) -> None:
    """Unspent, a withdrawal's step-up counts for SLS_STEPUP_VALIDITY (300 s) and not a second more (one
    withdrawal spends it: ``test_stepup_spent.py``)."""
    token = _step_up(alice, alice.log_in(), "withdrawal")["session"]["token"]
    move_clock(alice.client, ADMIN, 299)
    assert (
        alice.client.post("/api/v1/withdrawals", json={"amount": 5}, headers=_bearer(token)).status_code
        == 200
    )
    token = _step_up(alice, token, "withdrawal")["session"]["token"]
    move_clock(alice.client, ADMIN, 300)
    stale = alice.client.post("/api/v1/withdrawals", json={"amount": 5}, headers=_bearer(token))
    assert stale.status_code == 401 and stale.get_json()["error"] == "reauth_required"


def test_step_up_needs_a_session_and_a_known_purpose(alice: EnrolledUser) -> None:
    assert alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}).status_code == 401
    token = alice.log_in()
    bad = alice.client.post("/api/v1/verify", json={"purpose": "launch_rockets"}, headers=_bearer(token))
    assert bad.status_code == 400 and bad.get_json()["field"] == "purpose"


def test_a_step_up_cannot_be_finished_by_another_session_or_used_to_log_in(
    alice: EnrolledUser, enrol
) -> None:
    bob = enrol("bob", "4321")
    alice_token, bob_token = alice.log_in(), bob.log_in()
    opened = alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=_bearer(alice_token))
    txn = opened.get_json()
    answer = alice.card_response(txn["factor"]["challenge"])
    stolen = bob.client.post(
        "/api/v1/verify", json={"txn_id": txn["txn_id"], "response": answer}, headers=_bearer(bob_token)
    )
    assert stolen.status_code == 404
    as_login = alice.client.post(
        f"/api/v1/auth/login/{txn['txn_id']}/verify",
        json={"response": answer},
        headers={"X-Login-Token": "any-login-token"},
    )
    assert as_login.status_code == 404


def test_a_replayed_step_up_answer_is_told_it_was_used_as_a_login_answer_is(alice: EnrolledUser) -> None:
    """The same 409 ``challenge_used`` a replayed login response gets, although the session's token rotated
    when the step-up succeeded (the step belongs to the session before the rotation)."""
    token = alice.log_in()
    opened = alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=_bearer(token))
    body = opened.get_json()
    answer = {"txn_id": body["txn_id"], "response": alice.card_response(body["factor"]["challenge"])}
    done = alice.client.post("/api/v1/verify", json=answer, headers=_bearer(token))
    rotated = done.get_json()["session"]["token"]
    replayed = alice.client.post("/api/v1/verify", json=answer, headers=_bearer(rotated))
    assert replayed.status_code == 409 and replayed.get_json()["error"] == "challenge_used", (
        replayed.get_json()
    )


def test_wrong_step_up_response_counts_like_a_login(alice: EnrolledUser) -> None:
    token = alice.log_in()
    txn = alice.client.post(
        "/api/v1/verify", json={"purpose": "withdrawal"}, headers=_bearer(token)
    ).get_json()
    right = alice.card_response(txn["factor"]["challenge"])
    wrong = f"{(int(right) + 1) % 10**8:08d}"
    failed = alice.client.post(
        "/api/v1/verify", json={"txn_id": txn["txn_id"], "response": wrong}, headers=_bearer(token)
    )
    assert failed.status_code == 401 and failed.get_json()["attempts_left"] == 2


def test_temporary_passcode_for_a_lost_card(alice: EnrolledUser) -> None:
    alice.client.delete(f"/admin/v1/users/alice/devices/{alice.device_id}", headers=ADMIN)  # card lost
    issued = alice.client.post(
        "/admin/v1/users/alice/devices", json={"type": "temporary", "days": 2}, headers=ADMIN
    )
    assert issued.status_code == 201
    passcode = issued.get_json()["passcode"]
    started = alice.start_login()
    assert started["factor"]["type"] == "temporary"
    assert passcode not in str(started)
    assert alice.verify(started["txn_id"], passcode.lower()).status_code == 200
    assert [
        e["type"]
        for e in alice.client.get(
            "/admin/v1/events?type=device.enrolled&user=alice", headers=ADMIN
        ).get_json()["events"]
    ] == ["device.enrolled"] * 2
    move_clock(alice.client, ADMIN, 2 * 86400)
    lapsed = alice.client.post("/api/v1/auth/login", json={"username": "alice", "password": alice.password})
    assert lapsed.status_code == 403 and lapsed.get_json()["error"] == "no_second_factor"


def test_a_card_shared_by_two_users(alice: EnrolledUser, client) -> None:
    client.post(
        "/admin/v1/users", json={"username": "omar", "password": "Correct-Horse-4-Battery"}, headers=ADMIN
    )
    shared = client.post(
        "/admin/v1/users/omar/devices",
        json={"type": "dscplus", "share_device_id": alice.device_id},
        headers=ADMIN,
    )
    assert shared.status_code == 201 and shared.get_json()["shared_with"] == ["omar"]
    omar = EnrolledUser.__new__(EnrolledUser)
    omar.client, omar.username, omar.password, omar.pin = client, "omar", "Correct-Horse-4-Battery", "1234"
    omar.card, omar.device_id = alice.card, alice.device_id
    assert omar.log_in() and alice.log_in()
    challenges = {omar.start_login()["factor"]["challenge"] for _ in range(8)} | {
        alice.start_login()["factor"]["challenge"] for _ in range(8)
    }  # (within the card's issuance limit, SLS_CHALLENGE_ISSUE_LIMIT: 20 per 10 minutes)
    assert len(challenges) == 16  # one card: never the same challenge twice, whoever logs in
    client.delete(f"/admin/v1/users/omar/devices/{alice.device_id}", headers=ADMIN)  # omar gives it back
    assert (
        client.post("/api/v1/auth/login", json={"username": "omar", "password": omar.password}).status_code
        == 403
    )
    assert alice.log_in()


def test_step_up_prompts_the_factor_the_user_logged_in_with(alice: EnrolledUser, client) -> None:
    """M2FS: alice has a card (enrolled first) and a TOTP app; she logs in with the app, so "verify your
    identity" must ask for the app too, not the oldest factor (a bug a newcomer found)."""
    app = client.post("/admin/v1/users/alice/devices", json={"type": "totp"}, headers=ADMIN).get_json()
    started = alice.start_login()
    assert started["factor"]["type"] == "dscplus"  # the oldest, as nothing was used yet
    switched = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "totp", "device_id": app["device_id"]}
    )
    assert switched.status_code == 200, switched.get_json()
    code = client.get(f"/sim/v1/totp/{app['device_id']}/code").get_json()["code"]
    done = alice.verify(started["txn_id"], code)
    assert done.status_code == 200, done.get_json()
    step = client.post(
        "/api/v1/verify", json={"purpose": "withdrawal"}, headers=_bearer(done.get_json()["session"]["token"])
    ).get_json()
    assert step["factor"]["type"] == "totp" and step["factor"]["device_id"] == app["device_id"]


def test_a_call_starts_or_finishes_a_step_up_never_both(alice: EnrolledUser) -> None:
    """Fields of the other kind were ignored: a response beside purpose started a new step-up (the answer
    dropped), and a purpose or type beside txn_id was answered as a plain finish or poll."""
    auth = _bearer(alice.log_in())
    opened = alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=auth).get_json()
    refusals = [
        ({"purpose": "withdrawal", "response": "12345678"}, "response"),
        ({"txn_id": opened["txn_id"], "response": "12345678", "purpose": "change_contact"}, "purpose"),
        ({"txn_id": opened["txn_id"], "type": "sms"}, "type"),
    ]
    for body, field in refusals:
        refused = alice.client.post("/api/v1/verify", json=body, headers=auth)
        assert refused.status_code == 400 and refused.get_json()["field"] == field, (body, refused.get_json())
    issued = alice.client.get("/admin/v1/events?type=stepup.challenge_issued", headers=ADMIN).get_json()
    assert len(issued["events"]) == 1  # nothing started, nothing answered
    done = alice.client.post(
        "/api/v1/verify",
        json={"txn_id": opened["txn_id"], "response": alice.card_response(opened["factor"]["challenge"])},
        headers=auth,
    )
    assert done.status_code == 200, done.get_json()  # no attempt was spent by the refusals


def test_a_shared_card_is_enrolled_without_a_pin_of_its_own(alice: EnrolledUser) -> None:
    """The PIN beside share_device_id was silently ignored (the card keeps its owner's): now a 400 naming
    it, and nothing enrolled."""
    created = alice.client.post(
        "/admin/v1/users", json={"username": "bob", "password": alice.password}, headers=ADMIN
    )
    assert created.status_code == 201
    body = {"type": "dscplus", "share_device_id": alice.device_id, "pin": "9999"}
    refused = alice.client.post("/admin/v1/users/bob/devices", json=body, headers=ADMIN)
    assert refused.status_code == 400 and refused.get_json()["field"] == "pin", refused.get_json()
    assert alice.client.get("/admin/v1/users/bob/devices", headers=ADMIN).get_json()["devices"] == []
