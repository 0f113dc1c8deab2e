"""The account page's "verify your identity" begins as the broker's procedure does ("How to verify your
identity using your Secure Login Device", step 1): the username and password, then Continue, and only then
the challenge. That password is checked as a login's is: a wrong one counts towards the lockout."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

from conftest import ADMIN_TOKEN, EnrolledUser, trail
from page_forms import csrf, last_task
from werkzeug.test import TestResponse

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
WRONG = "Not-The-Password-Marker-7731"


def _ask_for_withdrawal(user: EnrolledUser) -> str:
    """Logged in, a withdrawal asked for: its verify page waits; the page's CSRF token."""
    user.log_in()
    token = csrf(user.client.get("/account").get_data(as_text=True))
    form = {"amount": "100", "currency": "USD", "csrf_token": token}
    asked = user.client.post("/account/withdrawal", data=form)
    assert asked.status_code == 303 and asked.headers["Location"].startswith("/account/verify?task=")
    return token


def _confirm(user: EnrolledUser, token: str, username: str, password: str) -> TestResponse:
    """Step 1's form sent: the verify page it redirects to (the refusal, or the challenge)."""
    form = {"username": username, "password": password, "csrf_token": token}
    confirmed = user.client.post(last_task(user.client), data=form, follow_redirects=True)
    assert [r.status_code for r in confirmed.history] == [303]
    assert confirmed.request.path == "/account/verify"
    return confirmed


def test_the_password_comes_before_the_challenge(alice: EnrolledUser) -> None:
    token = _ask_for_withdrawal(alice)
    asked = alice.client.get(last_task(alice.client)).get_data(as_text=True)
    assert 'data-testid="verify-password"' in asked and 'data-testid="step-challenge"' not in asked
    # no challenge before the password
    assert trail(alice.client, ADMIN, "stepup.challenge_issued", limit=1000) == []

    wrong = _confirm(alice, token, "alice", WRONG)
    assert wrong.status_code == 401
    said = wrong.get_data(as_text=True)
    assert "username or password you entered is incorrect" in said and 'aria-invalid="true"' in said
    assert 'value="alice"' in said  # the name stays typed, as on the login page
    assert 'data-testid="step-challenge"' not in said
    failed = trail(alice.client, ADMIN, "stepup.password_failed", limit=1000)
    assert [e["user"] for e in failed] == ["alice"] and WRONG not in json.dumps(failed)
    assert trail(alice.client, ADMIN, "stepup.challenge_issued", limit=1000) == []

    right = _confirm(alice, token, "Alice", alice.password)  # names are case-insensitive, as at login
    challenged = right.get_data(as_text=True)
    assert right.status_code == 200 and "incorrect" not in challenged
    found = re.search(r'data-testid="step-challenge">(\d+)<', challenged)
    assert found and 'data-testid="verify-password"' not in challenged
    form = {"response": alice.card_response(found.group(1)), "csrf_token": token}
    done = alice.client.post(last_task(alice.client), data=form)
    assert done.status_code == 303 and done.headers["Location"].startswith("/account?done=withdrawal")


def test_a_wrong_password_there_counts_towards_the_lockout(alice: EnrolledUser) -> None:
    token = _ask_for_withdrawal(alice)
    assert _confirm(alice, token, "alice", WRONG).status_code == 401
    logins = [
        alice.client.post("/api/v1/auth/login", json={"username": "alice", "password": WRONG}).status_code
        for _ in range(4)
    ]
    assert logins == [401] * 4  # the fifth failure of the threshold (5): the step-up's was the first
    locked = alice.client.post("/api/v1/auth/login", json={"username": "alice", "password": alice.password})
    assert locked.status_code == 423
    refused = _confirm(alice, token, "alice", alice.password)
    assert refused.status_code == 423 and "temporarily locked" in refused.get_data(as_text=True)
    assert trail(alice.client, ADMIN, "stepup.challenge_issued", limit=1000) == []


def test_another_users_name_is_a_wrong_name_and_counts_against_nobody(
    alice: EnrolledUser, enrol: Callable[..., EnrolledUser]
) -> None:
    bob = enrol("bob", "4321")
    token = _ask_for_withdrawal(alice)
    other = _confirm(alice, token, "bob", bob.password)
    assert other.status_code == 401 and 'data-testid="step-challenge"' not in other.get_data(as_text=True)
    # every attempt is an event, counted or not
    failed = trail(alice.client, ADMIN, "stepup.password_failed", limit=1000)
    assert [(e["user"], e["detail"]) for e in failed] == [("alice", {"reason": "another_username"})]
    assert bob.password not in json.dumps(failed)
    lockout = alice.client.get("/admin/v1/users/bob/lockout", headers=ADMIN).get_json()
    assert not any(bucket["failures"] for bucket in lockout["buckets"].values())  # counted against nobody
    assert trail(alice.client, ADMIN, "stepup.challenge_issued", limit=1000) == []


def test_an_empty_field_is_asked_for_again(alice: EnrolledUser) -> None:
    token = _ask_for_withdrawal(alice)
    empty = _confirm(alice, token, "alice", "")
    assert empty.status_code == 400 and "Enter your username and password." in empty.get_data(as_text=True)
    assert trail(alice.client, ADMIN, "stepup.password_failed", limit=1000) == []
