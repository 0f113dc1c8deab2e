"""``/api/v1``: the broker's login service as an integration under test sees it.

Holds the blueprint and its surface (``http.operations``); the routes live in ``login`` (password, second
factor, session, logout), ``recovery`` (a forgotten password), ``account`` (step-up, and the sensitive tasks
it guards) and ``sessions`` (the caller's own sessions: listed, and the others ended).
"""

from __future__ import annotations

from flask import Blueprint

from ..errors import CrossSiteRequest
from ..operations import surface

bp = Blueprint("api", __name__, url_prefix="/api/v1")
surface(
    bp,
    tag="api",
    description="The login service: password, second factor, sessions.",
    unsafe_errors=(CrossSiteRequest,),
)

from . import account, login, recovery, sessions  # noqa: E402  - each adds its routes to bp

__all__ = ["account", "bp", "login", "recovery", "sessions"]
