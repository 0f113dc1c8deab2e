"""The automatic-logoff timeout as the pages state it: the account page's warning and the logged-out page say
the same duration, the one the server applies.

With ``SLS_IDLE_TIMEOUT=90`` the account page warned "logged out after 1 minutes of inactivity" (the
minutes rounded down) while the logged-out page said "1 min 30 s", which is what the server does.
"""

from __future__ import annotations

from typing import Any

from conftest import EnrolledUser
from flask import Flask

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
    logged_out = client.get("/logged-out?reason=idle").get_data(as_text=True)
    assert "logged out after 1 min 30 s of inactivity" in logged_out
    session = client.get("/account/session").get_json()
    assert session["idle_expires_in"] == 90
