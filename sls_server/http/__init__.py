"""The HTTP surfaces, one blueprint each: thin views that call the core and return its answer. Each route is
declared once with ``operations.operation``, which validates its body into a shape (``sls_server.shapes``)
before the view runs and records it for the generated OpenAPI document (``openapi``).

May import the core (auth, accounts, factors, sim, events, errors), the shapes and Flask; never ``store``:
views reach state only through the core's services.
"""

from __future__ import annotations

from flask import Flask

from . import admin, api, ops, pages, sim
from .accesslog import register as register_access_log
from .crosssite import register as register_cross_site_checks
from .errors import register_error_handlers
from .hosts import register as register_host_check
from .observe import register as register_observability
from .security import register as register_security_headers


def register(app: Flask) -> None:
    settings = app.extensions["sls"].settings
    register_host_check(app, settings.allowed_hosts)  # first of the hooks: DNS rebinding goes no further
    register_access_log(app)
    register_cross_site_checks(app)
    for blueprint in (api.bp, sim.bp, admin.bp, ops.bp, pages.bp):
        app.register_blueprint(blueprint)
    if settings.gateway:
        from .gateway import register as register_gateway

        register_gateway(app)
    register_error_handlers(app)
    register_security_headers(app)
    register_observability(app)  # request ids, latency per route, JSON access lines
