"""How the gateway's session ended, as its 401 says it: ``reason`` (``session_expired``, which bots match, is
kept) and ``ended_by``, its cause, so a bot can tell the automatic logoff (``idle``) from the session's
absolute lifetime (``lifetime``); every other reason has one cause, which ``ended_by`` repeats. The same
whether a REST call or an admin's look found the session ended, and in the audit trail. Time moves only with
/admin/v1/clock; the test clock is frozen (conftest)."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import move_clock
from flask import Flask
from flask.testing import FlaskClient
from gateway_kit import gateway_client, logged_in, make_user, sam_logged_in  # noqa: F401  (the gw and sam fixtures)

from sls_server import create_app
from sls_server.store import keys
from sls_server.store.connection import connect
from sls_server.store.records.gateway import GatewayProcess

IDLE_S = 900
LIFETIME_S = 1800


@pytest.fixture
def gateway_app(app_config: dict[str, Any]) -> Flask:
    timeouts = {"IDLE_TIMEOUT": IDLE_S, "ABSOLUTE_TIMEOUT": LIFETIME_S}
    return create_app({**app_config, "GATEWAY": True, **timeouts})


def idle_out(gw: FlaskClient, headers: dict[str, str]) -> None:
    move_clock(gw, headers, IDLE_S + 1)


def outlive(gw: FlaskClient, headers: dict[str, str]) -> None:
    """Tickled every 10 minutes (never idle) until the session's absolute lifetime is over."""
    for _ in range(LIFETIME_S // 600 - 1):
        move_clock(gw, headers, 600)
        assert gw.post("/v1/api/tickle").status_code == 200
    move_clock(gw, headers, 600)


def ended_events(gw: FlaskClient, headers: dict[str, str]) -> list[tuple[str, Any]]:
    found = gw.get("/admin/v1/events?type=gateway.session_ended", headers=headers).get_json()["events"]
    return [(e["result"], e.get("detail")) for e in found]


@pytest.mark.parametrize(("end", "ended_by"), [(idle_out, "idle"), (outlive, "lifetime")])
def test_session_expired_says_whether_idle_or_lifetime_ended_it(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], end: Any, ended_by: str
) -> None:
    end(gw, admin_headers)
    first = gw.post("/v1/api/tickle")
    assert first.status_code == 401
    body = first.get_json()
    assert (body["error"], body["reason"], body["ended_by"]) == ("no_session", "session_expired", ended_by)
    assert set(body) == {"error", "message", "reason", "ended_by"}  # no session id, nothing secret
    for later in (gw.get("/v1/api/iserver/auth/status"), gw.get("/v1/portal/sso/validate")):
        assert later.status_code == 401 and later.get_json() == body  # every later caller is told the same
    assert ended_events(gw, admin_headers) == [("session_expired", {"ended_by": ended_by})]


@pytest.mark.parametrize(("end", "ended_by"), [(idle_out, "idle"), (outlive, "lifetime")])
def test_an_admin_looking_first_names_the_ending_as_a_rest_call_would(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], end: Any, ended_by: str
) -> None:
    """``GET /admin/v1/gateway`` (the trainer console, ``sls gateway-state status``) finding the session
    expired kept the session check's own word, so the next REST call said ``reason: expired_idle`` (or
    ``expired_absolute``), not ``session_expired``."""
    end(gw, admin_headers)
    assert gw.get("/admin/v1/gateway", headers=admin_headers).get_json()["session"] is None
    body = gw.post("/v1/api/tickle").get_json()
    assert (body["reason"], body["ended_by"]) == ("session_expired", ended_by)
    assert body["message"] == (
        "The gateway's session has ended (session_expired): log in through the gateway's login page again."
    )
    assert ended_events(gw, admin_headers) == [("session_expired", {"ended_by": ended_by})]


def test_every_other_ending_repeats_its_reason(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    assert gw.post("/admin/v1/gateway/expire", headers=admin_headers).status_code == 200
    said = [gw.post("/v1/api/tickle").get_json()]
    logged_in(gw, sam)
    assert gw.post("/v1/api/logout").status_code == 200
    said.append(gw.post("/v1/api/tickle").get_json())
    logged_in(gw, sam)
    gw.put("/admin/v1/gateway/daily-reset", json={"at": "12:05"}, headers=admin_headers)  # the clock: 12:00
    move_clock(gw, admin_headers, 300)
    said.append(gw.post("/v1/api/tickle").get_json())
    logged_in(gw, sam)
    assert gw.post(f"/admin/v1/users/{sam}/disable", headers=admin_headers).status_code == 200
    said.append(gw.post("/v1/api/tickle").get_json())
    assert [(s["reason"], s["ended_by"]) for s in said] == [
        ("sso_expired", "sso_expired"),
        ("logout", "logout"),
        ("daily_reset", "daily_reset"),
        ("session_revoked", "session_revoked"),
    ]
    assert [detail["ended_by"] for _, detail in ended_events(gw, admin_headers)] == [
        "sso_expired",
        "logout",
        "daily_reset",
        "session_revoked",
    ]


def test_no_session_ever_has_no_reason_and_no_cause(gw: FlaskClient) -> None:
    body = gw.post("/v1/api/tickle").get_json()
    assert body["error"] == "no_session" and "reason" not in body and "ended_by" not in body


def test_an_ending_kept_before_its_cause_was_kept_still_gives_its_reason(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], redis_url: str
) -> None:
    """Kept by a version before this one (``<at> <reason>``, within its hour): the reason as it was, with no
    ``ended_by`` rather than a made-up one."""
    assert gw.post("/v1/api/logout").status_code == 200
    now = gw.get("/admin/v1/clock", headers=admin_headers).get_json()["now"]
    store = connect(redis_url)
    store.set(keys.gateway_ended(gw.application.extensions["sls"].gateway.instance), f"{now} session_expired")
    store.close()
    body = gw.post("/v1/api/tickle").get_json()
    assert body["reason"] == "session_expired" and "ended_by" not in body


def test_the_openapi_document_declares_ended_by(gw: FlaskClient) -> None:
    spec = gw.get("/openapi.json").get_json()
    error = spec["components"]["schemas"]["Error"]["properties"]
    assert "ended_by" in error and "`idle`" in error["ended_by"]["description"]
    assert "`lifetime`" in error["ended_by"]["description"]
    no_session = spec["components"]["schemas"]["NoSessionError"]
    assert "`ended_by`" in no_session["description"]
    tickle_401 = spec["paths"]["/v1/api/tickle"]["post"]["responses"]["401"]
    assert "`ended_by`" in tickle_401["description"]


def test_a_restart_ends_a_live_session_once_and_leaves_an_ended_one_its_own_cause(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    """``sls gateway``'s start (``GatewayService.restarted``): a live session ends as ``gateway_restarted``;
    one that timed out while no process served is still told as the timeout, not blamed on the restart."""
    gateway = gw.application.extensions["sls"].gateway
    now = gw.get("/admin/v1/clock", headers=admin_headers).get_json()["now"]
    start = (GatewayProcess("here", 4242, 5000, 0), "first")
    assert gateway.restarted(*start, now=now).ended is True
    assert gateway.restarted(*start, now=now).ended is False  # nothing left to end
    body = gw.post("/v1/api/tickle").get_json()
    assert (body["reason"], body["ended_by"]) == ("gateway_restarted", "gateway_restarted")
    logged_in(gw, sam)
    move_clock(gw, admin_headers, IDLE_S + 1)
    assert gateway.restarted(*start, now=now + IDLE_S + 1).ended is False
    body = gw.post("/v1/api/tickle").get_json()
    assert (body["reason"], body["ended_by"]) == ("session_expired", "idle")
    assert ended_events(gw, admin_headers) == [
        ("gateway_restarted", {"ended_by": "gateway_restarted"}),
        ("session_expired", {"ended_by": "idle"}),
    ]
