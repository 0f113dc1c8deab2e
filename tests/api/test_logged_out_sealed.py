"""The logged-off page says why the session ended ("ended by a newer login to your account: if that was not
you, change your password and contact Client Services"). Read from its address as it came, any link made the
broker's own page say so to someone whose session was fine (a phishing aid). It says a cause only when the
answer that ended the browser's session sealed it for that browser (``pages.said``); a crafted link, an edited
one, or one opened in another browser says only "You have logged out"."""

from __future__ import annotations

import pytest
from conftest import EnrolledUser, move_clock
from page_forms import unsealed

from sls_server.auth.session_tokens import session_id
from sls_server.http.pages.account import REASONS
from sls_server.http.pages.said import SAID_FOR_S

PLAIN = "Thank you. For your security, close the browser"
#: The page's words for a cause, one for each.
WORDS = {
    "idle": "of inactivity (automatic logoff)",
    "absolute": "reached its maximum length",
    "replaced": "ended by a newer login to your account",
    "revoked": "the account was disabled or removed",
    "killed": "ended by Client Services",
    "password_reset": "when your password was reset",
    "ip_restricted": "your account's IP Restrictions do not allow",
    "ended_by_user": "ended from another of your sessions",
    "ended": "Your session has ended.",
}


def _says(text: str) -> list[str]:
    return [reason for reason, words in WORDS.items() if words in text]


@pytest.mark.parametrize("reason", sorted(REASONS - {"logout"}))
def test_a_crafted_link_names_no_cause(alice: EnrolledUser, reason: str) -> None:
    alice.log_in()  # a user whose session is fine, sent the link
    for crafted in (
        f"/logged-out?reason={reason}",
        f"/logged-out?reason={reason}&seal=AAAAAAAAAAAAAAAAAAAAAA",
    ):
        shown = alice.client.get(crafted).get_data(as_text=True)
        assert _says(shown) == [] and PLAIN in shown, crafted


def test_a_real_ending_is_named_in_its_browser_only(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    token = alice.log_in()
    alice.client.set_cookie("sls_session", token)
    assert (
        alice.client.delete(f"/admin/v1/sessions/{session_id(token)}", headers=admin_headers).status_code
        == 200
    )
    location = alice.client.get("/account").headers["Location"]
    assert unsealed(location) == "/logged-out?reason=killed"
    assert _says(alice.client.get(location).get_data(as_text=True)) == ["killed"]
    elsewhere = alice.client.application.test_client()  # the address sent to someone else
    assert _says(elsewhere.get(location).get_data(as_text=True)) == []
    edited = location.replace("reason=killed", "reason=replaced")
    assert _says(alice.client.get(edited).get_data(as_text=True)) == []


def test_the_address_opened_later_from_the_history_names_no_cause(
    alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    """A shared browser: the next person opens the last one's logged-off address from the history; the seal
    is this browser's, but the statement was made long ago (``said.SAID_FOR_S``), so it says nothing of
    whoever was there before. The same address within its time still names the cause."""
    token = alice.log_in()
    alice.client.set_cookie("sls_session", token)
    alice.client.delete(f"/admin/v1/sessions/{session_id(token)}", headers=admin_headers)
    location = alice.client.get("/account").headers["Location"]
    move_clock(alice.client, admin_headers, SAID_FOR_S)
    assert _says(alice.client.get(location).get_data(as_text=True)) == ["killed"]
    move_clock(alice.client, admin_headers, 1)
    shown = alice.client.get(location).get_data(as_text=True)
    assert _says(shown) == [] and PLAIN in shown
    stamped_later = location.replace("at=", "at=9")  # a later time written in: the seal no longer fits
    assert _says(alice.client.get(stamped_later).get_data(as_text=True)) == []


def test_the_countdowns_next_page_names_the_cause(alice: EnrolledUser, admin_headers: dict[str, str]) -> None:
    token = alice.log_in()
    alice.client.set_cookie("sls_session", token)
    move_clock(alice.client, admin_headers, 15 * 60)
    told = alice.client.get("/account/session").get_json()
    assert told["state"] == "expired" and unsealed(told["next"]) == "/logged-out?reason=idle"
    assert _says(alice.client.get(told["next"]).get_data(as_text=True)) == ["idle"]


def test_a_logout_says_so(alice: EnrolledUser) -> None:
    alice.log_in()
    form = alice.client.get("/account").get_data(as_text=True).split('name="csrf_token" value="')[1]
    out = alice.client.post("/logout", data={"csrf_token": form.split('"')[0]})
    assert unsealed(out.headers["Location"]) == "/logged-out?reason=logout"
    assert "You have logged out" in alice.client.get(out.headers["Location"]).get_data(as_text=True)
