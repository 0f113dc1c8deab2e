"""``GET /admin/v1/gateway``'s ``ended``: how the gateway's last session ended (the 401's ``reason`` and
``ended_by``, and when), while the REST routes still say it (until the next login, at most an hour of the
server's clock); ``sls gateway-state status`` says it in words. It said only "none", never why. Time moves
only with /admin/v1/clock."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from conftest import move_clock
from flask import Flask
from flask.testing import FlaskClient
from gateway_cli import gateway_sls, served_gateway  # noqa: F401  (the sls fixture)
from gateway_kit import gateway_client, logged_in, make_user, sam_logged_in  # noqa: F401  (the gw and sam fixtures)

from sls_server import create_app

IDLE_S = 900


@pytest.fixture
def gateway_app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "GATEWAY": True, "IDLE_TIMEOUT": IDLE_S})


def gateway_state(gw: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    answer = gw.get("/admin/v1/gateway", headers=headers)
    assert answer.status_code == 200
    return answer.get_json()  # type: ignore[no-any-return]


def test_an_idle_ending_is_shown_as_the_401_says_it_with_when(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    assert gateway_state(gw, admin_headers)["ended"] is None  # a live session: nothing ended
    last_activity = move_clock(gw, admin_headers, 0)
    move_clock(gw, admin_headers, IDLE_S + 1200)  # a trainer's jump: found twenty minutes after it ended
    state = gateway_state(gw, admin_headers)  # the admin's look finds it ended
    assert state["session"] is None
    ended_at = last_activity + IDLE_S  # when the idle timeout ran out, not when someone looked
    assert state["ended"] == {"reason": "session_expired", "ended_by": "idle", "at": ended_at}
    refused = gw.post("/v1/api/tickle").get_json()
    assert (refused["reason"], refused["ended_by"]) == ("session_expired", "idle")
    move_clock(gw, admin_headers, 60)
    assert gateway_state(gw, admin_headers)["ended"]["at"] == ended_at  # when it ended, not when looked at


def test_an_idle_ending_a_rest_call_finds_is_told_with_when_it_ran_out(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    last_activity = move_clock(gw, admin_headers, 0)
    move_clock(gw, admin_headers, IDLE_S + 1200)
    refused = gw.post("/v1/api/tickle").get_json()  # a bot's tickle finds it ended, before any admin looks
    assert (refused["reason"], refused["ended_by"]) == ("session_expired", "idle")
    assert gateway_state(gw, admin_headers)["ended"]["at"] == last_activity + IDLE_S


def test_an_sso_expiry_is_shown_until_the_next_login_and_no_secret_with_it(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    now = move_clock(gw, admin_headers, 0)
    expired = gw.post("/admin/v1/gateway/expire", headers=admin_headers).get_json()
    assert expired["session"] is None
    assert expired["ended"] == {"reason": "sso_expired", "ended_by": "sso_expired", "at": now}
    assert set(gateway_state(gw, admin_headers)["ended"]) == {"reason", "ended_by", "at"}
    logged_in(gw, sam)
    state = gateway_state(gw, admin_headers)
    assert state["session"]["username"] == sam and state["ended"] is None


def test_the_ending_is_news_for_an_hour_of_the_server_s_clock(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    assert gw.post("/v1/api/logout").status_code == 200
    assert gateway_state(gw, admin_headers)["ended"]["reason"] == "logout"
    move_clock(gw, admin_headers, 3600)
    assert gateway_state(gw, admin_headers)["ended"] is None
    assert "reason" not in gw.post("/v1/api/tickle").get_json()  # as the REST routes no longer say it


def test_sls_gateway_state_status_says_how_the_last_session_ended(
    sls: Any, gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    last_activity = move_clock(gw, admin_headers, 0)
    move_clock(gw, admin_headers, IDLE_S + 1200)
    said = sls("status")
    assert said.exit_code == 0, said.output
    hhmm = datetime.fromtimestamp(last_activity + IDLE_S, UTC).strftime("%H:%M")  # not the look's 20 min on
    assert f"none — the last one ended: idle timeout at {hhmm} UTC" in " ".join(said.stdout.split())
    move_clock(gw, admin_headers, 3600)
    plain = sls("status")
    assert "none: log in through /sso/Login" in plain.stdout and "ended" not in plain.stdout
