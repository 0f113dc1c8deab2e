"""What a script reads off the simulated phone to pick the text it wants: each text's and call's `purpose`,
named in /openapi.json by every value the server gives it. A newcomer activating an IB Key by hand found the
newest text was the "new IB Key added" notice (`code: null`), not the activation code, and the document's
"`login`, a step-up purpose, `notice`, ..." did not say `ibkey_activation` was the one to look for."""

from __future__ import annotations

import re
from typing import Any

from flask.testing import FlaskClient

PHONE = "+15555550177"
PASSWORD = "Correct-Horse-4-Battery"


def _texts(client: FlaskClient) -> list[dict[str, Any]]:
    return client.get(f"/sim/v1/phones/{PHONE}/messages").get_json()["messages"]  # type: ignore[no-any-return]


def _described(client: FlaskClient, schema: str) -> set[str]:
    """The values a schema's `purpose` description names in backticks."""
    doc = client.get("/openapi.json").get_json()
    description = doc["components"]["schemas"][schema]["properties"]["purpose"]["description"]
    return set(re.findall(r"`([a-z_]+)`", description))


def test_every_purpose_a_phone_is_given_is_named_in_the_document(
    client: FlaskClient, admin_headers: dict[str, str]
) -> None:
    made = {"username": "nia", "password": PASSWORD, "phone": PHONE}
    assert client.post("/admin/v1/users", json=made, headers=admin_headers).status_code == 201
    enrolled = client.post(
        "/admin/v1/users/nia/devices", json={"type": "ibkey", "platform": "android"}, headers=admin_headers
    )
    assert enrolled.status_code == 201, enrolled.get_json()
    newest, *older = _texts(client)
    assert newest["purpose"] == "notice" and newest["code"] is None  # what the newcomer took for the code
    code = next(m["code"] for m in older if m["purpose"] == "ibkey_activation")
    activation = {"username": "nia", "password": PASSWORD, "activation_code": code, "pin": "12ab"}
    activated = client.post(f"/sim/v1/ibkey/{enrolled.get_json()['device_id']}/activate", json=activation)
    assert activated.status_code == 200, activated.get_json()
    started = client.post("/api/v1/auth/login", json={"username": "nia", "password": PASSWORD}).get_json()
    called = client.post(f"/api/v1/auth/login/{started['txn_id']}/factor", json={"type": "voice"})
    assert called.status_code == 200, called.get_json()
    assert client.post("/api/v1/auth/recovery", json={"username": "nia"}).status_code == 200
    calls = client.get(f"/sim/v1/phones/{PHONE}/calls").get_json()["calls"]
    texted = {m["purpose"] for m in _texts(client)}
    assert texted == {"notice", "ibkey_activation", "password_recovery"}
    assert texted <= _described(client, "PhoneMessage")
    assert {c["purpose"] for c in calls} == {"login"} and "login" in _described(client, "PhoneCall")
    assert {"phone_change", "withdrawal", "change_contact"} <= _described(client, "PhoneMessage")
    assert _described(client, "TextInTransit") == _described(client, "PhoneMessage")
