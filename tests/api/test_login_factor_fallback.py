"""A login whose default factor cannot begin because a rate limit refuses it (``auth/second_factor.py``,
``_begin_picked``): the step opens on the user's next usable factor instead of refusing the whole login.
Whoever spent the SMS send limit, the user or an attacker flooding texts with her password, a user who holds
another factor can still log in; the limited one stays refused on a switch, and a user with nothing else
is refused as before."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from json_error_kit import told_to_wait

from sls_server import create_app

PASSWORD = "Prism-Willow-Canyon-3"
PHONE = "+15555550140"


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "SMS_SEND_LIMIT": 1})


def user(client: FlaskClient, headers: dict[str, str], *devices: dict[str, Any]) -> None:
    body = {"username": "sue", "password": PASSWORD, "phone": PHONE, "sms": False}
    assert client.post("/admin/v1/users", json=body, headers=headers).status_code == 201
    for device in devices:
        enrolled = client.post("/admin/v1/users/sue/devices", json=device, headers=headers)
        assert enrolled.status_code == 201, enrolled.get_json()


def start(client: FlaskClient) -> Any:
    return client.post("/api/v1/auth/login", json={"username": "sue", "password": PASSWORD})


def sms_first(client: FlaskClient) -> dict[str, Any]:
    """A login switched to SMS (spending the one text the limit allows): its answer."""
    started = start(client).get_json()
    switched = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor",
        json={"type": "sms"},
        headers={"X-Login-Token": started["login_token"]},
    )
    assert switched.status_code == 200, switched.get_json()
    return started  # type: ignore[no-any-return]


def test_a_login_whose_default_sms_is_send_limited_begins_on_the_next_factor(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    user(client, admin_headers, {"type": "sms"}, {"type": "dscplus", "pin": "1234"})
    started = sms_first(client)
    code = next(m["code"] for m in client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"])
    done = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": code},
        headers={"X-Login-Token": started["login_token"]},
    )
    assert done.status_code == 200, done.get_json()  # her default is now SMS, and the limit is spent
    again = start(client)
    assert again.status_code == 200, again.get_json()
    body = again.get_json()
    assert body["factor"]["type"] == "dscplus" and "sms" in {f["type"] for f in body["factors"]}, body
    switched = client.post(
        f"/api/v1/auth/login/{body['txn_id']}/factor",
        json={"type": "sms"},
        headers={"X-Login-Token": body["login_token"]},
    )
    assert switched.status_code == 429, switched.get_json()  # the limited factor stays refused


def test_a_user_with_only_phone_codes_is_still_refused_by_the_send_limit(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    user(client, admin_headers, {"type": "sms"})
    assert start(client).status_code == 200
    told_to_wait(start(client), 600)  # SLS_SMS_SEND_WINDOW's default
