"""``/admin/v1``: test set-up and control, behind the admin bearer token.

Holds the blueprint, its guard and its surface (``http.operations``); the routes live in ``users`` (users,
devices, sessions), ``access`` (IP allowlists, accounts), ``lockout`` (locks, disabling), ``control``
(clock, events, reset) and ``state`` (the world exported and imported).
"""

from __future__ import annotations

from flask import Blueprint

from ..common import bearer_matches, core
from ..errors import AdminTokenRequired
from ..operations import surface

bp = Blueprint("admin", __name__, url_prefix="/admin/v1")


surface(
    bp,
    tag="admin",
    description="Test set-up and control; needs the admin token.",
    security="admin",
    errors=(AdminTokenRequired,),
)


@bp.before_request
def require_admin_token() -> None:
    if not bearer_matches(core().settings.admin_token):
        raise AdminTokenRequired()


from . import access, control, lockout, state, users  # noqa: E402  - each adds its routes to bp

__all__ = ["access", "bp", "control", "lockout", "state", "users"]
