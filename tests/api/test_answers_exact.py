"""Answers are exactly their shapes: no field the document does not declare, none it requires missing.

The published schemas leave answers open (a client must tolerate a field added later); here every object
schema is closed (``additionalProperties: false``) and every successful JSON answer of a flow across the
three surfaces is validated against its operation's schema, so a field the core starts returning without
its shape (``sls_server/shapes/``) saying so fails here, naming the route and the field.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from conftest import ADMIN_TOKEN
from flask import Flask, Response, request
from ibkey_world import PASSWORD as IBKEY_PASSWORD
from ibkey_world import PHONES, UNLOCK, World
from jsonschema import Draft202012Validator

from sls_server import create_app
from sls_server.http.openapi import build_spec
from sls_server.http.operations import openapi_path

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
PASSWORD = "vernal-Quartz-harbor-71"
PHONE = "+15555550123"


def closed(node: Any) -> Any:
    """The schema with every object that lists its properties closed to any other."""
    if isinstance(node, list):
        return [closed(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: closed(value) for key, value in node.items()}
    if "properties" in node and "additionalProperties" not in node:
        node["additionalProperties"] = False
    return node


@pytest.fixture
def strict(app_config: dict[str, Any]) -> Flask:
    """The app, checking each 2xx JSON answer against its closed schema; ``app.extensions['strict']`` lists
    ``(route, problem)`` for every answer outside it, and every route checked."""
    app = create_app(app_config)
    spec = build_spec(app)
    definitions = closed(spec["components"]["schemas"])
    found: dict[str, list[Any]] = {"problems": [], "checked": []}
    app.extensions["strict"] = found

    @app.after_request
    def check(response: Response) -> Response:
        if request.url_rule is None or response.status_code >= 300 or not response.is_json:
            return response
        route = f"{request.method} {openapi_path(request.url_rule.rule)}"
        operation = spec["paths"][openapi_path(request.url_rule.rule)][request.method.lower()]
        schema = operation["responses"][str(response.status_code)]["content"]["application/json"]["schema"]
        document = json.loads(
            json.dumps({**schema, "$defs": definitions}).replace("/components/schemas/", "/$defs/")
        )
        for error in Draft202012Validator(document).iter_errors(response.get_json()):
            found["problems"].append((route, f"{error.message} at {list(error.absolute_path)}"))
        found["checked"].append(route)
        return response

    return app


def _json(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.get_json()
    return answer.get_json()


def test_every_answer_of_a_full_flow_is_exactly_its_shape(strict: Flask) -> None:
    c = strict.test_client()
    _json(
        c.post(
            "/admin/v1/users", json={"username": "alice", "password": PASSWORD, "phone": PHONE}, headers=ADMIN
        ),
        201,
    )
    card = _json(
        c.post("/admin/v1/users/alice/devices", json={"type": "dscplus", "pin": "1234"}, headers=ADMIN), 201
    )
    for device in ({"type": "totp", "digits": 8}, {"type": "temporary", "days": 2}):  # SMS: at opening
        _json(c.post("/admin/v1/users/alice/devices", json=device, headers=ADMIN), 201)
    _json(c.post("/admin/v1/users", json={"username": "bob", "password": PASSWORD}, headers=ADMIN), 201)
    _json(
        c.post(
            "/admin/v1/users/bob/devices",
            json={"type": "dscplus", "share_device_id": card["device_id"]},
            headers=ADMIN,
        ),
        201,
    )

    def card_says(challenge: str) -> str:
        body = {"pin": "1234", "challenge": challenge}
        response: str = _json(c.post(f"/sim/v1/dscplus/{card['device_id']}/respond", json=body))["response"]
        return response

    started = _json(c.post("/api/v1/auth/login", json={"username": "alice", "password": PASSWORD}))
    bound = {"X-Login-Token": started["login_token"]}
    txn = started["txn_id"]
    _json(c.get(f"/api/v1/auth/login/{txn}", headers=bound))
    voice = _json(c.post(f"/api/v1/auth/login/{txn}/factor", json={"type": "voice"}, headers=bound))
    assert voice["factor"]["channel"] == "voice"
    switched = _json(c.post(f"/api/v1/auth/login/{txn}/factor", json={"type": "dscplus"}, headers=bound))
    session = _json(
        c.post(
            f"/api/v1/auth/login/{txn}/verify",
            json={"response": card_says(switched["factor"]["challenge"])},
            headers=bound,
        )
    )
    auth = {"Authorization": f"Bearer {session['session']['token']}"}
    _json(c.get("/api/v1/session", headers=auth))
    _json(c.post("/api/v1/session/tickle", headers=auth))
    for purpose in ("withdrawal", "change_contact"):
        step = _json(c.post("/api/v1/verify", json={"purpose": purpose, "type": "dscplus"}, headers=auth))
        done = _json(
            c.post(
                "/api/v1/verify",
                json={"txn_id": step["txn_id"], "response": card_says(step["factor"]["challenge"])},
                headers=auth,
            )
        )
        auth = {"Authorization": f"Bearer {done['session']['token']}"}
    _json(c.post("/api/v1/withdrawals", json={"amount": 5}, headers=auth))
    _json(c.post("/api/v1/account/phone", json={"phone": "+15555550999"}, headers=auth))
    texted = _json(c.get("/sim/v1/phones/+15555550999/messages"))["messages"][0]["code"]
    _json(c.post("/api/v1/account/phone", json={"phone": "+15555550999", "code": texted}, headers=auth))

    _json(c.get(f"/sim/v1/dscplus/{card['device_id']}"))
    _json(c.get(f"/sim/v1/phones/{PHONE}/messages"))
    _json(c.get(f"/sim/v1/phones/{PHONE}/calls"))
    _json(c.put(f"/sim/v1/phones/{PHONE}/conditions", json={"roaming": True, "sim_swapped_to": "attacker"}))
    _json(c.get(f"/sim/v1/phones/{PHONE}/conditions"))

    sessions = _json(c.get("/admin/v1/users/alice/sessions", headers=ADMIN))["sessions"]
    _json(c.put("/admin/v1/users/alice/ip-allowlist", json={"ip_allowlist": ["10.0.0.0/8"]}, headers=ADMIN))
    _json(c.get("/admin/v1/users/alice/ip-allowlist", headers=ADMIN))
    _json(c.post("/admin/v1/accounts", json={"account_id": "U1", "users": ["alice"]}, headers=ADMIN), 201)
    _json(c.post("/admin/v1/accounts/U1/users", json={"username": "bob"}, headers=ADMIN))
    _json(c.put("/admin/v1/accounts/U1/ip-allowlist", json={"ip_allowlist": []}, headers=ADMIN))
    _json(c.get("/admin/v1/accounts/U1", headers=ADMIN))
    c.post("/api/v1/auth/login", json={"username": "bob", "password": "not the password"})
    _json(c.get("/admin/v1/users/bob/lockout", headers=ADMIN))
    _json(c.post("/admin/v1/users/bob/unlock", headers=ADMIN))
    _json(c.post("/admin/v1/users/bob/disable", headers=ADMIN))
    _json(c.post("/admin/v1/users/bob/enable", headers=ADMIN))
    _json(c.post(f"/admin/v1/devices/{card['device_id']}/reset", headers=ADMIN))
    _json(c.post(f"/admin/v1/devices/{card['device_id']}/unlock", headers=ADMIN))
    _json(c.get("/admin/v1/users", headers=ADMIN))
    _json(c.get("/admin/v1/users/alice", headers=ADMIN))
    devices = _json(c.get("/admin/v1/users/alice/devices", headers=ADMIN))["devices"]
    _json(c.delete(f"/admin/v1/users/alice/devices/{devices[-1]['device_id']}", headers=ADMIN))
    _json(c.delete(f"/admin/v1/sessions/{sessions[0]['id']}", headers=ADMIN))
    _json(c.get("/admin/v1/events", query_string={"limit": 1000}, headers=ADMIN))
    _json(c.post("/admin/v1/clock", json={"advance_s": 60}, headers=ADMIN))
    _json(c.get("/admin/v1/clock", headers=ADMIN))
    _json(c.delete("/admin/v1/users/bob", headers=ADMIN))
    _json(c.post("/admin/v1/reset", headers=ADMIN))
    _json(c.get("/healthz"))
    _json(c.get("/readyz"))

    found = strict.extensions["strict"]
    assert found["problems"] == []
    assert len(set(found["checked"])) >= 40, sorted(set(found["checked"]))


def test_every_answer_of_an_ib_key_flow_is_exactly_its_shape(strict: Flask) -> None:
    world = World(strict.test_client(), ADMIN)
    c = world.client
    for name in ("alice", "bob"):
        world.user(name)
    app = world.activated("alice", "android")
    added = _json(
        c.post(f"/sim/v1/ibkey/{app}/users", json={"username": "bob", "password": IBKEY_PASSWORD}), 201
    )
    assert world.activate(app, "bob", world.code(PHONES["bob"]), **UNLOCK["android"]).status_code == 200
    assert added["status"] == "pending_activation"
    _json(c.get(f"/sim/v1/ibkey/{app}"))
    started = world.login("alice")
    bound = {"X-Login-Token": started["login_token"]}
    _json(world.answer(app, started, "approve", **UNLOCK["android"]))
    polled = _json(c.get(f"/api/v1/auth/login/{started['txn_id']}", headers=bound))
    assert polled["state"] == "authenticated" and "session" in polled
    denied = world.login("bob")
    _json(world.answer(app, denied, "deny", **UNLOCK["android"]))
    _json(c.put(f"/sim/v1/ibkey/{app}/settings", json={"notifications": False}))
    challenge = world.login("alice")["factor"]["challenge"]
    _json(world.respond(app, challenge, username="alice", **UNLOCK["android"]))

    found = strict.extensions["strict"]
    assert found["problems"] == []
    assert {"POST /sim/v1/ibkey/{device_id}/activate", "GET /api/v1/auth/login/{txn_id}"} <= set(
        found["checked"]
    )
