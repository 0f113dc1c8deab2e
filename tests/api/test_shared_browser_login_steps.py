"""A login left at its second-factor step on a shared computer: the tab closed (or the person walked away)
after the password, and the next person opens the step's address from the browser's history while the login
lasts. The step's cookie is sealed to the login and the browser, not the tab, so the step opens again; this
is judged no exposure (docs/security.md): the page never holds the password, and nothing gets past it
without the first person's second factor. Each test is one cookie jar, as one browser."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser
from flask.testing import FlaskClient
from gateway_kit import PASSWORD, GatewayBrowser, make_user
from page_forms import start_page_login

from sls_server import create_app
from sls_server.http.common import SESSION_COOKIE


@pytest.fixture
def gw(app_config: dict[str, Any]) -> FlaskClient:
    return create_app({**app_config, "GATEWAY": True}).test_client()


def test_a_portal_step_reopened_from_the_history_still_needs_the_card(
    client: FlaskClient, alice: EnrolledUser
) -> None:
    path, token = start_page_login(client, alice)

    step = client.get(path)  # the next person, from the history
    html = step.get_data(as_text=True)
    assert step.status_code == 200 and 'data-testid="step-challenge"' in html
    assert alice.password not in html
    wrong = client.post(f"{path}/verify", data={"response": "12345678", "csrf_token": token})
    assert wrong.status_code == 303 and client.get_cookie(SESSION_COOKIE) is None
    assert client.get("/account").status_code != 200, "no session without the card"


def test_a_gateway_step_reopened_from_the_history_still_needs_the_code(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    make_user(gw, admin_headers, "dora", "sms")
    path = GatewayBrowser(gw).log_in("dora")

    nxt = GatewayBrowser(gw)  # the next person, in the same browser, from the history
    nxt.open()
    step = nxt.step(path)
    html = step.get_data(as_text=True)
    assert step.status_code == 200 and 'name="response"' in html
    assert PASSWORD not in html
    wrong = nxt.answer(
        path, "000000" if nxt.latest_code("dora").get_data(as_text=True) != "000000" else "111111"
    )
    assert wrong.status_code == 303 and wrong.headers["Location"] != "/sso/Dispatcher"
    assert "Client login succeeds" not in gw.get("/sso/Dispatcher").get_data(as_text=True)


def test_a_login_steps_address_names_neither_the_user_nor_the_transaction(
    client: FlaskClient, gw: FlaskClient, alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    """The step's address is what a shared computer's history, its address bar's suggestions and a
    screenshot of the room's projector keep: it used to be the transaction id, which starts with the
    username (``/login/alice~...``, ``/sso/Login/dora~...``). Each browser's cookie, sealed to the page's
    own key, holds the transaction; a transaction id opens no page."""
    path, _ = start_page_login(client, alice)
    assert path.startswith("/login/") and "alice" not in path and "~" not in path, path
    assert 'data-testid="step-challenge"' in client.get(path).get_data(as_text=True)
    by_api = client.post("/api/v1/auth/login", json={"username": "alice", "password": alice.password})
    txn_id = by_api.get_json()["txn_id"]
    assert txn_id.startswith("alice~")
    by_id = client.get(f"/login/{txn_id}")  # with the API's login cookie too: no page names a transaction
    assert by_id.status_code == 410 and 'data-testid="step-challenge"' not in by_id.get_data(as_text=True)

    make_user(gw, admin_headers, "dora", "sms")
    step = GatewayBrowser(gw).log_in("dora")
    assert step.startswith("/sso/Login/") and "dora" not in step and "~" not in step, step
    assert 'name="response"' in gw.get(step).get_data(as_text=True)
