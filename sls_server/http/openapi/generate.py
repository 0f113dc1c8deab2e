"""The OpenAPI 3.1 document, generated from the operation registry and the shapes it names.

Every JSON Schema comes from a shape (``sls_server.shapes``) through pydantic, in one pass so shared shapes
become one component each: request bodies as pydantic validates them, answers as the core returns them.
Around them, per operation: path and query parameters, the success answer with its headers, and one error
response per status: the component of its one code, or a ``oneOf`` of its codes' components with ``error`` as
the discriminator. Each code is one component (``InvalidCredentialsError``: ``Error`` with ``error`` held to
the code), so a generated client has one class per code, the same on every operation, and can tell codes
apart by type; an inline schema per response made one class per operation and status (630 models from
openapi-python-client, 473 numbered ``ErrorN`` classes from datamodel-code-generator).
"""

from __future__ import annotations

import re
from importlib.metadata import PackageNotFoundError, version
from typing import Any

from flask import Flask
from pydantic import BaseModel, TypeAdapter
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaMode
from pydantic_core import CoreSchema

from ...shapes.common import ACCOUNT_ID_PATTERN, HANDSET_PATTERN, USERNAME_INPUT_PATTERN
from ...shapes.errors import Error
from ..errors import ALLOW, RETRY_AFTER, WWW_AUTHENTICATE
from ..operations import ErrorClass, Operation, Raw, operations, surfaces
from ..security import may_be_stored
from .texts import (
    DESCRIPTION,
    ERROR_NOTES,
    PARAMETERS,
    RESPONSE_HEADERS,
    RETRY_AFTER_ALWAYS,
    SECURITY,
    SECURITY_SCHEMES,
)

REF = "#/components/schemas/{model}"
#: The statuses whose body may say ``retry_after``, and so carry ``Retry-After``.
WAIT_STATUSES = frozenset({"423", "429"})
Schema = dict[str, Any]


class _Generator(GenerateJsonSchema):
    """pydantic's generator without a title on every property: the name above it says the same."""

    def field_title_should_be_set(self, schema: CoreSchema) -> bool:
        return False


def build_spec(app: Flask) -> dict[str, Any]:
    found = operations(app)
    components, refs = _schemas(found)
    error_ref = refs[(Error, "serialization")]
    error_properties = components[error_ref["$ref"].rsplit("/", 1)[1]]["properties"]
    codes = _error_components(found, error_ref, error_properties)
    if clash := codes.keys() & components.keys():
        raise RuntimeError(f"shapes named like an error code's component: {sorted(clash)}")
    components = dict(sorted({**components, **codes}.items()))
    if unknown := {t for op in found for t in op.links} - {op.operation_id for op in found}:
        raise RuntimeError(f"links to no operation: {sorted(unknown)}")
    paths: dict[str, dict[str, Any]] = {}
    for op in found:
        paths.setdefault(op.path, {})[op.method] = _operation(op, refs)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "sls-emulator",
            "version": _version(),
            "description": DESCRIPTION,
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        # OpenAPI's own default, said aloud: the host that served the document (linters refuse none)
        "servers": [{"url": "/", "description": "The server that served this document."}],
        # one entry per tag: several blueprints may share one (gateway mode's /admin/v1/gateway is admin)
        "tags": list({s.tag: {"name": s.tag, "description": s.description} for s in surfaces(app)}.values()),
        "paths": paths,
        "components": {
            "schemas": components,
            "headers": RESPONSE_HEADERS,
            "securitySchemes": SECURITY_SCHEMES,
        },
    }


def _schemas(found: list[Operation]) -> tuple[dict[str, Schema], dict[Any, Schema]]:
    """(the components, the schema (a ``$ref``) of each shape) for every body, answer and the error."""
    wanted: dict[tuple[Any, JsonSchemaMode], None] = {(Error, "serialization"): None}
    for op in found:
        if op.body is not None:
            wanted[(op.body, "validation")] = None
        if not isinstance(op.ok, Raw):
            wanted[(op.ok, "serialization")] = None
    inputs = [(shape, mode, TypeAdapter(shape)) for shape, mode in wanted]
    refs, definitions = TypeAdapter.json_schemas(inputs, ref_template=REF, schema_generator=_Generator)
    components = definitions.get("$defs", {})
    for schema in components.values():
        schema.pop("title", None)
    return dict(sorted(components.items())), refs


def _operation(op: Operation, refs: dict[Any, Schema]) -> dict[str, Any]:
    described: dict[str, Any] = {
        "tags": [op.surface.tag],
        "operationId": op.operation_id,
        "summary": op.summary,
    }
    if op.description:
        described["description"] = op.description
    parameters = [*_path_parameters(op), *(_query_parameters(op.query) if op.query else [])]
    if parameters:
        described["parameters"] = parameters
    if op.body is not None:
        schema = refs[(op.body, "validation")]
        described["requestBody"] = {
            "required": op.body_required,
            "content": {"application/json": {"schema": schema}},
        }
    responses = {str(op.status): _success(op, refs)}
    by_status: dict[int, list[ErrorClass]] = {}
    for error in op.errors:
        by_status.setdefault(error.status, []).append(error)
    for status in sorted(by_status):
        responses[str(status)] = _error_response(by_status[status])
    described["responses"] = {
        status: _with_headers(op.path, status, r, by_status.get(int(status), []))
        for status, r in responses.items()
    }
    described["security"] = SECURITY[op.security] if op.security else []
    return described


def _success(op: Operation, refs: dict[Any, Schema]) -> dict[str, Any]:
    if isinstance(op.ok, Raw):
        content = {op.ok.media_type: {"schema": dict(op.ok.schema)}}
    else:
        content = {"application/json": {"schema": refs[(op.ok, "serialization")]}}
    response: dict[str, Any] = {"description": op.returns, "content": content}
    if op.headers:
        response["headers"] = {
            name: {"description": text, "schema": {"type": "string"}} for name, text in op.headers.items()
        }
    if op.links:
        response["links"] = {
            target[0].upper() + target[1:]: {
                "operationId": target,
                "parameters": {name: _runtime_expression(where) for name, where in filled.items()},
            }
            for target, filled in op.links.items()
        }
    return response


def _runtime_expression(where: str) -> str:
    """``response.txn_id`` is ``$response.body#/txn_id``, ``path.username`` ``$request.path.username``."""
    source, _, rest = where.partition(".")
    if source == "response":
        return f"$response.body#/{rest}"
    if source == "path":
        return f"$request.path.{rest}"
    raise RuntimeError(f"a link's value comes from response.<field> or path.<parameter>, not {where!r}")


def _error_name(code: str) -> str:
    """``invalid_credentials`` is the component ``InvalidCredentialsError``."""
    return "".join(part.capitalize() for part in code.split("_")) + "Error"


def _error_components(
    found: list[Operation], error_schema: Schema, error_properties: dict[str, Schema]
) -> dict[str, Schema]:
    """One component per code any operation answers: the error body with ``error`` held to that code, and
    the extras every class of the code carries (``SlsError.always``) required.

    ``enum: [code]``, not ``const``: openapi-python-client cannot narrow ``Error``'s string to a literal.
    A required extra is listed again beside ``error`` (``Error``'s own schema for it): openapi-typescript
    and @hey-api/openapi-ts skip a required name whose property is declared only in another ``allOf``
    part, and left the field optional."""
    notes: dict[str, dict[str, None]] = {}
    always: dict[str, list[str]] = {}  # per code: the extras every class answering with it carries
    for op in found:
        for error in op.errors:
            notes.setdefault(error.code, {})[ERROR_NOTES.get(error.code, error.message)] = None
            shared = always.setdefault(error.code, list(error.always))
            always[error.code] = [name for name in shared if name in error.always]
    return {
        _error_name(code): {
            "description": "\n\n".join(texts),
            "allOf": [
                error_schema,
                {
                    "type": "object",
                    "properties": {
                        "error": {"type": "string", "enum": [code]},
                        **{name: error_properties[name] for name in always[code]},
                    },
                    "required": ["error", *always[code]],
                },
            ],
        }
        for code, texts in notes.items()
    }


def _error_response(errors: list[ErrorClass]) -> dict[str, Any]:
    codes = list(dict.fromkeys(e.code for e in errors))
    lines = dict.fromkeys(f"`{e.code}`: {ERROR_NOTES.get(e.code, e.message)}" for e in errors)
    mapping = {code: REF.format(model=_error_name(code)) for code in codes}
    schema: Schema = {"$ref": mapping[codes[0]]}
    if len(codes) > 1:
        schema = {
            "oneOf": [{"$ref": ref} for ref in mapping.values()],
            "discriminator": {"propertyName": "error", "mapping": mapping},
        }
    response: dict[str, Any] = {
        "description": "\n\n".join(lines),
        "content": {"application/json": {"schema": schema}},
    }
    if any(e.challenge for e in errors):
        response["headers"] = {WWW_AUTHENTICATE: {"$ref": f"#/components/headers/{WWW_AUTHENTICATE}"}}
    return response


def _with_headers(
    path: str, status: str, response: dict[str, Any], errors: list[ErrorClass]
) -> dict[str, Any]:
    """The response with the headers it carries (``Cache-Control`` by ``may_be_stored``, ``Retry-After`` on
    the statuses that tell a client to wait, ``Allow`` on a 405; ``WWW-Authenticate``, with an error that
    has a challenge, is :func:`_error_response`'s). ``Retry-After`` is required only where every code of the
    status always says ``retry_after``: a 429 ``login_exhausted`` has nothing to wait for, and a generated
    client that read a required header would fail on it."""
    own = ("Cache-Control", RETRY_AFTER, RETRY_AFTER_ALWAYS, WWW_AUTHENTICATE, ALLOW)
    names = [name for name in RESPONSE_HEADERS if name not in own]
    if not may_be_stored(path, int(status)):
        names.append("Cache-Control")
    headers = {name: {"$ref": f"#/components/headers/{name}"} for name in names}
    if status in WAIT_STATUSES:  # a 429's always, a 423's unless the lock is for an admin to lift
        waits = bool(errors) and all("retry_after" in error.always for error in errors)
        component = RETRY_AFTER_ALWAYS if waits else RETRY_AFTER
        headers[RETRY_AFTER] = {"$ref": f"#/components/headers/{component}"}
    if status == "405":
        headers[ALLOW] = {"$ref": f"#/components/headers/{ALLOW}"}
    return {**response, "headers": {**response.get("headers", {}), **headers}}


#: The form of a path parameter every route holds it to (else a 400 naming it), declared so that a client
#: validating its requests refuses what the server would: ``accounts.user_fields.canonical_username``,
#: ``sls_devices.phone.is_handset``, ``accounts.allowlists.ACCOUNT_ID_RE``.
PATH_FORMS: dict[str, dict[str, Any]] = {
    "username": {"pattern": USERNAME_INPUT_PATTERN},
    "number": {"pattern": HANDSET_PATTERN, "maxLength": 32},
    "account_id": {"pattern": ACCOUNT_ID_PATTERN},
}


def _path_parameters(op: Operation) -> list[dict[str, Any]]:
    return [
        {
            "name": name,
            "in": "path",
            "required": True,
            "description": op.parameters.get(name) or PARAMETERS.get(name, name),
            "schema": {"type": "string", **PATH_FORMS.get(name, {})},
        }
        for name in re.findall(r"{(\w+)}", op.path)
    ]


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    """One parameter per field of the query's model; an optional one's ``null`` has no place in a URL."""
    schema = model.model_json_schema(schema_generator=_Generator)
    required = set(schema.get("required", []))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = dict(prop)
        description = prop.pop("description", name)
        present = [s for s in prop.pop("anyOf", []) if s.get("type") != "null"]
        if len(present) == 1:
            prop.update(present[0])
        if prop.get("default", ...) is None:
            del prop["default"]
        parameters.append(
            {
                "name": name,
                "in": "query",
                "required": name in required,
                "description": description,
                "schema": prop,
            }
        )
    return parameters


def _version() -> str:
    try:
        return version("sls-emulator")
    except PackageNotFoundError:  # pragma: no cover - running from a tree that was never installed
        return "0+unknown"
