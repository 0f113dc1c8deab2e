"""A tab's own outcome (``/account?told=KEY``, ``/account/problem?task=ID``, a verify page's refusal) is told
to the session whose form it answers, never to another session of the same browser.

They were sealed to the browser (``sls_browser``), the path and the key only: one user's refusal left
waiting (a tab closed as it redirected, a lost connection), with the IP Restrictions list they typed, was
shown to the next user who logged in on that browser and opened its address (the browser's history keeps
it) within its two minutes. Sealed to the session too (its token now, or one a step-up rotated it from, as
the step-up tasks are: ``verify_tasks``), it opens for nobody else.
"""

from __future__ import annotations

from collections.abc import Callable

from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import csrf

TYPED = "198.51.100.7\n203.0.113.99"


def _refused_ip_list(user: EnrolledUser) -> str:
    """``user`` logged in, their IP Restrictions list refused (no step-up), the redirect not followed."""
    user.log_in()
    token = csrf(user.client.get("/account").get_data(as_text=True))
    answer = user.client.post("/account/ip-allowlist/save", data={"ip_allowlist": TYPED, "csrf_token": token})
    assert answer.status_code == 303
    return str(answer.headers["Location"])


def test_a_refusal_left_waiting_is_not_shown_to_the_next_user_of_the_browser(
    enrol: Callable[..., EnrolledUser],
) -> None:
    alice, bob = enrol("alice", "1234"), enrol("bob", "5678")
    here = _refused_ip_list(alice)
    token = csrf(alice.client.get("/account").get_data(as_text=True))
    assert alice.client.post("/logout", data={"csrf_token": token}).status_code == 303
    bob.log_in()  # the same browser (one client: one sls_browser)
    html = bob.client.get(here).get_data(as_text=True)
    assert "203.0.113.99" not in html and "Verify your identity again" not in html


def test_a_problem_left_waiting_is_not_shown_to_another_session(enrol: Callable[..., EnrolledUser]) -> None:
    alice = enrol("alice", "1234")
    alice.log_in()
    token = csrf(alice.client.get("/account").get_data(as_text=True))
    answer = alice.client.post("/account/withdrawal", data={"amount": "abc", "csrf_token": token})
    here = str(answer.headers["Location"])
    assert here.startswith("/account/problem?task=")
    alice.log_in()  # a new session of the same user, in the same browser
    shown = alice.client.get(here)
    assert shown.status_code == 303 and "whole amount" not in shown.get_data(as_text=True)


def test_its_own_session_is_still_told_after_a_step_up_rotated_its_token(alice: EnrolledUser) -> None:
    here = _refused_ip_list(alice)
    cookie = alice.client.get_cookie("sls_session")
    assert cookie is not None
    alice.step_up(cookie.value)  # another tab's step-up: the cookie now holds a new token of the same session
    assert alice.client.get_cookie("sls_session").value != cookie.value
    html = alice.client.get(here).get_data(as_text=True)
    assert "Verify your identity again" in html and "203.0.113.99" in html


def test_a_login_refusal_left_waiting_is_told_to_its_own_tab_only(client: FlaskClient) -> None:
    """The login page's refusal keeps the username typed, for the tab that sent it: on a shared browser, the
    next person to open the login page within its two minutes saw who had just failed to log in (and why),
    when the tab closed as it redirected. No session or login exists to seal it to, so it is sealed to a key
    only the 303's own address carries."""
    token = csrf(client.get("/").get_data(as_text=True))
    posted = client.post(
        "/login", data={"username": "carol.smith", "password": "Wrong-1", "csrf_token": token}
    )
    assert posted.status_code == 303
    html = client.get("/").get_data(as_text=True)  # the next person, in the same browser
    assert "carol.smith" not in html and "incorrect" not in html
    own = client.get(str(posted.headers["Location"]))  # the tab the refusal was for
    assert own.status_code == 401 and 'value="carol.smith"' in own.get_data(as_text=True)
