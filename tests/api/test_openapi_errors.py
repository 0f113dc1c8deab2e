"""What /openapi.json says of security and errors: who needs which token, which codes each operation can
answer, and one component per error code."""

from __future__ import annotations

from typing import Any

from spec_conformance import error_codes, operations, served_spec  # noqa: F401 - served_spec: "spec"


def all_error_codes(spec: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    return {code for status in operation["responses"] for code in error_codes(spec, operation, status)}


def test_security_schemes(spec: dict[str, Any]) -> None:
    schemes = spec["components"]["securitySchemes"]
    assert schemes["adminToken"] == {**schemes["adminToken"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionToken"] == {**schemes["sessionToken"], "type": "http", "scheme": "bearer"}
    assert schemes["sessionCookie"] == {
        **schemes["sessionCookie"],
        "type": "apiKey",
        "in": "cookie",
        "name": "sls_session",
    }
    for path, method, operation in operations(spec):
        for requirement in operation.get("security", []):
            assert set(requirement) <= set(schemes), f"{method} {path}: unknown scheme in {requirement}"


def test_admin_operations_need_the_admin_token(spec: dict[str, Any]) -> None:
    admin = [(p, m, op) for p, m, op in operations(spec) if p.startswith("/admin/v1/")]
    assert admin
    for path, method, operation in admin:
        assert {"adminToken": []} in operation.get("security", []), f"{method} {path}"
        assert "admin_token_required" in error_codes(spec, operation, 401), f"{method} {path}"


def test_session_operations_take_token_or_cookie(spec: dict[str, Any]) -> None:
    session_ops = [
        ("/api/v1/session", "get"),
        ("/api/v1/session/tickle", "post"),
        ("/api/v1/auth/logout", "post"),
    ]
    for path, method in session_ops:
        operation = spec["paths"][path][method]
        assert {"sessionToken": []} in operation["security"], f"{method} {path}"
        assert {"sessionCookie": []} in operation["security"], f"{method} {path}"
        assert {"not_authenticated", "session_expired"} <= error_codes(spec, operation, 401)
    login = spec["paths"]["/api/v1/auth/login"]["post"]
    assert login.get("security", []) == [], "logging in needs no credentials"


def test_verify_documents_its_error_codes(spec: dict[str, Any]) -> None:
    verify = spec["paths"]["/api/v1/auth/login/{txn_id}/verify"]["post"]
    codes = all_error_codes(spec, verify)
    assert {"invalid_response", "challenge_expired", "challenge_used", "unknown_transaction"} <= codes
    assert error_codes(spec, verify, 401) == {"invalid_response", "login_binding_required", "push_denied"}
    assert error_codes(spec, verify, 410) == {"challenge_expired"}
    assert error_codes(spec, verify, 409) == {"challenge_used", "session_active", "wrong_mode"}
    assert error_codes(spec, verify, 404) == {"unknown_transaction"}
    assert "device_inactive" in error_codes(spec, verify, 403)
    assert "invalid_request" in error_codes(spec, verify, 400)
    assert "attempts_left" in verify["description"]


def test_bodies_and_redis_errors_are_documented(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        if "requestBody" in operation:
            assert "invalid_request" in error_codes(spec, operation, 400), f"{method} {path}"
        if path not in ("/healthz", "/openapi.json", "/metrics"):  # /metrics answers without Redis too
            assert "store_unavailable" in error_codes(spec, operation, 503), f"{method} {path}"
        if path.startswith("/sim/v1/"):
            assert "simulator_disabled" in error_codes(spec, operation, 403), f"{method} {path}"


def test_each_error_code_is_one_component(spec: dict[str, Any]) -> None:
    """Error answers name per-code components (``InvalidCredentialsError``), so a generated client has one
    class per code, shared by every operation, and several codes on one status are told apart by the
    ``error`` discriminator. Inline schemas per response made 630 models (openapi-python-client) and 473
    numbered ``ErrorN`` classes (datamodel-code-generator)."""
    for path, method, operation in operations(spec):
        for status, response in operation["responses"].items():
            if int(status) < 400 or "application/json" not in response["content"]:
                continue
            schema = response["content"]["application/json"]["schema"]
            choices = schema.get("oneOf", [schema])
            assert all(set(choice) == {"$ref"} for choice in choices), f"{method} {path} {status}: inline"
            if "oneOf" in schema:
                assert schema["discriminator"]["propertyName"] == "error"
                mapping = schema["discriminator"]["mapping"]
                assert sorted(mapping.values()) == sorted(choice["$ref"] for choice in choices)
                assert set(mapping) == error_codes(spec, operation, status), f"{method} {path} {status}"
