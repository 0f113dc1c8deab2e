"""Real answers checked against /openapi.json, as a client generated from the document would read them.

A generated client trusts the document wholesale: the status must be listed, the body must validate against
the response's schema (types, enums, patterns, nullability, not only the required fields), and a header or a
body field the server sends must be described, or generated code never exposes it (the answers' schemas leave
``additionalProperties`` open, so the check closes every object schema of an answer itself).
:class:`Conformance` sends requests through the Flask test client and holds every answer to all three.
The ``spec`` fixture (``from spec_conformance import served_spec``) and :func:`operations` serve the tests of
the document itself, split by subject over ``test_openapi*.py``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from flask.testing import FlaskClient
from jsonschema import Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from werkzeug.test import TestResponse

#: Headers of HTTP itself (framing, the server's), which no OpenAPI document lists.
TRANSPORT_HEADERS = frozenset({"content-type", "content-length", "date", "server", "connection"})
SPEC_URI = "urn:sls-emulator:openapi"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "options", "head", "trace"}


@pytest.fixture(name="spec")
def served_spec(client: FlaskClient) -> dict[str, Any]:
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.is_json
    return response.get_json()  # type: ignore[no-any-return]


def operations(spec: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    for path, item in spec["paths"].items():
        for method, operation in item.items():
            if method in HTTP_METHODS:
                yield path, method, operation


def error_codes(spec: dict[str, Any], operation: dict[str, Any], status: int | str) -> set[str]:
    """The codes an operation documents for one status: its response's component (or the ``oneOf`` of
    them), each ``Error`` with ``error`` held to one code."""
    response = operation["responses"].get(str(status))
    if response is None:
        return set()
    schema = response["content"]["application/json"]["schema"]
    codes: set[str] = set()
    for choice in schema.get("oneOf", [schema]):
        if "$ref" not in choice:
            continue  # an inline answer (a success), no error code
        component = spec["components"]["schemas"][choice["$ref"].removeprefix("#/components/schemas/")]
        for part in component.get("allOf", [component]):
            codes.update(part.get("properties", {}).get("error", {}).get("enum", []))
    return codes


def schema_errors(spec: dict[str, Any], schema: dict[str, Any], body: Any) -> list[str]:
    """Why ``body`` does not validate against ``schema`` (its ``#/components`` refs resolved in ``spec``)."""
    document = {**spec, "$defs": {"answer": schema}}  # the schema inside the document its refs point into
    registry: Registry[Any] = Registry().with_resource(
        SPEC_URI, Resource.from_contents(document, default_specification=DRAFT202012)
    )
    validator = Draft202012Validator({"$ref": f"{SPEC_URI}#/$defs/answer"}, registry=registry)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(body)]


#: Subschemas that test a body rather than describe it (a state's ``if``): closing them would make the
#: test fail on every body with more fields than the test names, and the rule it guards would never apply.
CONDITIONS = frozenset({"if", "not"})


def closed(node: Any, in_all_of: bool = False) -> Any:
    """``node`` with ``unevaluatedProperties: false`` on each object schema that lists ``properties`` (not
    on the parts of an ``allOf``, which each see only their own, nor in a condition): a field the schema
    does not name is an error."""
    if isinstance(node, list):
        return [closed(item, in_all_of) for item in node]
    if not isinstance(node, dict):
        return node
    out = {key: value if key in CONDITIONS else closed(value, key == "allOf") for key, value in node.items()}
    open_ended = "additionalProperties" in node or "unevaluatedProperties" in node
    if "properties" in node and not open_ended and not in_all_of:
        out["unevaluatedProperties"] = False
    return out


def undocumented_headers(documented: dict[str, Any], response: TestResponse) -> set[str]:
    """Headers the answer carries that its documented response does not describe."""
    described = {name.lower() for name in documented.get("headers", {})}
    sent = {name.lower() for name, _ in response.headers.items()}
    return sent - described - TRANSPORT_HEADERS


def undescribed_cookies(documented: dict[str, Any], response: TestResponse) -> set[str]:
    """Cookies the answer sets that its documented ``Set-Cookie`` does not name: a client reads the name
    (and what the cookie holds) there, or it never learns which cookie the answer set or cleared."""
    described = documented.get("headers", {}).get("Set-Cookie", {}).get("description", "")
    names = {value.split("=", 1)[0].strip() for value in response.headers.getlist("Set-Cookie")}
    return {name for name in names if f"`{name}`" not in described}


def missing_headers(spec: dict[str, Any], documented: dict[str, Any], response: TestResponse) -> set[str]:
    """Headers the documented response marks required (a typed client relies on them) that the answer
    lacks."""
    required = set()
    for name, header in documented.get("headers", {}).items():
        ref = header.get("$ref", "")
        found = spec["components"]["headers"][ref.rsplit("/", 1)[1]] if ref else header
        if found.get("required"):
            required.add(name.lower())
    return required - {name.lower() for name, _ in response.headers.items()}


class Conformance:
    """Requests through the test client whose answers are checked against the document."""

    def __init__(self, client: FlaskClient, spec: dict[str, Any]) -> None:
        self.client = client
        self.spec = spec
        self.answers = closed(spec)  # every field of an answer must be documented
        self.checked: set[tuple[str, str, int]] = set()
        self.response: TestResponse | None = None
        """The last answer, for what a test checks beyond the document (a header's value)."""

    def declared_method(self, template: str, method: str, status: int) -> str:
        """``method``, or for a method the path lacks, one the path has: the path answers the others, and
        each of its operations declares that answer (the 405 with ``Allow``), OpenAPI having no place for it
        per path."""
        item = self.spec["paths"][template]
        if method in item:
            return method
        assert status == 405, f"{method} {template}: a method the path lacks can only be a 405"
        return next(declared for declared in item if declared in HTTP_METHODS)

    def call(self, method: str, path: str, template: str, status: int, **kwargs: Any) -> dict[str, Any]:
        response: TestResponse = self.client.open(path, method=method.upper(), **kwargs)
        self.response = response
        assert response.status_code == status, (method, path, response.get_json())
        method = self.declared_method(template, method, status)
        operation = self.spec["paths"][template][method]
        documented = operation["responses"].get(str(status))
        assert documented is not None, f"{method} {template} answered {status}, which is not documented"
        where = f"{method} {template} {status}"
        media = response.mimetype
        assert media in documented["content"], f"{where}: {media} is not documented"
        extra = undocumented_headers(documented, response)
        assert not extra, f"{where}: headers {sorted(extra)} are sent but not documented"
        unnamed = undescribed_cookies(documented, response)
        assert not unnamed, (
            f"{where}: cookies {sorted(unnamed)} are set but the Set-Cookie header does not name them"
        )
        lacking = missing_headers(self.spec, documented, response)
        assert not lacking, f"{where}: headers {sorted(lacking)} are documented as always sent but missing"
        body = response.get_json()
        if status >= 400:
            assert body["error"] in error_codes(self.spec, operation, status), f"{where}: {body}"
        if media == "application/json":
            answer = self.answers["paths"][template][method]["responses"][str(status)]
            schema = answer["content"][media]["schema"]
            wrong = schema_errors(self.answers, schema, body)
            assert not wrong, f"{where}: the answer breaks its documented schema: {wrong}\n{body}"
        self.checked.add((template, method, status))
        return body  # type: ignore[no-any-return]

    def send(self, method: str, path: str, status: int, **kwargs: Any) -> dict[str, Any]:
        """:meth:`call`, the path's template found in the document (a literal segment before a parameter:
        ``/sessions/end-others``, not ``/sessions/{session_id}``), as a client reading the document would."""
        return self.call(method, path, self.template_of(path), status, **kwargs)

    def template_of(self, path: str) -> str:
        segments = path.split("/")

        def fits(template: str) -> bool:
            parts = template.split("/")
            return len(parts) == len(segments) and all(
                part.startswith("{") or part == segment for part, segment in zip(parts, segments, strict=True)
            )

        matching = [template for template in self.spec["paths"] if fits(template)]
        assert matching, f"{path} is no path of the document"
        return min(matching, key=lambda template: template.count("{"))
