"""Driving gateway mode in-process: an app with SLS_GATEWAY on, and its login page worked through the Flask
test client as a form-posting browser would (the CSRF field, the sealed login cookie, the redirects, and the
GET a refused form's 303 leads to, which says why)."""

from __future__ import annotations

import re
import zlib
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.test import TestResponse

PASSWORD = "Correct-Horse-Gateway-7"
ERROR_BOX = re.compile(r'class="xyz-errormessage[^"]*"[^>]*>([^<]*)<')
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def error_text(page: TestResponse) -> str:
    """What the page's error box says, and only when it is shown (not ``hidden``)."""
    html = page.get_data(as_text=True)
    tag = re.search(r'<div class="xyz-errormessage[^>]*>', html)
    assert tag is not None, "every gateway page has the error box"
    found = ERROR_BOX.search(html)
    return "" if " hidden" in tag.group(0) or found is None else found.group(1)


class GatewayBrowser:
    """One browser on the gateway's login page (its own cookie jar)."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client
        self.csrf = ""

    def open(self) -> TestResponse:
        page = self.client.get("/sso/Login?forwardTo=22&RL=1&ip2loc=on")
        assert page.status_code == 200
        self.csrf = CSRF.search(page.get_data(as_text=True)).group(1)  # type: ignore[union-attr]
        return page

    def submit(self, username: str, password: str = PASSWORD, *, paper: bool = False) -> TestResponse:
        self.open()
        form = {"username": username, "password": password, "csrf_token": self.csrf}
        if paper:
            form["paper"] = "on"
        return self.client.post("/sso/Login", data=form)

    def log_in(self, username: str, password: str = PASSWORD, *, paper: bool = False) -> str:
        """The password step; the step's path (``/sso/Login/<txn>``)."""
        started = self.submit(username, password, paper=paper)
        assert started.status_code == 303, error_text(started)
        return str(started.headers["Location"])

    def step(self, path: str) -> TestResponse:
        return self.client.get(path)

    def shown(self, posted: TestResponse) -> TestResponse:
        """What the browser shows after a form's POST: the page its 303 leads to (Post/Redirect/Get)."""
        assert posted.status_code == 303, (posted.status_code, error_text(posted))
        return self.client.get(posted.headers["Location"])

    def refused(self, username: str, password: str = PASSWORD, *, paper: bool = False) -> TestResponse:
        """The form sent and refused: the form again (its 303 followed), saying why."""
        posted = self.submit(username, password, paper=paper)
        assert posted.headers.get("Location", "").startswith("/sso/Login?told="), posted.headers.get(
            "Location"
        )
        return self.shown(posted)

    def answer(self, path: str, response: str) -> TestResponse:
        return self.client.post(f"{path}/verify", data={"response": response, "csrf_token": self.csrf})

    def select(self, path: str, value: str) -> TestResponse:
        return self.client.post(f"{path}/select", data={"device": value, "csrf_token": self.csrf})

    def latest_code(self, user: str, **query: Any) -> TestResponse:
        return self.client.get("/sim/v1/outbox/latest-code", query_string={"user": user, **query})


def logged_in(client: FlaskClient, username: str) -> GatewayBrowser:
    """A page login with the SMS code fetched from the outbox hook, as IBeam's EXTERNAL_REQUEST does."""
    browser = GatewayBrowser(client)
    path = browser.log_in(username)
    code = browser.latest_code(username)
    assert code.status_code == 200
    done = browser.answer(path, code.get_data(as_text=True))
    assert done.status_code == 303 and done.headers["Location"] == "/sso/Dispatcher"
    assert "Client login succeeds" in client.get("/sso/Dispatcher").get_data(as_text=True)
    return browser


def make_user(
    client: FlaskClient, headers: dict[str, str], name: str, *types: str, **extra: Any
) -> dict[str, Any]:
    """A user with the kit's password, a phone number of its own (from the name) and ``types`` enrolled."""
    body = {
        "username": name,
        "password": PASSWORD,
        "phone": f"+1555555{zlib.crc32(name.encode()) % 10000:04d}",
        "sms": False,  # exactly ``types``: no SMS of account opening
        **extra,
    }
    created = client.post("/admin/v1/users", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    devices = {}
    for type_ in types:
        params = {"type": type_, "pin": "1234"} if type_ == "dscplus" else {"type": type_}
        enrolled = client.post(f"/admin/v1/users/{name}/devices", json=params, headers=headers)
        assert enrolled.status_code == 201, enrolled.get_json()
        devices[type_] = enrolled.get_json()
    return {"user": created.get_json(), "devices": devices}


@pytest.fixture(name="gw")
def gateway_client(gateway_app: Flask) -> FlaskClient:
    """A client of the module's ``gateway_app`` (each module sets its own timeouts)."""
    return gateway_app.test_client()


@pytest.fixture(name="sam")
def sam_logged_in(gw: FlaskClient, admin_headers: dict[str, str]) -> str:
    """sam, an SMS user, logged in through the gateway's page: its session is the gateway's."""
    make_user(gw, admin_headers, "sam", "sms")
    logged_in(gw, "sam")
    return "sam"
