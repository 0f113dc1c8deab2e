"""The gateway's "external request" outbox (``/sim/v1/outbox/latest-code``) skips a code older than its
validity (README, "2FA by external request"): that validity runs from when the code was sent, as the login's
own expiry does, not from when a slow network delivered the text.

With ``delivery_delay_s`` the outbox counted from delivery: a code sent at T, delivered at T+120 and dead at
T+300 (the login answers 410) was still handed out until T+420.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from gateway_kit import PASSWORD

from sls_server import create_app

PHONE = "+15555550171"
TTL = 300  # SLS_SMS_CODE_TTL's default
DELAY = 120


@pytest.fixture
def gw(app_config: dict[str, Any], admin_headers: dict[str, str]) -> FlaskClient:
    client = create_app({**app_config, "GATEWAY": True}).test_client()
    body = {"username": "sam", "password": PASSWORD, "phone": PHONE}
    assert client.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    enrolled = client.post("/admin/v1/users/sam/devices", json={"type": "sms"}, headers=admin_headers)
    assert enrolled.status_code == 201
    return client


def _move(client: FlaskClient, headers: dict[str, str], seconds: int) -> None:
    assert client.post("/admin/v1/clock", json={"advance_s": seconds}, headers=headers).status_code == 200


@pytest.mark.parametrize(("after_send", "handed_out"), [(TTL - 1, True), (TTL, False), (TTL + 1, False)])
def test_a_delayed_code_is_handed_out_only_while_its_login_takes_it(
    gw: FlaskClient, admin_headers: dict[str, str], after_send: int, handed_out: bool
) -> None:
    assert gw.put(f"/sim/v1/phones/{PHONE}/conditions", json={"delivery_delay_s": DELAY}).status_code == 200
    started = gw.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD}).get_json()
    assert started["expires_at"] - TTL == gw.get("/admin/v1/clock", headers=admin_headers).get_json()["now"]
    _move(gw, admin_headers, after_send)
    latest = gw.get("/sim/v1/outbox/latest-code", query_string={"user": "sam"})
    assert (latest.status_code == 200) is handed_out, (after_send, latest.get_data(as_text=True))
    if handed_out:
        done = gw.post(
            f"/api/v1/auth/login/{started['txn_id']}/verify", json={"response": latest.get_data(as_text=True)}
        )
        assert done.status_code == 200, done.get_json()
    else:
        assert latest.status_code == 404 and latest.get_json()["error"] == "no_code"
