"""``POST /iserver/auth/ssodh/init`` reads its body, as the real gateway does: ``{"publish": true,
"compete": true}`` is what ibind's ``initialize_brokerage_session(compete=...)`` sends, and ``compete: false``
asks for the brokerage session *without* disconnecting another platform's (TWS, IBKR Mobile) that competes
for it. The emulator used to ignore the body, so a tool asking not to compete took the session over all the
same, and one sending ``"compete": "yes"`` was never told. IBeam sends no body at all: that stays a takeover.
Time moves only with /admin/v1/clock; the test clock is frozen (conftest)."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from gateway_kit import gateway_client, sam_logged_in  # noqa: F401  (the gw and sam fixtures)

from sls_server import create_app

PREFIXES = ("/v1/api", "/v1/portal")


@pytest.fixture
def gateway_app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "GATEWAY": True})


def stage(gw: FlaskClient, headers: dict[str, str], change: str) -> None:
    assert gw.post(f"/admin/v1/gateway/{change}", headers=headers).status_code == 200


def flags(gw: FlaskClient) -> tuple[bool, bool, bool]:
    status = gw.post("/v1/api/tickle").get_json()["iserver"]["authStatus"]
    return status["authenticated"], status["competing"], status["connected"]


def trail(gw: FlaskClient, headers: dict[str, str]) -> list[str]:
    events = gw.get("/admin/v1/events", headers=headers).get_json()["events"]
    return [event["type"] for event in events]


@pytest.mark.parametrize("prefix", PREFIXES)
def test_compete_false_leaves_a_competing_session_alone(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], prefix: str
) -> None:
    stage(gw, admin_headers, "compete")
    init = gw.post(f"{prefix}/iserver/auth/ssodh/init", json={"publish": True, "compete": False})
    assert init.status_code == 200, init.get_json()
    answer = init.get_json()
    assert (answer["authenticated"], answer["competing"], answer["connected"]) == (False, True, True)
    assert answer["message"]  # says why it is not authenticated
    assert flags(gw) == (False, True, True)  # nothing was taken over
    assert "gateway.reauthenticated" not in trail(gw, admin_headers)


@pytest.mark.parametrize(
    "body",
    [{"publish": True, "compete": True}, {"compete": True}, {}, None],
    ids=["ibind", "compete-only", "empty-object", "no-body"],
)
def test_compete_true_or_no_body_takes_the_session_over(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], body: dict[str, Any] | None
) -> None:
    stage(gw, admin_headers, "compete")
    init = gw.post("/v1/api/iserver/auth/ssodh/init", json=body) if body is not None else None
    init = init or gw.post("/v1/api/iserver/auth/ssodh/init")  # IBeam's urllib: a POST without a body
    assert init.status_code == 200, init.get_json()
    assert (init.get_json()["authenticated"], init.get_json()["competing"]) == (True, False)
    assert flags(gw) == (True, False, True)


@pytest.mark.parametrize("change", ["drop", "disconnect"])
def test_compete_false_still_restores_a_session_nobody_competes_for(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], change: str
) -> None:
    stage(gw, admin_headers, change)
    init = gw.post("/v1/api/iserver/auth/ssodh/init", json={"publish": True, "compete": False})
    assert init.status_code == 200
    assert (init.get_json()["authenticated"], init.get_json()["connected"]) == (True, True)
    assert flags(gw) == (True, False, True)


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"publish": True, "compete": "yes"}, "compete"),
        ({"publish": True, "compete": 0}, "compete"),
        ({"publish": False, "compete": True}, "publish"),
        ({"publish": True, "compete": True, "competing": True}, "competing"),
        ([True], "body"),
    ],
)
def test_a_malformed_body_is_refused_naming_the_field_and_changes_nothing(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], body: Any, field: str
) -> None:
    stage(gw, admin_headers, "compete")
    refused = gw.post("/v1/api/iserver/auth/ssodh/init", json=body)
    assert refused.status_code == 400, refused.get_json()
    assert refused.get_json()["error"] == "invalid_request"
    assert refused.get_json()["field"] == field, refused.get_json()
    assert flags(gw) == (False, True, True)


def test_a_body_that_is_not_json_is_refused(gw: FlaskClient, sam: str, admin_headers: dict[str, str]) -> None:
    stage(gw, admin_headers, "compete")
    refused = gw.post("/v1/api/iserver/auth/ssodh/init", data="publish=true", content_type="text/plain")
    assert refused.status_code == 400 and refused.get_json()["field"] == "body"
    assert flags(gw) == (False, True, True)


def test_without_a_session_a_body_does_not_help(gw: FlaskClient) -> None:
    init = gw.post("/v1/api/iserver/auth/ssodh/init", json={"publish": True, "compete": True})
    assert init.status_code == 401 and init.get_json()["error"] == "no_session"
