"""A web page that finds its session cookie's session dead clears that cookie (``pages.account.forgotten``):
the browser kept it, and every later page read a session nothing could use. Dead because the page was opened
from an address the user's IP allowlist refuses (that request ends it), because the server's clock moved
past the idle or absolute limit, or because it ended elsewhere (a logout through the API, a newer login, the
administrator, a password reset, the user's *Log out your other sessions*). Not a cookie a step-up retired:
the session lives on under the new token, which the browser holds under the same name."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser, move_clock, trail
from flask import Flask
from flask.testing import FlaskClient
from page_forms import csrf, unsealed
from test_ip_restrictions import GOOD, OTHER, at, set_list
from test_logout_cookies import _cleared, _live, _login_at
from test_session_endings import ENDINGS, IDLE_S, LIFETIME_S
from werkzeug.test import TestResponse

from sls_server import create_app

#: What every page of the account answers a dead session with, and where it sends the browser.
ENDED_PAGES = {
    "idle": "/logged-out?reason=idle",
    "lifetime": "/logged-out?reason=absolute",
    "replaced": "/logged-out?reason=replaced",
    "disabled": "/logged-out?reason=revoked",
    "killed": "/logged-out?reason=killed",
    "password_reset": "/logged-out?reason=password_reset",
    "ended_by_user": "/logged-out?reason=ended_by_user",
}
#: The account's pages and forms that read the session (``page_session``), and what each form is sent.
PAGES = [
    ("GET", "/account"),
    ("GET", "/account/problem"),
    ("GET", "/account/verify"),
    ("POST", "/account/withdrawal"),
    ("POST", "/account/phone/confirm"),
    ("POST", "/account/password/change"),
    ("POST", "/account/ip-allowlist/save"),
    ("POST", "/account/sessions/end-others"),
]
FORM = {"amount": "5", "currency": "USD", "code": "123456", "ip_allowlist": GOOD}


@pytest.fixture
def app(app_config: dict[str, Any]) -> Flask:
    """As ``test_session_endings``' (whose endings these are): two live sessions, a short lifetime; and the
    host's own name, for the pages over TLS."""
    settings = {"SESSION_CONCURRENCY": "allow", "SESSION_LIMIT": 2, "ALLOWED_HOSTS": "sls.example,localhost"}
    return create_app({**app_config, "IDLE_TIMEOUT": IDLE_S, "ABSOLUTE_TIMEOUT": LIFETIME_S, **settings})


def _browser(alice: EnrolledUser, token: str) -> FlaskClient:
    """A browser holding ``token``'s cookie, apart from the client the endings log in and act with."""
    browser = alice.client.application.test_client()
    browser.set_cookie("sls_session", token)
    return browser


def _send(client: FlaskClient, method: str, path: str, token: str, **kwargs: Any) -> TestResponse:
    if method == "GET":
        return client.get(path, **kwargs)
    return client.post(path, data={**FORM, "csrf_token": token}, **kwargs)


@pytest.mark.parametrize("ending", list(ENDED_PAGES))
def test_a_page_clears_the_cookie_of_a_session_that_ended(
    alice: EnrolledUser, admin_headers: dict[str, str], ending: str
) -> None:
    token = alice.log_in()
    browser = _browser(alice, token)
    ENDINGS[ending][0](alice, admin_headers, token)
    answer = browser.get("/account")
    assert (answer.status_code, unsealed(answer.headers["Location"])) == (303, ENDED_PAGES[ending])
    assert _cleared(answer) == ["sls_session"], "a step-up's task is sealed to it (test_stepup_page_binding)"
    assert browser.get_cookie("sls_session") is None
    assert browser.get(answer.headers["Location"]).status_code == 200


def test_a_page_clears_the_cookie_of_a_session_logged_out_through_the_api(alice: EnrolledUser) -> None:
    """A logout leaves no tombstone: the page finds no session, sends the browser to log in, and clears the
    cookie all the same."""
    token = alice.log_in()
    browser = _browser(alice, token)
    out = alice.client.application.test_client().post(
        "/api/v1/auth/logout", headers={"Authorization": f"Bearer {token}"}
    )
    assert out.status_code == 200, out.get_json()
    answer = browser.get("/account")
    assert (answer.status_code, answer.headers["Location"]) == (303, "/")
    assert browser.get_cookie("sls_session") is None


@pytest.mark.parametrize("path", ["/account/session", "/account/tickle"])
def test_the_countdowns_poll_keeps_the_cookie_for_the_other_tabs_and_the_next_page_clears_it(
    alice: EnrolledUser, admin_headers: dict[str, str], path: str
) -> None:
    """Every tab of the browser polls with the one cookie; the first to find the session over must leave it,
    or the others would find no session and could only say it ended, not why. The next page clears it."""
    alice.log_in()
    token = csrf(alice.client.get("/account").get_data(as_text=True))
    move_clock(alice.client, admin_headers, IDLE_S)
    for _ in range(2):  # the first tab, then another
        if path.endswith("tickle"):
            answer = alice.client.post(path, headers={"X-CSRF-Token": token})
        else:
            answer = alice.client.get(path)
        assert answer.get_json()["state"] == "expired"
        assert unsealed(answer.get_json()["next"]) == "/logged-out?reason=idle"
        assert _cleared(answer) == []
    reopened = alice.client.get("/account")
    assert unsealed(reopened.headers["Location"]) == "/logged-out?reason=idle", (
        "told why once more, as it goes"
    )
    assert alice.client.get_cookie("sls_session") is None
    assert alice.client.get("/account").headers["Location"] == "/"


def test_a_cookie_a_step_up_retired_is_left_to_the_new_one(alice: EnrolledUser) -> None:
    """A request in flight with the old token is sent to log in as before, but clears nothing: the browser's
    cookie of that name holds the step-up's new token, which would go with it."""
    token = alice.log_in()
    alice.step_up(token)
    answer = _browser(alice, token).get("/account")
    assert (answer.status_code, answer.headers["Location"]) == (303, "/")
    assert _cleared(answer) == []


@pytest.mark.parametrize(("method", "path"), PAGES)
def test_a_page_from_a_refused_address_clears_the_ended_sessions_cookie(
    alice: EnrolledUser, admin_headers: dict[str, str], method: str, path: str
) -> None:
    """Any account page opened from outside the user's IP allowlist ends the session and sends the browser
    to the login page (no more said there); the cookie of the dead session goes too."""
    assert set_list(alice.client, admin_headers, "users/alice", ["203.0.113.0/24"]).status_code == 200
    at(alice.client, GOOD)
    token = alice.log_in()
    form_token = csrf(alice.client.get("/account").get_data(as_text=True))
    answer = _send(at(alice.client, OTHER), method, path, form_token)
    assert (answer.status_code, answer.headers["Location"]) == (303, "/")
    assert _cleared(answer) == ["sls_session"]
    assert alice.client.get_cookie("sls_session") is None
    assert not _live(at(alice.client, GOOD), token), "ended, not merely refused once"
    assert [e["result"] for e in trail(alice.client, admin_headers, "ip.rejected")] == ["session_ended"]


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_the_cleared_cookie_carries_the_attributes_it_was_set_with(
    alice: EnrolledUser, admin_headers: dict[str, str], scheme: str
) -> None:
    """A browser ignores an expiry of a ``__Host-`` cookie without ``Secure`` and ``Path=/``: over TLS the
    clearing says both, as the login's cookie did; over plain HTTP neither is ``Secure``."""
    base_url = f"{scheme}://sls.example"
    assert set_list(alice.client, admin_headers, "users/alice", ["203.0.113.0/24"]).status_code == 200
    at(alice.client, GOOD)
    _login_at(alice, base_url)
    answer = at(alice.client, OTHER).get("/account", base_url=base_url)
    name = "__Host-sls_session" if scheme == "https" else "sls_session"
    assert _cleared(answer)[0] == name
    [cleared] = [h for h in answer.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    for attribute in ("HttpOnly", "SameSite=Strict", "Path=/"):
        assert attribute in cleared, cleared
    assert ("; Secure" in cleared) == (scheme == "https"), cleared
    assert alice.client.get_cookie(name, domain="sls.example") is None


@pytest.mark.parametrize("scheme", ["http", "https"])
def test_the_login_pages_cookies_are_secure_over_tls_only(alice: EnrolledUser, scheme: str) -> None:
    """The login page's cookies (the login's binding, then the session) are HttpOnly, SameSite=Strict, on
    their path, and ``Secure`` over TLS (``__Host-`` too for the session); over plain HTTP on localhost a
    browser would drop a ``Secure`` one. The session cookie has no ``Max-Age`` nor ``Expires``: the browser
    keeps it until it closes, and the server's clock alone says when the session ends."""
    base_url = f"{scheme}://sls.example"
    client = alice.client
    token = csrf(client.get("/", base_url=base_url).get_data(as_text=True))
    form = {"username": alice.username, "password": alice.password, "csrf_token": token}
    started = client.post("/login", data=form, base_url=base_url)
    step = started.headers["Location"]
    html = client.get(step, base_url=base_url).get_data(as_text=True)
    challenge = html.split('data-testid="step-challenge"')[1].split(">")[1].split("<")[0].strip()
    answer = {"response": alice.card_response(challenge), "csrf_token": token}
    done = client.post(step + "/verify", data=answer, base_url=base_url)
    assert (done.status_code, done.headers["Location"]) == (303, "/account")
    name = "__Host-sls_session" if scheme == "https" else "sls_session"
    binding = next(h for h in started.headers.getlist("Set-Cookie") if h.startswith("sls_page_login="))
    [session] = [h for h in done.headers.getlist("Set-Cookie") if h.startswith(name + "=")]
    for cookie, path in ((binding, step), (session, "/")):
        for attribute in ("HttpOnly", "SameSite=Strict", f"Path={path}"):
            assert attribute in cookie, cookie
        assert ("; Secure" in cookie) == (scheme == "https"), cookie
    assert "Max-Age" not in session and "Expires" not in session, session
