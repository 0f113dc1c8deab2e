"""A withdrawal spends its step-up: one verification, one withdrawal (ASVS 5.0 7.5.3, L3: moving money asks
a fresh second factor each time, even within the session).

One step-up used to allow any number of withdrawals for ``SLS_STEPUP_VALIDITY`` seconds: the route only
read the session's verification. It is now spent in one Lua step (``session_spend_verified.lua``) once the
body is judged good, so a refused body spends nothing and of withdrawals racing on one step-up exactly one
is accepted; a step-up for another purpose, rotating the token meanwhile, carries over only what is still
unspent when it rotates (``session_create.lua``). The other purposes keep their window.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask import Flask
from flask.testing import FlaskClient
from page_forms import csrf

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _withdraw(user: EnrolledUser, token: str, body: dict[str, Any] | None = None) -> Any:
    return user.client.post("/api/v1/withdrawals", json=body or {"amount": 100}, headers=_bearer(token))


def _withdrawals_recorded(user: EnrolledUser) -> int:
    found = user.client.get("/admin/v1/events?type=withdrawal.requested&user=alice", headers=ADMIN)
    assert found.status_code == 200, found.get_json()
    return len(found.get_json()["events"])


def _refused_for_want_of_a_step_up(answer: Any) -> bool:
    body = answer.get_json()
    return (
        answer.status_code == 401 and body["error"] == "reauth_required" and body["purpose"] == "withdrawal"
    )


def test_one_step_up_allows_one_withdrawal_and_the_next_needs_another(alice: EnrolledUser) -> None:
    token = alice.step_up(purpose="withdrawal")
    first = _withdraw(alice, token)
    assert first.status_code == 200, first.get_json()
    for _ in range(2):
        assert _refused_for_want_of_a_step_up(_withdraw(alice, token))
    token = alice.step_up(token, purpose="withdrawal")
    accepted = _withdraw(alice, token, {"amount": 7, "currency": "EUR"})
    assert accepted.status_code == 200 and accepted.get_json()["amount"] == 7, accepted.get_json()
    assert _refused_for_want_of_a_step_up(_withdraw(alice, token))
    assert _withdrawals_recorded(alice) == 2
    assert "withdrawal" not in alice.client.get("/account/session").get_json()["verified"]


def test_a_refused_body_spends_nothing(alice: EnrolledUser) -> None:
    token = alice.step_up(purpose="withdrawal")
    for body in ({"amount": 0}, {"amount": 5, "currency": "usd"}, {"amount": "lots"}, {"currency": "USD"}):
        refused = _withdraw(alice, token, body)
        assert refused.status_code == 400 and refused.get_json()["error"] == "invalid_request", body
    assert _withdraw(alice, token).status_code == 200
    assert _refused_for_want_of_a_step_up(_withdraw(alice, token))


def test_withdrawals_racing_on_one_step_up_are_one_accepted(alice: EnrolledUser, app: Flask) -> None:
    """Four at once, each on a client of its own, from a barrier: one is accepted, three told to verify."""
    token = alice.step_up(purpose="withdrawal")
    barrier = threading.Barrier(4)

    def withdraw(_: int) -> Any:
        client = app.test_client()
        barrier.wait()
        return client.post("/api/v1/withdrawals", json={"amount": 100}, headers=_bearer(token))

    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(withdraw, range(4)))
    assert sorted(a.status_code for a in answers) == [200, 401, 401, 401], [a.get_json() for a in answers]
    assert all(_refused_for_want_of_a_step_up(a) for a in answers if a.status_code != 200)
    assert _withdrawals_recorded(alice) == 1


def test_a_step_up_rotating_the_token_does_not_bring_back_a_spent_withdrawal(
    alice: EnrolledUser, app: Flask
) -> None:
    """A step-up for another purpose, answered while a withdrawal spends the session's step-up: the rotation
    read the session before the spend, and used to copy that read's verifications onto the new token, the
    spent one with them (a second withdrawal on one step-up). Run in that order, deterministically: the
    step-up's own request reads the session, the withdrawal spends, then the step-up rotates."""
    core = app.extensions["sls"]
    token = alice.step_up(purpose="withdrawal")
    opened = alice.client.post("/api/v1/verify", json={"purpose": "change_contact"}, headers=_bearer(token))
    assert opened.status_code == 200, opened.get_json()
    step = opened.get_json()
    now = core.clock.now()
    read = core.sessions.authenticate(token, now=now, ip="127.0.0.1")  # the step-up's request begins
    assert "withdrawal" in read.verified
    assert _withdraw(alice, token).status_code == 200  # the withdrawal spends it meanwhile
    response = alice.card_response(step["factor"]["challenge"])
    with app.test_request_context():
        body, rotated = core.stepup.complete(read, step["txn_id"], response, now=now, ip="127.0.0.1")
    assert body["state"] == "verified" and rotated is not None
    assert _refused_for_want_of_a_step_up(_withdraw(alice, rotated))
    changed = alice.client.post(
        "/api/v1/account/phone", json={"phone": "+15550001111"}, headers=_bearer(rotated)
    )
    assert changed.status_code == 200, changed.get_json()  # the rotation's own purpose is verified


def test_other_purposes_keep_their_step_up_for_its_window(alice: EnrolledUser) -> None:
    """``change_contact`` is not spent: a code texted, then another asked for, on one step-up."""
    token = alice.step_up(purpose="change_contact")
    for phone in ("+15550001111", "+15550002222"):
        sent = alice.client.post("/api/v1/account/phone", json={"phone": phone}, headers=_bearer(token))
        assert sent.status_code == 200 and sent.get_json()["state"] == "code_sent", sent.get_json()


def test_a_withdrawal_step_up_kept_through_another_step_up_still_allows_one(alice: EnrolledUser) -> None:
    """Unspent, it passes to the rotated token with the other purpose's, as before: still one withdrawal."""
    token = alice.step_up(purpose="withdrawal")
    token = alice.step_up(token, purpose="change_contact")
    assert _withdraw(alice, token).status_code == 200
    assert _refused_for_want_of_a_step_up(_withdraw(alice, token))


def _page_withdrawal(client: FlaskClient) -> str:
    """A withdrawal asked for on the account page (the session cookie the API's step-up set): where it
    sends the browser."""
    form = {
        "amount": "100",
        "currency": "USD",
        "csrf_token": csrf(client.get("/account").get_data(as_text=True)),
    }
    asked = client.post("/account/withdrawal", data=form)
    assert asked.status_code == 303, asked.get_data(as_text=True)
    return str(asked.headers["Location"])


def test_the_account_page_spends_it_too_and_asks_again(alice: EnrolledUser, client: FlaskClient) -> None:
    alice.step_up(purpose="withdrawal")
    assert _page_withdrawal(client).startswith("/account?done=withdrawal&ref=wd-")
    assert _page_withdrawal(client).startswith("/account/verify?task=")  # the next one verifies again
    assert _withdrawals_recorded(alice) == 1


def test_a_page_withdrawal_whose_step_up_was_spent_since_it_was_read_asks_to_verify(
    alice: EnrolledUser, client: FlaskClient, app: Flask, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The page found the step-up fresh, and another withdrawal spent it before this one could: the verify
    page, as without one (not an error page)."""
    alice.step_up(purpose="withdrawal")
    sessions = app.extensions["sls"].sessions
    spend = sessions.spend_step_up

    def raced(session: Any, purpose: str, *, now: int) -> str:
        assert spend(session, purpose, now=now) == "ok"  # the other withdrawal's, landing first
        return str(spend(session, purpose, now=now))

    monkeypatch.setattr(sessions, "spend_step_up", raced)
    assert _page_withdrawal(client).startswith("/account/verify?task=")
