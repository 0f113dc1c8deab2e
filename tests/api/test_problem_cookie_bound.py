"""The Cookie header a request to ``/account/problem`` carries, at its worst, fits the 8 KB servers take
(gunicorn's ``limit_request_field_size``, 8190 bytes for the whole line), as a verify page's does
(``test_verify_cookie_bound.py``).

A problem page's outcomes are told by forms under other paths (a task's form at ``/account/withdrawal``, a
verify page's at ``/account/verify``), whose requests are not sent the cookies of ``/account/problem``: they
were bounded only when a problem page was shown, so a few dozen refusals whose redirects were never followed
(tabs closed as they redirected, a script) made the next ``GET /account/problem`` larger than the servers
take, refused before the emulator could trim it. Built here through the pages as a browser would, every
redirect left unfollowed, beside everything else a problem page's request carries at its longest."""

from __future__ import annotations

from conftest import EnrolledUser
from page_forms import csrf

from sls_server.http.pages.account import TASKS_COOKIE
from sls_server.http.pages.ip_form import KEEP_TYPED_CHARS
from sls_server.http.pages.outcome import (
    BUDGETS,
    LISTED_COOKIE,
    OUTCOME_COOKIE,
    TABS_TOLD,
    WHOLE_CHARS_AT,
    budget,
)
from sls_server.http.pages.verify_tasks import MAX_TASKS

#: gunicorn's ``limit_request_field_size``: the most bytes of one header line, ``Cookie: `` included.
SERVERS_LIMIT = 8190
#: A character JSON writes as an escape (a surrogate pair: twelve characters for one typed).
WIDE = "\U0001f600"
PROBLEM = "/account/problem"


def _problem_outcomes(alice: EnrolledUser) -> int:
    """What the problem page's keyed outcomes held add to its Cookie header (``name=value; `` each)."""
    jar = alice.client._cookies.values()  # the test client's jar: what waits
    return sum(
        len(c.key) + len(c.value) + 3 for c in jar if c.key.startswith(OUTCOME_COOKIE) and c.path == PROBLEM
    )


def test_the_cookies_sent_to_a_problem_page_fit_the_servers_limit_at_their_worst(alice: EnrolledUser) -> None:
    client = alice.client
    login_token = csrf(client.get("/").get_data(as_text=True))
    client.post("/login", data={"username": WIDE * 128, "password": "", "csrf_token": login_token})
    alice.log_in()
    token = csrf(client.get("/account").get_data(as_text=True))
    typed = "\n".join(WIDE * 10 for _ in range(KEEP_TYPED_CHARS // 11))  # the account page's, at their bound
    for _ in range(6):
        client.post("/account/ip-allowlist/save", data={"ip_allowlist": typed, "csrf_token": token})
    started = [
        str(client.post("/account/withdrawal", data={"amount": str(n), "csrf_token": token}).location)
        for n in range(1, MAX_TASKS + 13)
    ]
    refused = []
    for here in started[:-MAX_TASKS]:  # a replaced task's page: "replaced by newer ones", the longest said
        refused.append(str(client.get(here).location))
    wrong = {"amount": "1", "currency": "?", "csrf_token": token}  # the shortest said: the longest list
    for _ in range(30):  # a task typed wrong: refused before it began
        refused.append(str(client.post("/account/withdrawal", data=wrong).location))
    assert all(here.startswith(f"{PROBLEM}?task=") for here in refused), refused[:3]

    asked = client.get(PROBLEM)
    line = "Cookie: " + asked.request.headers.get("Cookie", "")
    assert len(line.encode()) <= SERVERS_LIMIT, len(line.encode())
    assert _problem_outcomes(alice) <= budget(PROBLEM), _problem_outcomes(alice)
    sent = dict(cookie.split("=", 1) for cookie in line.removeprefix("Cookie: ").split("; "))
    fixed = sum(len(name) + len(sent[name]) + 3 for name in ("sls_browser", "sls_session", TASKS_COOKIE))
    at_most = (  # each part at its bound: what no browser can pass, whatever it holds
        len("Cookie: ")
        + fixed
        + len(LISTED_COOKIE)
        + len(sent[LISTED_COOKIE])
        + 3  # at its longest: the shortest outcomes listed
        + len(OUTCOME_COOKIE)
        + WHOLE_CHARS_AT["/"]
        + 3
        + BUDGETS["/account"]
        + budget(PROBLEM)
    )
    assert at_most <= SERVERS_LIMIT, at_most
    for here in refused[-TABS_TOLD:]:  # every tab refused at once is told its own
        shown = client.get(here)
        assert shown.status_code == 400 and "Choose a currency." in shown.get_data(as_text=True)


def _token(alice: EnrolledUser) -> str:
    alice.log_in()
    return csrf(alice.client.get("/account").get_data(as_text=True))


def _waiting(alice: EnrolledUser) -> int:
    """Characters of the problem pages' outcome cookies the browser holds (their values)."""
    return sum(len(c.value) for c in alice.client._cookies.values() if c.path == PROBLEM)


def test_problem_pages_left_waiting_are_bounded_as_they_are_told(alice: EnrolledUser) -> None:
    """The forms that tell a problem page are not sent its outcomes, but are sent their list: each bounds
    them as it tells one, the oldest beyond dropped, never the one it tells."""
    token = _token(alice)
    client = alice.client
    places = []
    for _ in range(40):
        places.append(
            str(client.post("/account/withdrawal", data={"amount": "0", "csrf_token": token}).location)
        )
        assert 0 < _waiting(alice) <= budget(PROBLEM)
    told = [client.get(here).status_code for here in reversed(places)]  # newest first
    kept = told.index(303)
    assert kept >= TABS_TOLD and told[:kept] == [400] * kept, "the newer ones kept"
    assert told[kept:] == [303] * (len(told) - kept), "the older ones dropped: back to the account page"
    assert client.get_cookie(LISTED_COOKIE, path="/account") is None, "all shown or dropped: no list"


def test_problems_told_in_the_same_instant_are_each_told_and_bounded_once_one_is_shown(
    alice: EnrolledUser,
) -> None:
    """Forms sent in the same instant each carry the list as it was before either answer, so the later
    answer's list lacks the earlier's outcome: that tab is told its own all the same (an outcome of its own,
    unlisted), and a problem page shown bounds whatever its request carries, listed or not."""
    token = _token(alice)
    client = alice.client
    wrong = {"amount": "0", "csrf_token": token}
    places = []
    for _ in range(30):  # each sent with no list yet, as if all at once
        places.append(str(client.post("/account/withdrawal", data=wrong).location))
        client.delete_cookie(LISTED_COOKIE, path="/account")
    assert _waiting(alice) > budget(PROBLEM)
    for here in (places[-1], places[-2]):
        shown = client.get(here)
        assert shown.status_code == 400 and "whole amount" in shown.get_data(as_text=True), "each told"
        assert _waiting(alice) <= budget(PROBLEM)
    assert client.get(places[0]).status_code == 303, "the oldest dropped"


def test_problem_pages_left_waiting_by_earlier_sessions_count_against_the_bound(alice: EnrolledUser) -> None:
    """An earlier session's outcomes open for no later one, but wait out their two minutes in the browser
    all the same: the list is the browser's, so logins in turn do not stack past the bound."""
    for _ in range(3):
        token = _token(alice)  # a new login on this browser: a new session
        for _ in range(15):
            alice.client.post("/account/withdrawal", data={"amount": "0", "csrf_token": token})
        assert _waiting(alice) <= budget(PROBLEM)
