"""``/admin/v1/settings``: the settings this server runs with, read-only (``settings_view``)."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from ...settings_view import settings_view
from ...shapes.settings import ServerSettings
from ..common import core
from ..operations import operation
from . import bp


@operation(
    bp,
    "get",
    "/settings",
    summary="Read the server's settings",
    ok=ServerSettings,
    returns="Every setting at its effective value; the secrets only named.",
)
def get_settings() -> ResponseReturnValue:
    """A client that did not start the server (a scenario run against its URL, a test fixture) learns what
    it runs with (the lockout threshold, the timeouts, the hash profile, gateway mode) instead of guessing
    them. Never a secret: the key and the tokens are named as set, never shown; a Redis URL's password is
    masked."""
    return settings_view(core().settings)
