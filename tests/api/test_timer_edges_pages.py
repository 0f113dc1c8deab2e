"""The automatic-logoff timeout as the pages state it: the account page's warning and the logged-out page say
the same duration, the one the server applies.

With ``SLS_IDLE_TIMEOUT=90`` the account page warned "logged out after 1 minutes of inactivity" (the
minutes rounded down) while the logged-out page said "1 min 30 s", which is what the server does.
"""

from __future__ import annotations

import re
from typing import Any

from conftest import EnrolledUser, move_clock
from flask import Flask
from flask.testing import FlaskClient
from page_forms import unsealed

from sls_server import create_app


def test_both_pages_state_the_idle_timeout_the_server_applies(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    app: Flask = create_app({**app_config, "IDLE_TIMEOUT": 90})
    client = app.test_client()
    alice = EnrolledUser(client, admin_headers, "alice", "1234")
    client.set_cookie("sls_session", alice.log_in(), path="/")
    account = client.get("/account").get_data(as_text=True)
    assert "logged out after 1 min 30 s of inactivity." in account, account
    session = client.get("/account/session").get_json()
    assert session["idle_expires_in"] == 90
    move_clock(client, admin_headers, 90)
    logged_out = client.get(client.get("/account/session").get_json()["next"]).get_data(as_text=True)
    assert "logged out after 1 min 30 s of inactivity" in logged_out


def test_a_session_ended_by_its_lifetime_is_not_called_idle(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    """Activity in a session's last idle-timeout caps its idle end at its absolute end; at that instant the
    server ends it as ``session.expired_absolute``, but the account page sent the user to "logged out after
    15 min of inactivity" (``reason=idle``), and the page's tie-break (idle end <= absolute end) agreed."""
    client = create_app({**app_config, "ABSOLUTE_TIMEOUT": 1200}).test_client()
    alice = EnrolledUser(client, admin_headers, "alice", "1234")
    client.set_cookie("sls_session", alice.log_in(), path="/")
    move_clock(client, admin_headers, 400)
    body = client.get("/account/session").get_json()
    assert body["expires_in"] == 800
    assert client.post("/account/tickle", headers={"X-CSRF-Token": _form_token(client)}).status_code == 200
    body = client.get("/account/session").get_json()
    assert body["idle_expires_in"] == body["expires_in"] == 800  # capped: both end at once
    move_clock(client, admin_headers, 799)
    assert client.get("/account/session").get_json()["state"] == "active"
    move_clock(client, admin_headers, 1)
    ended = client.get("/account/session").get_json()
    assert {**ended, "next": unsealed(ended["next"])} == {
        "state": "expired",
        "next": "/logged-out?reason=absolute",
    }
    events = client.get("/admin/v1/events?type=session.expired_absolute", headers=admin_headers).get_json()
    assert [e["user"] for e in events["events"]] == ["alice"]
    page = client.get(ended["next"]).get_data(as_text=True)
    assert "maximum length" in page and "inactivity" not in page


def _form_token(client: FlaskClient) -> str:
    found = re.search(r'name="csrf-token" content="([^"]+)"', client.get("/account").get_data(as_text=True))
    assert found
    return found.group(1)
