"""Bad input gets a 4xx JSON error naming the field, never a 500, and changes nothing."""

from __future__ import annotations

import json
from typing import Any, NamedTuple

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}
JSON = "application/json"


class Bad(NamedTuple):
    """One bad request and its refusal: by default a JSON body, refused 400 ``invalid_request`` naming
    ``field`` (None: the error names none)."""

    method: str
    path: str
    body: Any  # a raw body (str), an object sent as JSON, or None
    field: str | None
    content_type: str | None = JSON
    headers: dict[str, str] | None = None
    status: int = 400
    code: str = "invalid_request"


CASES = [
    Bad("POST", "/api/v1/auth/login", "{not json", "body"),
    Bad("POST", "/api/v1/auth/login", "", "body"),
    Bad("POST", "/api/v1/auth/login", "[1, 2]", "body"),
    Bad("POST", "/api/v1/auth/login", '"alice"', "body"),
    Bad(
        "POST",
        "/api/v1/auth/login",
        "username=alice",
        "body",
        content_type="application/x-www-form-urlencoded",
    ),
    Bad("POST", "/api/v1/auth/login", {"password": "x" * 10}, "username"),
    Bad("POST", "/api/v1/auth/login", {"username": "alice"}, "password"),
    Bad("POST", "/api/v1/auth/login", {"username": 7, "password": "x" * 10}, "username"),
    Bad("POST", "/api/v1/auth/login", {"username": "alice", "password": None}, "password"),
    Bad("POST", "/api/v1/auth/login", {"username": "alice", "password": ["x"]}, "password"),
    Bad("POST", "/api/v1/auth/login", {"username": "a" * 500, "password": "x" * 10}, "username"),
    Bad("POST", "/api/v1/auth/login", {"username": "alice", "password": "x" * 70_000}, "body"),
    Bad("POST", "/api/v1/auth/login/TXN/verify", {}, "response"),
    Bad("POST", "/api/v1/auth/login/TXN/verify", {"response": 12345678}, "response"),
    Bad("POST", "/api/v1/auth/login/TXN/verify", {"response": "1234"}, "response"),
    Bad("POST", "/api/v1/auth/login/TXN/verify", {"response": "abcdefgh"}, "response"),
    Bad("POST", "/sim/v1/dscplus/DEV/respond", {"pin": "1234"}, "challenge"),
    Bad("POST", "/sim/v1/dscplus/DEV/respond", {"pin": 1234, "challenge": "123456"}, "pin"),
    Bad("POST", "/sim/v1/dscplus/DEV/respond", {"pin": "1234", "challenge": "12345"}, "challenge"),
    Bad(
        "POST",
        "/admin/v1/users",
        {"username": "bob", "password": "short"},
        "password",
        headers=ADMIN,
        code="weak_password",
    ),
    Bad(
        "POST",
        "/admin/v1/users",
        {"username": "b", "password": "long-enough-pass-1"},
        "username",
        headers=ADMIN,
    ),
    Bad(
        "POST",
        "/admin/v1/users",
        {"username": "bob", "password": "long-enough-pass-1", "phone": "555"},
        "phone",
        headers=ADMIN,
    ),
    Bad("POST", "/admin/v1/users/alice/devices", {"type": "dscplus", "pin": "12345"}, "pin", headers=ADMIN),
    Bad("POST", "/admin/v1/users/alice/devices", {"type": "dscplus", "pin": 1234}, "pin", headers=ADMIN),
    Bad(
        "POST",
        "/admin/v1/users/alice/devices",
        {"type": "pigeon"},
        "type",
        headers=ADMIN,
        code="unsupported_device_type",
    ),
    Bad("POST", "/admin/v1/clock", {}, "advance_s", headers=ADMIN),
    Bad("POST", "/admin/v1/clock", {"advance_s": "900"}, "advance_s", headers=ADMIN),
    Bad("POST", "/admin/v1/clock", {"advance_s": True}, "advance_s", headers=ADMIN),
    Bad("POST", "/admin/v1/clock", {"advance_s": 1, "set_at": 5}, "advance_s", headers=ADMIN),
    Bad("GET", "/admin/v1/events?limit=zero", None, "limit", content_type=None, headers=ADMIN),
    Bad("GET", "/admin/v1/events?since=drop-table", None, "since", content_type=None, headers=ADMIN),
    Bad("GET", "/admin/v1/users", None, None, content_type=None, status=401, code="admin_token_required"),
    Bad(
        "GET",
        "/admin/v1/users",
        None,
        None,
        content_type=None,
        headers={"Authorization": "Bearer wrong-token-wrong-token"},
        status=401,
        code="admin_token_required",
    ),
    Bad("GET", "/api/v1/nowhere", None, None, content_type=None, status=404, code="not_found"),
    Bad("DELETE", "/api/v1/auth/login", None, None, content_type=None, status=405, code="method_not_allowed"),
    Bad("GET", "/sim/v1/dscplus/nope", None, None, content_type=None, status=404, code="unknown_device"),
]


def _id(case: Bad) -> str:
    return f"{case.method} {case.path} -> {case.code}/{case.field}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_bad_input_gets_a_json_4xx_naming_the_field(alice: EnrolledUser, case: Bad) -> None:
    method, path, body, field, content_type, headers, status, code = case
    path = path.replace("TXN", alice.start_login()["txn_id"]).replace("DEV", alice.device_id)
    data = body if isinstance(body, str) or body is None else json.dumps(body)
    before = _state(alice)
    answered = alice.client.open(
        path, method=method, data=data, content_type=content_type, headers=headers or {}
    )
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
