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


def login_texts(world: IbkeyWorld) -> list[dict[str, Any]]:
    return [e for e in world.events("sms.sent", "alice") if e["detail"]["purpose"] == "login"]


def client_get(world: IbkeyWorld, path: str) -> dict[str, Any]:
    answer = world.client.get(path, headers=world.headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


def test_the_push_limit_is_named_with_the_logins_it_answered(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Said only when it acted, with the count of logins it answered by a challenge instead of a push: the
    bombing's logins here first text a code, and the send limit acts before the push limit does."""
    world = IbkeyWorld(client, admin_headers)
    with_sms_first(world)
    result = attack(client, "push_bombing", "alice", PASSWORD)
    limited = result["attempts"] - result["outcomes"]["push_sent"]
    assert limited > 0 and world.events("push.rate_limited"), result
    # her own login above sent one push: "9 notifications reached... past 10 per window" left a room
    # asking where the tenth went
    sent = result["outcomes"]["push_sent"]
    assert sent == 9, result
    said = (
        "past 10 per window (1 of them sent before this attack, by earlier logins) the server sent no more: "
        f"{limited} later logins asked for IB Key's"
    )
    assert said in result["summary"], result["summary"]
    # once: a closing line used to count the same logins again ("... asked for IB Key (IBKR Mobile)
    # challenge/response (2): no notification."), as if they were others
    assert "challenge/response (" not in result["summary"], result["summary"]


def test_codes_the_bombing_texted_and_the_send_limit_it_left_on_the_victim_are_said(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Each login texted her a code before its push, until the send limit refused more: the later logins
    began on her next factor, IB Key, and so does her own, said as such."""
    world = IbkeyWorld(client, admin_headers)
    with_sms_first(world)
    result = attack(client, "push_bombing", "alice", PASSWORD)
    texts = login_texts(world)
    assert f"{len(texts) - 1} logins sent a code to the victim's phone" in result["summary"], result[
        "summary"
    ]
    later = result["attempts"] - (len(texts) - 1)
    said = f"{later} later logins began with IB Key (IBKR Mobile) instead, the next of the user's factors"
    assert said in result["summary"], result["summary"]
    assert "the victim can still log in" in result["summary"]
    hers = client.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD})
    assert hers.status_code == 200 and hers.get_json()["factor"]["type"] == "ibkey", hers.get_json()


def test_with_the_sim_still_swapped_the_first_login_s_text_gets_the_attacker_in(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = IbkeyWorld(client, admin_headers)
    app = with_sms_first(world)
    put = client.put(f"/sim/v1/phones/{PHONES['alice']}/conditions", json={"sim_swapped_to": "attacker"})
    assert put.status_code == 200, put.get_json()
    texts_before = len(login_texts(world))
    pushes_before = len(world.events("push.sent", "alice"))
    result = attack(client, "push_bombing", "alice", PASSWORD)
    assert result["verdict"] == "attacker_got_in" and result["attempts"] == 1, result
    assert "the first login's code went there" in result["summary"], result["summary"]
    assert len(login_texts(world)) == texts_before + 1
    assert len(world.events("push.sent", "alice")) == pushes_before and world.notifications(app) == []
    logins = [e for e in world.events("login.succeeded", "alice") if e.get("ip") == "198.51.100.77"]
    assert len(logins) == 1
