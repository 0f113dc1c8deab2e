"""The answer to a login's prompt goes in ``response``, whatever the authenticator; other keys are ignored
(a claimed time changes nothing). A client that sent the code under another name (``{"code": "123456"}``,
``{"otp": ...}``) read "response is required" beside a body that plainly held a code; the 400 now names
what it did not read, so the fix is one look away. Nothing is counted against the login.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient


@pytest.fixture
def started(client: FlaskClient, admin_headers: dict[str, str]) -> dict[str, Any]:
    body = {"username": "carol", "password": "plum-sketch-harbour-9", "phone": "+15550100003"}
    assert client.post("/admin/v1/users", json=body, headers=admin_headers).status_code == 201
    answer = client.post("/api/v1/auth/login", json={"username": "carol", "password": body["password"]})
    assert answer.status_code == 200
    return answer.get_json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("body", "unread"), [({"code": "123456"}, "'code' is"), ({"otp": "123456", "at": 5}, "'otp', 'at' are")]
)
def test_a_code_under_another_name_is_named_as_not_read(
    client: FlaskClient,
    admin_headers: dict[str, str],
    started: dict[str, Any],
    body: dict[str, Any],
    unread: str,
) -> None:
    path = f"/api/v1/auth/login/{started['txn_id']}/verify"
    answer = client.post(path, json=body, headers={"X-Login-Token": started["login_token"]})
    assert answer.status_code == 400
    assert answer.get_json() == {
        "error": "invalid_request",
        "field": "response",
        "message": f"response is required: the answer goes in response, and this body's {unread} not read",
    }
    failed = client.get("/admin/v1/events?type=login.second_factor_failed", headers=admin_headers)
    assert failed.get_json()["events"] == []  # nothing counted against the login


def test_a_key_that_is_no_name_is_not_echoed(
    client: FlaskClient, admin_headers: dict[str, str], started: dict[str, Any]
) -> None:
    """A key that is the code itself (``{"123456": ""}``) is not shown back."""
    path = f"/api/v1/auth/login/{started['txn_id']}/verify"
    answer = client.post(path, json={"123456": ""}, headers={"X-Login-Token": started["login_token"]})
    assert answer.status_code == 400 and "123456" not in answer.get_data(as_text=True)
    assert answer.get_json()["message"].endswith("this body's other keys are not read")


def test_an_empty_body_is_still_told_response_is_required(
    client: FlaskClient, started: dict[str, Any]
) -> None:
    path = f"/api/v1/auth/login/{started['txn_id']}/verify"
    answer = client.post(path, json={}, headers={"X-Login-Token": started["login_token"]})
    assert answer.get_json() == {
        "error": "invalid_request",
        "field": "response",
        "message": "response is required",
    }
