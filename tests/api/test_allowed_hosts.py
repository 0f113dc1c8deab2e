"""The server answers only to a Host nobody else's DNS decides, in every mode: a page that rebinds its name to
this machine is same-origin with itself and passes the cross-site guard, so it could read the simulated
phones' codes on /sim/v1 (open by default), drive /api/v1 logins, or read and end the gateway's session (its
REST routes need no credential). Its Host header is the one thing it cannot change."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from sls_server import create_app
from sls_server.config import load_settings
from sls_server.errors import InvalidConfig

#: A simulated phone's texts: open by default, what a rebound page came for.
PHONE = "/sim/v1/phones/+15550001111/messages"
REBOUND = {
    "Host": "attacker.example:5000",
    "Origin": "http://attacker.example:5000",
    "Sec-Fetch-Site": "same-origin",
}


def server(app_config: dict[str, Any], **settings: Any) -> FlaskClient:
    return create_app({**app_config, **settings}).test_client()


def gateway(app_config: dict[str, Any], **settings: Any) -> FlaskClient:
    return server(app_config, GATEWAY=True, **settings)


def refused_for_host(answer: Any) -> dict[str, Any]:
    assert answer.status_code == 400, answer.get_data(as_text=True)
    body: dict[str, Any] = answer.get_json()
    assert (body["error"], body["field"]) == ("invalid_request", "Host")
    return body


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("get", "/sim/v1/phones/+15550001111/messages", None),
        ("post", "/api/v1/auth/login", {"username": "alice", "password": "Right-Horse-5-Battery"}),
        ("get", "/api/v1/session", None),
        ("get", "/", None),
        ("get", "/trainer", None),
        ("get", "/metrics", None),
        ("get", "/openapi.json", None),
    ],
)
def test_a_request_naming_another_host_is_refused_before_any_view(
    app_config: dict[str, Any], method: str, path: str, body: dict[str, str] | None
) -> None:
    """Outside gateway mode too: `sls demo` and `sls serve` on 127.0.0.1 were open to a rebound page."""
    answer = getattr(server(app_config), method)(path, headers=REBOUND, json=body)
    message = refused_for_host(answer)["message"]
    assert "add attacker.example to SLS_ALLOWED_HOSTS" in message, message


def test_a_refused_login_is_not_judged(app_config: dict[str, Any], admin_headers: dict[str, str]) -> None:
    """Nothing changed: no wrong password counted towards a lock, no event written."""
    client = server(app_config)
    before = client.get("/admin/v1/events", headers=admin_headers).get_json()
    for _ in range(6):
        body = {"username": "alice", "password": "Wrong-Horse-5-Battery"}
        refused_for_host(client.post("/api/v1/auth/login", json=body, headers=REBOUND))
    assert client.get("/admin/v1/events", headers=admin_headers).get_json() == before


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/v1/api/sso/validate"),
        ("post", "/v1/api/logout"),
        ("post", "/v1/api/iserver/reauthenticate"),
        ("get", "/sso/Login"),
    ],
)
def test_the_gateway_refuses_another_host_as_before(
    app_config: dict[str, Any], method: str, path: str
) -> None:
    refused_for_host(getattr(gateway(app_config), method)(path, headers=REBOUND))


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1:5000",
        "localhost:5000",
        "LOCALHOST",
        "localhost.",
        "[::1]:5000",
        "localhost",
        "192.168.1.10:8000",
        "10.0.0.5",
        "[fe80::1]",
        "sls.localhost:8000",
    ],
)
def test_addresses_and_the_loopback_names_are_answered(app_config: dict[str, Any], host: str) -> None:
    """An IP literal is never looked up, so never rebound; *.localhost never leaves the browser."""
    for client in (server(app_config), gateway(app_config)):
        answer = client.get(PHONE, headers={"Host": host})
        assert answer.status_code == 200, answer.get_data(as_text=True)


def test_a_name_given_in_the_setting_is_answered(app_config: dict[str, Any]) -> None:
    client = server(app_config, ALLOWED_HOSTS="sls.internal, Trainer-PC")
    assert client.get(PHONE, headers={"Host": "sls.internal:8000"}).status_code == 200
    assert client.get(PHONE, headers={"Host": "trainer-pc"}).status_code == 200
    message = refused_for_host(client.get(PHONE, headers=REBOUND))["message"]
    assert "SLS_ALLOWED_HOSTS (now sls.internal,trainer-pc)" in message, "the operator adds, not replaces"


def test_the_older_name_of_the_setting_still_admits(app_config: dict[str, Any]) -> None:
    """SLS_GATEWAY_HOSTS was documented before the guard covered every mode: a gateway set up with it keeps
    its names."""
    client = gateway(app_config, GATEWAY_HOSTS="gw.internal")
    assert client.get("/v1/api/sso/validate", headers={"Host": "gw.internal:5000"}).status_code != 400
    settings = load_settings({}, environ={"SLS_GATEWAY_HOSTS": "gw.internal"})
    assert settings.allowed_hosts == ("gw.internal",)
    with pytest.raises(InvalidConfig, match=r"SLS_ALLOWED_HOSTS.*SLS_GATEWAY_HOSTS is its older name"):
        load_settings({}, environ={"SLS_GATEWAY_HOSTS": "a.lan", "SLS_ALLOWED_HOSTS": "b.lan"})


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_the_probes_answer_any_host(client: FlaskClient, path: str) -> None:
    """A probe may name the service as it knows it (compose's `http://sls:8000/readyz`); they tell nothing
    but up and ready."""
    assert client.get(path, headers={"Host": "sls:8000"}).status_code == 200


@pytest.mark.parametrize("host", ["user@localhost", "localhost:80:80", "localhost:port", "[::1", "[evil]:80"])
def test_a_malformed_host_is_refused(client: FlaskClient, host: str) -> None:
    refused_for_host(client.get(PHONE, headers={"Host": host}))


def test_the_setting_takes_names_and_addresses_and_refuses_anything_else() -> None:
    hosts = load_settings(
        {"ALLOWED_HOSTS": " GW.Internal ,[::1],10.0.0.5,,host_1.lan."}, environ={}
    ).allowed_hosts
    assert hosts == ("gw.internal", "::1", "10.0.0.5", "host_1.lan")
    for bad in ("http://gw.internal", "gw.internal:5000", "a b", "-x.example"):
        with pytest.raises(InvalidConfig, match="SLS_ALLOWED_HOSTS"):
            load_settings({"ALLOWED_HOSTS": bad}, environ={})
