"""The HTTP surfaces, one blueprint each: thin views that parse, call the core and serialise."""

from __future__ import annotations

from flask import Flask

from . import admin, admin_access, admin_lockout, api, api_account, ops, sim, sim_ibkey, sim_phones  # noqa: F401 - admin_*, sim_* add routes to their bp
from .accesslog import register as register_access_log
from .crosssite import register as register_cross_site_checks
from .errors import register_error_handlers
from .security import register as register_security_headers


def register(app: Flask) -> None:
    register_access_log(app)
    register_cross_site_checks(app)
    for blueprint in (api.bp, sim.bp, admin.bp, ops.bp):
        app.register_blueprint(blueprint)
    register_error_handlers(app)
    register_security_headers(app)
