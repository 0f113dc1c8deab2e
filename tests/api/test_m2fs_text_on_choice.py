"""M2FS on the login pages: a user with several devices is asked which one first (*Select Second Factor
Device*), and the code goes to the phone only once SMS (or voice) is chosen there, or confirmed as the
default the chooser offers. It used to be texted as the login started, whichever device the user then chose,
so a user whose last login was by SMS was texted at every card login, and each spent the SMS send limit.

The API's ``POST /api/v1/auth/login`` is left as its contract says (``factor``, the user's default, begun at
once: "the code is delivered to the simulated phone"): an API client chooses nothing before it starts."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import World
from page_forms import csrf

from sls_server import create_app

PASSWORD = "Prism-Willow-Canyon-3"
PHONE = "+15555550141"


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "SMS_SEND_LIMIT": 2})


@pytest.fixture
def sms_default(client: FlaskClient, admin_headers: dict[str, str]) -> dict[str, str]:
    return make_sms_default(client, admin_headers)


def make_sms_default(client: FlaskClient, admin_headers: dict[str, str]) -> dict[str, str]:
    """Sue holds a card and her phone, and her last login was by SMS: SMS is her default. Her devices' ids."""
    body = {"username": "sue", "password": PASSWORD, "phone": PHONE, "sms": False}
    assert client.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    ids = {}
    for device in ({"type": "sms"}, {"type": "dscplus", "pin": "1234"}):
        enrolled = client.post("/admin/v1/users/sue/devices", json=device, headers=admin_headers)
        assert enrolled.status_code == 201, enrolled.get_json()
        ids[device["type"]] = enrolled.get_json()["device_id"]
    started = client.post("/api/v1/auth/login", json={"username": "sue", "password": PASSWORD}).get_json()
    bound = {"X-Login-Token": started["login_token"]}
    switched = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "sms"}, headers=bound
    )
    assert switched.status_code == 200, switched.get_json()
    done = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": latest_code(client)},
        headers=bound,
    )
    assert done.status_code == 200, done.get_json()
    client.post(
        "/api/v1/auth/logout", headers={"Authorization": f"Bearer {done.get_json()['session']['token']}"}
    )
    assert texts(client) == 1
    return ids


def texts(client: FlaskClient) -> int:
    """The codes texted to her phone (not the notices of a device added)."""
    messages = client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]
    return len([m for m in messages if m["code"]])


def latest_code(client: FlaskClient) -> str:
    return str(client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"][0]["code"])


def page_start(client: FlaskClient, form_path: str = "/") -> tuple[str, str]:
    """The login form sent (the portal's, or the gateway's at ``/sso/Login``): the step's path and the
    CSRF token."""
    token = csrf(client.get(form_path).get_data(as_text=True))
    target = "/login" if form_path == "/" else form_path
    started = client.post(target, data={"username": "sue", "password": PASSWORD, "csrf_token": token})
    assert started.status_code == 303, started.get_data(as_text=True)
    return started.headers["Location"], token


def test_the_chooser_texts_nothing_and_a_card_chosen_never_does(
    client: FlaskClient, sms_default: dict[str, str]
) -> None:
    for _ in range(3):  # more card logins than the SMS send limit (2) allows texts
        path, token = page_start(client)
        chooser = client.get(path).get_data(as_text=True)
        assert "Select Second Factor Device" in chooser
        assert texts(client) == 1  # nothing sent before she chooses
        chosen = client.post(
            f"{path}/select", data={"device": f"dscplus:{sms_default['dscplus']}", "csrf_token": token}
        )
        assert chosen.status_code == 303
        assert 'data-testid="step-challenge"' in client.get(path).get_data(as_text=True)
        assert texts(client) == 1
    # then SMS, her default, confirmed: texted now, within the limit the card logins did not spend
    path, token = page_start(client)
    confirmed = client.post(
        f"{path}/select", data={"device": f"sms:{sms_default['sms']}", "csrf_token": token}
    )
    assert confirmed.status_code == 303
    assert texts(client) == 2
    step = client.get(path).get_data(as_text=True)
    assert "+1" in step and "Select Second Factor Device" not in step
    done = client.post(f"{path}/verify", data={"response": latest_code(client), "csrf_token": token})
    assert done.status_code == 303 and done.headers["Location"] == "/account", done.headers


def test_voice_chosen_calls_once_and_texts_nothing(client: FlaskClient, sms_default: dict[str, str]) -> None:
    path, token = page_start(client)
    chosen = client.post(
        f"{path}/select", data={"device": f"voice:{sms_default['sms']}", "csrf_token": token}
    )
    assert chosen.status_code == 303
    assert texts(client) == 1
    calls = client.get(f"/sim/v1/phones/{PHONE}/calls").get_json()["calls"]
    assert len(calls) == 1


def test_the_api_start_still_begins_the_default_as_its_contract_says(
    client: FlaskClient, sms_default: dict[str, str]
) -> None:
    started = client.post("/api/v1/auth/login", json={"username": "sue", "password": PASSWORD}).get_json()
    assert started["factor"]["type"] == "sms" and "held" not in started["factor"]
    assert texts(client) == 2


@pytest.fixture
def gateway_client(app_config: dict[str, Any]) -> FlaskClient:
    return create_app({**app_config, "GATEWAY": True, "SMS_SEND_LIMIT": 2}).test_client()


def test_the_gateway_page_texts_only_once_sms_is_chosen(
    gateway_client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    client = gateway_client
    ids = make_sms_default(client, admin_headers)
    path, token = page_start(client, "/sso/Login")
    assert "sf_select" in client.get(path).get_data(as_text=True)
    assert texts(client) == 1
    chosen = client.post(f"{path}/select", data={"device": f"sms:{ids['sms']}", "csrf_token": token})
    assert chosen.status_code == 303
    assert texts(client) == 2
    done = client.post(f"{path}/verify", data={"response": latest_code(client), "csrf_token": token})
    assert done.status_code == 303
    assert "Client login succeeds" in client.get(done.headers["Location"]).get_data(as_text=True)


def test_an_ib_key_by_default_is_pushed_only_once_chosen(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The same for IB Key: her last login was by push, so the chooser offers it first; its push used to
    buzz her phone while the chooser still asked, a card chosen or not."""
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    started = world.login("alice")  # IB Key alone: pushed, approved in the app, her default from now on
    assert world.answer(app, started, "approve", pin="12ab").status_code == 200
    assert world.poll(started["txn_id"])["state"] == "authenticated"
    card = {"type": "dscplus", "pin": "1234"}
    assert client.post("/admin/v1/users/alice/devices", json=card, headers=admin_headers).status_code == 201
    token = csrf(client.get("/").get_data(as_text=True))
    form = {"username": "alice", "password": IBKEY_PASSWORD, "csrf_token": token}
    path = client.post("/login", data=form).headers["Location"]
    assert "Select Second Factor Device" in client.get(path).get_data(as_text=True)
    assert len(world.events("push.sent")) == 1  # only the first login's
    chosen = client.post(f"{path}/select", data={"device": f"ibkey:{app}", "csrf_token": token})
    assert chosen.status_code == 303
    assert len(world.events("push.sent")) == 2
    assert 'data-testid="push-match"' in client.get(path).get_data(as_text=True)


def test_sms_chosen_past_the_send_limit_is_refused_on_the_chooser_and_the_card_still_works(
    client: FlaskClient, sms_default: dict[str, str]
) -> None:
    """The limit (2 texts) spent, SMS confirmed is refused in the limit's words on the chooser itself, which
    stays to choose another device: nothing sent, and the card logs her in."""
    path, token = page_start(client)
    client.post(f"{path}/select", data={"device": f"sms:{sms_default['sms']}", "csrf_token": token})
    assert texts(client) == 2  # the limit is spent now
    path, token = page_start(client)
    refused = client.post(
        f"{path}/select",
        data={"device": f"sms:{sms_default['sms']}", "csrf_token": token},
        follow_redirects=True,
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "Select Second Factor Device" in html, html
    assert "Too many security codes were sent to your phone recently." in html, html
    assert texts(client) == 2
    chosen = client.post(
        f"{path}/select", data={"device": f"dscplus:{sms_default['dscplus']}", "csrf_token": token}
    )
    assert chosen.status_code == 303
    assert 'data-testid="step-challenge"' in client.get(path).get_data(as_text=True)
