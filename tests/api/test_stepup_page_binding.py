"""A task waiting on the account page for its step-up ("verify your identity") belongs to the session that
asked for it: logging out ends it, and the user's next session does not find it waiting, even in a browser
that kept its cookie (``/logout`` is not sent the task's cookie, whose path is its verify page: the seal to
the session refuses it, and the verify page that is sent it drops it)."""

from __future__ import annotations

from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import csrf, unsealed


def _ask_for_withdrawal(user: EnrolledUser, amount: str) -> tuple[str, str]:
    """Logged in, a withdrawal of ``amount`` asked for and waiting at the verify page; the CSRF token and
    the task's verify page."""
    user.log_in()
    token = csrf(user.client.get("/account").get_data(as_text=True))
    form = {"amount": amount, "currency": "USD", "csrf_token": token}
    asked = user.client.post("/account/withdrawal", data=form)
    here = asked.headers["Location"]
    assert asked.status_code == 303 and here.startswith("/account/verify?task=")
    waiting = user.client.get(here)
    assert waiting.status_code == 200 and f"{amount} USD" in waiting.get_data(as_text=True)
    return token, here


def _cookie(user: EnrolledUser, here: str) -> object:
    return user.client.get_cookie(f"sls_page_verify_{here.split('=')[1]}", path="/account/verify")


def test_logging_out_drops_the_task_waiting_for_its_step_up(alice: EnrolledUser) -> None:
    token, here = _ask_for_withdrawal(alice, "777")
    assert _cookie(alice, here) is not None

    out = alice.client.post("/logout", data={"csrf_token": token})

    assert out.status_code == 303 and unsealed(out.headers["Location"]) == "/logged-out?reason=logout"
    again = alice.client.get(here)
    assert again.status_code == 303 and again.headers["Location"] == "/", "to the login page"
    assert _cookie(alice, here) is None, "the verify page, sent the task's cookie, drops it"
    assert alice.client.get_cookie("sls_page_tasks", path="/account") is None, "and their order's"


def test_the_next_session_of_the_user_does_not_find_the_last_ones_task(
    alice: EnrolledUser, client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    _, here = _ask_for_withdrawal(alice, "777")
    assert _cookie(alice, here) is not None

    alice.log_in()  # a new session (the old one replaced), in a browser that still holds the task's cookie
    assert _cookie(alice, here) is not None

    token = csrf(alice.client.get("/account").get_data(as_text=True))
    form = {"username": alice.username, "password": alice.password, "csrf_token": token}
    confirmed = alice.client.post(here, data=form)  # what the old page's Continue would send
    problem = str(confirmed.headers["Location"])
    assert confirmed.status_code == 303 and problem == "/account/problem?" + here.split("?")[1]
    assert "Nothing was done" in alice.client.get(problem).get_data(as_text=True)
    assert _cookie(alice, here) is None
    issued = client.get("/admin/v1/events?type=stepup.challenge_issued", headers=admin_headers)
    assert issued.get_json()["events"] == []  # no challenge for the old task


def test_a_task_page_drops_the_cookies_of_tasks_no_tab_can_complete(alice: EnrolledUser) -> None:
    _, old = _ask_for_withdrawal(alice, "777")
    alice.client.set_cookie("sls_page_verify_bad", "forged", path="/account/verify")
    alice.log_in()  # a new session: the old task is the last session's
    token = csrf(alice.client.get("/account").get_data(as_text=True))
    asked = [alice.client.post("/account/withdrawal", data={"amount": n, "csrf_token": token}) for n in "56"]
    live, other_tab = (a.headers["Location"] for a in asked)  # two tabs' tasks of this session
    assert _cookie(alice, old) is not None

    assert alice.client.get(live).status_code == 200
    assert _cookie(alice, old) is None and _cookie(alice, live) is not None
    assert alice.client.get_cookie("sls_page_verify_bad", path="/account/verify") is None
    assert _cookie(alice, other_tab) is not None, "another tab's live task stays"
    assert alice.client.get(other_tab).status_code == 200
