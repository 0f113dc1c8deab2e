"""Two gateway page logins of one user finishing at once leave the gateway holding the live session.

Each login's session replaces the user's older one (``replace``), then becomes the gateway's, ending the
one the gateway held before (``GatewayService.establish``). When the two requests made their sessions in
one order and handed them to the gateway in the other, the gateway kept the replaced one and ended the
live one: both pages said the login succeeded, and the gateway's REST routes answered 401 ``no_session``
(``session_replaced``), the user logged out of everything. The gateway now checks, after taking a session,
that it is still live, and hands the gateway back to the session it displaced if it is not. Threads, each
with its own test client (its own browser) on one app.
"""

from __future__ import annotations

import re
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from flask import Flask
from gateway_kit import GatewayBrowser, make_user
from werkzeug.test import TestResponse

from sls_server import create_app

ROUNDS = 40
CHALLENGE = re.compile(r'id="xyz-challenge"[^>]*>([0-9]{6})<')


@pytest.fixture
def gateway_app(app_config: dict[str, Any]) -> Flask:
    """Gateway mode; each round draws two challenges from one card, so its issuance limit is lifted."""
    return create_app({**app_config, "GATEWAY": True, "CHALLENGE_ISSUE_LIMIT": 1000})


def _ready(app: Flask, card: str) -> tuple[GatewayBrowser, str, str]:
    """A browser past the password step: (the browser, its step's path, the card's right response)."""
    browser = GatewayBrowser(app.test_client())
    path = browser.log_in("cora")
    challenge = CHALLENGE.search(browser.step(path).get_data(as_text=True))
    assert challenge is not None
    answered = browser.client.post(
        f"/sim/v1/dscplus/{card}/respond", json={"pin": "1234", "challenge": challenge.group(1)}
    )
    return browser, path, answered.get_json()["response"]


def test_two_page_logins_of_one_user_at_once_leave_the_gateway_a_live_session(
    gateway_app: Flask, admin_headers: dict[str, str]
) -> None:
    gw = gateway_app.test_client()
    card = make_user(gw, admin_headers, "cora", "dscplus")["devices"]["dscplus"]["device_id"]
    logged_out = 0
    for _ in range(ROUNDS):
        ready = [_ready(gateway_app, card) for _ in range(2)]
        barrier = threading.Barrier(len(ready))

        def answer(
            job: tuple[GatewayBrowser, str, str], barrier: threading.Barrier = barrier
        ) -> TestResponse:
            browser, path, response = job
            barrier.wait()
            return browser.answer(path, response)

        with ThreadPoolExecutor(len(ready)) as pool:
            answers = list(pool.map(answer, ready))
        assert [a.headers.get("Location") for a in answers] == ["/sso/Dispatcher"] * 2
        tickle = gw.post("/v1/api/tickle")
        assert tickle.status_code in (200, 401), tickle.get_json()
        logged_out += tickle.status_code == 401
    assert not logged_out


def test_logouts_racing_on_one_gateway_session_answer_true_once(
    gateway_app: Flask, admin_headers: dict[str, str]
) -> None:
    """Each read the live session, then ended it: all answered ``{"status": true}`` though one ended it (one
    ``gateway.session_ended``). The others now get what a logout without a session gets: 401 no_session."""
    gw = gateway_app.test_client()
    card = make_user(gw, admin_headers, "cora", "dscplus")["devices"]["dscplus"]["device_id"]
    several = 0
    for _ in range(10):
        browser, path, response = _ready(gateway_app, card)
        assert browser.answer(path, response).headers.get("Location") == "/sso/Dispatcher"
        barrier = threading.Barrier(6)

        def log_out(route: str, barrier: threading.Barrier = barrier) -> int:
            own = gateway_app.test_client()
            barrier.wait()
            return own.post(route).status_code

        routes = ["/v1/api/logout", "/v1/portal/logout"] * 3
        with ThreadPoolExecutor(len(routes)) as pool:
            codes = list(pool.map(log_out, routes))
        assert sorted(codes) == [200] + [401] * 5, codes
        several += codes.count(200) > 1
    ended = gw.get("/admin/v1/events?type=gateway.session_ended&limit=100", headers=admin_headers).get_json()
    assert len(ended["events"]) == 10 and not several
