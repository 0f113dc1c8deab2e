"""Post/Redirect/Get on the login and step-up pages: every form's POST answers 303 to a GET, which shows the
outcome once. A wrong password or code answered with a rendered page was sent again by a reload (or Back),
and each resend spent one more attempt against the lockout; a GET spends nothing, however often reloaded."""

from __future__ import annotations

from typing import Any

from conftest import EnrolledUser
from flask.testing import FlaskClient
from page_forms import csrf, last_task, open_withdrawal_step_up, start_page_login

WRONG = "Not-The-Password-Marker-7731"


def _failures(client: FlaskClient, admin_headers: dict[str, str], username: str) -> int:
    """The user's failed attempts as the lockout counts them (the admin API's view)."""
    lockout = client.get(f"/admin/v1/users/{username}/lockout", headers=admin_headers).get_json()
    return max((bucket["failures"] for bucket in lockout["buckets"].values()), default=0)


def _wrong_codes(client: FlaskClient, admin_headers: dict[str, str], type_: str) -> int:
    """Wrong second-factor answers the server judged (its audit trail, through the admin API)."""
    events = client.get(f"/admin/v1/events?type={type_}&limit=1000", headers=admin_headers).get_json()
    return len(events["events"])


def _shown(answer: Any, testid: str) -> bool:
    return f'data-testid="{testid}"' in answer.get_data(as_text=True)


def test_a_wrong_password_redirects_and_a_reload_shows_the_form_without_spending_an_attempt(
    client: FlaskClient, alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    token = csrf(client.get("/").get_data(as_text=True))
    posted = client.post("/login", data={"username": "alice", "password": WRONG, "csrf_token": token})
    here = str(posted.headers["Location"])
    assert posted.status_code == 303 and here.startswith("/?told=")  # this tab's own (``outcome``)
    assert _failures(client, admin_headers, "alice") == 1

    shown = client.get(here)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 401 and _shown(shown, "login-error") and "incorrect" in html
    assert 'value="alice"' in html and WRONG not in html  # the name stays typed, never the password
    cookies = " ".join(posted.headers.getlist("Set-Cookie"))
    assert WRONG not in cookies and "alice" not in cookies  # sealed, whatever it holds

    for _ in range(3):  # reloads: the form as it stands, the refusal not told again, nothing spent
        again = client.get(here)
        assert again.status_code == 200 and not _shown(again, "login-error")
    assert _failures(client, admin_headers, "alice") == 1


def test_a_wrong_code_redirects_to_the_step_and_a_reload_spends_no_attempt(
    client: FlaskClient, alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    path, token = start_page_login(client, alice)
    attempts = client.application.extensions["sls"].settings.verify_attempts
    form = {"response": "00000000", "csrf_token": token}
    posted = client.post(path + "/verify", data=form)
    assert posted.status_code == 303 and posted.headers["Location"] == path  # no code in the address
    assert _wrong_codes(client, admin_headers, "login.second_factor_failed") == 1

    shown = client.get(path)
    assert shown.status_code == 401 and _shown(shown, "step-error")
    assert f"{attempts - 1} attempt" in shown.get_data(as_text=True)
    assert 'aria-invalid="true"' in shown.get_data(as_text=True)
    for _ in range(3):
        again = client.get(path)
        assert again.status_code == 200 and _shown(again, "step-response") and not _shown(again, "step-error")
    assert _wrong_codes(client, admin_headers, "login.second_factor_failed") == 1

    second = client.post(path + "/verify", data=form, follow_redirects=True)
    assert f"{attempts - 2} attempt" in second.get_data(as_text=True), "the reloads spent nothing"


def test_a_new_code_sent_is_said_once(client: FlaskClient, admin_headers: dict[str, str]) -> None:
    """ "A new security code was sent by SMS" on a reload would say a code was sent that was not."""
    body = {"username": "sam", "password": "Correct-Horse-4-Battery", "phone": "+15555550190", "sms": False}
    assert client.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    added = client.post("/admin/v1/users/sam/devices", json={"type": "sms"}, headers=admin_headers)
    assert added.status_code == 201, added.get_json()
    token = csrf(client.get("/").get_data(as_text=True))
    started = client.post(
        "/login", data={"username": "sam", "password": body["password"], "csrf_token": token}
    )
    path = started.headers["Location"]

    resent = client.post(path + "/resend", data={"channel": "sms", "csrf_token": token})
    assert resent.status_code == 303 and resent.headers["Location"] == path
    assert _shown(client.get(path), "step-notice")
    assert not _shown(client.get(path), "step-notice")


def test_a_wrong_step_up_password_and_code_redirect_and_a_reload_spends_nothing(
    client: FlaskClient, alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    alice.log_in()
    token = csrf(client.get("/account").get_data(as_text=True))
    client.post("/account/withdrawal", data={"amount": "100", "currency": "USD", "csrf_token": token})
    posted = client.post(
        last_task(client), data={"username": "alice", "password": WRONG, "csrf_token": token}
    )
    assert posted.status_code == 303 and posted.headers["Location"].startswith("/account/verify?task=")
    shown = client.get(last_task(client))
    assert shown.status_code == 401 and "incorrect" in shown.get_data(as_text=True)
    assert 'value="alice"' in shown.get_data(as_text=True)
    again = client.get(last_task(client))
    assert again.status_code == 200 and not _shown(again, "step-error") and _shown(again, "verify-password")
    assert _failures(client, admin_headers, "alice") == 1


def test_a_wrong_step_up_code_is_shown_once_and_a_reload_spends_no_attempt(
    client: FlaskClient, alice: EnrolledUser
) -> None:
    token = open_withdrawal_step_up(client, alice)
    attempts = client.application.extensions["sls"].settings.verify_attempts
    form = {"response": "00000000", "csrf_token": token}
    posted = client.post(last_task(client), data=form)
    assert posted.status_code == 303 and posted.headers["Location"].startswith("/account/verify?task=")
    shown = client.get(last_task(client))
    assert shown.status_code == 401 and f"{attempts - 1} attempt" in shown.get_data(as_text=True)
    again = client.get(last_task(client))
    assert again.status_code == 200 and _shown(again, "step-response") and not _shown(again, "step-error")
    second = client.post(last_task(client), data=form, follow_redirects=True)
    assert f"{attempts - 2} attempt" in second.get_data(as_text=True), "the reload spent nothing"


def test_a_task_typed_wrong_is_shown_once_on_the_problem_page(
    client: FlaskClient, alice: EnrolledUser
) -> None:
    alice.log_in()
    token = csrf(client.get("/account").get_data(as_text=True))
    posted = client.post("/account/withdrawal", data={"amount": "lots", "csrf_token": token})
    problem = str(posted.headers["Location"])
    assert posted.status_code == 303 and problem.startswith("/account/problem?task=")
    shown = client.get(problem)
    assert shown.status_code == 400 and "Enter a whole amount" in shown.get_data(as_text=True)
    assert _shown(shown, "account-back")
    again = client.get(problem)
    assert again.status_code == 303 and again.headers["Location"] == "/account"


def test_an_outcome_opens_only_for_the_browser_and_the_page_it_was_sealed_for(
    client: FlaskClient, alice: EnrolledUser
) -> None:
    token = csrf(client.get("/").get_data(as_text=True))
    posted = client.post("/login", data={"username": "alice", "password": WRONG, "csrf_token": token})
    sealed = client.get_cookie("sls_page_outcome", path="/")
    assert sealed is not None
    other = client.application.test_client()  # another browser (its own sls_browser), the cookie copied
    other.get("/")
    other.set_cookie("sls_page_outcome", sealed.value, path="/")
    copied = other.get(str(posted.headers["Location"]))  # its key too
    assert copied.status_code == 200 and not _shown(copied, "login-error")
    alice.log_in()
    client.set_cookie("sls_page_outcome", sealed.value, path="/account/problem")  # another page's
    assert client.get("/account/problem").headers["Location"] == "/account"


def test_a_step_posted_for_a_login_that_ended_redirects_to_the_form_which_says_so(
    client: FlaskClient, alice: EnrolledUser
) -> None:
    token = csrf(client.get("/").get_data(as_text=True))
    posted = client.post("/login/no-such-login/verify", data={"response": "12345678", "csrf_token": token})
    here = posted.headers["Location"]
    assert posted.status_code == 303 and here.startswith("/?told=")  # this tab's own
    shown = client.get(here)
    assert shown.status_code == 410 and "This login has ended" in shown.get_data(as_text=True)
    assert client.get(here).status_code == 200
