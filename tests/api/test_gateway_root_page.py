"""In gateway mode, the emulator's own login page (``/``) points to the gateway's.

The real gateway's root is its login page: "open https://localhost:5000 and log in" is how ibind's users (and
the gateway's own start-up line) authenticate a gateway by hand. Here ``/`` is the emulator's portal login,
kept in gateway mode for the trainer's room: a login there makes a portal session (a cookie of that browser)
and never the gateway's, so the tool went on being told 401 ``no_session`` after a login that had worked,
and the same user's login there even ended the gateway's session (``session_replaced``). The page now says
so and links the gateway's login page; outside gateway mode it says nothing of a gateway."""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from sls_server import create_app

GATEWAY_LOGIN = "/sso/Login?forwardTo=22&amp;RL=1&amp;ip2loc=on"


def test_the_portal_login_links_the_gateways_login_page_in_gateway_mode(app_config: dict[str, Any]) -> None:
    app: Flask = create_app({**app_config, "GATEWAY": True})
    page = app.test_client().get("/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert f'href="{GATEWAY_LOGIN}"' in html
    assert 'data-testid="login-gateway-notice"' in html
    assert app.test_client().get(GATEWAY_LOGIN.replace("&amp;", "&")).status_code == 200  # it leads there


def test_outside_gateway_mode_the_login_page_says_nothing_of_a_gateway(client: FlaskClient) -> None:
    html = client.get("/").get_data(as_text=True)
    assert "/sso/Login" not in html and "login-gateway-notice" not in html
