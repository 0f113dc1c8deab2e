"""/openapi.json against real answers: a short live flow whose answers, success and error alike, have the
status, code, schema and headers the document promises (``spec_conformance``), and the headers a typed
client reads without a check."""

from __future__ import annotations

import re
from typing import Any

import pytest
from flask.testing import FlaskClient
from json_error_kit import told_to_wait
from spec_conformance import HTTP_METHODS, Conformance, error_codes, served_spec  # noqa: F401 - served_spec: "spec"

from sls_server import create_app

PASSWORD = "vernal-Quartz-harbor-71"


def test_real_answers_match_the_document(
    client: FlaskClient, spec: dict[str, Any], admin_headers: dict[str, str]
) -> None:
    c = Conformance(client, spec)
    admin = {"headers": admin_headers}

    c.call("get", "/admin/v1/users", "/admin/v1/users", 401)
    c.call("post", "/admin/v1/users", "/admin/v1/users", 400, json={"username": "alice"}, **admin)
    c.call(
        "post",
        "/admin/v1/users",
        "/admin/v1/users",
        201,
        json={"username": "alice", "password": PASSWORD},
        **admin,
    )
    c.call(
        "post",
        "/admin/v1/users",
        "/admin/v1/users",
        409,
        json={"username": "alice", "password": PASSWORD},
        **admin,
    )
    c.call("get", "/admin/v1/users/nobody", "/admin/v1/users/{username}", 404, **admin)
    card = c.call(
        "post",
        "/admin/v1/users/alice/devices",
        "/admin/v1/users/{username}/devices",
        201,
        json={"type": "dscplus", "pin": "1234"},
        **admin,
    )
    c.call(
        "post",
        "/admin/v1/users/alice/devices",
        "/admin/v1/users/{username}/devices",
        400,
        json={"type": "carrier-pigeon"},
        **admin,
    )
    c.call("get", "/admin/v1/users/alice", "/admin/v1/users/{username}", 200, **admin)

    c.call(
        "post",
        "/api/v1/auth/login",
        "/api/v1/auth/login",
        401,
        json={"username": "alice", "password": "wrong password entirely"},
    )
    started = c.call(
        "post",
        "/api/v1/auth/login",
        "/api/v1/auth/login",
        200,
        json={"username": "alice", "password": PASSWORD},
    )
    txn, challenge = started["txn_id"], started["factor"]["challenge"]
    c.call("get", f"/api/v1/auth/login/{txn}", "/api/v1/auth/login/{txn_id}", 200)
    c.call(
        "post",
        "/api/v1/auth/login/nope/verify",
        "/api/v1/auth/login/{txn_id}/verify",
        404,
        json={"response": "12345678"},
        headers={"X-Login-Token": started["login_token"]},
    )
    wrong_binding = {"X-Login-Token": "not-this-logins-token"}
    c.call("get", f"/api/v1/auth/login/{txn}", "/api/v1/auth/login/{txn_id}", 401, headers=wrong_binding)

    respond = f"/sim/v1/dscplus/{card['device_id']}/respond"
    c.call(
        "post",
        respond,
        "/sim/v1/dscplus/{device_id}/respond",
        403,
        json={"pin": "9999", "challenge": challenge},
    )
    answer = c.call(
        "post",
        respond,
        "/sim/v1/dscplus/{device_id}/respond",
        200,
        json={"pin": "1234", "challenge": challenge},
    )
    c.call("get", f"/sim/v1/dscplus/{card['device_id']}", "/sim/v1/dscplus/{device_id}", 200)
    c.call("get", "/sim/v1/dscplus/dscplus-000000000000", "/sim/v1/dscplus/{device_id}", 404)

    verify = f"/api/v1/auth/login/{txn}/verify"
    c.call("post", verify, "/api/v1/auth/login/{txn_id}/verify", 200, json=answer)
    c.call("post", verify, "/api/v1/auth/login/{txn_id}/verify", 409, json=answer)
    c.call("get", "/api/v1/session", "/api/v1/session", 200)  # the cookie from /verify
    c.call("post", "/api/v1/session/tickle", "/api/v1/session/tickle", 200)
    c.call("get", "/admin/v1/users/alice/sessions", "/admin/v1/users/{username}/sessions", 200, **admin)

    c.call("post", "/api/v1/auth/logout", "/api/v1/auth/logout", 200)
    c.call("get", "/api/v1/session", "/api/v1/session", 401)

    c.call("get", "/admin/v1/clock", "/admin/v1/clock", 200, **admin)
    c.call("post", "/admin/v1/clock", "/admin/v1/clock", 400, json={}, **admin)
    c.call("post", "/admin/v1/clock", "/admin/v1/clock", 200, json={"advance_s": 60}, **admin)
    c.call("get", "/admin/v1/events", "/admin/v1/events", 200, query_string={"user": "alice"}, **admin)
    c.call("get", "/admin/v1/events", "/admin/v1/events", 400, query_string={"limit": "0"}, **admin)
    c.call("delete", "/admin/v1/sessions/unknown", "/admin/v1/sessions/{session_id}", 404, **admin)
    c.call("post", "/admin/v1/reset", "/admin/v1/reset", 200, **admin)
    c.call("get", "/healthz", "/healthz", 200)
    c.call("get", "/readyz", "/readyz", 200)

    assert len(c.checked) >= 30


def test_headers_always_sent_are_required_and_a_429_always_says_when_to_retry(
    client: FlaskClient, spec: dict[str, Any]
) -> None:
    """A typed client reads a required header without a check: the request id, the security headers, and a
    429's Retry-After (every ``rate_limited`` carries ``retry_after``); a 423's may be absent (a lock only an
    admin lifts), so it stays optional."""
    components = spec["components"]["headers"]
    for name in ("X-Request-Id", "X-Content-Type-Options", "Content-Security-Policy"):
        assert components[name]["required"] is True, name
    waits = [
        (
            status,
            error_codes(spec, operation, status),
            answer["headers"]["Retry-After"]["$ref"].rsplit("/", 1)[1],
        )
        for path in spec["paths"].values()
        for operation in path.values()
        for status, answer in operation["responses"].items()
        if status in ("423", "429")
    ]
    assert waits and {status for status, _, _ in waits} == {"423", "429"}
    for status, codes, component in waits:  # required where every code says when: not login_exhausted
        expected = status == "429" and "login_exhausted" not in codes
        assert components[component].get("required", False) is expected, (status, codes, component)
    for i in range(100):  # one address's failures past its throttle: a 429 with both, in step
        answer = client.post("/api/v1/auth/login", json={"username": f"nobody-{i}", "password": "x" * 12})
        if answer.status_code == 429:
            break
    told_to_wait(answer, 300)  # SLS_IP_THROTTLE_WINDOW's default


@pytest.mark.parametrize("gateway", [False, True], ids=["standard", "gateway mode"])
def test_a_method_a_path_lacks_is_the_405_the_document_declares(
    app_config: dict[str, Any], admin_headers: dict[str, str], gateway: bool
) -> None:
    """The TypeScript client found no 405 in the document: every path answers a method it does not take
    with ``method_not_allowed`` and an ``Allow`` naming the methods it does take (HEAD with a GET), which
    each of its operations declares, so a generated client has the shape."""
    client = create_app({**app_config, "GATEWAY": gateway}).test_client()
    spec = client.get("/openapi.json").get_json()
    c = Conformance(client, spec)
    for template, item in spec["paths"].items():
        taken = [method.upper() for method in item if method in HTTP_METHODS]
        path = re.sub(r"{[^}]+}", "x", template)
        lacked = next(m for m in ("PUT", "DELETE", "PATCH", "POST") if m not in taken)
        for wrong in (lacked, "OPTIONS"):
            body = c.call(wrong.lower(), path, template, 405, headers=admin_headers)
            assert body["error"] == "method_not_allowed", (wrong, template, body)
            allow = c.response.headers["Allow"].split(", ") if c.response else []
            # Exactly the path's own: /api/v1/sessions/end-others also fits /api/v1/sessions/<session_id>,
            # whose DELETE is no method of that path (test_request_edges.py)
            assert {*taken, *(["HEAD"] if "GET" in taken else [])} == set(allow), (wrong, template, allow)
            assert body["message"] == f"This route takes {', '.join(allow)}, not {wrong}."
    assert len(c.checked) == len(spec["paths"])
