"""Gateway mode's login page in-process: the gateway's exact texts (wrong credentials, a wrong second factor,
the paper/live toggle, a lock), the device list, the security posture of the other pages, and the outbox
hook a tool's 2FA handler calls (plain digits, handed out once, a bounded wait for a new code)."""

from __future__ import annotations

import re
import threading
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from gateway_kit import PASSWORD, GatewayBrowser, error_text, make_user

from sls_server import create_app
from sls_server.store.embedded import EmbeddedRedis

PAPER_IN_LIVE = (
    "You have selected the Live Account Mode, but the specified user is a Paper Trading user. "
    "Please select the correct Login mode."
)


@pytest.fixture
def gateway_app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "GATEWAY": True, "LOCKOUT_THRESHOLD": 3})


@pytest.fixture
def gw(gateway_app: Flask) -> FlaskClient:
    return gateway_app.test_client()


def test_the_login_form_has_what_tools_look_for(gw: FlaskClient) -> None:
    page = GatewayBrowser(gw).open()
    html = page.get_data(as_text=True)
    assert re.search(r'class="card login"', html)
    for needle in ('name="username"', 'name="password"', 'id="toggle1"', 'for="toggle1"'):
        assert needle in html
    assert re.search(r'<button type="submit" class="btn btn-lg [^"]*xyz-button-login', html)
    assert error_text(page) == ""  # the error box is there, hidden
    assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    assert not re.search(r"<script>|\son[a-z]+=|style=", html)  # no inline script, handler or style


def test_wrong_password_says_the_gateways_words(gw: FlaskClient, admin_headers: dict[str, str]) -> None:
    make_user(gw, admin_headers, "carl", "dscplus")
    page = GatewayBrowser(gw).refused("carl", "not-the-Password-1")
    assert error_text(page) == "Invalid username password combination"
    unknown = GatewayBrowser(gw).refused("nobody", "not-the-Password-1")
    assert error_text(unknown) == "Invalid username password combination"


def test_a_lock_after_failed_logins_is_said_and_refuses_the_right_password(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    make_user(gw, admin_headers, "lena", "dscplus")
    for _ in range(3):
        assert error_text(GatewayBrowser(gw).refused("lena", "wrong-Password-22")) == (
            "Invalid username password combination"
        )
    locked = GatewayBrowser(gw).refused("lena")
    assert locked.status_code == 423
    assert error_text(locked).startswith("Too many failed login attempts. Please try again in")


def test_a_paper_user_in_live_mode_is_told_before_any_code_is_sent(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    made = make_user(gw, admin_headers, "penny", "sms", paper=True)
    assert made["user"]["paper"] is True
    browser = GatewayBrowser(gw)
    refused = browser.refused("penny")
    assert error_text(refused) == PAPER_IN_LIVE
    assert browser.latest_code("penny").status_code == 404  # no SMS went out
    wrong_password = browser.refused("penny", "not-the-Password-1")
    assert error_text(wrong_password) == "Invalid username password combination"  # no mode oracle
    path = browser.log_in("penny", paper=True)
    code = browser.latest_code("penny").get_data(as_text=True)
    assert browser.answer(path, code).headers["Location"] == "/sso/Dispatcher"
    assert gw.get("/v1/api/sso/validate").get_json()["LOGIN_TYPE"] == 2


def test_a_wrong_code_says_failed_and_starts_over(gw: FlaskClient, admin_headers: dict[str, str]) -> None:
    make_user(gw, admin_headers, "sid", "sms")
    browser = GatewayBrowser(gw)
    path = browser.log_in("sid")
    step = browser.step(path).get_data(as_text=True)
    assert re.search(r'<div id="twofactbase"', step) and 'id="xyz-field-bronze-response"' in step
    posted = browser.answer(
        path, "000000" if browser.latest_code("sid").get_data() != b"000000" else "111111"
    )
    assert posted.headers["Location"].startswith("/sso/Login?told=")  # no code in the address: a random key
    failed = browser.shown(posted)
    assert error_text(failed) == "failed"
    assert 'name="username"' in failed.get_data(as_text=True)  # back at the form, ready for another attempt
    assert browser.step(path).status_code == 303  # the ended login's page sends a reload to a clean form


def test_the_card_challenge_is_on_the_page(gw: FlaskClient, admin_headers: dict[str, str]) -> None:
    made = make_user(gw, admin_headers, "cora", "dscplus")
    browser = GatewayBrowser(gw)
    path = browser.log_in("cora")
    html = browser.step(path).get_data(as_text=True)
    challenge = re.search(r'id="xyz-challenge"[^>]*>([0-9]{6})<', html).group(1)  # type: ignore[union-attr]
    card = made["devices"]["dscplus"]["device_id"]
    response = gw.post(
        f"/sim/v1/dscplus/{card}/respond", json={"pin": "1234", "challenge": challenge}
    ).get_json()
    assert browser.answer(path, response["response"]).headers["Location"] == "/sso/Dispatcher"


def test_several_devices_are_a_select_by_the_brokers_names(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    make_user(gw, admin_headers, "mia", "dscplus", "sms", "totp")
    browser = GatewayBrowser(gw)
    path = browser.log_in("mia")
    html = browser.step(path).get_data(as_text=True)
    assert "twofactbase" not in html
    names = re.findall(r'<option value="([a-z]+:[^"]+)">([^<]+)</option>', html)
    assert [name for _, name in names] == ["Security Code Card", "SMS", "Voice", "Mobile Authenticator App"]
    card = next(value for value, name in names if name == "Security Code Card")
    chosen = browser.select(path, card)
    assert chosen.status_code == 303
    assert 'id="xyz-challenge"' in browser.step(path).get_data(as_text=True)
    refused = browser.shown(browser.select(path, "dscplus:not-a-device"))
    assert refused.status_code == 400 and error_text(refused) == "Select a second factor device."


def test_the_live_profile_and_the_notification_step(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    app = create_app({**app_config, "GATEWAY": True, "GATEWAY_PROFILE": "live"})
    client = app.test_client()
    make_user(client, admin_headers, "liv", "sms")
    browser = GatewayBrowser(client)
    form = browser.open().get_data(as_text=True)
    assert 'id="xyz-field-username"' in form and 'id="xyz-field-password"' in form
    step = browser.step(browser.log_in("liv")).get_data(as_text=True)
    assert 'id="xyz-field-silver-response"' in step and 'placeholder="Mobile Authenticator App Code"' in step


def test_forms_need_the_csrf_token(gw: FlaskClient, admin_headers: dict[str, str]) -> None:
    make_user(gw, admin_headers, "cid", "sms")
    GatewayBrowser(gw).open()
    refused = gw.post("/sso/Login", data={"username": "cid", "password": PASSWORD})
    assert refused.status_code == 403


# --- the outbox hook --------------------------------------------------------------------------------------


def test_latest_code_is_plain_digits(gw: FlaskClient, admin_headers: dict[str, str]) -> None:
    make_user(gw, admin_headers, "olly", "sms")
    browser = GatewayBrowser(gw)
    assert browser.latest_code("olly").status_code == 404  # only a notice so far: no second-factor code
    browser.log_in("olly")
    code = browser.latest_code("olly")
    assert code.status_code == 200 and code.mimetype == "text/plain"
    assert re.fullmatch(rb"[0-9]{6}", code.get_data())
    assert browser.latest_code("olly").get_data() == code.get_data()  # wait=0: the newest, again


def test_wait_hands_each_code_out_once_and_waits_for_the_next(
    gw: FlaskClient, gateway_app: Flask, admin_headers: dict[str, str]
) -> None:
    make_user(gw, admin_headers, "wes", "sms")
    browser = GatewayBrowser(gw)
    path = browser.log_in("wes")
    first = browser.latest_code("wes", wait=5)
    assert first.status_code == 200
    got: list[Any] = []
    waiting = threading.Thread(
        target=lambda: got.append(GatewayBrowser(gateway_app.test_client()).latest_code("wes", wait=20))
    )
    waiting.start()  # waits: the first code was handed out already
    resent = gw.post(f"{path}/resend", data={"csrf_token": browser.csrf})  # only IB Key resends pushes ...
    assert resent.status_code == 409
    browser.log_in("wes")  # ... so a new login sends the next code
    waiting.join(timeout=25)
    assert got and got[0].status_code == 200
    assert got[0].get_data() != first.get_data()


def test_wait_gives_up_with_404(gw: FlaskClient, admin_headers: dict[str, str]) -> None:
    make_user(gw, admin_headers, "gus", "sms")
    browser = GatewayBrowser(gw)
    browser.log_in("gus")
    assert browser.latest_code("gus", wait=1).status_code == 200
    again = browser.latest_code("gus", wait=1)
    assert again.status_code == 404 and again.get_json()["error"] == "no_code"


@pytest.mark.parametrize(
    ("query", "status", "field"),
    [
        ({"user": "nobody"}, 404, None),
        ({"user": "Bad User!"}, 400, "user"),
        ({"user": "gus", "wait": 31}, 400, "wait"),
    ],
)
def test_latest_code_refuses_bad_input(
    gw: FlaskClient, query: dict[str, Any], status: int, field: str | None
) -> None:
    answer = gw.get("/sim/v1/outbox/latest-code", query_string=query)
    assert answer.status_code == status
    if field:
        assert answer.get_json()["field"] == field


def test_latest_code_is_guarded_like_the_simulators(app_config: dict[str, Any]) -> None:
    app = create_app({**app_config, "GATEWAY": True, "SIM_TOKEN": "trainer-sim-token-123456"})
    client = app.test_client()
    refused = client.get("/sim/v1/outbox/latest-code?user=anyone")
    assert refused.status_code == 401 and refused.get_json()["error"] == "sim_token_required"
    allowed = client.get(
        "/sim/v1/outbox/latest-code?user=anyone", headers={"Authorization": "Bearer trainer-sim-token-123456"}
    )
    assert allowed.status_code == 404


def test_a_redis_outage_mid_login_keeps_the_step_and_says_so(
    app_config: dict[str, Any], admin_headers: dict[str, str], tmp_path: Path
) -> None:
    """An outage is no wrong code and no ended login: the answer is 503 on the same step, and once Redis is
    back the same login goes on (the pages' rule, ``http/pages/kit.py``, on the gateway's pages too)."""
    own = EmbeddedRedis(tmp_path / "own-redis", appendonly=True).start()
    try:
        app = create_app({**app_config, "GATEWAY": True, "REDIS_URL": own.url, "REDIS_TIMEOUT": 0.5})
        client = app.test_client()
        make_user(client, admin_headers, "sid", "sms")
        browser = GatewayBrowser(client)
        path = browser.log_in("sid")
        code = browser.latest_code("sid").get_data(as_text=True)
        own.stop()
        refused = browser.answer(path, code)
        assert refused.status_code == 503, refused.get_data(as_text=True)[:300]
        assert 'name="username"' not in refused.get_data(as_text=True), "not sent back to the password form"
        polled = client.get(f"{path}/status")
        assert polled.status_code == 503 and polled.get_json()["error"] == "store_unavailable"
        own.start()
        assert browser.step(path).status_code == 200, "the login is still there"
        done = browser.answer(path, code)
        assert done.status_code == 303, error_text(done)
    finally:
        own.stop()
