"""The logged-off page says why the session ended only when it knows. Every request with the token is told
(idle, the absolute limit, a newer login, a disabled account, an administrator), another tab's as the first,
while the session's tombstone lasts; a logged-out session, or one past its tombstone, is no session at all.
That page used to say "you logged in elsewhere, or it was ended by Client Services" after a plain idle
logoff, a false and alarming security message."""

from __future__ import annotations

import pytest
from conftest import EnrolledUser, move_clock
from flask.testing import FlaskClient
from page_forms import unsealed

from sls_server.auth.session_tokens import session_id
from sls_server.http.common import SESSION_COOKIE
from sls_server.store import keys
from sls_server.store.connection import connect


def _poll(client: FlaskClient, token: str) -> dict:
    client.set_cookie(SESSION_COOKIE, token)
    answered = client.get("/account/session")
    assert answered.status_code == 200
    return answered.get_json()  # type: ignore[no-any-return]


def _told(body: dict) -> dict:
    """A poll's answer, its ``next`` without the seal it carries (``pages.said``)."""
    return {**body, "next": unsealed(body["next"])}


def _page_says(client: FlaskClient, target: str) -> str:
    return client.get(target).get_data(as_text=True)


def test_a_second_tab_after_an_idle_logoff_is_not_told_it_logged_in_elsewhere(
    alice: EnrolledUser, admin_headers: dict[str, str], redis_url: str
) -> None:
    """It is told the idle logoff, as the first was: it used to find no session at all, and could only say
    the session ended."""
    token = alice.log_in()
    move_clock(alice.client, admin_headers, 15 * 60)
    assert _told(_poll(alice.client, token)) == {"state": "expired", "next": "/logged-out?reason=idle"}
    assert _told(_poll(alice.client, token)) == {"state": "expired", "next": "/logged-out?reason=idle"}
    connect(redis_url).delete(keys.session("alice", session_id(token) or ""))  # its tombstone reclaimed
    later = _poll(alice.client, token)
    assert _told(later) == {"state": "ended", "next": "/logged-out?reason=ended"}
    said = _page_says(alice.client, later["next"])
    assert "Your session has ended." in said and "elsewhere" not in said and "Client Services" not in said


def test_a_newer_login_is_named_as_the_cause(alice: EnrolledUser) -> None:
    """Without saying it was hers: the newer login may be an attacker's (a staged phishing relay or SIM swap
    ends the victim's session this way), and the page told her "you logged in elsewhere"."""
    first = alice.log_in()
    alice.log_in()  # SLS_SESSION_CONCURRENCY=replace: the first session is ended by this one
    told = _poll(alice.client, first)
    assert _told(told) == {"state": "ended", "next": "/logged-out?reason=replaced"}
    said = _page_says(alice.client, told["next"])
    assert "ended by a newer login to your account" in said and "If that was not you" in said, said
    assert "you logged in elsewhere" not in said


def test_a_disabled_account_is_named_as_the_cause(alice: EnrolledUser, admin_headers: dict[str, str]) -> None:
    """Disabling ends the user's sessions at once, each kept as a tombstone (state 'revoked') so its holder is
    told why, every time: it used to delete them, and the page could only say the session ended."""
    token = alice.log_in()
    assert alice.client.post("/admin/v1/users/alice/disable", headers=admin_headers).status_code == 200
    told = _poll(alice.client, token)
    assert _told(told) == {"state": "ended", "next": "/logged-out?reason=revoked"}
    assert "the account was disabled or removed" in _page_says(alice.client, told["next"])
    assert (
        unsealed(_poll(alice.client, token)["next"]) == "/logged-out?reason=revoked"
    )  # told again, a second tab too


@pytest.mark.parametrize(
    ("how", "reason", "words"),
    [
        ("kill", "killed", "ended by Client Services"),
        ("password", "password_reset", "when your password was reset"),
    ],
)
def test_a_session_ended_by_client_services_is_named_as_the_cause(
    alice: EnrolledUser, admin_headers: dict[str, str], how: str, reason: str, words: str
) -> None:
    """An administrator's kill, or a password reset that ends the sessions: the page used to find no session
    and say only that it ended."""
    token = alice.log_in()
    if how == "kill":
        ended = alice.client.delete(f"/admin/v1/sessions/{session_id(token)}", headers=admin_headers)
    else:
        new = {"password": "Another-Correct-Horse-7"}
        ended = alice.client.put("/admin/v1/users/alice/password", json=new, headers=admin_headers)
    assert ended.status_code == 200, ended.get_json()
    for _ in range(2):
        told = _poll(alice.client, token)
        assert _told(told) == {"state": "ended", "next": f"/logged-out?reason={reason}"}
    assert words in _page_says(alice.client, told["next"])


def test_a_bad_form_token_is_a_403_not_a_logout(alice: EnrolledUser) -> None:
    """A form without its CSRF token was answered as if the session had ended (a redirect to the login page,
    the tickle's "ended"), while the session lived on: a Log out that did not log out, among others."""
    token = alice.log_in()
    alice.client.set_cookie("sls_session", token)
    for path, form in (("/logout", {}), ("/account/withdrawal", {"amount": "5"}), ("/account/verify", {})):
        refused = alice.client.post(path, data=form)
        assert refused.status_code == 403, (path, refused.status_code, refused.headers.get("Location"))
    tickled = alice.client.post("/account/tickle")
    assert tickled.status_code == 403 and tickled.get_json()["error"] == "csrf_token_invalid"
    assert _poll(alice.client, token)["state"] == "active"  # the session lives on, as the user must be told
