"""The account page's countdown polls (``/account/session``, ``/account/tickle``) sent with the token a
step-up retired: a second tab's poll in flight while the first tab's step-up rotated the session. The
session lives on under the new token the browser now holds by the same cookie name, so the tab is not told
"a newer login ended your session" (``reason=replaced``, which a rotation's ``SessionReplaced`` parent used
to give it): it is told ``rotated`` and sent to the account page again, whose request carries the
browser's cookie as it is now (the old page's forms, sent with the new cookie, count as the session's too:
``test_stepup_page_forms.py``)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import csrf
from spec_conformance import error_codes, served_spec  # noqa: F401 - served_spec: "spec"
from test_logout_cookies import _cleared
from werkzeug.test import TestResponse

ROUTES = ["/account/session", "/account/tickle"]
ROTATED = {"state": "rotated", "next": "/account"}


def _tab(alice: EnrolledUser) -> tuple[FlaskClient, str, str]:
    """A logged-in browser's tab: the browser, its session token, and the form token its page was given."""
    token = alice.log_in()
    tab = alice.client.application.test_client()
    tab.set_cookie("sls_session", token)
    return tab, token, csrf(tab.get("/account").get_data(as_text=True))


def _poll(tab: FlaskClient, path: str, form_token: str) -> TestResponse:
    if path.endswith("tickle"):
        return tab.post(path, headers={"X-CSRF-Token": form_token})
    return tab.get(path)


@pytest.mark.parametrize("path", ROUTES)
def test_a_poll_with_the_retired_token_is_told_to_reload_not_that_the_session_ended(
    alice: EnrolledUser, path: str
) -> None:
    tab, token, form_token = _tab(alice)
    new = alice.step_up(token)  # the other tab's step-up
    answer = _poll(tab, path, form_token)  # sent with the old cookie, before the browser took the new one
    assert (answer.status_code, answer.get_json()) == (200, ROTATED)
    assert _cleared(answer) == [], "the browser's cookie of that name is the new token's"
    tab.set_cookie("sls_session", new)  # the browser's jar, as the step-up's answer left it
    reloaded = tab.get(ROTATED["next"])
    assert reloaded.status_code == 200, reloaded.headers.get("Location")
    fresh = csrf(reloaded.get_data(as_text=True))
    again = _poll(tab, path, fresh)
    assert again.status_code == 200 and again.get_json()["state"] == "active", again.get_json()


@pytest.mark.parametrize("path", ROUTES)
def test_a_browser_that_never_got_the_new_token_is_sent_to_log_in(alice: EnrolledUser, path: str) -> None:
    """The step-up answered another client (a script on the same session): this browser holds only the old
    token, and the account page it is sent to sends it to the login page, never to "a newer login"."""
    tab, token, form_token = _tab(alice)
    alice.step_up(token)
    assert _poll(tab, path, form_token).get_json() == ROTATED
    reloaded = tab.get(ROTATED["next"])
    assert (reloaded.status_code, reloaded.headers["Location"]) == (303, "/")


def test_a_poll_with_the_retired_token_counts_as_no_activity_of_the_live_session(
    alice: EnrolledUser,
) -> None:
    """The tickle with the old token extends nothing: the retired token reads nothing of the session."""
    tab, token, form_token = _tab(alice)
    new = alice.step_up(token)
    bearer = {"Authorization": f"Bearer {new}"}
    before = alice.client.get("/api/v1/session", headers=bearer).get_json()
    told = _poll(tab, "/account/tickle", form_token).get_json()
    assert told == ROTATED, "no username nor expiry for the retired token"
    after = alice.client.get("/api/v1/session", headers=bearer).get_json()
    assert after["idle_expires_at"] == before["idle_expires_at"], (before, after)


def test_the_openapi_says_a_step_ups_retired_token_is_session_replaced_with_the_session_live(
    spec: dict[str, Any],
) -> None:
    """The API answers such a token ``401 session_replaced`` whose message says to use the new token
    (``test_session_endings``), as docs/integration.md says; the document's note on the code said only "a
    newer login ended this session"."""
    operation = spec["paths"]["/api/v1/session"]["get"]
    assert "session_replaced" in error_codes(spec, operation, 401)
    notes = operation["responses"]["401"]["description"].split("\n\n")
    [note] = [line for line in notes if line.startswith("`session_replaced`")]
    assert "step-up" in note and "lives on" in note, note
