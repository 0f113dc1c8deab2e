"""Status lines carry RFC 9110's reason phrases (``404 Not Found``), as the real Client Portal Gateway's
(Netty's) do, not werkzeug's upper-case ones (``404 NOT FOUND``).

Tools read the phrase: IBeam's ``HttpHandler.try_request`` tells a gateway that cannot serve by
``e.code == 503 and 'Service Unavailable' in str(e)`` (urllib's ``HTTP Error 503: Service Unavailable``),
and a server error by ``'Internal Server Error'``. Against the emulator's ``SERVICE UNAVAILABLE`` neither
matched, so a Redis outage, which is what such a test stages, showed in IBeam's log as an "Unrecognised
HTTPError" with a traceback, never as the real gateway's outage. The Flask test client shows the status
line a gunicorn worker sends (``tests/e2e/test_gateway_reason_phrases.py`` reads it through urllib, as
IBeam does)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from gateway_kit import GatewayBrowser, make_user

from sls_server import create_app
from sls_server.store.embedded import EmbeddedRedis


@pytest.fixture
def gateway_app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "GATEWAY": True})


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("get", "/healthz", "200 OK"),
        ("post", "/v1/api/tickle", "401 Unauthorized"),
        ("get", "/v1/api/iserver/accounts", "404 Not Found"),
        ("get", "/v1/api/logout", "405 Method Not Allowed"),
        ("post", "/v1/api/iserver/reauthenticate?force=maybe", "400 Bad Request"),
    ],
)
def test_the_status_line_says_the_standard_phrase(
    gateway_app: Flask, method: str, path: str, status: str
) -> None:
    assert getattr(gateway_app.test_client(), method)(path).status == status


def test_a_page_login_redirect_says_see_other(gateway_app: Flask, admin_headers: dict[str, str]) -> None:
    client: FlaskClient = gateway_app.test_client()
    make_user(client, admin_headers, "sam", "sms")
    browser = GatewayBrowser(client)
    browser.open()
    posted = client.post(
        "/sso/Login", data={"username": "sam", "password": "wrong-one", "csrf_token": browser.csrf}
    )
    assert posted.status == "303 See Other"


def test_a_redis_outage_says_service_unavailable(app_config: dict[str, Any], tmp_path: Path) -> None:
    own = EmbeddedRedis(tmp_path / "own-redis", appendonly=True).start()
    try:
        app = create_app({**app_config, "GATEWAY": True, "REDIS_URL": own.url, "REDIS_TIMEOUT": 0.5})
        own.stop()
        answer = app.test_client().post("/v1/api/tickle")
        assert answer.status == "503 Service Unavailable"
        assert answer.get_json()["error"] == "store_unavailable"
    finally:
        own.stop()
