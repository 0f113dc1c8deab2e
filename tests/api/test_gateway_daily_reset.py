"""The gateway's daily reset set while a session is live: it counts from when it was set.

Before, the reset due was the first one after the session's login at the time set *now*, so setting 10:30
at 11:00 on a session logged in at 10:00 ended it at once (the PUT's own answer already had no session).
docs/gateway.md: the session "ends at HH:MM UTC on the server's clock", the next such instant after the
setting takes effect. A reset the old setting had already made due still ends the session: a change never
saves one."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from gateway_kit import PASSWORD, logged_in

from sls_server import create_app
from sls_server.store import keys
from sls_server.store.connection import connect
from sls_server.store.gateway import ENDED_KEEP_S

DAY = 86400
TEN = 1_893_492_000  # 2030-01-01T10:00:00Z


@pytest.fixture
def gw(app_config: dict[str, Any]) -> FlaskClient:
    return create_app({**app_config, "GATEWAY": True}).test_client()


@pytest.fixture
def sam(gw: FlaskClient, admin_headers: dict[str, str]) -> str:
    body = {"username": "sam", "password": PASSWORD, "phone": "+15555550171", "sms": False}
    assert gw.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    enrolled = gw.post("/admin/v1/users/sam/devices", json={"type": "sms"}, headers=admin_headers)
    assert enrolled.status_code == 201
    return "sam"


def _clock(gw: FlaskClient, headers: dict[str, str], body: dict[str, Any]) -> None:
    assert gw.post("/admin/v1/clock", json=body, headers=headers).status_code == 200


def _kept_alive(gw: FlaskClient, headers: dict[str, str], seconds: int) -> None:
    """``seconds`` pass on the clock with a tickle every ten minutes, as a tool keeping the session does."""
    for _ in range(seconds // 600):
        _clock(gw, headers, {"advance_s": 600})
        assert gw.post("/v1/api/tickle").status_code == 200


def _set(gw: FlaskClient, headers: dict[str, str], at: str | None) -> dict[str, Any]:
    put = gw.put("/admin/v1/gateway/daily-reset", json={"at": at}, headers=headers)
    assert put.status_code == 200, put.get_json()
    return put.get_json()  # type: ignore[no-any-return]


def test_a_reset_time_already_passed_today_ends_the_session_tomorrow(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    _clock(gw, admin_headers, {"set_at": TEN, "freeze": True})
    logged_in(gw, sam)
    _kept_alive(gw, admin_headers, 3600)  # 11:00
    answer = _set(gw, admin_headers, "10:30")
    assert answer["session"] is not None, "the reset was set at 11:00: 10:30 today is not its time"
    assert answer["session"]["daily_reset_at"] == TEN + 1800 + DAY
    assert gw.post("/v1/api/tickle").status_code == 200


def test_tomorrow_s_reset_is_the_one_that_ends_it(
    app_config: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    long_lived = {"IDLE_TIMEOUT": DAY, "ABSOLUTE_TIMEOUT": 2 * DAY}  # alive until tomorrow's reset
    gw = create_app({**app_config, "GATEWAY": True, **long_lived}).test_client()
    body = {"username": "sam", "password": PASSWORD, "phone": "+15555550171", "sms": False}
    assert gw.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    assert (
        gw.post("/admin/v1/users/sam/devices", json={"type": "sms"}, headers=admin_headers).status_code == 201
    )
    _clock(gw, admin_headers, {"set_at": TEN, "freeze": True})
    logged_in(gw, "sam")
    _kept_alive(gw, admin_headers, 3600)
    _set(gw, admin_headers, "10:30")
    assert gw.post("/v1/api/tickle").status_code == 200
    _clock(gw, admin_headers, {"set_at": TEN + 1800 + DAY - 1})
    assert gw.post("/v1/api/tickle").status_code == 200
    _clock(gw, admin_headers, {"advance_s": 1})
    ended = gw.post("/v1/api/tickle")
    assert ended.status_code == 401 and ended.get_json()["reason"] == "daily_reset"


def test_a_reset_the_old_time_made_due_still_ends_the_session(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    _clock(gw, admin_headers, {"set_at": TEN, "freeze": True})
    logged_in(gw, sam)
    _set(gw, admin_headers, "10:15")
    _clock(gw, admin_headers, {"advance_s": 3600})  # 10:15 passed with no request to see it
    assert _set(gw, admin_headers, "10:30")["session"] is None
    ended = gw.post("/v1/api/tickle")
    assert ended.status_code == 401 and ended.get_json()["reason"] == "daily_reset"


def test_why_it_ended_is_news_for_an_hour_of_the_app_clock(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    """Before, the reason was kept by a real-time Redis expiry: moving the clock three days left it news."""
    _clock(gw, admin_headers, {"set_at": TEN, "freeze": True})
    logged_in(gw, sam)
    _set(gw, admin_headers, "10:10")
    _clock(gw, admin_headers, {"advance_s": 600})
    assert gw.post("/v1/api/tickle").get_json()["reason"] == "daily_reset"
    _clock(gw, admin_headers, {"advance_s": 3599})
    assert gw.post("/v1/api/tickle").get_json()["reason"] == "daily_reset"  # within the hour
    _clock(gw, admin_headers, {"advance_s": 1})
    after = gw.post("/v1/api/tickle")
    assert after.status_code == 401 and after.get_json()["error"] == "no_session"
    assert "reason" not in after.get_json()
    _clock(gw, admin_headers, {"advance_s": 3 * DAY})
    assert "reason" not in gw.post("/v1/api/tickle").get_json()


def test_redis_keeps_the_news_long_enough_for_a_frozen_clock(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], redis_url: str
) -> None:
    """Redis keeps it a week of real time, a backstop that an hour of a frozen clock does not outrun."""
    _clock(gw, admin_headers, {"set_at": TEN, "freeze": True})
    logged_in(gw, sam)
    assert gw.post("/admin/v1/gateway/expire", headers=admin_headers).status_code == 200
    instance = gw.application.extensions["sls"].gateway.instance
    store = connect(redis_url)
    assert store.ttl(keys.gateway_ended(instance)) > ENDED_KEEP_S * 24
    store.close()
    assert gw.post("/v1/api/tickle").get_json()["reason"] == "sso_expired"
