"""The account page's banner says what was done (``/account?done=password_changed&ref=3``): a password
changed and how many other sessions it logged out, a withdrawal and its reference, IP Restrictions saved. Read
from the address as it came, any link made the broker's own page say so to a logged-in user who had done
nothing (a phishing aid). A banner shows only when the redirect that reported it sealed it for this session
(``pages.said``); a crafted link, a sealed one edited, or one replayed in another session shows none."""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import csrf

from sls_server.http.pages.account import DONE

BANNER = 'data-testid="account-done"'
NEW = "Violet-Harbour-42-Lantern"
#: A link for each banner, with what a real one would carry.
CRAFTED = [
    (done, {"withdrawal": "wd-0123456789ab", "password_changed": "9999"}.get(done, "0")) for done in DONE
]


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Several live sessions per user: a password change has others to log out."""
    return {**app_config, "SESSION_CONCURRENCY": "allow"}


def _changed_password(alice: EnrolledUser) -> str:
    """Alice's browser changes her password through the account page's form: where its answer sends it."""
    alice.step_up(alice.log_in())  # the browser's cookie follows the rotated token
    form = {
        "current_password": alice.password,
        "new_password": NEW,
        "confirm_password": NEW,
        "end_other_sessions": "yes",
        "csrf_token": csrf(alice.client.get("/account").get_data(as_text=True)),
    }
    answer = alice.client.post("/account/password/change", data=form)
    assert answer.status_code == 303, answer.get_data(as_text=True)[:300]
    return answer.headers["Location"]


def _edited(location: str, **fields: str) -> str:
    """``location`` with ``fields`` put in its query (its seal kept)."""
    query = {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}
    return f"/account?{urlencode({**query, **fields})}"


@pytest.mark.parametrize(("done", "ref"), CRAFTED, ids=[done for done, _ in CRAFTED])
def test_a_crafted_link_makes_the_account_page_say_nothing_was_done(
    alice: EnrolledUser, done: str, ref: str
) -> None:
    alice.log_in()
    answer = alice.client.get(f"/account?done={done}&ref={ref}")
    assert answer.status_code == 200
    assert BANNER not in answer.get_data(as_text=True)
    forged = alice.client.get(f"/account?done={done}&ref={ref}&seal=AAAAAAAAAAAAAAAAAAAAAA")
    assert BANNER not in forged.get_data(as_text=True)


def test_a_real_password_change_says_so_with_its_count_and_nothing_else(
    alice: EnrolledUser, client: FlaskClient
) -> None:
    other = client.application.test_client()  # another browser of Alice's, logged out by the change
    alice.client, api = other, alice.client
    try:
        alice.log_in()
    finally:
        alice.client = api
    location = _changed_password(alice)
    assert location.startswith("/account?done=password_changed&ref=1&at="), location
    shown = alice.client.get(location).get_data(as_text=True)
    assert BANNER in shown and "Your password was changed" in shown
    assert "Your other sessions were logged out (1)" in shown
    for edited in ({"ref": "9999"}, {"done": "change_security"}, {"seal": ""}):
        assert BANNER not in alice.client.get(_edited(location, **edited)).get_data(as_text=True), edited


def test_a_sealed_banner_replayed_in_another_session_says_nothing(alice: EnrolledUser) -> None:
    location = _changed_password(alice)
    assert BANNER in alice.client.get(location).get_data(as_text=True)
    alice.password = NEW
    alice.log_in()  # a new session of the same user, on the same browser
    assert BANNER not in alice.client.get(location).get_data(as_text=True)


def test_a_banner_said_before_a_step_up_rotated_the_session_still_shows(alice: EnrolledUser) -> None:
    location = _changed_password(alice)
    token = alice.client.get_cookie("sls_session")
    assert token is not None
    alice.step_up(token.value)  # another tab's step-up: the same session under a new token
    assert BANNER in alice.client.get(location).get_data(as_text=True)
