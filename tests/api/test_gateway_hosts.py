"""Gateway mode answers only to its own host names: a page that rebinds its name to this machine is same-
origin with itself and passed the cross-site guard, so it could read the gateway's user and log it out (its
REST routes need no credential). Its Host header is the one thing it cannot change."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient

from sls_server import create_app
from sls_server.config import load_settings
from sls_server.errors import InvalidConfig
from sls_server.http.hosts import host_name

REBOUND = {
    "Host": "attacker.example:5000",
    "Origin": "http://attacker.example:5000",
    "Sec-Fetch-Site": "same-origin",
}


def gateway(app_config: dict[str, Any], **settings: Any) -> FlaskClient:
    return create_app({**app_config, "GATEWAY": True, **settings}).test_client()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/v1/api/sso/validate"),
        ("post", "/v1/api/logout"),
        ("post", "/v1/api/iserver/reauthenticate"),
        ("get", "/sso/Login"),
    ],
)
def test_a_request_naming_another_host_is_refused_before_any_view(
    app_config: dict[str, Any], method: str, path: str
) -> None:
    answer = getattr(gateway(app_config), method)(path, headers=REBOUND)
    assert answer.status_code == 400, answer.get_data(as_text=True)
    body = answer.get_json()
    assert (body["error"], body["field"]) == ("invalid_request", "Host")
    assert "SLS_GATEWAY_HOSTS" in body["message"]


@pytest.mark.parametrize("host", ["127.0.0.1:5000", "localhost:5000", "LOCALHOST", "[::1]:5000", "localhost"])
def test_the_loopback_names_are_answered(app_config: dict[str, Any], host: str) -> None:
    answer = gateway(app_config).get("/v1/api/sso/validate", headers={"Host": host})
    assert answer.status_code != 400, answer.get_data(as_text=True)


def test_a_name_given_in_the_setting_is_answered(app_config: dict[str, Any]) -> None:
    client = gateway(app_config, GATEWAY_HOSTS="gw.internal, 10.0.0.5")
    assert client.get("/v1/api/sso/validate", headers={"Host": "gw.internal:5000"}).status_code != 400
    assert client.get("/v1/api/sso/validate", headers={"Host": "10.0.0.5:5000"}).status_code != 400
    assert client.get("/v1/api/sso/validate", headers=REBOUND).status_code == 400


def test_outside_gateway_mode_the_host_is_not_judged(client: FlaskClient) -> None:
    """A deployment behind its own name (compose, a proxy) answers to it as before."""
    assert client.get("/healthz", headers={"Host": "sls.example.org"}).status_code == 200


def test_the_setting_takes_names_and_addresses_and_refuses_anything_else() -> None:
    hosts = load_settings(
        {"GATEWAY_HOSTS": " GW.Internal ,[::1],10.0.0.5,,host_1.lan."}, environ={}
    ).gateway_hosts
    assert hosts == ("gw.internal", "::1", "10.0.0.5", "host_1.lan")
    for bad in ("http://gw.internal", "gw.internal:5000", "a b", "-x.example"):
        with pytest.raises(InvalidConfig, match="SLS_GATEWAY_HOSTS"):
            load_settings({"GATEWAY_HOSTS": bad}, environ={})


@pytest.mark.parametrize(
    ("header", "name"),
    [
        ("localhost:5000", "localhost"),
        ("[::1]:5000", "::1"),
        ("[::1]", "::1"),
        ("Example.ORG", "example.org"),
    ],
)
def test_the_name_in_a_host_header(header: str, name: str) -> None:
    assert host_name(header) == name
