"""``POST /api/v1/auth/logout`` clears a session cookie only when it names the session the logout ended. A
request whose bearer token names another session (an API client in a browser that is logged in too) ends
that one, and leaves the browser's cookie, and its session, as they were: clearing the cookie would leave
its session alive on the server with nothing in the browser to end it. A logout from an address the user's
IP allowlist refuses ends the session too, and clears its cookie with the ``403 ip_restricted``: it kept
the dead cookie."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser, trail
from flask.testing import FlaskClient
from page_forms import csrf
from test_ip_restrictions import GOOD, OTHER, at, set_list
from werkzeug.test import TestResponse

HTTPS = "https://sls.example"


@pytest.fixture
def app_config(app_config: dict[str, Any]) -> dict[str, Any]:
    """Several live sessions per user (a browser's and an API client's), under the host's own name."""
    return {**app_config, "SESSION_CONCURRENCY": "allow", "ALLOWED_HOSTS": "sls.example,localhost"}


def _cleared(answer: TestResponse) -> list[str]:
    """The names of the cookies the answer expires."""
    return [
        header.split("=", 1)[0]
        for header in answer.headers.getlist("Set-Cookie")
        if "Max-Age=0" in header or "1970" in header
    ]


def _live(client: FlaskClient, token: str, base_url: str = "http://localhost") -> bool:
    answer = client.get("/api/v1/session", headers={"Authorization": f"Bearer {token}"}, base_url=base_url)
    return answer.status_code == 200


def _api_login(alice: EnrolledUser) -> str:
    """A session of alice's from another client (an API script), so the browser's cookie stays its own."""
    browser = alice.client
    alice.client = browser.application.test_client()
    try:
        return alice.log_in()
    finally:
        alice.client = browser


def test_a_bearer_logout_of_another_session_leaves_the_browsers_cookie(alice: EnrolledUser) -> None:
    cookie_token = alice.log_in()  # the browser's session, in its cookie jar
    api_token = _api_login(alice)
    out = alice.client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {api_token}"})
    assert out.status_code == 200, out.get_json()
    assert not _live(alice.client, api_token), "the bearer's session is the one ended"
    assert _cleared(out) == [], "the cookie names a session this logout did not end"
    assert alice.client.get("/api/v1/session").status_code == 200, "the browser is still logged in"
    assert _live(alice.client, cookie_token)
    again = alice.client.post("/api/v1/auth/logout")  # and the browser can still end its own
    assert again.status_code == 200 and _cleared(again) == ["sls_session"]
    assert not _live(alice.client, cookie_token)


@pytest.mark.parametrize("bearer", [False, True], ids=["cookie", "bearer-of-the-cookie"])
def test_a_logout_of_the_cookies_session_clears_it(alice: EnrolledUser, bearer: bool) -> None:
    token = alice.log_in()
    headers = {"Authorization": f"Bearer {token}"} if bearer else {}
    out = alice.client.post("/api/v1/auth/logout", headers=headers)
    assert out.status_code == 200 and _cleared(out) == ["sls_session"]
    assert alice.client.get_cookie("sls_session") is None


def _login_at(alice: EnrolledUser, base_url: str) -> str:
    """A login of alice's browser at ``base_url``: the session's token (the cookie the answer sets)."""
    started = alice.client.post(
        "/api/v1/auth/login", json={"username": alice.username, "password": alice.password}, base_url=base_url
    ).get_json()
    done = alice.client.post(
        f"/api/v1/auth/login/{started['txn_id']}/verify",
        json={"response": alice.card_response(started["factor"]["challenge"])},
        headers={"X-Login-Token": started["login_token"]},
        base_url=base_url,
    )
    assert done.status_code == 200, done.get_json()
    return done.get_json()["session"]["token"]  # type: ignore[no-any-return]


def test_over_tls_only_the_cookie_of_the_ended_session_is_cleared(alice: EnrolledUser) -> None:
    """A browser that logged in over plain HTTP, then over TLS, holds both names: a logout over TLS ends the
    ``__Host-`` one's session and clears that cookie; the bare one's session is still live, and the browser
    keeps the cookie it can end it with over plain HTTP."""
    plain = _login_at(alice, "http://sls.example")
    secure = _login_at(alice, HTTPS)
    out = alice.client.post("/api/v1/auth/logout", base_url=HTTPS)
    assert out.status_code == 200 and _cleared(out) == ["__Host-sls_session"]
    assert not _live(alice.client, secure, HTTPS)
    assert _live(alice.client, plain, HTTPS), "the plain-HTTP session was not this logout's"
    again = alice.client.post("/api/v1/auth/logout", base_url="http://sls.example")
    assert again.status_code == 200, "its cookie still ends it"
    assert not _live(alice.client, plain, HTTPS)


def test_the_account_pages_log_out_clears_the_cookie_of_the_session_it_ended(alice: EnrolledUser) -> None:
    """The page reads its session from the cookie alone, so the cookie is always the ended one's."""
    token = alice.log_in()
    form = {"csrf_token": csrf(alice.client.get("/account").get_data(as_text=True))}
    out = alice.client.post("/logout", data=form)
    assert out.status_code == 303 and "sls_session" in _cleared(out)
    assert alice.client.get_cookie("sls_session") is None and not _live(alice.client, token)


@pytest.mark.parametrize("bearer", [False, True], ids=["cookie", "bearer-of-the-cookie"])
def test_a_logout_from_a_refused_address_ends_the_session_and_clears_its_cookie(
    alice: EnrolledUser, admin_headers: dict[str, str], bearer: bool
) -> None:
    """The session is ended and the answer is the ``403 ip_restricted`` any request from there gets (the
    token's holder outside the list is told nothing more, not even the name); the browser keeps no cookie of
    the dead session."""
    assert set_list(alice.client, admin_headers, "users/alice", ["203.0.113.0/24"]).status_code == 200
    at(alice.client, GOOD)
    token = alice.log_in()
    headers = {"Authorization": f"Bearer {token}"} if bearer else {}
    out = at(alice.client, OTHER).post("/api/v1/auth/logout", headers=headers)
    assert (out.status_code, out.get_json()["error"]) == (403, "ip_restricted")
    assert _cleared(out) == ["sls_session"]
    assert alice.client.get_cookie("sls_session") is None
    assert not _live(at(alice.client, GOOD), token), "ended, not merely refused once"
    assert [e["result"] for e in trail(alice.client, admin_headers, "ip.rejected")] == ["session_ended"]


def test_the_account_pages_log_out_from_a_refused_address_clears_the_ended_sessions_cookie(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    """The page's *Log out* from outside the list ends the session as any page from there does, and sends
    the browser where they do (the login page, no more said); the cookie of the dead session goes with it."""
    assert set_list(alice.client, admin_headers, "users/alice", ["203.0.113.0/24"]).status_code == 200
    at(alice.client, GOOD)
    token = alice.log_in()
    form = {"csrf_token": csrf(alice.client.get("/account").get_data(as_text=True))}
    out = at(alice.client, OTHER).post("/logout", data=form)
    assert (out.status_code, out.headers["Location"]) == (303, "/")
    assert _cleared(out) == ["sls_session"], "a step-up's task is sealed to it (test_stepup_page_binding)"
    assert alice.client.get_cookie("sls_session") is None
    assert not _live(at(alice.client, GOOD), token), "ended, not merely refused once"
    assert [e["result"] for e in trail(alice.client, admin_headers, "ip.rejected")] == ["session_ended"]
