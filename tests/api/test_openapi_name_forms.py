"""A username, a phone's number and an account's id have a form the server holds every request to (400
naming the field otherwise); the document declares that form, so a client validating its requests against
``/openapi.json`` refuses what the server refuses instead of sending it.

An integration developer's schema-driven fuzzer (schemathesis' ``positive_data_acceptance``) found 35
operations answering 400 to requests the document called valid: every ``{username}`` of a path was
declared a bare string (``/admin/v1/users/0`` is a 400 naming ``username``), so was every ``{number}`` of
``/sim/v1/phones`` (``/sim/v1/phones/0/messages``, a 400 naming ``number``) and ``{account_id}``; and a
username in a body that names an existing user (recovery, an attack's victim, an account's users) was
declared 1-64 characters of anything, its form only in words. Each now carries the form as a pattern: what
the server takes, the document takes, and the refused values here are refused by both.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from spec_conformance import schema_errors, served_spec  # noqa: F401 - served_spec: "spec"

#: Per path parameter: values the server takes and values it refuses with a 400 naming the parameter.
PATH_FORMS = {
    "username": (["alice", "Alice", "bob.smith-2", "a_1"], ["0", "ab", "-alice", "al ice", "a" * 65]),
    "number": (["+15550100001", "attacker", "sim-2"], ["0", "15550100001", "+0123", "+1", "a" * 33]),
    "account_id": (["acme", "A", "team.1"], ["-x", "a b", "x" * 65]),
}


def _path_parameters(spec: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    found = []
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] in PATH_FORMS:
                    found.append((f"{method.upper()} {path}", parameter["name"], parameter["schema"]))
    return found


def test_every_path_parameter_with_a_form_declares_it(spec: dict[str, Any]) -> None:
    found = _path_parameters(spec)
    assert {name for _, name, _ in found} == set(PATH_FORMS)
    wrong = []
    for where, name, schema in found:
        taken, refused = PATH_FORMS[name]
        validator = Draft202012Validator(schema)
        wrong += [f"{where}: {name}={value!r} refused" for value in taken if not validator.is_valid(value)]
        wrong += [f"{where}: {name}={value!r} taken" for value in refused if validator.is_valid(value)]
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("path", "name", "value"),
    [
        ("/admin/v1/users/{}", "username", "0"),
        ("/admin/v1/users/{}", "username", "-alice"),
        ("/sim/v1/phones/{}/messages", "number", "0"),
        ("/sim/v1/phones/{}/messages", "number", "15550100001"),
        ("/admin/v1/accounts/{}", "account_id", "-x"),
    ],
)
def test_the_server_refuses_what_the_document_refuses(
    client: FlaskClient, admin_headers: dict[str, str], path: str, name: str, value: str
) -> None:
    answer = client.get(path.format(value), headers=admin_headers)
    assert answer.status_code == 400 and answer.get_json()["field"] == name, answer.get_json()


#: Bodies that name a user by a username the server judges by its form (400 naming the field otherwise).
BODIES = [
    ("/api/v1/auth/recovery", "post", {"username": "{}"}),
    ("/admin/v1/attacks", "post", {"attack": "sim_swap", "username": "{}"}),
    ("/admin/v1/accounts/{account_id}/users", "post", {"username": "{}"}),
    ("/admin/v1/accounts", "post", {"account_id": "acme", "users": ["alice", "{}"]}),
    ("/admin/v1/users", "post", {"username": "{}", "password": "plum-sketch-harbour-9"}),
]


def _filled(body: Any, value: str) -> Any:
    if isinstance(body, dict):
        return {key: _filled(item, value) for key, item in body.items()}
    if isinstance(body, list):
        return [_filled(item, value) for item in body]
    return value if body == "{}" else body


@pytest.mark.parametrize(("path", "method", "body"), BODIES, ids=[f"{m} {p}" for p, m, _ in BODIES])
def test_a_username_in_a_body_declares_its_form(
    spec: dict[str, Any], path: str, method: str, body: dict[str, Any]
) -> None:
    schema = spec["paths"][path][method]["requestBody"]["content"]["application/json"]["schema"]
    for value in ("Alice", "bob.smith-2"):
        assert schema_errors(spec, schema, _filled(body, value)) == [], value
    for value in ("0", "ab", "-alice", "al ice"):
        assert schema_errors(spec, schema, _filled(body, value)) != [], value
