"""What the login pages say after a form (a refused login, a login that ended, a password reset) is told to
the tab whose form it answers, never to the next person who opens the page on that browser.

Such an outcome waits in a cookie for its tab's GET; a tab closed as it redirected left it there for its two
minutes, and sealed to the browser and the path only it was shown to whoever opened the page next: who had
just failed to log in to the gateway and why (the username typed, a lock, the paper/live mode), that a
login had just ended or was refused (a disabled user, an address outside the allowlist), that someone's
password had just been reset. No session or login exists yet to seal these to, so each is sealed to a random
key only the 303's own address carries (``?told=KEY``, ``outcome.tell_tab``). Each test is one cookie jar:
the person whose form it was, then the next person in the same browser.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from conftest import EnrolledUser
from flask.testing import FlaskClient
from gateway_kit import GatewayBrowser, error_text, make_user
from page_forms import csrf, recover_hold, start_page_login
from recovery_kit import ADMIN, NEW, Rose

from sls_server import create_app

WRONG = "Not-The-Password-Marker-5521"


@pytest.fixture
def gw(app_config: dict[str, Any]) -> FlaskClient:
    return create_app({**app_config, "GATEWAY": True}).test_client()


def _told_to(posted: Any, path: str) -> str:
    """The 303's address: ``path`` with this tab's own key."""
    here = str(posted.headers["Location"])
    assert posted.status_code == 303 and re.fullmatch(
        rf"{re.escape(path)}\?told=[A-Za-z0-9_-]{{12}}", here
    ), here
    return here


def test_a_gateway_refusal_left_waiting_is_told_to_its_own_tab_only(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The gateway's form keeps the username typed and the paper/live toggle for the tab that sent it."""
    make_user(gw, admin_headers, "carol.smith", "dscplus")
    posted = GatewayBrowser(gw).submit("carol.smith", WRONG, paper=True)

    nxt = gw.get("/sso/Login?forwardTo=22&RL=1&ip2loc=on")  # the next person, in the same browser
    assert nxt.status_code == 200 and error_text(nxt) == "" and "carol.smith" not in nxt.text
    assert " checked" not in nxt.text.split('id="toggle1"')[1].split(">")[0]  # live, as a fresh form
    here = _told_to(posted, "/sso/Login")

    own = gw.get(here)  # the tab the refusal was for
    assert own.status_code == 401 and error_text(own) == "Invalid username password combination"
    assert 'value="carol.smith"' in own.text and WRONG not in own.text
    assert 'id="toggle1" name="paper" value="on" class="xyz-toggle-input" checked' in own.text
    assert error_text(gw.get(here)) == "", "said once"


def test_a_gateway_login_that_ended_is_told_to_its_own_tab_only(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """A login that ends at its step starts over at the form, saying why: here the user was disabled
    between the password and the code (a wrong code's ``failed`` goes the same way)."""
    make_user(gw, admin_headers, "dora", "sms")
    browser = GatewayBrowser(gw)
    path = browser.log_in("dora")
    assert gw.post("/admin/v1/users/dora/disable", headers=admin_headers).status_code == 200
    posted = browser.answer(path, "123456")

    nxt = gw.get("/sso/Login")  # the next person
    assert nxt.status_code == 200 and error_text(nxt) == ""
    here = _told_to(posted, "/sso/Login")
    own = gw.get(here)
    assert own.status_code >= 400 and error_text(own) != "" and 'name="username"' in own.text


def test_a_portal_login_that_ended_is_told_to_its_own_tab_only(
    client: FlaskClient, alice: EnrolledUser
) -> None:
    """ "This login has ended": a step's form posted for a login this browser holds no binding for."""
    token = csrf(client.get("/").get_data(as_text=True))
    posted = client.post("/login/no-such-login/verify", data={"response": "12345678", "csrf_token": token})

    assert "This login has ended" not in client.get("/").get_data(as_text=True)  # the next person
    here = _told_to(posted, "/")
    own = client.get(here)
    assert own.status_code == 410 and "This login has ended" in own.get_data(as_text=True)


def test_a_portal_login_refused_midway_is_told_to_its_own_tab_only(
    client: FlaskClient, alice: EnrolledUser
) -> None:
    """The user disabled between the password and the code: the login starts over at the form, saying why."""
    path, token = start_page_login(client, alice)
    assert client.post(f"/admin/v1/users/{alice.username}/disable", headers=ADMIN).status_code == 200
    posted = client.post(f"{path}/verify", data={"response": "12345678", "csrf_token": token})

    plain = client.get("/")  # the next person
    assert plain.status_code == 200 and 'data-testid="login-error"' not in plain.get_data(as_text=True)
    here = _told_to(posted, "/")
    own = client.get(here)
    assert own.status_code == 403 and 'data-testid="login-error"' in own.get_data(as_text=True)


def test_a_password_reset_is_told_to_its_own_tab_only(client: FlaskClient) -> None:
    """ "Your password was reset": the recovery's last form, then the login page."""
    rose = Rose(client)
    token = csrf(client.get("/recover").get_data(as_text=True))
    here = client.post("/recover", data={"username": "rose", "csrf_token": token}).headers["Location"]
    code = rose.recovery_code()
    form = {"code": code, "csrf_token": token}
    assert client.post(here.replace("/recover?", "/recover/code?"), data=form).status_code == 303
    step = client.get(here).get_data(as_text=True)
    challenge = re.search(r'data-testid="step-challenge"[^>]*>\s*([0-9]+)', step)
    assert challenge, "the card's step opened"
    response = rose.card_response(challenge.group(1))
    form = {"response": response, "csrf_token": token}
    assert client.post(here.replace("/recover?", "/recover/verify?"), data=form).status_code == 303
    hold = recover_hold(client.get(here).get_data(as_text=True))
    form = {"new_password": NEW, "confirm_password": NEW, "csrf_token": token, "hold": hold}
    posted = client.post(here.replace("/recover?", "/recover/password?"), data=form)

    assert "password was reset" not in client.get("/").get_data(as_text=True)  # the next person
    here = _told_to(posted, "/")
    own = client.get(here).get_data(as_text=True)
    assert "Your password was reset. Log in with the new one." in own
