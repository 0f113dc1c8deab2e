"""Tasks left waiting for their step-up are bounded (``verify_tasks.MAX_TASKS``): each is a cookie sent with
every request to ``/account/verify``, and abandoned ones lived until they expired, so a few dozen started in
minutes grew the Cookie header toward the 8 KB servers take. Starting one more drops the oldest, whose tab
then says it was replaced; nothing else of the session changes."""

from __future__ import annotations

import re

from conftest import EnrolledUser
from page_forms import confirm_identity, csrf

from sls_server.http.pages.verify_tasks import MAX_TASKS

#: The Cookie header gunicorn (and nginx, by default) takes: ``limit_request_field_size`` is 8190 bytes.
SERVERS_LIMIT = 8190


def _start(alice: EnrolledUser, token: str, amount: int) -> str:
    """A withdrawal asked for in a new tab, its page shown and its password step passed: its verify page."""
    asked = alice.client.post("/account/withdrawal", data={"amount": str(amount), "csrf_token": token})
    here = str(asked.headers["Location"])
    assert asked.status_code == 303 and here.startswith("/account/verify?task="), here
    assert alice.client.get(here).status_code == 200
    confirm_identity(alice.client, alice.username, alice.password, token, here)
    return here


def _challenge(alice: EnrolledUser, here: str) -> str:
    shown = alice.client.get(here)
    found = re.search(r'data-testid="step-challenge">\s*([^<\s]+)', shown.get_data(as_text=True))
    assert shown.status_code == 200 and found, shown.status_code
    return found.group(1)


def _tasks_sent(alice: EnrolledUser, here: str) -> tuple[list[str], str]:
    """The task cookies a request to ``here`` carries, and its whole Cookie header."""
    sent = alice.client.get(here).request.headers.get("Cookie", "")
    return re.findall(r"sls_page_verify_([A-Za-z0-9_-]{12})=", sent), sent


def test_starting_more_tasks_than_the_bound_replaces_the_oldest(alice: EnrolledUser) -> None:
    alice.log_in()
    session = alice.client.get_cookie("sls_session")
    assert session is not None
    token = csrf(alice.client.get("/account").get_data(as_text=True))
    first = _start(alice, token, 1)
    challenge = _challenge(alice, first)  # the oldest tab, at its card's challenge
    rest = [_start(alice, token, amount) for amount in range(2, MAX_TASKS + 4)]

    sent, header = _tasks_sent(alice, rest[-1])
    assert len(sent) == MAX_TASKS and set(sent) == {t.split("=")[1] for t in rest[-MAX_TASKS:]}, sent
    assert len(header) < SERVERS_LIMIT // 2, len(header)
    order = alice.client.get_cookie("sls_page_tasks", path="/account")
    assert order is not None and order.http_only and order.same_site == "Strict"
    assert not any(t in order.value for t in sent), "their order is sealed"

    answered = alice.client.post(
        first, data={"csrf_token": token, "response": alice.card_response(challenge)}
    )
    problem = str(answered.headers["Location"])
    assert answered.status_code == 303 and problem == "/account/problem?" + first.split("?")[1]
    told = alice.client.get(problem)
    assert told.status_code == 410 and "replaced by newer ones" in told.get_data(as_text=True)
    polled = alice.client.get(rest[0].replace("?", "/status?")).get_json()  # a push's page polls
    assert polled["state"] == "ended" and "replaced by newer ones" in polled["message"], polled
    for dropped in rest[: len(rest) - MAX_TASKS]:
        gone = alice.client.get(dropped, follow_redirects=True)
        assert gone.status_code == 410 and "replaced by newer ones" in gone.get_data(as_text=True)

    newest = rest[-1]
    assert alice.client.get_cookie("sls_session").value == session.value, "the session's token is the same"
    done = alice.client.post(
        newest, data={"csrf_token": token, "response": alice.card_response(_challenge(alice, newest))}
    )
    assert done.headers["Location"].startswith("/account?done=withdrawal&ref="), "the newest completes"
    assert alice.client.get("/account").status_code == 200


def test_tasks_whose_pages_were_never_shown_are_bounded_as_they_start(alice: EnrolledUser) -> None:
    """Tabs closed as they redirected never show their task's page, which bounded the tasks: each form that
    starts one is sent their order (``/account``) and drops the oldest beyond the bound itself."""
    alice.log_in()
    token = csrf(alice.client.get("/account").get_data(as_text=True))
    started = [
        str(alice.client.post("/account/withdrawal", data={"amount": str(n), "csrf_token": token}).location)
        for n in range(1, MAX_TASKS + 6)
    ]
    held = [c.key for c in alice.client._cookies.values() if c.key.startswith("sls_page_verify_")]
    assert sorted(held) == sorted("sls_page_verify_" + here.split("=")[1] for here in started[-MAX_TASKS:])
    gone = alice.client.get(started[0], follow_redirects=True)
    assert gone.status_code == 410 and "replaced by newer ones" in gone.get_data(as_text=True)
    assert alice.client.get(started[-1]).status_code == 200
