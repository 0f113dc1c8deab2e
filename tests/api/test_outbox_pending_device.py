"""``/sim/v1/outbox/latest-code`` when the user's pending login asks for what no phone or app receives: a
card's response, IB Key, a temporary passcode. It answers 404 ``no_code`` at once, naming what the login
waits for, instead of the newest code on the user's phone.

Before, it handed out whatever code the phone held: a text an earlier login sent (one the user abandoned, or
the text a login with several devices sends for its default before the device list is answered) went to a
tool whose login was at the card's step. IBeam's external-request handler typed it in: ``failed``, counted
toward ``IBEAM_MAX_FAILED_AUTH`` and toward the card's own limit (``SLS_DEVICE_FAILURE_LIMIT``, which
disables it). Asking for ``factor=phone`` still reads the phone, as it says."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from conftest import move_clock
from flask import Flask
from test_totp import PASSWORD, start_login

from sls_server import create_app

LATEST = "/sim/v1/outbox/latest-code"


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    """The outbox is gateway mode's (docs/gateway.md)."""
    return create_app({**app_config, "GATEWAY": True})


@pytest.fixture
def carla(app: Flask, admin_headers: dict[str, str]) -> str:
    """A card and an SMS device on her phone; the card is her default."""
    client = app.test_client()
    body = {"username": "carla", "password": PASSWORD, "phone": "+15555550183", "sms": False}
    assert client.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    for device in ({"type": "dscplus", "pin": "1234"}, {"type": "sms"}):
        enrolled = client.post("/admin/v1/users/carla/devices", json=device, headers=admin_headers)
        assert enrolled.status_code == 201, enrolled.get_json()
    return "carla"


def _login_at(app: Flask, factor: str) -> dict[str, Any]:
    """A login of carla's (a browser of its own) switched to ``factor``; its step."""
    client = app.test_client()
    started = start_login(client, "carla")
    switched = client.post(f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": factor})
    assert switched.status_code == 200, switched.get_json()
    return switched.get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize("wait", [0, 2])
def test_a_login_at_the_card_is_not_handed_the_phones_text(
    app: Flask, carla: str, admin_headers: dict[str, str], wait: int
) -> None:
    client = app.test_client()
    _login_at(app, "sms")  # a text on her phone, for a login nobody finished
    move_clock(client, admin_headers, 1)  # the card's login is the newer
    _login_at(app, "dscplus")
    latest = client.get(LATEST, query_string={"user": carla, "wait": wait})
    assert latest.status_code == 404, latest.get_data(as_text=True)
    assert latest.get_json()["error"] == "no_code"
    assert "card" in latest.get_json()["message"]
    assert "factor=phone" in latest.get_json()["message"]  # how to read the phone all the same


def test_factor_phone_still_reads_the_phone(app: Flask, carla: str, admin_headers: dict[str, str]) -> None:
    client = app.test_client()
    _login_at(app, "sms")
    move_clock(client, admin_headers, 1)
    _login_at(app, "dscplus")
    latest = client.get(LATEST, query_string={"user": carla, "factor": "phone"})
    assert latest.status_code == 200 and latest.get_data(as_text=True).isdigit()


def test_a_login_switched_to_the_phone_gets_its_text(
    app: Flask, carla: str, admin_headers: dict[str, str]
) -> None:
    client = app.test_client()
    _login_at(app, "dscplus")
    move_clock(client, admin_headers, 1)
    _login_at(app, "sms")  # the login now waits on the text
    latest = client.get(LATEST, query_string={"user": carla, "wait": 2})
    assert latest.status_code == 200 and latest.get_data(as_text=True).isdigit()


def test_a_wait_begun_at_the_card_gets_the_text_once_the_login_switches(
    app: Flask, carla: str, admin_headers: dict[str, str]
) -> None:
    """A script that asks before it picks SMS in the device list: the wait hands out the switched login's
    text, not the one an earlier login left on the phone."""
    client = app.test_client()
    _login_at(app, "sms")  # an older text, which must not be handed out
    move_clock(client, admin_headers, 1)
    browser = app.test_client()
    started = start_login(browser, "carla")
    card = browser.post(f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "dscplus"})
    assert card.status_code == 200
    answers: list[Any] = []
    waiter = threading.Thread(
        target=lambda: answers.append(app.test_client().get(LATEST, query_string={"user": carla, "wait": 10}))
    )
    waiter.start()
    switched = browser.post(f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "sms"})
    assert switched.status_code == 200, switched.get_json()
    waiter.join(15)
    assert answers and answers[0].status_code == 200, answers and answers[0].get_data(as_text=True)
    done = browser.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": answers[0].get_data(as_text=True)}
    )
    assert done.status_code == 200, done.get_json()
