"""The staged push bombing (``sim/push_bombing.py``) on a user whose login begins with SMS (M2FS: the device
of her last login is offered first): each of the attacker's logins texts a code before switching to IB Key,
and the SMS send limit acts before the push limit does. The report says what each login sent, to whom, and
which limit acted, as the audit trail shows it."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from ibkey_world import PASSWORD, PHONES
from ibkey_world import World as IbkeyWorld
from test_trainer_attacks import attack

from sls_server import create_app


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    """A push limit of 10 above the 5 texts the send limit allows: the send limit acts first."""
    return create_app({**app_config, "PUSH_LIMIT": 10, "SMS_SEND_LIMIT": 5})


def with_sms_first(world: IbkeyWorld, name: str = "alice") -> str:
    """``name`` with IB Key and SMS, her last login by SMS (so her next one begins with a text); her app."""
    world.user(name)
    app = world.activated(name, "android")
    sms = world.client.post(f"/admin/v1/users/{name}/devices", json={"type": "sms"}, headers=world.headers)
    assert sms.status_code == 201, sms.get_json()
    started = world.login(name)
    switched = world.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor",
        json={"type": "sms"},
        headers={"X-Login-Token": started["login_token"]},
    )
    assert switched.status_code == 200, switched.get_json()
    texts = client_get(world, f"/sim/v1/phones/{PHONES[name]}/messages")["messages"]
    code = next(m["code"] for m in texts if m["purpose"] == "login")  # newest first
    done = world.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": code},
        headers={"X-Login-Token": started["login_token"]},
    )
    assert done.status_code == 200, done.get_json()
    return app


def client_get(world: IbkeyWorld, path: str) -> dict[str, Any]:
    answer = world.client.get(path, headers=world.headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def test_the_push_limit_is_named_only_when_it_acted(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    with_sms_first(world)
    result = attack(client, "push_bombing", "alice", PASSWORD)
    assert result["outcomes"]["push_sent"] > 0, result
    assert 0 < result["outcomes"]["push_sent"] < client.application.extensions["sls"].settings.push_limit
    assert world.events("push.rate_limited") == []
    assert "per window the server sent no more" not in result["summary"], result["summary"]
    assert "IB Key's challenge/response" not in result["summary"]
