"""The OpenAPI 3.1 document served at ``GET /openapi.json``, generated from the operation registry
(``http.operations``) and the shapes it names (``sls_server.shapes``): ``generate`` builds it, ``texts``
holds its prose and what no shape carries (security schemes, headers, notes on error codes).

Part of ``http``: may import the shapes, the registry and the core's error classes, never ``store``.
"""

from __future__ import annotations

import hashlib
from typing import Any

from flask import Flask

from .generate import build_spec


def document(app: Flask) -> dict[str, Any]:
    """The document, built once per app: it depends only on the code."""
    spec = app.extensions.get("sls_openapi")
    if spec is None:
        spec = app.extensions["sls_openapi"] = build_spec(app)
    return spec


def document_json(app: Flask) -> tuple[bytes, str]:
    """The document as served and its entity tag, made once per app. It is some 700 KB: written out on
    every request it cost tens of milliseconds of a worker's time, and a client (the docs page, a generator
    that loads it at start) had no way to ask whether it had changed."""
    served = app.extensions.get("sls_openapi_json")
    if served is None:
        body = app.json.dumps(document(app)).encode()
        served = app.extensions["sls_openapi_json"] = (body, hashlib.sha256(body).hexdigest()[:32])
    return served


__all__ = ["build_spec", "document", "document_json"]
