"""A PIN the keypad could not type is a malformed request, not a wrong PIN: a 400 naming it, nothing counted.

``POST /sim/v1/dscplus/<id>/respond {"pin": "abcd", ...}`` (or "1234\\u0000", Arabic-Indic digits, "12",
" 1234", "12345") answered 403 ``wrong_pin`` and counted it: three locked the card (423). The card's PIN is
now the shape enrolment sets it with (``CardPin``: 4 ASCII digits), and the IB Key app's PIN and iPhone
passcode are held to what their keypads take (``shapes.ibkey``), on ``/sim/v1`` and on the phone page alike.
"""

from __future__ import annotations

import re

import pytest
from conftest import EnrolledUser
from flask.testing import FlaskClient
from ibkey_world import World

CHALLENGE = "123456"
NOT_CARD_PINS = [
    "abcd",
    "1234\u0000",
    "\u0661\u0662\u0663\u0664",
    "12",
    " 1234",
    "12345",
    "\uff11\uff12\uff13\uff14",
    "",
]


def _card(client: FlaskClient, device_id: str) -> dict[str, object]:
    answer = client.get(f"/sim/v1/dscplus/{device_id}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("pin", NOT_CARD_PINS)
def test_a_pin_the_card_cannot_take_is_refused_and_counts_nothing(alice: EnrolledUser, pin: str) -> None:
    before = _card(alice.client, alice.device_id)
    path = f"/sim/v1/dscplus/{alice.device_id}/respond"
    for _ in range(4):  # more than the three wrong PINs that lock the card
        answer = alice.client.post(path, json={"pin": pin, "challenge": CHALLENGE})
        assert answer.status_code == 400, answer.get_json()
        assert (answer.get_json()["error"], answer.get_json()["field"]) == ("invalid_request", "pin")
    assert _card(alice.client, alice.device_id) == before
    right = alice.client.post(path, json={"pin": alice.pin, "challenge": CHALLENGE})
    assert right.status_code == 200, right.get_json()


def test_a_well_formed_wrong_pin_still_counts(alice: EnrolledUser) -> None:
    path = f"/sim/v1/dscplus/{alice.device_id}/respond"
    wrong = alice.client.post(
        path, json={"pin": "0000" if alice.pin != "0000" else "1111", "challenge": CHALLENGE}
    )
    assert wrong.status_code == 403 and wrong.get_json()["pin_attempts_left"] == 2


@pytest.mark.parametrize("pin", ["\u0661\u0662\u0663\u0664", "12", "1234\u0000"])
def test_enrolment_refuses_the_same_pins(
    client: FlaskClient, admin_headers: dict[str, str], alice: EnrolledUser, pin: str
) -> None:
    answer = client.post(
        "/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": pin}, headers=admin_headers
    )
    assert answer.status_code == 400 and answer.get_json()["field"] == "pin", answer.get_json()


def _app(world: World, app: str) -> dict[str, object]:
    return world.client.get(f"/sim/v1/ibkey/{app}").get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("platform", "field", "value"),
    [
        ("android", "pin", "1\u00002ab"),
        ("android", "pin", "12"),
        ("android", "pin", "\u0661\u0662ab"),
        ("android", "pin", "12ab cd"),
        ("ios", "passcode", "\u0661\u0662\u0663\u0664"),
        ("ios", "passcode", "12345"),
    ],
)
def test_an_ib_key_pin_or_passcode_its_keypad_cannot_type_counts_nothing(
    client: FlaskClient, admin_headers: dict[str, str], platform: str, field: str, value: str
) -> None:
    world = World(client, admin_headers)
    world.user("alice")
    app = world.activated("alice", platform)
    if platform == "ios":  # Touch ID / Face ID taken away: the app asks for the iPhone's passcode
        off = client.put(f"/sim/v1/ibkey/{app}/biometrics", json={"enabled": False, "passcode": "482916"})
        assert off.status_code == 200, off.get_json()
    before = _app(world, app)
    answer = world.respond(app, CHALLENGE, **{field: value})
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json()["field"] == field
    html = client.get("/sim/phone/alice").get_data(as_text=True)
    token = re.search(r'<meta name="csrf-token" content="([^"]+)"', html)
    assert token
    page = client.post(
        f"/sim/ibkey/{app}/respond",
        json={"challenge": CHALLENGE, field: value},
        headers={"X-CSRF-Token": token.group(1)},
    )
    assert page.status_code == 400 and page.get_json()["field"] == field, page.get_json()
    assert _app(world, app) == before
