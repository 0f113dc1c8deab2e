"""The HTML pages' own protections, without a browser: the pages' CSP (no inline script anywhere), CSRF
tokens on every form, the login binding only in an HttpOnly, SameSite=Strict cookie scoped to the login's
path, and clear pages (never a 500) for bad input."""

from __future__ import annotations

import re

from conftest import EnrolledUser
from flask import Flask
from flask.testing import FlaskClient
from page_forms import csrf, forms_without_csrf, last_task, open_withdrawal_step_up, start_page_login

from sls_server.http.security import CSP_PAGES

PAGES = ("/", "/sim", "/trainer", "/docs", "/logged-out?reason=idle")


def test_pages_are_html_under_the_strict_csp_with_no_inline_script(client: FlaskClient) -> None:
    for path in PAGES:
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.mimetype == "text/html"
        assert page.headers["Content-Security-Policy"] == CSP_PAGES
        html = page.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), f"inline script on {path}"
        assert not re.search(r"\son[a-z]+\s*=", html), f"inline event handler on {path}"
        assert "style=" not in html, f"inline style on {path}"
        assert not forms_without_csrf(html)[0], f"a form without CSRF on {path}"


def test_static_files_are_served_by_the_app(client: FlaskClient) -> None:
    # A file answer holds its file open until closed, as a WSGI server does: closed here, none leaks.
    with client.get("/assets/css/sls.css") as css:
        assert css.status_code == 200
    with client.get("/assets/js/common.js") as script:
        assert script.mimetype in ("text/javascript", "application/javascript")
    with client.get("/docs/viewer/swagger-ui-bundle.js") as bundle:
        assert bundle.status_code == 200
    assert client.get("/docs/viewer/index.html").status_code == 404  # its inline script is never served


def test_login_form_needs_its_csrf_token(
    client: FlaskClient, alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    """Refused as a page, with the way back, not as the JSON a script reads: a person whose page went
    stale (its token no longer this browser's) saw a bare JSON object."""
    client.get("/")
    refused = client.post("/login", data={"username": "alice", "password": alice.password})
    assert refused.status_code == 403 and refused.mimetype == "text/html", refused.content_type
    html = refused.get_data(as_text=True)
    assert 'data-testid="refused-code">csrf_token_invalid<' in html and "reload the page" in html
    assert 'href="/"' in html  # back to the login page, for a fresh form
    events = client.get("/admin/v1/events?user=alice", headers=admin_headers).get_json()["events"]
    assert not any(e["type"].startswith("login.") for e in events)  # nothing was tried


def test_a_page_script_refused_for_its_csrf_token_keeps_the_json_error(client: FlaskClient) -> None:
    """A page's script (a JSON body, ``Accept: */*``) reads the contract's error, as before."""
    client.get("/")
    refused = client.post("/login", json={"username": "alice", "password": "x"}, headers={"Accept": "*/*"})
    assert refused.status_code == 403 and refused.get_json()["error"] == "csrf_token_invalid"


def test_the_login_binding_lives_in_a_scoped_strict_cookie(client: FlaskClient, alice: EnrolledUser) -> None:
    token = csrf(client.get("/").get_data(as_text=True))
    form = {"username": "alice", "password": alice.password, "csrf_token": token}
    started = client.post("/login", data=form)
    assert started.status_code == 303
    txn_path = started.headers["Location"]
    cookie = next(c for c in started.headers.getlist("Set-Cookie") if c.startswith("sls_page_login="))
    assert f"Path={txn_path}" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie
    step = client.get(txn_path)
    html = step.get_data(as_text=True)
    assert step.status_code == 200 and 'data-testid="step-challenge"' in html
    assert alice.password not in html
    browser = client.get_cookie("sls_browser")
    assert browser is not None and browser.http_only and browser.same_site == "Strict"


def test_bad_input_gets_a_page_not_a_500(client: FlaskClient, alice: EnrolledUser) -> None:
    token = csrf(client.get("/").get_data(as_text=True))
    form = {"username": "", "password": "", "csrf_token": token}
    empty = client.post("/login", data=form, follow_redirects=True)
    assert empty.status_code == 400 and b"Enter your username and password" in empty.data
    form = {"username": "alice", "password": "x" * 5000, "csrf_token": token}
    wrong = client.post("/login", data=form, follow_redirects=True)
    assert wrong.status_code == 400 and [r.status_code for r in wrong.history] == [303]
    assert client.get("/login/not-a-login").status_code == 410
    assert client.get("/sim/card/nope").status_code == 404
    assert client.get("/sim/phone/%00").status_code == 404
    assert client.get("/account").status_code == 303
    again = client.get("/login")  # the form's target opened as a GET: the form, not a JSON 405
    assert again.status_code == 303 and again.headers["Location"] == "/"
    for step in ("verify", "select", "resend", "challenge"):  # a step's form target opened as a GET
        reopened = client.get(f"/login/some-login/{step}")
        assert reopened.status_code == 303 and reopened.headers["Location"] == "/login/some-login", step


def test_trainer_routes_need_the_signed_in_trainer(client: FlaskClient) -> None:
    assert client.get("/trainer/events").status_code == 401
    assert client.post("/trainer/clock", json={"step": "day"}).status_code == 401
    assert client.post("/trainer/attack", json={"attack": "brute_force", "username": "a"}).status_code == 401


def test_the_last_wrong_response_ends_the_login_with_a_sentence_saying_so(
    client: FlaskClient, alice: EnrolledUser
) -> None:
    path, token = start_page_login(client, alice)
    attempts = client.application.extensions["sls"].settings.verify_attempts
    form = {"response": "00000000", "csrf_token": token}
    for left in range(attempts - 1, 0, -1):
        wrong = client.post(path + "/verify", data=form, follow_redirects=True)
        assert f"{left} attempt" in wrong.get_data(as_text=True)
        assert 'data-testid="step-response"' in wrong.get_data(as_text=True)
    last = client.post(path + "/verify", data=form, follow_redirects=True)
    html = last.get_data(as_text=True)
    assert last.status_code == 401 and last.request.path == "/"
    assert "no attempts are left" in html and "log in again" in html
    assert 'data-testid="login-form"' in html, "back at the password: the way to start again"
    assert 'data-testid="step-response"' not in html
    [posted] = last.history
    dropped = next(c for c in posted.headers.getlist("Set-Cookie") if c.startswith("sls_page_login="))
    assert "Max-Age=0" in dropped or "expires=Thu, 01 Jan 1970" in dropped


def test_the_last_wrong_step_up_response_ends_the_verification_with_a_way_back(
    client: FlaskClient, alice: EnrolledUser
) -> None:
    token = open_withdrawal_step_up(client, alice)
    attempts = client.application.extensions["sls"].settings.verify_attempts
    form = {"response": "00000000", "csrf_token": token}
    here = last_task(client)
    for _ in range(attempts - 1):
        wrong = client.post(here, data=form, follow_redirects=True)
        assert 'data-testid="step-response"' in wrong.get_data(as_text=True)
    last = client.post(here, data=form, follow_redirects=True)
    html = last.get_data(as_text=True)
    assert last.status_code == 401 and last.request.path == "/account/problem"
    assert "no attempts are left" in html and 'data-testid="account-back"' in html
    assert 'data-testid="step-response"' not in html and "log in again" not in html
    gone = client.get(here, follow_redirects=True)
    assert gone.status_code == 410 and "Nothing was done" in gone.get_data(as_text=True), (
        "nothing waits any more"
    )


def test_the_verify_page_names_its_continue_button_and_the_task_without_a_stray_space(
    client: FlaskClient, alice: EnrolledUser
) -> None:
    open_withdrawal_step_up(client, alice)
    html = client.get(last_task(client)).get_data(as_text=True)
    text = " ".join(re.sub(r"<[^>]+>", " ", html).split())
    assert "Withdraw funds: 2,500 EUR." in text
    assert 'data-testid="step-submit">Continue<' in html
    assert "click Continue" in text, "the broker's verify-identity procedure: the button is Continue"
    assert "Log in" not in text.replace("Log in again", "")


def test_a_locked_card_shows_locked_when_its_page_is_loaded(client: FlaskClient, alice: EnrolledUser) -> None:
    for _ in range(3):  # the card's own PIN counter: three wrong PINs lock it
        client.post(f"/sim/v1/dscplus/{alice.device_id}/respond", json={"pin": "0000", "challenge": "123456"})
    html = client.get(f"/sim/card/{alice.device_id}").get_data(as_text=True)
    display = re.search(r'<output [^>]*data-testid="card-display"[^>]*>([^<]*)</output>', html)
    assert display and display.group(1) == "LOCKED"
    assert "This card is locked." in html


def test_the_trainer_feed_starts_from_its_backlog_for_a_cursor_redis_cannot_read(app: Flask) -> None:
    """A ``Last-Event-ID`` with a half past 64 bits made ``XRANGE`` answer ERR mid-stream; any id the events
    API would refuse starts the feed from its backlog instead, and a real one is resumed from."""
    from sls_server.http.pages.feed import _start_cursor

    for given in ("99999999999999999999-0", "18446744073709551615-18446744073709551615", "garbage"):
        with app.test_request_context(headers={"Last-Event-ID": given}):
            assert _start_cursor() != given
    with app.test_request_context(headers={"Last-Event-ID": "1767225600000-3"}):
        assert _start_cursor() == "1767225600000-3"


def test_a_refused_device_choice_is_read_with_the_device_group(
    client: FlaskClient, alice: EnrolledUser, admin_headers: dict[str, str]
) -> None:
    """A screen reader on the device list hears why the choice was refused (WCAG 3.3.1): the alert
    describes the radio group (not marked invalid: the group has no typed value)."""
    added = client.post("/admin/v1/users/alice/devices", json={"type": "totp"}, headers=admin_headers)
    assert added.status_code == 201, added.get_json()
    path, token = start_page_login(client, alice)
    chooser = client.get(path).get_data(as_text=True)
    assert 'data-testid="factor-option-totp"' in chooser and "aria-describedby" not in chooser

    form = {"device": "sms:nothing", "csrf_token": token}
    refused = client.post(f"{path}/select", data=form, follow_redirects=True)
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and 'id="step-error"' in html
    fieldset = re.search(r"<fieldset[^>]*>", html)
    assert fieldset and 'aria-describedby="step-error"' in fieldset.group(0), html
    assert "aria-invalid" not in fieldset.group(0)
