"""``/sim/v1/outbox/latest-code`` serves the authenticator app's code too (docs/gateway.md, "IBeam with an
authenticator app"): what the app shows at the emulated time, so an "external request" 2FA handler logs a
TOTP user in after ``sls clock --advance``, where a handler computing codes on the wall clock fails.

Which factor: ``factor=phone|app`` when given; otherwise the one the user's pending login asks for; with no
pending login, the phone when the user has a number, else the app."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import move_clock
from flask.testing import FlaskClient
from test_totp import PASSWORD, app_code, enrol_totp, server_now, start_login

from sls_server import create_app

PHONE = "+15555550181"
LATEST = "/sim/v1/outbox/latest-code"


@pytest.fixture
def client(app_config: dict[str, Any]) -> FlaskClient:
    """The outbox is gateway mode's (docs/gateway.md)."""
    return create_app({**app_config, "GATEWAY": True}).test_client()


def _user(client: FlaskClient, headers: dict[str, str], name: str, phone: str | None = None) -> None:
    body: dict[str, Any] = {"username": name, "password": PASSWORD, "sms": False}
    if phone:
        body["phone"] = phone
    assert client.post("/admin/v1/users", json=body, headers=headers).status_code == 201


@pytest.fixture
def both(client: FlaskClient, admin_headers: dict[str, str]) -> dict[str, Any]:
    """Bonnie: a phone for texts (an SMS device) and an authenticator app; the app's enrolment answer."""
    _user(client, admin_headers, "bonnie", PHONE)
    sms = client.post("/admin/v1/users/bonnie/devices", json={"type": "sms"}, headers=admin_headers)
    assert sms.status_code == 201, sms.get_json()
    return enrol_totp(client, admin_headers, "bonnie")


def _switch(client: FlaskClient, txn_id: str, factor: str) -> None:
    switched = client.post(f"/api/v1/auth/login/{txn_id}/factor", json={"type": factor})
    assert switched.status_code == 200, switched.get_json()


def _verify(client: FlaskClient, txn_id: str, code: str) -> Any:
    return client.post(f"/api/v1/auth/login/{txn_id}/verify", json={"response": code})


def test_an_app_only_user_gets_the_apps_code_at_the_moved_clock(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """No phone: the app's code at the server's clock, three days ahead of the wall clock; it logs in."""
    _user(client, admin_headers, "tess")
    app = enrol_totp(client, admin_headers, "tess")
    move_clock(client, admin_headers, 3 * 86400 + 7)
    started = start_login(client, "tess")
    latest = client.get(LATEST, query_string={"user": "tess"})
    assert latest.status_code == 200, latest.get_json()
    assert latest.mimetype == "text/plain"
    assert latest.get_data(as_text=True) == app_code(app, server_now(client, admin_headers))
    assert _verify(client, started["txn_id"], latest.get_data(as_text=True)).status_code == 200


def test_the_pending_login_chooses_between_the_phone_and_the_app(
    client: FlaskClient, admin_headers: dict[str, str], both: dict[str, Any]
) -> None:
    started = start_login(client, "bonnie")
    _switch(client, started["txn_id"], "sms")
    text = client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"][0]["code"]
    assert client.get(LATEST, query_string={"user": "bonnie"}).get_data(as_text=True) == text

    _switch(client, started["txn_id"], "totp")
    shown = app_code(both, server_now(client, admin_headers))
    assert shown != text
    latest = client.get(LATEST, query_string={"user": "bonnie"}).get_data(as_text=True)
    assert latest == shown
    assert _verify(client, started["txn_id"], latest).status_code == 200


def test_factor_names_the_source_whatever_the_login_asks(
    client: FlaskClient, admin_headers: dict[str, str], both: dict[str, Any]
) -> None:
    started = start_login(client, "bonnie")
    _switch(client, started["txn_id"], "sms")
    text = client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"][0]["code"]
    shown = app_code(both, server_now(client, admin_headers))
    assert (
        client.get(LATEST, query_string={"user": "bonnie", "factor": "app"}).get_data(as_text=True) == shown
    )
    assert (
        client.get(LATEST, query_string={"user": "bonnie", "factor": "phone"}).get_data(as_text=True) == text
    )


def test_with_no_pending_login_a_user_with_a_phone_gets_the_phones_code(
    client: FlaskClient, admin_headers: dict[str, str], both: dict[str, Any]
) -> None:
    """As before this change: no text yet, so none to hand out, even though the app shows one."""
    refused = client.get(LATEST, query_string={"user": "bonnie"})
    assert refused.status_code == 404 and refused.get_json()["error"] == "no_code"


def test_a_bad_factor_is_a_400_naming_it(client: FlaskClient, both: dict[str, Any]) -> None:
    refused = client.get(LATEST, query_string={"user": "bonnie", "factor": "card"})
    assert refused.status_code == 400, refused.get_json()
    assert refused.get_json()["field"] == "factor"


def test_an_app_user_without_an_app_gets_no_code(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    _user(client, admin_headers, "cyrus", "+15555550182")
    refused = client.get(LATEST, query_string={"user": "cyrus", "factor": "app"})
    assert refused.status_code == 404 and refused.get_json()["error"] == "no_code"


def test_wait_hands_out_each_step_once_and_never_a_spent_one(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """``wait``: a code not handed out before and not spent by a login, so the next time step's; the clock is
    frozen here, so none comes within the wait. Without ``wait``: what the app shows now, spent or not."""
    _user(client, admin_headers, "wes")
    app = enrol_totp(client, admin_headers, "wes")
    started = start_login(client, "wes")
    first = client.get(LATEST, query_string={"user": "wes", "wait": 1})
    assert first.status_code == 200
    assert first.get_data(as_text=True) == app_code(app, server_now(client, admin_headers))
    again = client.get(LATEST, query_string={"user": "wes", "wait": 1})
    assert again.status_code == 404 and again.get_json()["error"] == "no_code"
    assert client.get(LATEST, query_string={"user": "wes"}).get_data(as_text=True) == first.get_data(
        as_text=True
    )

    assert _verify(client, started["txn_id"], first.get_data(as_text=True)).status_code == 200
    move_clock(client, admin_headers, 30)  # the next step, typed in by hand: spent, though never handed out
    second = start_login(client, "wes")
    assert (
        _verify(client, second["txn_id"], app_code(app, server_now(client, admin_headers))).status_code == 200
    )
    spent = client.get(LATEST, query_string={"user": "wes", "wait": 1})
    assert spent.status_code == 404 and spent.get_json()["error"] == "no_code"
    move_clock(client, admin_headers, 30)
    nxt = client.get(LATEST, query_string={"user": "wes", "wait": 1})
    assert nxt.status_code == 200
    assert nxt.get_data(as_text=True) == app_code(app, server_now(client, admin_headers))


def test_of_two_apps_the_one_the_login_waits_on(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    _user(client, admin_headers, "dora")
    first = enrol_totp(client, admin_headers, "dora")
    second = enrol_totp(client, admin_headers, "dora")
    listed = client.get(LATEST, query_string={"user": "dora", "factor": "app"}).get_data(as_text=True)
    at = server_now(client, admin_headers)
    chosen_app = second if listed == app_code(first, at) else first  # not the one served with no login
    started = start_login(client, "dora")
    chosen = client.post(
        f"/api/v1/auth/login/{started['txn_id']}/factor",
        json={"type": "totp", "device_id": chosen_app["device_id"]},
    )
    assert chosen.status_code == 200, chosen.get_json()
    assert app_code(first, at) != app_code(second, at)
    for asked in ({}, {"factor": "app"}):
        latest = client.get(LATEST, query_string={"user": "dora", **asked}).get_data(as_text=True)
        assert latest == app_code(chosen_app, at), asked
    assert _verify(client, started["txn_id"], app_code(chosen_app, at)).status_code == 200
