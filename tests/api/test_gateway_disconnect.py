"""The staged lost connection (``POST /admin/v1/gateway/disconnect``): the gateway no longer reaches the
brokerage's servers, so ``/iserver/auth/status`` says ``connected: false`` and ``authenticated: false`` while
the SSO session stays valid; a reauthentication restores it, as it restores a drop. Staged from the admin API,
the trainer console and ``sls gateway-state disconnect``. Time moves only with /admin/v1/clock."""

from __future__ import annotations

import json
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from gateway_cli import gateway_sls, served_gateway  # noqa: F401  (the sls fixture)
from gateway_kit import gateway_client, logged_in, make_user, sam_logged_in  # noqa: F401  (the gw and sam fixtures)
from page_forms import Console

from sls_server import create_app

LOST = (
    "The gateway has lost its connection to the brokerage's servers; reauthenticate while the SSO session is "
    "valid."
)


@pytest.fixture
def gateway_app(app_config: dict[str, Any]) -> Flask:
    return create_app({**app_config, "GATEWAY": True})


def flags(status: dict[str, Any]) -> tuple[bool, bool, bool]:
    return status["authenticated"], status["connected"], status["competing"]


def disconnect(gw: FlaskClient, headers: dict[str, str]) -> dict[str, Any]:
    answer = gw.post("/admin/v1/gateway/disconnect", headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "heal", ["/v1/api/iserver/reauthenticate?force=true", "/v1/portal/iserver/auth/ssodh/init"]
)
def test_a_lost_connection_shows_on_every_route_and_a_reauthentication_restores_it(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], heal: str
) -> None:
    staged = disconnect(gw, admin_headers)["session"]
    assert (staged["authenticated"], staged["connected"], staged["competing"]) == (False, False, False)
    for prefix in ("/v1/api", "/v1/portal"):
        for status in (
            gw.get(prefix + "/iserver/auth/status").get_json(),
            gw.post(prefix + "/iserver/auth/status").get_json(),
            gw.post(prefix + "/tickle").get_json()["iserver"]["authStatus"],
        ):
            assert flags(status) == (False, False, False)
            assert status["message"] == LOST
    validated = gw.get("/v1/api/sso/validate")  # the SSO session is still valid
    assert validated.status_code == 200 and validated.get_json()["USER_NAME"] == sam
    # the /iserver routes gateway mode does not emulate answer as they do while merely dropped: not emulated
    assert gw.get("/v1/api/iserver/accounts").get_json()["error"] == "not_found"
    healed = gw.post(heal)
    assert healed.status_code == 200, healed.get_json()
    status = gw.get("/v1/api/iserver/auth/status").get_json()
    assert flags(status) == (True, True, False) and status["message"] == ""
    state = gw.get("/admin/v1/gateway", headers=admin_headers).get_json()["session"]
    assert (state["authenticated"], state["connected"]) == (True, True)


def test_a_disconnected_gateway_still_keeps_its_sso_session_alive_by_tickles(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    """The connection to the brokerage is lost, not the SSO session: tickles are activity as ever."""
    disconnect(gw, admin_headers)
    for _ in range(3):
        gw.post("/admin/v1/clock", json={"advance_s": 600}, headers=admin_headers)
        tickle = gw.post("/v1/api/tickle")
        assert tickle.status_code == 200 and tickle.get_json()["iserver"]["authStatus"]["connected"] is False
    assert gw.post("/v1/api/iserver/reauthenticate").get_json() == {"message": "triggered"}


def test_the_disconnection_is_recorded_and_its_reauthentication_too(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    disconnect(gw, admin_headers)
    gw.post("/v1/api/iserver/reauthenticate")
    events = gw.get("/admin/v1/events?limit=100", headers=admin_headers).get_json()["events"]
    gateway = [
        (e["type"], e.get("user"), e.get("detail")) for e in events if e["type"].startswith("gateway.")
    ]
    assert gateway[-2:] == [
        (
            "gateway.brokerage_disconnected",
            sam,
            {"authenticated": False, "connected": False, "competing": False},
        ),
        ("gateway.reauthenticated", sam, {"authenticated": True, "connected": True, "competing": False}),
    ]


@pytest.mark.parametrize("change", ["drop", "compete"])
def test_a_drop_or_a_competing_session_after_a_disconnection_leaves_it_disconnected(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str], change: str
) -> None:
    """A drop or a competing session says nothing about the connection: staged after a disconnection, the
    gateway is still disconnected (it read ``connected: true`` again, with no reauthentication) until a
    reauthentication heals it."""
    disconnect(gw, admin_headers)
    staged = gw.post(f"/admin/v1/gateway/{change}", headers=admin_headers).get_json()["session"]
    competing = change == "compete"
    assert (staged["authenticated"], staged["connected"], staged["competing"]) == (False, False, competing)
    assert gw.get("/admin/v1/gateway", headers=admin_headers).get_json()["session"] == staged
    status = gw.get("/v1/api/iserver/auth/status").get_json()
    assert flags(status) == (False, False, competing) and status["message"] == LOST
    assert gw.post("/v1/api/iserver/reauthenticate").status_code == 200
    assert flags(gw.get("/v1/api/iserver/auth/status").get_json()) == (True, True, False)


def test_a_drop_or_a_competing_session_on_a_connected_gateway_leaves_it_connected(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    dropped = gw.post("/admin/v1/gateway/drop", headers=admin_headers).get_json()["session"]
    assert (dropped["authenticated"], dropped["connected"], dropped["competing"]) == (False, True, False)
    competing = gw.post("/admin/v1/gateway/compete", headers=admin_headers).get_json()["session"]
    assert (competing["authenticated"], competing["connected"], competing["competing"]) == (False, True, True)
    dropped = gw.post("/admin/v1/gateway/drop", headers=admin_headers).get_json()["session"]
    assert (dropped["authenticated"], dropped["connected"], dropped["competing"]) == (False, True, False)


def test_without_a_session_or_the_admin_token_nothing_is_disconnected(
    gw: FlaskClient, admin_headers: dict[str, str]
) -> None:
    refused = gw.post("/admin/v1/gateway/disconnect")
    assert refused.status_code == 401 and refused.get_json()["error"] == "admin_token_required"
    assert disconnect(gw, admin_headers)["session"] is None
    events = gw.get("/admin/v1/events?type=gateway.brokerage_disconnected", headers=admin_headers).get_json()
    assert events["events"] == []


def test_the_trainer_console_disconnects_as_the_admin_api_does(
    gw: FlaskClient, sam: str, admin_headers: dict[str, str]
) -> None:
    console = Console(gw)
    assert 'data-testid="gateway-disconnect"' in gw.get("/trainer").get_data(as_text=True)
    answered = console.post("/trainer/gateway", {"change": "disconnect"})
    assert answered == gw.get("/admin/v1/gateway", headers=admin_headers).get_json()
    assert answered["session"]["connected"] is False
    assert gw.get("/v1/api/iserver/auth/status").get_json()["message"] == LOST


def test_sls_gateway_state_disconnect(sls: Any, gw: FlaskClient, sam: str) -> None:
    said = sls("disconnect")
    assert said.exit_code == 0, said.output
    assert "gateway disconnected from the brokerage" in said.stdout
    assert gw.get("/v1/api/iserver/auth/status").get_json()["connected"] is False
    as_json = sls("disconnect", "--json")
    assert as_json.exit_code == 0, as_json.output
    assert json.loads(as_json.stdout)["session"]["connected"] is False
    assert gw.post("/v1/api/logout").status_code == 200
    nothing = sls("disconnect")
    assert nothing.exit_code == 0 and "no gateway session: no disconnection to stage" in nothing.stdout
