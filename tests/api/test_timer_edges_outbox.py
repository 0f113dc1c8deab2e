"""The gateway's "external request" outbox (``/sim/v1/outbox/latest-code``) skips a code older than its
validity (docs/gateway.md, "2FA by external request"): that validity runs from when the code was sent, as the
login's own expiry does, not from when a slow network delivered the text.

With ``delivery_delay_s`` the outbox counted from delivery: a code sent at T, delivered at T+120 and dead at
T+300 (the login answers 410) was still handed out until T+420.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import move_clock
from flask.testing import FlaskClient
from gateway_kit import PASSWORD

from sls_server import create_app

PHONE = "+15555550171"
TTL = 300  # SLS_SMS_CODE_TTL's default
DELAY = 120


@pytest.fixture
def gw(app_config: dict[str, Any], admin_headers: dict[str, str]) -> FlaskClient:
    client = create_app({**app_config, "GATEWAY": True}).test_client()
    body = {"username": "sam", "password": PASSWORD, "phone": PHONE, "sms": False}
    assert client.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    enrolled = client.post("/admin/v1/users/sam/devices", json={"type": "sms"}, headers=admin_headers)
    assert enrolled.status_code == 201
    return client


@pytest.mark.parametrize(("after_send", "handed_out"), [(TTL - 1, True), (TTL, False), (TTL + 1, False)])
def test_a_delayed_code_is_handed_out_only_while_its_login_takes_it(
    gw: FlaskClient, admin_headers: dict[str, str], after_send: int, handed_out: bool
) -> None:
    assert gw.put(f"/sim/v1/phones/{PHONE}/conditions", json={"delivery_delay_s": DELAY}).status_code == 200
    started = gw.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD}).get_json()
    assert started["expires_at"] - TTL == gw.get("/admin/v1/clock", headers=admin_headers).get_json()["now"]
    move_clock(gw, admin_headers, after_send)
    latest = gw.get("/sim/v1/outbox/latest-code", query_string={"user": "sam"})
    assert (latest.status_code == 200) is handed_out, (after_send, latest.get_data(as_text=True))
    if handed_out:
        done = gw.post(
            f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": latest.get_data(as_text=True)}
        )
        assert done.status_code == 200, done.get_json()
    else:
        assert latest.status_code == 404 and latest.get_json()["error"] == "no_code"


def _switch(client: FlaskClient, txn_id: str, factor: str) -> None:
    switched = client.post(f"/api/v1/auth/login/{txn_id}/factor", json={"type": factor})
    assert switched.status_code == 200, switched.get_json()


def test_a_voice_code_asked_for_in_the_texts_second_is_the_one_handed_out(gw: FlaskClient) -> None:
    """The clock is frozen, so the text and the callback share a second: the callback's code, sent last, is
    the one the login takes. Reading texts before calls, the outbox handed out the dead text's code."""
    started = gw.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD}).get_json()
    _switch(gw, started["txn_id"], "voice")
    calls = gw.get(f"/sim/v1/phones/{PHONE}/calls").get_json()["calls"]
    texts = gw.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
    assert texts[0]["sent_at"] == calls[0]["at"] and calls[0]["seq"] > texts[0]["seq"]
    latest = gw.get("/sim/v1/outbox/latest-code", query_string={"user": "sam"}).get_data(as_text=True)
    assert latest == calls[0]["code"] != texts[0]["code"]
    done = gw.post(f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": latest})
    assert done.status_code == 200, done.get_json()


def test_a_slow_text_arriving_after_the_callback_does_not_displace_its_code(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """A text sent first and delivered late arrives after the callback that replaced its code: the newest to
    arrive is not the one the login takes."""
    assert gw.put(f"/sim/v1/phones/{PHONE}/conditions", json={"delivery_delay_s": DELAY}).status_code == 200
    started = gw.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD}).get_json()
    move_clock(gw, admin_headers, 10)
    _switch(gw, started["txn_id"], "voice")
    move_clock(gw, admin_headers, DELAY)
    texts = gw.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
    calls = gw.get(f"/sim/v1/phones/{PHONE}/calls").get_json()["calls"]
    assert texts and texts[0]["at"] > calls[0]["at"]
    latest = gw.get("/sim/v1/outbox/latest-code", query_string={"user": "sam"}).get_data(as_text=True)
    assert latest == calls[0]["code"]
    done = gw.post(f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": latest})
    assert done.status_code == 200, done.get_json()
