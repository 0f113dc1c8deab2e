"""Bad input gets a 4xx JSON error naming the field, never a 500, and changes nothing."""

from __future__ import annotations

import json

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
JSON = "application/json"

# (method, path, raw body or object, content type, headers, status, error code, field)
CASES = [
    ("POST", "/api/v1/auth/login", "{not json", JSON, {}, 400, "invalid_request", "body"),
    ("POST", "/api/v1/auth/login", "", JSON, {}, 400, "invalid_request", "body"),
    ("POST", "/api/v1/auth/login", "[1, 2]", JSON, {}, 400, "invalid_request", "body"),
    ("POST", "/api/v1/auth/login", '"alice"', JSON, {}, 400, "invalid_request", "body"),
    (
        "POST",
        "/api/v1/auth/login",
        "username=alice",
        "application/x-www-form-urlencoded",
        {},
        400,
        "invalid_request",
        "body",
    ),
    ("POST", "/api/v1/auth/login", {"password": "x" * 10}, JSON, {}, 400, "invalid_request", "username"),
    ("POST", "/api/v1/auth/login", {"username": "alice"}, JSON, {}, 400, "invalid_request", "password"),
    (
        "POST",
        "/api/v1/auth/login",
        {"username": 7, "password": "x" * 10},
        JSON,
        {},
        400,
        "invalid_request",
        "username",
    ),
    (
        "POST",
        "/api/v1/auth/login",
        {"username": "alice", "password": None},
        JSON,
        {},
        400,
        "invalid_request",
        "password",
    ),
    (
        "POST",
        "/api/v1/auth/login",
        {"username": "alice", "password": ["x"]},
        JSON,
        {},
        400,
        "invalid_request",
        "password",
    ),
    (
        "POST",
        "/api/v1/auth/login",
        {"username": "a" * 500, "password": "x" * 10},
        JSON,
        {},
        400,
        "invalid_request",
        "username",
    ),
    (
        "POST",
        "/api/v1/auth/login",
        {"username": "alice", "password": "x" * 70_000},
        JSON,
        {},
        400,
        "invalid_request",
        "body",
    ),
    ("POST", "/api/v1/auth/login/TXN/verify", {}, JSON, {}, 400, "invalid_request", "response"),
    (
        "POST",
        "/api/v1/auth/login/TXN/verify",
        {"response": 12345678},
        JSON,
        {},
        400,
        "invalid_request",
        "response",
    ),
    (
        "POST",
        "/api/v1/auth/login/TXN/verify",
        {"response": "1234"},
        JSON,
        {},
        400,
        "invalid_request",
        "response",
    ),
    (
        "POST",
        "/api/v1/auth/login/TXN/verify",
        {"response": "abcdefgh"},
        JSON,
        {},
        400,
        "invalid_request",
        "response",
    ),
    ("POST", "/sim/v1/dscplus/DEV/respond", {"pin": "1234"}, JSON, {}, 400, "invalid_request", "challenge"),
    (
        "POST",
        "/sim/v1/dscplus/DEV/respond",
        {"pin": 1234, "challenge": "123456"},
        JSON,
        {},
        400,
        "invalid_request",
        "pin",
    ),
    (
        "POST",
        "/sim/v1/dscplus/DEV/respond",
        {"pin": "1234", "challenge": "12345"},
        JSON,
        {},
        400,
        "invalid_request",
        "challenge",
    ),
    (
        "POST",
        "/admin/v1/users",
        {"username": "bob", "password": "short"},
        JSON,
        ADMIN,
        400,
        "weak_password",
        "password",
    ),
    (
        "POST",
        "/admin/v1/users",
        {"username": "b", "password": "long-enough-pass-1"},
        JSON,
        ADMIN,
        400,
        "invalid_request",
        "username",
    ),
    (
        "POST",
        "/admin/v1/users",
        {"username": "bob", "password": "long-enough-pass-1", "phone": "555"},
        JSON,
        ADMIN,
        400,
        "invalid_request",
        "phone",
    ),
    (
        "POST",
        "/admin/v1/users/alice/devices",
        {"type": "dscplus", "pin": "12345"},
        JSON,
        ADMIN,
        400,
        "invalid_request",
        "pin",
    ),
    (
        "POST",
        "/admin/v1/users/alice/devices",
        {"type": "dscplus", "pin": 1234},
        JSON,
        ADMIN,
        400,
        "invalid_request",
        "pin",
    ),
    (
        "POST",
        "/admin/v1/users/alice/devices",
        {"type": "pigeon"},
        JSON,
        ADMIN,
        400,
        "unsupported_device_type",
        "type",
    ),
    ("POST", "/admin/v1/clock", {}, JSON, ADMIN, 400, "invalid_request", "advance_s"),
    ("POST", "/admin/v1/clock", {"advance_s": "900"}, JSON, ADMIN, 400, "invalid_request", "advance_s"),
    ("POST", "/admin/v1/clock", {"advance_s": True}, JSON, ADMIN, 400, "invalid_request", "advance_s"),
    (
        "POST",
        "/admin/v1/clock",
        {"advance_s": 1, "set_at": 5},
        JSON,
        ADMIN,
        400,
        "invalid_request",
        "advance_s",
    ),
    ("GET", "/admin/v1/events?limit=zero", None, None, ADMIN, 400, "invalid_request", "limit"),
    ("GET", "/admin/v1/events?since=drop-table", None, None, ADMIN, 400, "invalid_request", "since"),
    ("GET", "/admin/v1/users", None, None, {}, 401, "admin_token_required", None),
    (
        "GET",
        "/admin/v1/users",
        None,
        None,
        {"Authorization": "Bearer wrong-token-wrong-token"},
        401,
        "admin_token_required",
        None,
    ),
    ("GET", "/api/v1/nowhere", None, None, {}, 404, "not_found", None),
    ("DELETE", "/api/v1/auth/login", None, None, {}, 405, "method_not_allowed", None),
    ("GET", "/sim/v1/dscplus/nope", None, None, {}, 404, "unknown_device", None),
]


def _id(case: tuple) -> str:
    return f"{case[0]} {case[1]} -> {case[6]}/{case[7]}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_bad_input_gets_a_json_4xx_naming_the_field(alice: EnrolledUser, case: tuple) -> None:
    method, path, body, content_type, headers, status, code, field = case
    path = path.replace("TXN", alice.start_login()["txn_id"]).replace("DEV", alice.device_id)
    data = body if isinstance(body, str) or body is None else json.dumps(body)
    before = _state(alice)
    answered = alice.client.open(path, method=method, data=data, content_type=content_type, headers=headers)
    assert answered.status_code == status, answered.get_json()
    assert answered.is_json
    payload = answered.get_json()
    assert payload["error"] == code
    assert isinstance(payload["message"], str) and payload["message"]
    if field is not None:
        assert payload["field"] == field
    assert "Traceback" not in answered.get_data(as_text=True)
    assert _state(alice) == before, "a refused request changed state"


def _state(user: EnrolledUser) -> dict:
    """Users, devices and clock as the admin API shows them: what a bad request must leave as it was."""
    client = user.client
    return {
        "users": client.get("/admin/v1/users", headers=ADMIN).get_json(),
        "alice": client.get("/admin/v1/users/alice", headers=ADMIN).get_json(),
        "clock_offset": client.get("/admin/v1/clock", headers=ADMIN).get_json()["offset_s"],
    }


def test_the_table_is_big_enough() -> None:
    assert len(CASES) >= 20
