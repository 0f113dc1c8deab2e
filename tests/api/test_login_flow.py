"""The DSC+ login flow through the Flask test client, per the contract (the OpenAPI document)."""

from __future__ import annotations

from conftest import EnrolledUser, move_clock
from freezegun import freeze_time

from sls_devices.ocra import ocra


def test_full_flow_password_challenge_card_response_session(alice: EnrolledUser) -> None:
    started = alice.start_login()
    assert started["state"] == "second_factor"
    assert started["factor"]["type"] == "dscplus"
    assert started["factor"]["device_id"] == alice.device_id
    challenge = started["factor"]["challenge"]
    assert len(challenge) == 6 and challenge.isdigit()
    assert started["factors"] == [
        {"type": "dscplus", "device_id": alice.device_id, "label": alice.card["label"]}
    ]

    done = alice.verify(started["txn_id"], alice.card_response(challenge))
    assert done.status_code == 200
    body = done.get_json()
    assert body["state"] == "authenticated"
    token = body["session"]["token"]
    cookie = done.headers["Set-Cookie"]
    assert cookie.startswith(f"sls_session={token};")
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in cookie

    me = alice.client.get("/api/v1/session")  # by cookie
    assert me.status_code == 200
    assert me.get_json()["username"] == "alice"
    assert me.get_json()["factor"] == "dscplus"


def test_response_computed_from_the_enrolment_key_with_any_ocra_implementation(alice: EnrolledUser) -> None:
    started = alice.start_login()
    key = bytes.fromhex(alice.card["secret_hex"])
    assert len(key) == 32
    assert alice.card["suite"] == "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"
    response = ocra(alice.card["suite"], key, started["factor"]["challenge"], pin="1234")
    assert alice.verify(started["txn_id"], response).status_code == 200


def test_bearer_token_session_tickle_and_logout(alice: EnrolledUser) -> None:
    token = alice.log_in()
    alice.client.delete_cookie("sls_session")
    bearer = {"Authorization": f"Bearer {token}"}
    assert alice.client.get("/api/v1/session").status_code == 401
    assert alice.client.get("/api/v1/session", headers=bearer).status_code == 200
    assert alice.client.post("/api/v1/session/tickle", headers=bearer).get_json()["username"] == "alice"
    assert alice.client.post("/api/v1/auth/logout", headers=bearer).status_code == 200
    dead = alice.client.get("/api/v1/session", headers=bearer)
    assert dead.status_code == 401
    assert dead.get_json()["error"] == "not_authenticated"


def test_wrong_response_counts_down_then_the_transaction_is_dead(alice: EnrolledUser) -> None:
    started = alice.start_login()
    right = alice.card_response(started["factor"]["challenge"])
    wrong = f"{(int(right) + 1) % 10**8:08d}"
    for left in (2, 1, 0):
        failed = alice.verify(started["txn_id"], wrong)
        assert failed.status_code == 401
        assert failed.get_json() == {
            "error": "invalid_response",
            "attempts_left": left,
            "message": failed.get_json()["message"],
        }
    after = alice.verify(started["txn_id"], right)
    assert after.status_code == 410
    assert after.get_json()["error"] == "challenge_expired"


def test_wrong_pin_on_the_card_gives_a_response_the_server_refuses(alice: EnrolledUser) -> None:
    started = alice.start_login()
    response = alice.client.post(
        f"/sim/v1/dscplus/{alice.device_id}/respond",
        json={"pin": "9999", "challenge": started["factor"]["challenge"]},
    )
    assert response.status_code == 403
    assert response.get_json()["pin_attempts_left"] == 2


def test_expired_challenge_after_moving_the_admin_clock(alice: EnrolledUser, admin_headers: dict) -> None:
    started = alice.start_login()
    response = alice.card_response(started["factor"]["challenge"])
    move_clock(alice.client, admin_headers, 301)
    expired = alice.verify(started["txn_id"], response)
    assert expired.status_code == 410
    assert expired.get_json()["error"] == "challenge_expired"
    assert alice.client.get(f"/api/v1/auth/login/{started['txn_id']}").get_json()["state"] == "expired"


def test_challenge_still_valid_one_second_before_expiry(alice: EnrolledUser, admin_headers: dict) -> None:
    started = alice.start_login()
    move_clock(alice.client, admin_headers, 299)
    assert (
        alice.verify(started["txn_id"], alice.card_response(started["factor"]["challenge"])).status_code
        == 200
    )


def test_freezegun_controls_the_app_clock(alice: EnrolledUser) -> None:
    with freeze_time("2030-01-01 12:00:00") as frozen:
        started = alice.start_login()
        assert started["expires_at"] == 1893499200 + 300
        response = alice.card_response(started["factor"]["challenge"])
        frozen.tick(300)
        assert alice.verify(started["txn_id"], response).status_code == 410


def test_replayed_response_is_refused(alice: EnrolledUser) -> None:
    started = alice.start_login()
    response = alice.card_response(started["factor"]["challenge"])
    assert alice.verify(started["txn_id"], response).status_code == 200
    replay = alice.verify(started["txn_id"], response)
    assert replay.status_code == 409
    assert replay.get_json()["error"] == "challenge_used"


def test_response_for_another_logins_challenge_is_refused(alice: EnrolledUser) -> None:
    first = alice.start_login()
    second = alice.start_login()
    assert first["factor"]["challenge"] != second["factor"]["challenge"]
    stolen = alice.card_response(first["factor"]["challenge"])
    refused = alice.verify(second["txn_id"], stolen)
    assert refused.status_code == 401
    assert refused.get_json()["error"] == "invalid_response"
    assert alice.verify(first["txn_id"], stolen).status_code == 200


def test_unknown_user_and_wrong_password_are_byte_identical(alice: EnrolledUser) -> None:
    wrong_password = alice.client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": "nope-nope-1"}
    )
    unknown_user = alice.client.post(
        "/api/v1/auth/login", json={"username": "mallory", "password": "nope-nope-1"}
    )
    odd_username = alice.client.post("/api/v1/auth/login", json={"username": "!!", "password": "nope-nope-1"})
    assert wrong_password.status_code == unknown_user.status_code == odd_username.status_code == 401
    assert wrong_password.data == unknown_user.data == odd_username.data
    assert wrong_password.get_json()["error"] == "invalid_credentials"


def test_password_is_checked_exactly_as_typed(alice: EnrolledUser) -> None:
    for attempt in (alice.password.upper(), alice.password[:-1], alice.password + " "):
        refused = alice.client.post("/api/v1/auth/login", json={"username": "alice", "password": attempt})
        assert refused.status_code == 401
    assert (
        alice.client.post(
            "/api/v1/auth/login", json={"username": "ALICE", "password": alice.password}
        ).status_code
        == 200
    )


def test_user_without_second_factor_cannot_log_in(client, admin_headers) -> None:
    created = client.post(
        "/admin/v1/users",
        json={"username": "carol", "password": "no-card-for-this-one-9"},
        headers=admin_headers,
    )
    assert created.status_code == 201
    refused = client.post(
        "/api/v1/auth/login", json={"username": "carol", "password": "no-card-for-this-one-9"}
    )
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "no_second_factor"


def test_revoked_card_cannot_finish_a_login_even_with_a_right_response(
    alice: EnrolledUser, admin_headers
) -> None:
    started = alice.start_login()
    response = alice.card_response(started["factor"]["challenge"])
    revoked = alice.client.delete(f"/admin/v1/users/alice/devices/{alice.device_id}", headers=admin_headers)
    assert revoked.get_json()["status"] == "revoked"
    refused = alice.verify(started["txn_id"], response)
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "device_inactive"
    no_factor = alice.client.post(
        "/api/v1/auth/login", json={"username": "alice", "password": alice.password}
    )
    assert no_factor.get_json()["error"] == "no_second_factor"


def test_unknown_transaction(client) -> None:
    bound = {"X-Login-Token": "some-login-token"}
    verify = client.post("/api/v1/auth/login/nope/verify", json={"response": "12345678"}, headers=bound)
    assert verify.status_code == 404
    assert client.get("/api/v1/auth/login/nope", headers=bound).get_json()["error"] == "unknown_transaction"
    unbound = client.get("/api/v1/auth/login/alice~AAAAAAAAAAAAAAAAAAAAAAAA")
    assert unbound.status_code == 401 and unbound.get_json()["error"] == "login_binding_required"


def test_login_status_moves_from_pending_to_authenticated(alice: EnrolledUser) -> None:
    started = alice.start_login()
    status_url = f"/api/v1/auth/login/{started['txn_id']}"
    assert alice.client.get(status_url).get_json()["state"] == "pending"
    alice.verify(started["txn_id"], alice.card_response(started["factor"]["challenge"]))
    assert alice.client.get(status_url).get_json()["state"] == "authenticated"
    assert "session" not in alice.client.get(status_url).get_json()


def test_a_switch_names_the_field_that_names_nothing_usable(alice: EnrolledUser) -> None:
    """A wrong device id of a type the user has is the device id's fault, not the type's; a type the user
    lacks is the type's. Either way the login goes on as it was."""
    started = alice.start_login()
    headers = {"X-Login-Token": started["login_token"]}
    path = f"/api/v1/auth/login/{started['txn_id']}/factor"
    for body, field in (
        ({"type": "dscplus", "device_id": "dscplus-000000000000"}, "device_id"),
        ({"type": "totp"}, "type"),
        ({"type": "totp", "device_id": started["factor"]["device_id"]}, "type"),
    ):
        refused = alice.client.post(path, json=body, headers=headers)
        assert refused.status_code == 400 and refused.get_json()["field"] == field, (body, refused.get_json())
    done = alice.verify(started["txn_id"], alice.card_response(started["factor"]["challenge"]))
    assert done.status_code == 200, done.get_json()


def test_an_answer_of_the_wrong_form_is_refused_saying_the_form(alice: EnrolledUser) -> None:
    """It said 'response does not have the form a dscplus gives': what form, it did not say."""
    started = alice.start_login()
    refused = alice.verify(started["txn_id"], "123")
    assert refused.status_code == 400
    assert refused.get_json() == {
        "error": "invalid_request",
        "message": "response must be 8 digits (Digital Security Card+)",
        "field": "response",
    }
    assert (
        alice.verify(started["txn_id"], alice.card_response(started["factor"]["challenge"])).status_code
        == 200
    )
