"""The OpenAPI document at /openapi.json: complete against the app's URL map, well-formed, true to the code.

Routes are discovered from ``app.url_map``, so a route added without its documentation (or documentation
left behind by a removed route) fails here. A short live flow then checks that real answers, success and
error alike, have the status, code, schema and headers the document promises (``spec_conformance``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.metadata import version
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from spec_conformance import Conformance, error_codes, schema_errors

from sls_server.auth.errors import RateLimited

HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}
IGNORED_METHODS = {"HEAD", "OPTIONS"}
PASSWORD = "vernal-Quartz-harbor-71"


@pytest.fixture
def spec(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    return response.get_json()  # type: ignore[no-any-return]


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def flask_to_openapi(rule: str) -> str:
    """``/users/<username>`` and ``/x/<path:p>`` become ``/users/{username}`` and ``/x/{p}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def app_routes(app: Flask) -> set[tuple[str, str]]:
    return {
        (flask_to_openapi(rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.endpoint != "static" and not rule.endpoint.startswith("pages.")  # HTML pages: not the API
        for method in (rule.methods or set()) - IGNORED_METHODS
    }


def resolve(spec: dict[str, Any], pointer: str) -> Any:
    assert pointer.startswith("#/"), f"only local references are used: {pointer}"
    node: Any = spec
    for part in pointer[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"unresolved $ref {pointer}"
        node = node[part]
    return node


def refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        if isinstance(node.get("$ref"), str):
            yield node["$ref"]
        for value in node.values():
            yield from refs(value)
    elif isinstance(node, list):
        for value in node:
            yield from refs(value)


def all_error_codes(spec: dict[str, Any], operation: dict[str, Any]) -> set[str]:
    return {code for status in operation["responses"] for code in error_codes(spec, operation, status)}


# --- the document -------------------------------------------------------------------------------------------


def test_served_as_openapi_3_1(spec: dict[str, Any]) -> None:
    assert spec["openapi"].startswith("3.1")
    assert spec["info"]["title"] == "sls-emulator"
    assert spec["info"]["version"] == version("sls-emulator")
    for surface in ("/api/v1", "/sim/v1", "/admin/v1"):
        assert surface in spec["info"]["description"]
    assert {tag["name"] for tag in spec["tags"]} == {"api", "sim", "admin", "ops"}


def test_names_its_server_relative_to_the_document(spec: dict[str, Any]) -> None:
    """An explicit ``servers`` (OpenAPI's default, ``/``: the host that served this document, so it stays
    right behind any address or proxy): linters refuse a document without one (``redocly lint``'s
    recommended rules fail on ``no-empty-servers``)."""
    assert [server["url"] for server in spec["servers"]] == ["/"]


def test_every_route_is_documented(app: Flask, spec: dict[str, Any]) -> None:
    documented = {(path, method) for path, method, _ in operations(spec)}
    missing = sorted(app_routes(app) - documented)
    assert not missing, f"routes the app serves but /openapi.json does not describe: {missing}"


def test_every_documented_operation_is_a_route(app: Flask, spec: dict[str, Any]) -> None:
    stale = sorted({(path, method) for path, method, _ in operations(spec)} - app_routes(app))
    assert not stale, f"operations in /openapi.json that the app does not serve: {stale}"


def test_flask_rules_convert_to_openapi_paths() -> None:
    assert flask_to_openapi("/a/<txn_id>/verify") == "/a/{txn_id}/verify"
    assert flask_to_openapi("/f/<path:filename>") == "/f/{filename}"
    assert flask_to_openapi("/healthz") == "/healthz"


def test_operations_have_unique_ids_tags_and_a_success(spec: dict[str, Any]) -> None:
    ids = [operation.get("operationId") for _, _, operation in operations(spec)]
    assert all(ids), "every operation needs an operationId"
    assert len(ids) == len(set(ids)), f"duplicate operationIds: {sorted(i for i in ids if ids.count(i) > 1)}"
    tags = {tag["name"] for tag in spec["tags"]}
    for path, method, operation in operations(spec):
        assert operation.get("summary"), f"{method} {path} has no summary"
        assert set(operation["tags"]) <= tags, f"{method} {path} uses an undeclared tag"
        assert any(status.startswith("2") for status in operation["responses"]), f"{method} {path}: no 2xx"


def test_every_ref_resolves(spec: dict[str, Any]) -> None:
    found = list(refs(spec))
    assert found, "the document is expected to use component references"
    for pointer in found:
        assert pointer.startswith("#/components/"), pointer
        resolve(spec, pointer)


def test_every_schema_component_is_used(spec: dict[str, Any]) -> None:
    prefix = "#/components/schemas/"
    used = {pointer.removeprefix(prefix) for pointer in refs(spec) if pointer.startswith(prefix)}
    assert set(spec["components"]["schemas"]) - used == set()


def test_path_parameters_are_declared(spec: dict[str, Any]) -> None:
    for path, method, operation in operations(spec):
        in_path = set(re.findall(r"{([^}]+)}", path))
        declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
        assert declared == in_path, f"{method} {path}: path parameters {declared} != {in_path}"
        assert all(p["required"] for p in operation.get("parameters", []) if p["in"] == "path")


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
    assert error_codes(spec, verify, 401) == {"invalid_response", "login_binding_required"}
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


def test_validates_against_the_openapi_schema(spec: dict[str, Any]) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(spec)


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


def test_object_schemas_are_not_also_unions(spec: dict[str, Any]) -> None:
    """An object that lists its properties and is also an ``anyOf``/``oneOf`` is read as a union by code
    generators (openapi-python-client typed ``POST /api/v1/verify``'s body as ``Any``, with no model): a rule
    across fields is written ``if``/``then``, which they skip and validators keep."""
    for name, schema in spec["components"]["schemas"].items():
        if "properties" in schema:
            assert not {"anyOf", "oneOf"} & set(schema), f"{name}: properties and a top-level union"


def test_an_authenticator_type_to_enrol_is_one_of_the_known_types(spec: dict[str, Any]) -> None:
    """``POST /admin/v1/users/<u>/devices`` takes the same closed set of types the answers list (the 400
    ``unsupported_device_type`` for any other stays): a generated client types ``type`` as that union, not
    ``string``, so a typo fails to compile instead of at the server."""
    schemas = spec["components"]["schemas"]
    known = schemas["DeviceEnrolled"]["properties"]["type"]["enum"]
    assert schemas["DeviceEnrolRequest"]["properties"]["type"]["enum"] == known
    body = {"type": "carrier-pigeon"}
    assert schema_errors(spec, {"$ref": "#/components/schemas/DeviceEnrolRequest"}, body)


def test_a_push_names_its_purpose_from_a_closed_set(spec: dict[str, Any]) -> None:
    """A push in the IB Key app is for a login or for one of the step-up purposes: the document says which,
    so a generated client can switch on it exhaustively."""
    schemas = spec["components"]["schemas"]
    step_ups = schemas["StepUpAnswer"]["properties"]["purpose"]["enum"]
    assert schemas["IbKeyNotification"]["properties"]["purpose"]["enum"] == ["login", *step_ups]


def test_a_rate_limit_always_says_how_long_to_wait(spec: dict[str, Any]) -> None:
    """Every 429 ``rate_limited`` carries ``retry_after`` (a login's address, a card's challenges, a phone's
    codes): the document requires it, so a typed client reads a number, not ``number | undefined``. A lock
    (423 ``account_locked``) may have none (only an admin lifts it), and stays optional."""
    schemas = spec["components"]["schemas"]

    def required(component: str) -> set[str]:
        return {name for part in schemas[component]["allOf"] for name in part.get("required", [])}

    assert required("RateLimitedError") == {"error", "retry_after"}
    own = schemas["RateLimitedError"]["allOf"][1]["properties"]  # typed where required, as generators read it
    assert own["retry_after"] == schemas["Error"]["properties"]["retry_after"]
    assert required("AccountLockedError") == {"error"}
    assert required("LoginExhaustedError") == {"error"}  # 429 too, but nothing to wait for: start again
    with pytest.raises(TypeError, match="retry_after"):  # the declaration holds the code that raises it
        RateLimited()


@pytest.mark.parametrize(
    ("component", "always"),
    [
        ("InvalidRequestError", {"field"}),
        ("InvalidResponseError", {"attempts_left"}),
        ("WeakPasswordError", {"field", "reason"}),
        ("ReauthRequiredError", {"purpose"}),
        ("DeviceExistsError", {"device_id", "type"}),
    ],
)
def test_the_extras_a_code_always_carries_are_required(
    spec: dict[str, Any], component: str, always: set[str]
) -> None:
    """What the server sends with every answer of a code (the field at fault, the attempts left, the
    purpose to verify for, the device that holds the number) is required by its component, so a typed
    client reads it without a check for ``undefined``."""
    parts = spec["components"]["schemas"][component]["allOf"]
    assert {name for part in parts for name in part.get("required", [])} == {"error", *always}
    # and typed where it is required: openapi-typescript and @hey-api/openapi-ts skip a required name whose
    # property is declared only in another part of the allOf (the field stayed optional in the TS type)
    own = next(part for part in parts if "required" in part)
    error = spec["components"]["schemas"]["Error"]["properties"]
    assert {name: own["properties"].get(name) for name in always} == {name: error[name] for name in always}


@pytest.mark.parametrize(
    ("body", "valid"),
    [({"purpose": "withdrawal"}, True), ({"txn_id": "alice~x"}, True), ({"response": "12345678"}, False)],
)
def test_step_up_needs_a_purpose_or_a_transaction(
    spec: dict[str, Any], body: dict[str, str], valid: bool
) -> None:
    schema = spec["paths"]["/api/v1/verify"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert (not schema_errors(spec, schema, body)) is valid


# --- the document against real answers ----------------------------------------------------------------------


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
        (status, answer["headers"]["Retry-After"]["$ref"].rsplit("/", 1)[1])
        for path in spec["paths"].values()
        for operation in path.values()
        for status, answer in operation["responses"].items()
        if status in ("423", "429")
    ]
    assert waits and {status for status, _ in waits} == {"423", "429"}
    for status, component in waits:
        assert components[component].get("required", False) is (status == "429"), (status, component)
    for i in range(100):  # one address's failures past its throttle: a 429 with both, in step
        answer = client.post("/api/v1/auth/login", json={"username": f"nobody-{i}", "password": "x" * 12})
        if answer.status_code == 429:
            break
    assert answer.status_code == 429, answer.get_json()
    assert answer.headers["Retry-After"] == str(answer.get_json()["retry_after"])
