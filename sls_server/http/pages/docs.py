"""``/docs``: the OpenAPI document rendered by Swagger UI, served from the ``swagger-ui-bundle-v2`` wheel.

Only the two files the viewer needs are served (its bundle and its stylesheet); Swagger UI's stock
``index.html`` starts it with an inline script, which the pages' CSP forbids, so ``docs.js`` (ours, a static
file) starts it instead. Nothing is fetched from a CDN: the viewer works offline.
"""

from __future__ import annotations

from pathlib import Path

from flask import abort, send_from_directory
from flask.typing import ResponseReturnValue

from . import bp
from .kit import page

#: The viewer's files we serve, and nothing else from its folder.
VIEWER_FILES = frozenset({"swagger-ui-bundle.js", "swagger-ui.css"})


def viewer_dir() -> Path:
    from swagger_ui_bundle import swagger_ui_path

    return Path(swagger_ui_path)


@bp.get("/docs")
def api_docs() -> ResponseReturnValue:
    return page("docs.html", section="docs")


@bp.get("/docs/viewer/<name>")
def api_docs_viewer(name: str) -> ResponseReturnValue:
    if name not in VIEWER_FILES:
        abort(404)
    return send_from_directory(viewer_dir(), name)
