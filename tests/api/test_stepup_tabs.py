"""Two tabs of the account page, each with a task waiting for its step-up (the browser's one cookie jar, as
the Flask client's): each task completes its own action, never the other's, never both on one response, a
task waiting in one tab survives the token rotation of the other tab's step-up (``pages.stepup``), by card
or by IB Key push, and what a tab's form was told is said on that tab's page only."""

from __future__ import annotations

import re
from typing import Any

from conftest import EnrolledUser
from flask.testing import FlaskClient
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import World
from page_forms import confirm_identity, csrf

NEW = "+15555550177"


def _ask(alice: EnrolledUser, path: str, form: dict[str, str]) -> str:
    """A task asked for on the account page (this tab) and its password step passed: its verify page."""
    client = alice.client
    if client.get_cookie("sls_session") is None:
        alice.log_in()
    token = csrf(client.get("/account").get_data(as_text=True))
    asked = client.post(path, data={**form, "csrf_token": token})
    here = str(asked.headers["Location"])
    assert asked.status_code == 303 and here.startswith("/account/verify")
    confirm_identity(client, alice.username, alice.password, token, here)
    return here


def _challenge(client: FlaskClient, here: str) -> tuple[str, str]:
    page = client.get(here).get_data(as_text=True)
    found = re.search(r'data-testid="step-challenge">\s*([^<\s]+)', page)
    assert found, page
    return found.group(1), page


def _answer(alice: EnrolledUser, here: str) -> str:
    challenge, page = _challenge(alice.client, here)
    done = alice.client.post(
        here, data={"csrf_token": csrf(page), "response": alice.card_response(challenge)}
    )
    assert done.status_code == 303
    return str(done.headers["Location"])


def test_a_task_waiting_in_one_tab_completes_after_another_tabs_step_up(alice: EnrolledUser) -> None:
    tab_a = _ask(alice, "/account/withdrawal", {"amount": "250", "currency": "USD"})
    _challenge(alice.client, tab_a)
    alice.step_up(
        alice.client.get_cookie("sls_session").value
    )  # another tab's: the cookie follows the new token
    assert "250 USD" in _challenge(alice.client, tab_a)[1], (
        "the task still waits, under the session's new token"
    )
    assert _answer(alice, tab_a).startswith("/account?done=withdrawal&ref=")


def test_two_tabs_tasks_each_complete_their_own_action(alice: EnrolledUser) -> None:
    tab_a = _ask(alice, "/account/withdrawal", {"amount": "250", "currency": "USD"})
    tab_b = _ask(alice, "/account/phone", {"phone": NEW})
    assert tab_a != tab_b
    assert "250 USD" in _challenge(alice.client, tab_a)[1], "tab B's task did not replace tab A's"
    assert NEW in _challenge(alice.client, tab_b)[1]

    assert _answer(alice, tab_b).startswith("/account?done=phone_code_sent&at=")  # rotates the token
    assert _answer(alice, tab_a).startswith("/account?done=withdrawal&ref="), "tab A's task survived"
    messages = alice.client.get(f"/sim/v1/phones/{NEW}/messages").get_json()["messages"]
    assert [m["purpose"] for m in messages].count("phone_change") == 1, "one code, for tab B's task only"


def test_a_response_spends_its_own_task_only(alice: EnrolledUser) -> None:
    tab_a = _ask(alice, "/account/withdrawal", {"amount": "250", "currency": "USD"})
    tab_b = _ask(alice, "/account/withdrawal", {"amount": "7", "currency": "EUR"})
    assert _answer(alice, tab_a).startswith("/account?done=withdrawal")
    again = alice.client.get(tab_a, follow_redirects=True)
    said = again.get_data(as_text=True)  # done, and said so: not "nothing was done", which had it made twice
    assert again.status_code == 200 and "already done: Withdraw funds: 250 USD" in said, said
    assert "7 EUR" in _challenge(alice.client, tab_b)[1], "tab B still waits for its own response"


def test_a_tabs_response_sent_for_the_other_tabs_task_completes_nothing(alice: EnrolledUser) -> None:
    tab_a = _ask(alice, "/account/withdrawal", {"amount": "250", "currency": "USD"})
    tab_b = _ask(alice, "/account/phone", {"phone": NEW})
    challenge, page = _challenge(alice.client, tab_a)
    wrong = alice.client.post(
        tab_b, data={"csrf_token": csrf(page), "response": alice.card_response(challenge)}
    )
    assert wrong.headers["Location"] == tab_b, "tab A's code is a wrong answer to tab B's step"
    assert alice.client.get(f"/sim/v1/phones/{NEW}/messages").get_json()["messages"] == []
    assert _answer(alice, tab_a).startswith("/account?done=withdrawal")


def test_a_wrong_code_is_told_on_its_own_tabs_page_only_and_once(alice: EnrolledUser) -> None:
    tab_a = _ask(alice, "/account/withdrawal", {"amount": "250", "currency": "USD"})
    tab_b = _ask(alice, "/account/phone", {"phone": NEW})
    _, page = _challenge(alice.client, tab_a)
    wrong = alice.client.post(tab_a, data={"csrf_token": csrf(page), "response": "00000000"})
    assert wrong.status_code == 303 and wrong.headers["Location"] == tab_a
    assert 'data-testid="step-error"' not in _challenge(alice.client, tab_b)[1], "tab A's message, on tab B"
    assert 'data-testid="step-error"' in _challenge(alice.client, tab_a)[1], "tab A is told of its own code"
    assert 'data-testid="step-error"' not in _challenge(alice.client, tab_a)[1], "and only once"


def test_an_ib_key_push_approved_after_another_tabs_step_up_completes_its_own_task(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    world = World(client, admin_headers)
    app = world.activated_user("alice", "android")
    started = world.login("alice")
    assert world.answer(app, started, "approve", pin="12ab").status_code == 200
    token = world.poll(started["txn_id"])["session"]["token"]  # the poll sets the pages' session cookie
    tab_a, txn = _ask_by_push(world, app, "/account/withdrawal", {"amount": "250", "currency": "USD"})
    tab_b, other = _ask_by_push(world, app, "/account/withdrawal", {"amount": "7", "currency": "EUR"})
    assert world.approve(app, other, other["match"], pin="12ab").status_code == 200
    done_b = client.get(tab_b.replace("?", "/status?")).get_json()
    assert done_b["state"] == "verified", done_b  # tab B's step-up rotated the session's token
    assert client.get_cookie("sls_session").value != token
    assert world.approve(app, txn, txn["match"], pin="12ab").status_code == 200
    done_a = client.get(tab_a.replace("?", "/status?")).get_json()
    assert done_a["state"] == "verified" and done_a["next"].startswith("/account?done=withdrawal"), done_a


def _ask_by_push(world: World, app: str, path: str, form: dict[str, str]) -> tuple[str, dict[str, Any]]:
    """A task asked for by an IB Key user and its password step passed: its verify page, and the push the
    phone was sent for it (the one new notification) with the number the page shows."""
    client = world.client
    before = {n["id"] for n in world.notifications(app)}
    token = csrf(client.get("/account").get_data(as_text=True))
    asked = client.post(path, data={**form, "csrf_token": token})
    here = str(asked.headers["Location"])
    assert asked.status_code == 303 and here.startswith("/account/verify?task=")
    confirm_identity(client, "alice", IBKEY_PASSWORD, token, here)
    page = client.get(here).get_data(as_text=True)
    found = re.search(r'data-testid="push-match"[^>]*>\s*(\d+)', page)
    assert found, page
    [note] = [n for n in world.notifications(app) if n["id"] not in before]
    return here, {**note, "match": found.group(1)}


def test_a_forged_or_unknown_task_is_refused(alice: EnrolledUser) -> None:
    tab_a = _ask(alice, "/account/withdrawal", {"amount": "250", "currency": "USD"})
    cookie = alice.client.get_cookie(f"sls_page_verify_{tab_a.split('=')[1]}", path="/account/verify")
    assert cookie is not None
    other = "/account/verify?task=AAAAAAAAAAAA"
    alice.client.set_cookie("sls_page_verify_AAAAAAAAAAAA", cookie.value, path="/account/verify")
    moved = alice.client.get(other)
    assert moved.status_code == 303 and moved.headers["Location"] == "/account/problem?task=AAAAAAAAAAAA", (
        "sealed to its task id"
    )


def test_a_step_opened_before_another_step_up_completes_under_the_new_token_once(alice: EnrolledUser) -> None:
    """The API's side of it (``StepUpService._own``): a step opened under a token the session was rotated
    from is still the session's; answered once, it is spent, under any of the session's tokens."""
    token = alice.log_in()
    opened = alice.client.post("/api/v1/verify", json={"purpose": "withdrawal"}, headers=_bearer(token))
    step = opened.get_json()
    newer = alice.step_up(token)  # another step-up of the session rotates its token
    answer = {"txn_id": step["txn_id"], "response": alice.card_response(step["factor"]["challenge"])}
    done = alice.client.post("/api/v1/verify", json=answer, headers=_bearer(newer))
    assert done.status_code == 200 and done.get_json()["purpose"] == "withdrawal", done.get_json()
    latest = done.get_json()["session"]["token"]
    again = alice.client.post("/api/v1/verify", json=answer, headers=_bearer(latest))
    assert again.status_code in (400, 409, 410) and again.get_json()["error"] == "challenge_used", (
        again.get_json()
    )


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_two_tabs_refused_at_once_are_each_told_their_own_problem(alice: EnrolledUser) -> None:
    """Two tabs' forms refused before either showed its problem page: each page says its own refusal (one
    outcome per path let the later overwrite the earlier, and the first page shown drop it for both)."""
    alice.log_in()
    token = csrf(alice.client.get("/account").get_data(as_text=True))
    phone = alice.client.post("/account/phone", data={"phone": "12", "csrf_token": token})
    amount = alice.client.post("/account/withdrawal", data={"amount": "0", "csrf_token": token})
    assert phone.status_code == amount.status_code == 303
    tab_a, tab_b = str(phone.headers["Location"]), str(amount.headers["Location"])
    assert tab_a != tab_b and all(t.startswith("/account/problem?task=") for t in (tab_a, tab_b))
    shown_b = alice.client.get(tab_b)
    assert shown_b.status_code == 400 and "whole amount" in shown_b.get_data(as_text=True)
    shown_a = alice.client.get(tab_a)
    assert shown_a.status_code == 400 and "international form" in shown_a.get_data(as_text=True)
    assert alice.client.get(tab_a).status_code == 303, "told once"
