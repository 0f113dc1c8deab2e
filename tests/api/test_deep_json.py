"""Deeply nested JSON is a 400 ``invalid_request`` naming ``body``, never a 500 RecursionError.

Python's json decoder recurses once per nesting level; 20 KB of ``[`` is far past the interpreter's
recursion limit. The bodies below stay under the 64 KiB body limit, so they reach the parser.
"""

from __future__ import annotations

import pytest
from conftest import ADMIN_TOKEN, EnrolledUser
from flask import Flask

from sls_server.http.json_provider import MAX_JSON_DEPTH, nesting_exceeds

ADMIN = {"Authorization": f"Bearer {ADMIN_TOKEN}"}

DEEP_BODIES = {
    "arrays": "[" * 20_000,
    "objects": '{"a":' * 4_000,  # 5 bytes a level: 20 KB
    "closed arrays": "[" * 5_000 + "]" * 5_000,
}

ROUTES = [
    ("/api/v1/auth/login", {}),
    ("/api/v1/auth/login/TXN/verify", {}),
    ("/api/v1/auth/login/TXN/factor", {}),
    ("/api/v1/verify", {"Authorization": "SESSION"}),
    ("/sim/v1/dscplus/DEV/respond", {}),
    ("/admin/v1/users", ADMIN),
    ("/admin/v1/clock", ADMIN),
]


@pytest.mark.parametrize("kind", sorted(DEEP_BODIES))
@pytest.mark.parametrize(("path", "headers"), ROUTES, ids=[r[0] for r in ROUTES])
def test_deep_nesting_is_a_400_naming_body(
    alice: EnrolledUser, kind: str, path: str, headers: dict[str, str]
) -> None:
    body = DEEP_BODIES[kind]
    assert len(body) <= 64 * 1024
    if headers.get("Authorization") == "SESSION":
        headers = {"Authorization": f"Bearer {alice.log_in()}"}
    if "TXN" in path:
        path = path.replace("TXN", alice.start_login()["txn_id"])
    path = path.replace("DEV", alice.device_id)
    answered = alice.client.post(path, data=body, content_type="application/json", headers=headers)
    assert answered.status_code == 400, answered.get_json()
    payload = answered.get_json()
    assert payload["error"] == "invalid_request"
    assert payload["field"] == "body"
    assert "nest" in payload["message"]


def test_nesting_at_the_limit_is_still_parsed(alice: EnrolledUser) -> None:
    """The limit refuses only what no route needs; a body nested to the limit reaches the field checks."""
    inner = MAX_JSON_DEPTH - 1  # the object itself is the first level
    nested = '{"username": "alice", "password": ' + "[" * inner + "]" * inner + "}"
    answered = alice.client.post("/api/v1/auth/login", data=nested, content_type="application/json")
    assert answered.status_code == 400
    assert answered.get_json()["field"] == "password"


def test_flask_json_provider_refuses_deep_nesting_as_bad_json(app: Flask) -> None:
    """Every ``request.get_json`` goes through the app's provider: a ValueError there is Flask's 400."""
    for body in DEEP_BODIES.values():
        with pytest.raises(ValueError, match="nest"):
            app.json.loads(body)
    assert app.json.loads('{"a": [1, {"b": "[[[[["}]}') == {"a": [1, {"b": "[[[[["}]}


def test_strict_get_json_answers_400_not_500(app: Flask) -> None:
    """A view that calls ``request.get_json()`` itself (not json_body) gets Flask's 400, our error body."""
    from flask import jsonify, request

    @app.post("/test-only/echo")
    def echo():  # type: ignore[no-untyped-def]
        return jsonify(request.get_json())

    answered = app.test_client().post("/test-only/echo", data="[" * 20_000, content_type="application/json")
    assert answered.status_code == 400
    assert answered.get_json()["error"] == "invalid_request"


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("[]", 1, False),
        ("[[]]", 1, True),
        ('["[[[[[["]', 1, False),  # brackets inside strings do not count
        ('["\\"[[[["]', 1, False),  # nor after an escaped quote
        ('{"a": {"b": {}}}', 3, False),
        ('{"a": {"b": {}}}', 2, True),
        ("]]]][", 1, False),  # malformed: left to the parser to refuse
        (b"[[[", 2, True),
    ],
)
def test_nesting_scan(text: str | bytes, limit: int, expected: bool) -> None:
    assert nesting_exceeds(text, limit) is expected
