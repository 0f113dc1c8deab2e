"""Every form of an account page loaded before a step-up in another tab still works after it. The page's form
token is bound to the session token it was loaded with; the step-up rotated that token (the browser's
cookie holds the new one), so every form of the old page was answered 403 ``csrf_token_invalid``: the
user's action lost for a reason they did not cause. The session keeps the tokens it was rotated from
(``SessionRecord.retired``), so a form token minted for one of them is this session's; a form token of
another session, of an ended one, or a forged one is refused as before."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import csrf, unsealed
from test_logout_cookies import _live
from werkzeug.test import TestResponse

from sls_server.store.records.sessions import RETIRED_KEPT

#: Each form of the account page (and the verify page's), what it sends besides its token, and where its
#: answer sends the browser when it went through (a task a fresh ``change_security`` step-up covers runs at
#: once; a withdrawal and a new number ask for their own step-up).
FORMS: list[tuple[str, dict[str, str], str]] = [
    ("/account/withdrawal", {"amount": "250", "currency": "USD"}, "/account/verify"),
    ("/account/phone", {"phone": "+15555550188"}, "/account/verify"),
    ("/account/phone/confirm", {"code": "123456"}, "/account"),
    ("/account/password", {}, "/account?done=password_ready"),
    ("/account/ip-allowlist", {}, "/account?done=ip_allowlist_ready"),
    ("/account/ip-allowlist/save", {"ip_allowlist": "127.0.0.1"}, "/account?done=ip_allowlist_saved"),
    ("/account/ip-allowlist/save", {"ip_allowlist": ""}, "/account?done=ip_allowlist_saved"),
    ("/account/sessions/end-others", {}, "/account?done=change_security"),
    ("/account/verify", {"username": "alice", "password": "x"}, "/account"),
    ("/account/verify/challenge", {}, "/account"),
]


def _page(alice: EnrolledUser) -> tuple[FlaskClient, str, str]:
    """A browser logged in with its account page open (tab A): the browser, its session token, and the form
    token the page was given."""
    browser = alice.client.application.test_client()
    alice.client, api = browser, alice.client
    try:
        token = alice.log_in()  # the browser's cookie follows the login
    finally:
        alice.client = api
    return browser, token, csrf(browser.get("/account").get_data(as_text=True))


def _step_up_in_tab_b(alice: EnrolledUser, browser: FlaskClient, token: str) -> str:
    """Tab B's step-up: the session's token rotated, the browser's cookie now the new one."""
    new = alice.step_up(token)
    browser.set_cookie("sls_session", new)
    return new


def _post(browser: FlaskClient, path: str, form: dict[str, str], form_token: str) -> TestResponse:
    return browser.post(path, data={**form, "csrf_token": form_token})


@pytest.mark.parametrize(("path", "form", "goes"), FORMS, ids=[f"{p}:{sorted(f)}" for p, f, _ in FORMS])
def test_a_form_of_the_page_loaded_before_the_step_up_goes_through(
    alice: EnrolledUser, path: str, form: dict[str, str], goes: str
) -> None:
    browser, token, form_token = _page(alice)
    new = _step_up_in_tab_b(alice, browser, token)
    answer = _post(browser, path, form, form_token)
    assert answer.status_code == 303, (answer.status_code, answer.get_data(as_text=True)[:300])
    assert answer.headers["Location"].startswith(goes), answer.headers["Location"]
    assert _live(browser, new), "the session lives on"


def test_the_saved_ip_allowlist_is_the_one_the_old_page_sent(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    browser, token, form_token = _page(alice)
    _step_up_in_tab_b(alice, browser, token)
    _post(browser, "/account/ip-allowlist/save", {"ip_allowlist": "127.0.0.1\n198.51.100.0/24"}, form_token)
    stored = alice.client.get("/admin/v1/users/alice/ip-allowlist", headers=admin_headers).get_json()
    assert stored["ip_allowlist"] == ["127.0.0.1", "198.51.100.0/24"], stored


def test_stay_logged_in_of_the_old_page_extends_the_live_session(alice: EnrolledUser) -> None:
    browser, token, form_token = _page(alice)
    _step_up_in_tab_b(alice, browser, token)
    tickled = browser.post("/account/tickle", headers={"X-CSRF-Token": form_token})
    assert tickled.status_code == 200 and tickled.get_json()["state"] == "active", tickled.get_json()


def test_log_out_from_the_old_page_ends_the_session_the_cookie_holds(alice: EnrolledUser) -> None:
    browser, token, form_token = _page(alice)
    new = _step_up_in_tab_b(alice, browser, token)
    out = _post(browser, "/logout", {}, form_token)
    assert (out.status_code, unsealed(out.headers["Location"])) == (303, "/logged-out?reason=logout")
    assert not _live(browser, new), "the session the cookie held is ended"
    assert browser.get_cookie("sls_session") is None, "and its cookie cleared"
    assert browser.get("/account").headers["Location"] == "/"


def test_a_form_of_a_page_before_two_step_ups_goes_through(alice: EnrolledUser) -> None:
    browser, token, form_token = _page(alice)
    middle = _step_up_in_tab_b(alice, browser, token)
    _step_up_in_tab_b(alice, browser, middle)
    answer = _post(browser, "/account/ip-allowlist", {}, form_token)
    assert answer.status_code == 303 and answer.headers["Location"].startswith(
        "/account?done=ip_allowlist_ready&"
    )


def _refused(answer: TestResponse) -> bool:
    return answer.status_code == 403 and "csrf_token_invalid" in answer.get_data(as_text=True)


def test_a_form_token_of_another_users_session_is_still_refused(alice: EnrolledUser, enrol: Any) -> None:
    bob = enrol("bob", "4321")
    _, _, bobs_form_token = _page(bob)
    browser, token, _ = _page(alice)
    _step_up_in_tab_b(alice, browser, token)
    assert _refused(_post(browser, "/account/ip-allowlist", {}, bobs_form_token))
    assert _refused(_post(browser, "/logout", {}, bobs_form_token))


def test_a_form_token_of_an_ended_session_of_the_same_user_is_still_refused(alice: EnrolledUser) -> None:
    """The old page's session was replaced by a new login (not rotated into it): its forms are not this
    session's."""
    browser, _, form_token = _page(alice)
    browser.set_cookie("sls_session", alice.log_in())  # a new login, in the same browser
    assert _refused(_post(browser, "/account/ip-allowlist", {}, form_token))
    assert _refused(_post(browser, "/logout", {}, form_token))


def test_a_retired_token_whose_session_has_since_ended_is_refused(alice: EnrolledUser) -> None:
    browser, token, form_token = _page(alice)
    new = _step_up_in_tab_b(alice, browser, token)
    assert (
        alice.client.post("/api/v1/auth/logout", headers={"Authorization": f"Bearer {new}"}).status_code
        == 200
    )
    browser.set_cookie("sls_session", new)  # a tab that still sends the ended session's cookie
    assert _refused(_post(browser, "/account/ip-allowlist", {}, form_token))
    browser.set_cookie("sls_session", alice.log_in())  # and the user's next session
    assert _refused(_post(browser, "/account/ip-allowlist", {}, form_token))
    assert _refused(_post(browser, "/logout", {}, form_token))


def test_a_forged_or_missing_form_token_is_still_refused_after_a_step_up(alice: EnrolledUser) -> None:
    browser, token, form_token = _page(alice)
    _step_up_in_tab_b(alice, browser, token)
    forged = form_token[:-4] + ("AAAA" if not form_token.endswith("AAAA") else "BBBB")
    for sent in (forged, "", "x" * 200):
        assert _refused(_post(browser, "/account/ip-allowlist", {}, sent)), sent


def test_a_page_loaded_before_more_step_ups_than_the_session_keeps_is_refused(alice: EnrolledUser) -> None:
    """The session keeps the last ``RETIRED_KEPT`` tokens it was rotated from: a page older than that is
    refused as any stale page (and the record stays small however many step-ups a session has)."""
    browser, token, form_token = _page(alice)
    for _ in range(RETIRED_KEPT):
        token = _step_up_in_tab_b(alice, browser, token)
    kept = _post(browser, "/account/ip-allowlist", {}, form_token)
    assert kept.status_code == 303 and kept.headers["Location"].startswith(
        "/account?done=ip_allowlist_ready&"
    )
    _step_up_in_tab_b(alice, browser, token)
    assert _refused(_post(browser, "/account/ip-allowlist", {}, form_token))
