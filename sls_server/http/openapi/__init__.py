"""The OpenAPI 3.1 document served at ``GET /openapi.json``, generated from the operation registry
(``http.operations``) and the shapes it names (``sls_server.shapes``): ``generate`` builds it, ``texts``
holds its prose and what no shape carries (security schemes, headers, notes on error codes).

Part of ``http``: may import the shapes, the registry and the core's error classes, never ``store``.
"""

from __future__ import annotations

from typing import Any

from flask import Flask

from .generate import build_spec


def document(app: Flask) -> dict[str, Any]:
    """The document, built once per app: it depends only on the code."""
    spec = app.extensions.get("sls_openapi")
    if spec is None:
        spec = app.extensions["sls_openapi"] = build_spec(app)
    return spec


__all__ = ["build_spec", "document"]
