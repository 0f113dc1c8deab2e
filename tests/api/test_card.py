"""The simulated DSC+ card over /sim/v1 and the server's challenge bookkeeping."""

from __future__ import annotations

from conftest import EnrolledUser

from sls_devices.ocra import encoded_question_key


def _respond(user: EnrolledUser, pin: str, challenge: str = "123456"):
    return user.client.post(
        f"/sim/v1/dscplus/{user.device_id}/respond", json={"pin": pin, "challenge": challenge}
    )


def test_card_locks_itself_after_three_wrong_pins_until_admin_reset(
    alice: EnrolledUser, admin_headers
) -> None:
    assert [_respond(alice, "0000").get_json()["pin_attempts_left"] for _ in range(3)] == [2, 1, 0]
    locked = _respond(alice, "1234")
    assert locked.status_code == 423
    assert locked.get_json()["error"] == "card_locked"
    status = alice.client.get(f"/sim/v1/dscplus/{alice.device_id}").get_json()
    assert status["locked"] is True and status["pin_attempts_left"] == 0
    events = alice.client.get("/admin/v1/events?type=card.pin_locked", headers=admin_headers).get_json()
    assert [e["device_id"] for e in events["events"]] == [alice.device_id]

    reset = alice.client.post(f"/admin/v1/devices/{alice.device_id}/reset", headers=admin_headers)
    assert reset.status_code == 200 and reset.get_json()["locked"] is False
    assert _respond(alice, "1234").status_code == 200


def test_right_pin_resets_the_wrong_pin_count(alice: EnrolledUser) -> None:
    _respond(alice, "0000")
    _respond(alice, "0000")
    assert _respond(alice, "1234").status_code == 200
    assert _respond(alice, "0000").get_json()["pin_attempts_left"] == 2


def test_pin_attempts_are_configurable(app_config) -> None:
    from flask.testing import FlaskClient

    from sls_server import create_app

    client: FlaskClient = create_app({**app_config, "CARD_PIN_ATTEMPTS": 5}).test_client()
    user = EnrolledUser(client, {"Authorization": f"Bearer {app_config['ADMIN_TOKEN']}"}, "dave", "2468")
    assert [_respond(user, "1111").get_json()["pin_attempts_left"] for _ in range(5)] == [4, 3, 2, 1, 0]
    assert _respond(user, "2468").status_code == 423


def test_challenges_are_never_given_twice_to_one_card_by_encoding(app_config) -> None:
    from sls_server import create_app

    client = create_app({**app_config, "CHALLENGE_ISSUE_LIMIT": 1000}).test_client()
    alice = EnrolledUser(client, {"Authorization": f"Bearer {app_config['ADMIN_TOKEN']}"}, "alice", "1234")
    suite = alice.card["suite"]
    seen = set()
    for _ in range(200):
        challenge = alice.start_login()["factor"]["challenge"]
        encoding = encoded_question_key(suite, challenge)
        assert encoding not in seen
        seen.add(encoding)


def test_an_alias_of_a_used_challenge_cannot_be_claimed(app, alice: EnrolledUser) -> None:
    devices = app.extensions["sls"].store.devices
    suite = alice.card["suite"]
    # "007716" and "123456" share an encoding (7716 * 16 = 123456): the vectors file lists this alias.
    first = devices.claim_challenge(alice.device_id, [encoded_question_key(suite, "007716")], 500_000)
    again = devices.claim_challenge(alice.device_id, [encoded_question_key(suite, "123456")], 500_000)
    assert (first, again) == (1, 0)


def test_card_refuses_malformed_challenges_without_counting_anything(alice: EnrolledUser) -> None:
    fullwidth = "\uff11\uff12\uff13\uff14\uff15\uff16"
    for challenge in ("12345", "1234567", "12a456", " 12345", fullwidth):
        refused = _respond(alice, "0000", challenge)
        assert refused.status_code == 400, challenge
        assert refused.get_json()["field"] == "challenge"
    assert alice.client.get(f"/sim/v1/dscplus/{alice.device_id}").get_json()["pin_attempts_left"] == 3


def test_simulators_can_be_switched_off(app_config) -> None:
    from sls_server import create_app

    client = create_app({**app_config, "SIM_ENABLED": "false"}).test_client()
    refused = client.post("/sim/v1/dscplus/x/respond", json={"pin": "1234", "challenge": "123456"})
    assert refused.status_code == 403
    assert refused.get_json()["error"] == "simulator_disabled"


def test_an_id_that_is_not_a_card_s_is_no_card_to_the_hand_or_the_page(
    alice: EnrolledUser, admin_headers
) -> None:
    """An authenticator app's id given where a DSC+ card's goes: 404 ``unknown_device``, as an id of nothing,
    to the card in the hand (/sim/v1) and the card page's keypad alike (``sim.card.card_record``)."""
    app = alice.client.post("/admin/v1/users/alice/devices", json={"type": "totp"}, headers=admin_headers)
    assert app.status_code == 201, app.get_json()
    app_id = app.get_json()["device_id"]
    answers = [
        alice.client.post(f"/sim/v1/dscplus/{app_id}/respond", json={"pin": "1234", "challenge": "123456"}),
        alice.client.get(f"/sim/v1/dscplus/{app_id}"),
        alice.client.get(f"/sim/card/{app_id}/state"),
    ]
    assert [(a.status_code, a.get_json()["error"]) for a in answers] == [(404, "unknown_device")] * 3, [
        a.get_json() for a in answers
    ]
