"""The OpenAPI document at /openapi.json: complete against the app's URL map and well-formed.

Routes are discovered from ``app.url_map``, so a route added without its documentation (or documentation
left behind by a removed route) fails here. What the document says of errors and security is checked in
``test_openapi_errors``, what a typed client reads in ``test_openapi_types``, and real answers against it in
``test_openapi_answers``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from importlib.metadata import version
from typing import Any

import pytest
from flask import Flask
from spec_conformance import operations, served_spec  # noqa: F401 - served_spec: "spec"

IGNORED_METHODS = {"HEAD", "OPTIONS"}


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


def test_validates_against_the_openapi_schema(spec: dict[str, Any]) -> None:
    validator = pytest.importorskip("openapi_spec_validator")
    validator.validate(spec)


def test_a_client_that_has_the_document_is_told_it_has_not_changed(client: Any) -> None:
    """Some 700 KB: the docs page and generated clients keep it and ask again with its ETag (304, no body)."""
    first = client.get("/openapi.json")
    assert first.status_code == 200 and first.headers["Cache-Control"] == "no-cache"
    etag = first.headers["ETag"]
    assert first.get_json()["openapi"].startswith("3.1")
    again = client.get("/openapi.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    stale = client.get("/openapi.json", headers={"If-None-Match": '"an-older-document"'})
    assert stale.status_code == 200 and stale.data == first.data
    head = client.head("/openapi.json")
    assert head.status_code == 200 and head.headers["ETag"] == etag and head.data == b""
