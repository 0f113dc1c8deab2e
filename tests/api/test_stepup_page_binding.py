"""A task waiting on the account page for its step-up ("verify your identity") belongs to the session that
asked for it: logging out ends it, and the user's next session does not find it waiting, even in a browser
that kept its cookie."""

from __future__ import annotations

from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import csrf

VERIFY_COOKIE = "sls_page_verify"


def _ask_for_withdrawal(user: EnrolledUser, amount: str) -> str:
    """Logged in, a withdrawal of ``amount`` asked for and waiting at the verify page; the CSRF token."""
    user.log_in()
    token = csrf(user.client.get("/account").get_data(as_text=True))
    form = {"amount": amount, "currency": "USD", "csrf_token": token}
    asked = user.client.post("/account/withdrawal", data=form)
    assert asked.status_code == 303 and asked.headers["Location"] == "/account/verify"
    waiting = user.client.get("/account/verify")
    assert waiting.status_code == 200 and f"{amount} USD" in waiting.get_data(as_text=True)
    return token


def test_logging_out_drops_the_task_waiting_for_its_step_up(alice: EnrolledUser) -> None:
    token = _ask_for_withdrawal(alice, "777")
    assert alice.client.get_cookie(VERIFY_COOKIE, path="/account/verify") is not None

    out = alice.client.post("/logout", data={"csrf_token": token})

    assert out.status_code == 303 and out.headers["Location"] == "/logged-out?reason=logout"
    assert alice.client.get_cookie(VERIFY_COOKIE, path="/account/verify") is None


def test_the_next_session_of_the_user_does_not_find_the_last_ones_task(
    alice: EnrolledUser, client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    _ask_for_withdrawal(alice, "777")
    kept = alice.client.get_cookie(VERIFY_COOKIE, path="/account/verify")
    assert kept is not None

    alice.log_in()  # a new session (the old one replaced), in a browser that still holds the task's cookie
    assert alice.client.get_cookie(VERIFY_COOKIE, path="/account/verify") is not None

    again = alice.client.get("/account/verify")
    assert again.status_code == 303 and again.headers["Location"] == "/account"
    token = csrf(alice.client.get("/account").get_data(as_text=True))
    form = {"username": alice.username, "password": alice.password, "csrf_token": token}
    confirmed = alice.client.post("/account/verify", data=form)  # what the old page's Continue would send
    assert confirmed.status_code == 303 and confirmed.headers["Location"] == "/account"
    issued = client.get("/admin/v1/events?type=stepup.challenge_issued", headers=admin_headers)
    assert issued.get_json()["events"] == []  # no challenge for the old task
