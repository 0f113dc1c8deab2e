"""``/admin/v1``: test set-up and control, behind the admin bearer token.

Holds the blueprint, its guard and its surface (``http.operations``); the routes live in ``users`` (users,
devices, sessions), ``access`` (IP allowlists, accounts), ``lockout`` (locks, disabling), ``control``
(clock, events, reset), ``state`` (the world exported and imported) and ``settings`` (the settings it
runs with, read-only).
"""

from __future__ import annotations

from flask import Blueprint

from ...auth.console_access import TRAINER_DOOR
from ...auth.errors import TokenGuessesLimited
from ..accesslog import route_pattern
from ..common import bearer_opens
from ..errors import AdminTokenRequired
from ..operations import surface

bp = Blueprint("admin", __name__, url_prefix="/admin/v1")


surface(
    bp,
    tag="admin",
    description="Test set-up and control; needs the admin token.",
    security="admin",
    errors=(AdminTokenRequired, TokenGuessesLimited),
)


@bp.before_request
def require_admin_token() -> None:
    """The admin token, as the console's sign-in takes it: a wrong one counted against the address (too
    many: 429 for every token from it, ``auth.token_guesses``) and recorded as ``admin_api.token_refused``
    with the route's pattern (not ``trainer.sign_in_failed``: nobody tried the console)."""
    if not bearer_opens(TRAINER_DOOR, route_pattern()):
        raise AdminTokenRequired()


from . import access, control, lockout, settings, state, users  # noqa: E402  - each adds its routes to bp

__all__ = ["access", "bp", "control", "lockout", "settings", "state", "users"]
