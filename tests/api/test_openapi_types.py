"""What a client generated from /openapi.json reads: closed sets where the server takes or sends one, the
extras every answer of a code carries required and typed, and rules across fields a generator keeps."""

from __future__ import annotations

from typing import Any

import pytest
from spec_conformance import schema_errors, served_spec  # noqa: F401 - served_spec: "spec"

from sls_server.auth.errors import RateLimited


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
    """A push in the IB Key app is for a login, a forgotten password's reset or one of the step-up purposes:
    the document says which, so a generated client can switch on it exhaustively."""
    schemas = spec["components"]["schemas"]
    step_ups = schemas["StepUpAnswer"]["properties"]["purpose"]["enum"]
    purposes = schemas["IbKeyNotification"]["properties"]["purpose"]["enum"]
    assert purposes == ["login", "password_recovery", *step_ups]


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


def _closed(spec: dict[str, Any], schema: dict[str, Any]) -> bool:
    """Does this request schema refuse fields it does not list (every branch of a union, too)?"""
    while "$ref" in schema:
        schema = spec["components"]["schemas"][schema["$ref"].rsplit("/", 1)[-1]]
    branches = schema.get("oneOf") or schema.get("anyOf")
    if branches:
        return all(_closed(spec, branch) for branch in branches)
    return schema.get("additionalProperties") is False


def test_a_body_that_ignores_unknown_fields_is_named_where_the_contract_says_they_are_refused(
    spec: dict[str, Any],
) -> None:
    """The document's opening says an unknown field is a 400 naming it; a login's ``/verify`` ignores keys
    beside ``response`` on purpose (a claimed time changes nothing), which only its own schema said: a
    client author who read the rule took ``{"code": ...}`` beside the response for checked."""
    rule = " ".join(spec["info"]["description"].split())
    assert "an unknown field, a wrong type" in rule
    loose = [
        f"{method.upper()} {path}"
        for path, item in spec["paths"].items()
        for method, operation in item.items()
        if method != "parameters" and "requestBody" in operation
        for body in [operation["requestBody"]["content"].get("application/json", {}).get("schema")]
        if body is not None and not _closed(spec, body)
    ]
    assert loose, "the check found no open body: it no longer reads the schemas"
    assert [name for name in loose if f"`{name}`" not in rule] == []
