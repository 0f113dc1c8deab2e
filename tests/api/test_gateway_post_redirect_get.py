"""Post/Redirect/Get on gateway mode's login page (``/sso/Login``): a refused form answers 303 to a GET page,
which says why once, with the gateway's exact texts. Answered with the rendered refusal, a reload sent the
password again (one more failure toward the lock) or asked for another code (one more text); a GET spends
nothing. The page's script sends the login form in the background and reads that GET in place (the browser
tests in ``tests/browser/test_gateway_pages.py``)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import trail
from flask.testing import FlaskClient
from gateway_kit import GatewayBrowser, error_text, make_user

from sls_server import create_app

WRONG = "Not-The-Password-Marker-4417"


@pytest.fixture
def gw(app_config: dict[str, Any]) -> FlaskClient:
    return create_app({**app_config, "GATEWAY": True}).test_client()


def test_a_wrong_password_redirects_to_the_form_which_says_so_once(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    make_user(gw, admin_headers, "carl", "dscplus")
    browser = GatewayBrowser(gw)
    posted = browser.submit("carl", WRONG, paper=True)
    here = posted.headers["Location"]
    assert posted.status_code == 303 and here.startswith("/sso/Login?told=")  # this tab's own
    assert WRONG not in " ".join(posted.headers.getlist("Set-Cookie"))  # sealed, and never the password
    assert len(trail(gw, admin_headers, "login.password_failed", limit=100)) == 1

    shown = gw.get(here)
    html = shown.get_data(as_text=True)
    assert shown.status_code == 401 and error_text(shown) == "Invalid username password combination"
    assert 'value="carl"' in html and WRONG not in html  # the name stays typed, never the password
    assert (
        'id="toggle1" name="paper" value="on" class="xyz-toggle-input" checked' in html
    )  # the toggle as sent
    for _ in range(2):  # reloads: a clean form, nothing refused again, nothing sent
        again = gw.get(here)
        assert again.status_code == 200 and error_text(again) == "" and 'value="carl"' not in again.text
    assert len(trail(gw, admin_headers, "login.password_failed", limit=100)) == 1


def test_a_wrong_code_redirects_to_the_form_which_says_failed_once(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    make_user(gw, admin_headers, "sid", "sms")
    browser = GatewayBrowser(gw)
    path = browser.log_in("sid")
    wrong = "000000" if browser.latest_code("sid").get_data() != b"000000" else "111111"
    posted = browser.answer(path, wrong)
    here = posted.headers["Location"]
    assert posted.status_code == 303 and here.startswith("/sso/Login?told=")
    assert len(trail(gw, admin_headers, "login.second_factor_failed", limit=100)) == 1

    shown = gw.get(here)
    assert shown.status_code == 401 and error_text(shown) == "failed" and 'name="username"' in shown.text
    again = gw.get(here)
    assert again.status_code == 200 and error_text(again) == ""
    assert gw.get(path).status_code == 303, "the ended login's step sends a reload to a clean form"
    assert len(trail(gw, admin_headers, "login.second_factor_failed", limit=100)) == 1


def test_a_channel_not_offered_is_said_once_on_the_step_and_a_reload_sends_no_code(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    phone = make_user(gw, admin_headers, "nico", "sms")["user"]["phone"]
    browser = GatewayBrowser(gw)
    path = browser.log_in("nico")

    def texts() -> int:
        return len(gw.get(f"/sim/v1/phones/{phone}/messages").get_json()["messages"])

    sent = texts()
    posted = gw.post(f"{path}/new-code", data={"channel": "pigeon", "csrf_token": browser.csrf})
    assert posted.status_code == 303 and posted.headers["Location"] == path
    shown = gw.get(path)
    assert shown.status_code == 400 and error_text(shown) == "No new code can be sent to this device."
    again = gw.get(path)
    assert again.status_code == 200 and error_text(again) == "" and 'id="twofactbase"' in again.text
    assert texts() == sent
