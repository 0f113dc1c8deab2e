"""The OpenAPI 3.1 description of every route, served at ``GET /openapi.json``: the feature modules'
operations assembled into one document."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version
from typing import Any

from . import ops_account as openapi_ops_account
from . import ops_core as openapi_ops_core
from . import ops_ibkey as openapi_ops_ibkey
from . import ops_phones as openapi_ops_phones
from . import ops_protect as openapi_ops_protect
from .build import DESCRIPTION, RESPONSE_HEADERS, TAGS
from .schemas import SCHEMAS, SECURITY_SCHEMES

Operation = tuple[str, str, dict[str, Any]]


def operations() -> list[Operation]:
    return [
        *openapi_ops_core.operations(),
        *openapi_ops_protect.ip_operations(),
        *openapi_ops_protect.lockout_operations(),
        *openapi_ops_account.operations(),
        *openapi_ops_phones.operations(),
        *openapi_ops_ibkey.operations(),
    ]


def _version() -> str:
    try:
        return version("sls-emulator")
    except PackageNotFoundError:  # pragma: no cover - running from a tree that was never installed
        return "0+unknown"


def build_spec() -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for path, method, operation in operations():
        paths.setdefault(path, {})[method] = operation
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "sls-emulator",
            "version": _version(),
            "description": DESCRIPTION,
            "license": {"name": "Apache-2.0", "identifier": "Apache-2.0"},
        },
        "tags": TAGS,
        "paths": paths,
        "components": {
            "schemas": {
                **SCHEMAS,
                **openapi_ops_protect.SCHEMAS,
                **openapi_ops_account.SCHEMAS,
                **openapi_ops_phones.SCHEMAS,
                **openapi_ops_ibkey.SCHEMAS,
            },
            "headers": RESPONSE_HEADERS,
            "securitySchemes": SECURITY_SCHEMES,
        },
    }
