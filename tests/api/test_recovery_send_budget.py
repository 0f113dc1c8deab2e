"""*Forgot your password?* must not let anyone who knows a username keep its owner from logging in.

A recovery's start needs nothing but a name, and texts that name's phone. Its texts were counted in the same
send windows as the login's codes (``SLS_SMS_SEND_LIMIT`` per ``SLS_SMS_SEND_WINDOW``, per account and per
number), so five starts a window (a script, one address well under the address's limit) left every login
of an SMS user refused ``429 rate_limited`` ("Too many codes were sent recently") before a code was sent:
locked out for as long as the script ran, without the password. The recovery's texts now count in windows
of their own, bounded alike, and a login's codes in theirs.
"""

from __future__ import annotations

from typing import Any

from conftest import ADMIN_TOKEN
from flask.testing import FlaskClient

from sls_server import create_app

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PHONE = "+15555550127"
PASSWORD = "Quartz-Meadow-Lantern-61"


def _sms_user(client: FlaskClient, name: str = "sam") -> None:
    """A user whose one factor is SMS to ``PHONE`` (a user created with a phone is given it)."""
    body = {"username": name, "password": PASSWORD, "phone": PHONE}
    assert client.post("/admin/v1/users", json=body, headers=ADMIN).status_code == 201


def _texts(client: FlaskClient, purpose: str) -> list[dict[str, Any]]:
    messages = client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
    return [m for m in messages if m["purpose"] == purpose]


def test_recoveries_started_by_anyone_leave_the_login_its_codes(app_config: dict[str, Any]) -> None:
    client = create_app({**app_config, "SMS_SEND_LIMIT": 3}).test_client()
    _sms_user(client)
    for _ in range(6):  # more than the window holds: the last ones' texts refused, said to nobody
        assert client.post("/api/v1/auth/recovery", json={"username": "sam"}).status_code == 200
    assert len(_texts(client, "password_recovery")) == 3, "the recovery's texts are still bounded"
    login = client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD})
    assert login.status_code == 200, login.get_json()
    assert login.get_json()["factor"]["type"] == "sms"
    assert len(_texts(client, "login")) == 1


def test_a_login_s_codes_are_still_bounded_by_the_send_limit(app_config: dict[str, Any]) -> None:
    client = create_app({**app_config, "SMS_SEND_LIMIT": 2}).test_client()
    _sms_user(client)
    answers = [
        client.post("/api/v1/auth/login", json={"username": "sam", "password": PASSWORD}) for _ in range(3)
    ]
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert answers[2].get_json()["error"] == "rate_limited"
