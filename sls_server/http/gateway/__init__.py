"""Gateway mode's surfaces, registered only when ``SLS_GATEWAY`` is on: the Client Portal Gateway's login
page (``pages``: ``/sso/Login``), its REST routes under ``/v1/api`` and ``/v1/portal`` (``rest``), the admin
control of the gateway's session (``admin``: ``/admin/v1/gateway``) and the outbox hook for tools' 2FA
handlers (``outbox``: ``/sim/v1/outbox``).

Like every view here: thin, on the core's services (``sls_server.gateway`` and the login flow), never the
store. The REST routes mimic another product's API; they are documented in ``/openapi.json`` under their
own tags, with their shapes.
"""

from __future__ import annotations

from flask import Flask


def register(app: Flask) -> None:
    from . import admin, outbox, pages, rest, trainer  # noqa: F401 - trainer adds its route to pages.bp

    for blueprint in (pages.bp, rest.api_bp, rest.portal_bp, admin.bp, outbox.bp):
        app.register_blueprint(blueprint)
