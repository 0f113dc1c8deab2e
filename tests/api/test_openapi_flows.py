"""Whole flows an integration runs, every answer held to /openapi.json (status, schema, headers): an SMS
login with the code read from the simulated phone, a step-up before a withdrawal, a lockout, an IP
allowlist's refusal, the admin's clock and the state's export and import. The card flow is in
``test_openapi_answers``, IB Key's in ``test_ibkey``."""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from spec_conformance import Conformance

PASSWORD = "vernal-Quartz-harbor-71"
PHONE = "+15550100001"
LOGIN, VERIFY = "/api/v1/auth/login", "/api/v1/auth/login/{txn_id}/verify"
MESSAGES = "/sim/v1/phones/{number}/messages"


@pytest.fixture
def c(client: FlaskClient, admin_headers: dict[str, str]) -> Conformance:
    checked = Conformance(client, client.get("/openapi.json").get_json())
    admin = {"headers": admin_headers}
    user = {"username": "sam", "password": PASSWORD, "phone": PHONE, "sms": False}
    checked.call("post", "/admin/v1/users", "/admin/v1/users", 201, json=user, **admin)
    devices = "/admin/v1/users/{username}/devices"
    checked.call("post", "/admin/v1/users/sam/devices", devices, 201, json={"type": "sms"}, **admin)
    return checked


def newest_code(c: Conformance) -> str:
    inbox = c.call("get", f"/sim/v1/phones/{PHONE}/messages", MESSAGES, 200)
    return str(inbox["messages"][0]["code"])


def test_sms_login_and_a_step_up_match_the_document(c: Conformance) -> None:
    started = c.call("post", LOGIN, LOGIN, 200, json={"username": "sam", "password": PASSWORD})
    bound = {"X-Login-Token": started["login_token"]}
    verify = f"/api/v1/auth/login/{started['txn_id']}/verify"
    c.call("post", verify, VERIFY, 401, json={"response": "000000"}, headers=bound)
    done = c.call("post", verify, VERIFY, 200, json={"response": newest_code(c)}, headers=bound)
    bearer = {"Authorization": f"Bearer {done['session']['token']}"}

    withdraw = {"json": {"amount": 5}, "headers": bearer}
    c.call("post", "/api/v1/withdrawals", "/api/v1/withdrawals", 401, **withdraw)
    step = c.call(
        "post", "/api/v1/verify", "/api/v1/verify", 200, json={"purpose": "withdrawal"}, headers=bearer
    )
    c.call("post", "/api/v1/verify", "/api/v1/verify", 400, json={"response": "123456"}, headers=bearer)
    finish = {"txn_id": step["txn_id"], "response": newest_code(c)}
    verified = c.call("post", "/api/v1/verify", "/api/v1/verify", 200, json=finish, headers=bearer)
    bearer = {"Authorization": f"Bearer {verified['session']['token']}"}
    c.call("post", "/api/v1/withdrawals", "/api/v1/withdrawals", 200, json={"amount": 5}, headers=bearer)
    c.call("post", "/api/v1/auth/logout", "/api/v1/auth/logout", 200, headers=bearer)


def test_refusals_match_the_document(c: Conformance, admin_headers: dict[str, str]) -> None:
    wrong = {"username": "sam", "password": "not the password at all"}
    statuses = [c.call("post", LOGIN, LOGIN, 401, json=wrong)["error"] for _ in range(5)]
    assert statuses == ["invalid_credentials"] * 5
    c.call("post", LOGIN, LOGIN, 423, json=wrong)
    c.call("post", LOGIN, LOGIN, 423, json={"username": "sam", "password": PASSWORD})
    admin = {"headers": admin_headers}
    c.call("get", "/admin/v1/users/sam/lockout", "/admin/v1/users/{username}/lockout", 200, **admin)
    c.call("post", "/admin/v1/users/sam/unlock", "/admin/v1/users/{username}/unlock", 200, **admin)

    allowlist = {"ip_allowlist": ["203.0.113.0/24"]}
    c.call(
        "put",
        "/admin/v1/users/sam/ip-allowlist",
        "/admin/v1/users/{username}/ip-allowlist",
        200,
        json=allowlist,
        **admin,
    )
    c.call("post", LOGIN, LOGIN, 403, json={"username": "sam", "password": PASSWORD})


def test_clock_and_state_match_the_document(c: Conformance, admin_headers: dict[str, str]) -> None:
    admin: dict[str, Any] = {"headers": admin_headers}
    c.call("post", "/admin/v1/clock", "/admin/v1/clock", 200, json={"advance_s": 900}, **admin)
    c.call("post", "/admin/v1/clock", "/admin/v1/clock", 400, json={"advance_s": 10**12}, **admin)
    exported = c.call("get", "/admin/v1/state/export", "/admin/v1/state/export", 200, **admin)
    c.call("post", "/admin/v1/state/export", "/admin/v1/state/export", 200, **admin)
    c.call("post", "/admin/v1/state/import", "/admin/v1/state/import", 409, json=exported, **admin)
    replace = {"query_string": {"replace": "true"}, **admin}
    c.call("post", "/admin/v1/state/import", "/admin/v1/state/import", 200, json=exported, **replace)
    c.call("post", "/admin/v1/state/import", "/admin/v1/state/import", 400, json={"format": "x"}, **admin)


def test_a_refused_second_phone_device_names_the_one_held_as_documented(
    c: Conformance, admin_headers: dict[str, str]
) -> None:
    """409 `device_exists` says which device holds the number already (`device_id`, `type`): fields a typed
    client can read only if the error schema names them."""
    devices = "/admin/v1/users/{username}/devices"
    held = c.call("get", "/admin/v1/users/sam/devices", devices, 200, headers=admin_headers)["devices"][0]
    refused = c.call(
        "post", "/admin/v1/users/sam/devices", devices, 409, json={"type": "voice"}, headers=admin_headers
    )
    assert refused["error"] == "device_exists"
    assert (refused["device_id"], refused["type"]) == (held["device_id"], "sms")


def test_a_login_that_switched_too_often_is_the_429_the_document_declares(
    c: Conformance, admin_headers: dict[str, str]
) -> None:
    """A 429 ``login_exhausted`` has nothing to wait for (start the login again): no ``retry_after``, no
    ``Retry-After``. The switch's 429 shares its status with ``rate_limited``, which always carries both, so
    the document must not promise the header for every 429 of the operation, or a generated client that
    reads the required header fails on this answer. (It switches between a card and an app, which send
    nothing, so the phone's own send limit is not what refuses.)"""
    devices = "/admin/v1/users/{username}/devices"
    for kind in ({"type": "dscplus", "pin": "2468"}, {"type": "totp"}):
        c.call("post", "/admin/v1/users/sam/devices", devices, 201, json=kind, headers=admin_headers)
    started = c.call("post", LOGIN, LOGIN, 200, json={"username": "sam", "password": PASSWORD})
    switch, template = f"/api/v1/auth/login/{started['txn_id']}/factor", "/api/v1/auth/login/{txn_id}/factor"
    bound = {"X-Login-Token": started["login_token"]}
    for kind in ("dscplus", "totp") * 2 + ("dscplus",):
        c.call("post", switch, template, 200, json={"type": kind}, headers=bound)
    refused = c.call("post", switch, template, 429, json={"type": "totp"}, headers=bound)
    assert refused["error"] == "login_exhausted" and "retry_after" not in refused
    assert c.response is not None and "Retry-After" not in c.response.headers
