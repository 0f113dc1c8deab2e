"""The app factory. No module-level app and no environment read at import: ``create_app`` does it all."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from flask import Flask

from .config import MAX_BODY_BYTES, load_settings
from .runtime import open_store, resolve_secrets
from .wiring import build_core


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    settings = resolve_secrets(load_settings(config))
    settings, store = open_store(settings)
    core = build_core(settings, store)

    from .http import register
    from .http.json_provider import SafeJSONProvider

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY_BYTES
    app.json = SafeJSONProvider(app)  # answers in build order; a nesting limit on every body parsed
    app.extensions["sls"] = core
    logging.getLogger("sls_server").setLevel(settings.log_level)

    register(app)
    return app
