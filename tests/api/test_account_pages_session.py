"""The account page's forms and pages without a live session: each sends the browser to the login page, or
to the logged-off page saying why (``pages.account.page_session``); none acts. And the new number's code
form (``pages.phone_confirm``), driven as a browser would, without one."""

from __future__ import annotations

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser, move_clock
from flask.testing import FlaskClient
from page_forms import confirm_identity, csrf, last_task, unsealed

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
NEW = "+15555550199"

PAGES = [
    ("GET", "/account"),
    ("GET", "/account/problem"),
    ("GET", "/account/verify"),
    ("POST", "/account/withdrawal"),
    ("POST", "/account/phone"),
    ("POST", "/account/phone/confirm"),
    ("POST", "/account/verify"),
    ("POST", "/account/verify/challenge"),
    ("POST", "/logout"),
]


def _send(client: FlaskClient, method: str, path: str, token: str) -> object:
    form = {"csrf_token": token, "phone": NEW, "code": "123456", "amount": "5", "currency": "USD"}
    return client.get(path) if method == "GET" else client.post(path, data=form)


@pytest.mark.parametrize("path", [path for method, path in PAGES if method == "GET"])
def test_without_a_session_a_page_sends_the_browser_to_log_in(client: FlaskClient, path: str) -> None:
    answer = client.get(path)  # a form's POST is refused before: its token is bound to a session
    assert answer.status_code == 303 and answer.headers["Location"] == "/"


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_after_an_idle_logoff_a_page_says_why(alice: EnrolledUser, method: str, path: str) -> None:
    alice.log_in()
    token = csrf(alice.client.get("/account").get_data(as_text=True))
    move_clock(alice.client, ADMIN, 15 * 60)  # SLS_IDLE_TIMEOUT's default
    answer = _send(alice.client, method, path, token)
    assert answer.status_code == 303  # type: ignore[attr-defined]
    assert unsealed(answer.headers["Location"]) == "/logged-out?reason=idle"  # type: ignore[attr-defined]
    events = alice.client.get(
        "/admin/v1/events", query_string={"type": "withdrawal.requested"}, headers=ADMIN
    )
    assert events.get_json()["events"] == []


def test_the_code_form_takes_the_number_from_the_server_and_says_each_refusal_once(
    client: FlaskClient,
) -> None:
    body = {"username": "nina", "password": "Correct-Horse-4-Battery", "phone": "+15555550123"}
    assert client.post("/admin/v1/users", json=body, headers=ADMIN).status_code == 201
    nina = EnrolledUser.__new__(EnrolledUser)
    nina.client, nina.username, nina.password, nina.pin = client, "nina", body["password"], "1234"
    card = client.post("/admin/v1/users/nina/devices", json={"type": "dscplus", "pin": "1234"}, headers=ADMIN)
    nina.card, nina.device_id = card.get_json(), card.get_json()["device_id"]
    nina.log_in()
    token = csrf(client.get("/account").get_data(as_text=True))
    assert 'data-testid="phone-code"' not in client.get("/account").get_data(as_text=True)
    no_code = client.post("/account/phone/confirm", data={"csrf_token": token, "code": "123456"})
    assert no_code.headers["Location"].startswith("/account?told=")  # this tab's own outcome
    assert "No code is waiting" in client.get(no_code.headers["Location"]).get_data(as_text=True)

    asked = client.post("/account/phone", data={"csrf_token": token, "phone": NEW})
    assert asked.headers["Location"].startswith("/account/verify?task=")
    confirm_identity(client, "nina", body["password"], token)
    page = client.get(last_task(client)).get_data(as_text=True)
    challenge = page.split('data-testid="step-challenge"')[1].split(">")[1].split("<")[0].strip()
    verified = client.post(
        last_task(client), data={"csrf_token": token, "response": nina.card_response(challenge)}
    )
    assert verified.headers["Location"].startswith("/account?done=phone_code_sent&at=")
    shown = client.get(verified.headers["Location"]).get_data(as_text=True)
    assert "We sent a code to +1•••••••0199" in shown and 'data-testid="phone-code"' in shown
    token = csrf(shown)  # the step-up rotated the session, and its forms' token with it

    messages = client.get(f"/sim/v1/phones/{NEW}/messages").get_json()["messages"]
    code = next(m["code"] for m in messages if m["purpose"] == "phone_change")
    typo = client.post("/account/phone/confirm", data={"csrf_token": token, "code": "12 34"})
    assert typo.headers["Location"].startswith("/account?told=")
    told = client.get(typo.headers["Location"])
    said = "Enter the 6-digit code we sent to your new number."
    assert told.status_code == 400 and said in told.get_data(as_text=True)
    assert 'aria-invalid="true"' in told.get_data(as_text=True)
    assert said not in client.get(typo.headers["Location"]).get_data(as_text=True)  # said once

    done = client.post("/account/phone/confirm", data={"csrf_token": token, "code": code})
    assert done.headers["Location"].startswith("/account?done=change_contact&at=")
    assert client.get("/admin/v1/users/nina", headers=ADMIN).get_json()["phone"] == NEW
    assert 'data-testid="phone-code"' not in client.get("/account").get_data(as_text=True)
