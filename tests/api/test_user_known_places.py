"""``POST /admin/v1/users`` with ``known_ips``: addresses the user has signed in from before, so a login
from one is no new place (``auth/suspicious.py``); the demo world gives its users the trainer's own."""

from __future__ import annotations

from flask.testing import FlaskClient

PASSWORD = "plum-sketch-harbour-9"


def test_known_addresses_are_stored_as_the_lockout_writes_them(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    body = {"username": "kim", "password": PASSWORD, "known_ips": ["127.0.0.1", "::1", "0:0:0:0:0:0:0:1"]}
    made = client.post("/admin/v1/users", json=body, headers=admin_headers)
    assert made.status_code == 201, made.get_json()
    exported = client.get("/admin/v1/state/export", headers=admin_headers).get_json()
    kim = next(u for u in exported["users"] if u["record"]["username"] == "kim")
    assert kim["known_ips"] == ["127.0.0.1", "::1"]


def test_a_bad_address_is_refused_naming_the_field_and_nothing_is_created(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    body = {"username": "kim", "password": PASSWORD, "known_ips": ["127.0.0.1", "not-an-address"]}
    refused = client.post("/admin/v1/users", json=body, headers=admin_headers)
    assert refused.status_code == 400, refused.get_json()
    error = refused.get_json()
    assert error["error"] == "invalid_request" and error["field"] == "known_ips" and error["index"] == 1
    assert client.get("/admin/v1/users/kim", headers=admin_headers).status_code == 404
