"""The gateway's code step, "Didn't receive a security code?": a new code by SMS or a voice call on the same
step, as the portal's login page has; a send limit is told there too, and the login goes on."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from gateway_kit import GatewayBrowser, error_text, make_user

from sls_server import create_app


@pytest.fixture
def gw(app_config: dict[str, Any]) -> FlaskClient:
    return create_app({**app_config, "GATEWAY": True}).test_client()


def test_didnt_receive_a_code_sends_a_new_one_and_keeps_the_step(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """The portal's "Didn't receive a security code?" on the gateway's code step too: a new code by SMS or a
    voice call; a bad channel is told on the same step. A card's step offers none."""
    phone = make_user(gw, admin_headers, "nico", "sms")["user"]["phone"]
    browser = GatewayBrowser(gw)
    path = browser.log_in("nico")
    step = browser.step(path).get_data(as_text=True)
    assert 'data-testid="gateway-new-code-sms"' in step and 'data-testid="gateway-new-code-voice"' in step

    def codes() -> list[str]:
        texts = gw.get(f"/sim/v1/phones/{phone}/messages").get_json()["messages"]
        return [m["code"] for m in texts if m.get("code")]

    assert len(codes()) == 1
    posted = gw.post(f"{path}/new-code", data={"channel": "pigeon", "csrf_token": browser.csrf})
    assert posted.headers["Location"] == path  # to the step, which says why
    bad = browser.shown(posted)
    assert bad.status_code == 400 and error_text(bad) and 'id="twofactbase"' in bad.get_data(as_text=True)
    unsigned = gw.post(f"{path}/new-code", data={"channel": "sms"})
    assert unsigned.status_code == 403
    assert len(codes()) == 1, "neither sent a code"
    again = gw.post(f"{path}/new-code", data={"channel": "sms", "csrf_token": browser.csrf})
    assert again.status_code == 303 and again.headers["Location"] == path
    assert len(codes()) == 2
    second = codes()[0]  # newest first
    done = browser.answer(path, second)
    assert done.status_code == 303 and done.headers["Location"] == "/sso/Dispatcher", error_text(done)

    make_user(gw, admin_headers, "cara", "dscplus")
    card_step = browser.step(GatewayBrowser(gw).log_in("cara")).get_data(as_text=True)
    assert "gateway-new-code" not in card_step


def test_a_new_code_past_the_send_limit_is_told_on_the_same_step(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """Past ``SLS_SMS_SEND_LIMIT`` no text is sent and the page says so; the login goes on (it was sent back
    to the password form, as if it had ended)."""
    make_user(gw, admin_headers, "nell", "sms")
    browser = GatewayBrowser(gw)
    path = browser.log_in("nell")
    limit = gw.application.extensions["sls"].settings.sms_send_limit
    answers = [
        gw.post(f"{path}/new-code", data={"channel": "sms", "csrf_token": browser.csrf}) for _ in range(limit)
    ]
    assert [a.status_code for a in answers] == [303] * limit
    assert answers[-1].headers["Location"] == path  # to the step, which says why
    refused = browser.shown(answers[-1])
    assert refused.status_code == 429 and error_text(refused), refused.get_data(as_text=True)[:300]
    assert 'id="twofactbase"' in refused.get_data(as_text=True), "the same step, not the password form"
    assert browser.step(path).status_code == 200, "the login goes on"


def test_challenge_response_is_asked_only_on_an_ib_key_step(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    """*Log in with Challenge/Response* (``/challenge``) turns IB Key's push into its challenge; on another
    device's step it is refused on that step (400, saying why), the login going on, nothing sent."""
    phone = make_user(gw, admin_headers, "noel", "sms")["user"]["phone"]
    browser = GatewayBrowser(gw)
    path = browser.log_in("noel")
    texts = len(gw.get(f"/sim/v1/phones/{phone}/messages").get_json()["messages"])
    posted = gw.post(f"{path}/challenge", data={"csrf_token": browser.csrf})
    assert posted.status_code == 303 and posted.headers["Location"] == path
    said = browser.shown(posted)
    assert said.status_code == 400 and error_text(said) == "This login waits for no notification."
    assert 'data-factor="sms"' in said.get_data(as_text=True)
    assert gw.post(f"{path}/challenge", data={}).status_code == 403  # the pages' CSRF token, as every form
    assert len(gw.get(f"/sim/v1/phones/{phone}/messages").get_json()["messages"]) == texts
