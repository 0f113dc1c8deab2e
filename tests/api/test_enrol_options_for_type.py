"""An enrolment's option belongs to one type (``pin`` and ``share_device_id`` to a card, ``platform`` to IB
Key, ``days`` to a temporary passcode, ``digits``, ``algorithm`` and ``period`` to an authenticator app), as
``sls device enroll`` has always refused it before any call. ``POST /admin/v1/users/<u>/devices`` ignored it:
an integration developer's ``{"type": "temporary", "period": 60}`` or ``{"type": "totp", "days": 5}`` was a
201 that did not do what it was asked, and a test believed it was obeyed. It is now a 400 naming the option
and the type it is for, nothing enrolled; the document declares the same rule. A null counts as absent.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from spec_conformance import schema_errors, served_spec  # noqa: F401 - served_spec: "spec"

REQUEST = {"$ref": "#/components/schemas/DeviceEnrolRequest"}


@pytest.fixture
def carol(client: FlaskClient, admin_headers: dict[str, str]) -> str:
    body = {"username": "carol", "password": "plum-sketch-harbour-9", "phone": "+15550100003"}
    assert client.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    return "carol"


@pytest.mark.parametrize(
    ("body", "field", "for_type"),
    [
        ({"type": "totp", "days": 5}, "days", "temporary"),
        ({"type": "temporary", "period": 60}, "period", "totp"),
        ({"type": "dscplus", "pin": "1234", "digits": 8}, "digits", "totp"),
        ({"type": "ibkey", "platform": "ios", "pin": "1234"}, "pin", "dscplus"),
        ({"type": "totp", "platform": "ios"}, "platform", "ibkey"),
        ({"type": "voice", "algorithm": "sha256"}, "algorithm", "totp"),
    ],
)
def test_an_option_of_another_type_is_refused_naming_it(
    client: FlaskClient,
    admin_headers: dict[str, str],
    spec: dict[str, Any],
    carol: str,
    body: dict[str, Any],
    field: str,
    for_type: str,
) -> None:
    before = client.get(f"/admin/v1/users/{carol}/devices", headers=admin_headers).get_json()["devices"]
    answer = client.post(f"/admin/v1/users/{carol}/devices", json=body, headers=admin_headers)
    assert answer.status_code == 400, answer.get_json()
    assert answer.get_json() == {
        "error": "invalid_request",
        "field": field,
        "message": f"{field} is for type {for_type}, not {body['type']}",
    }
    assert (
        client.get(f"/admin/v1/users/{carol}/devices", headers=admin_headers).get_json()["devices"] == before
    )
    assert schema_errors(spec, REQUEST, body) != []


@pytest.mark.parametrize(
    "body",
    [
        {"type": "totp", "digits": 8, "period": 60, "days": None, "pin": None},
        {"type": "temporary", "days": 2},
        {"type": "dscplus", "pin": "1234", "platform": None},
    ],
)
def test_the_options_of_the_type_are_taken(
    client: FlaskClient, admin_headers: dict[str, str], spec: dict[str, Any], carol: str, body: dict[str, Any]
) -> None:
    answer = client.post(f"/admin/v1/users/{carol}/devices", json=body, headers=admin_headers)
    assert answer.status_code == 201, answer.get_json()
    assert schema_errors(spec, REQUEST, body) == []
