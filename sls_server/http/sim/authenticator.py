"""``/sim/v1/totp``: the authenticator app on the user's phone, showing codes at the emulated time."""

from __future__ import annotations

from flask.typing import ResponseReturnValue

from ...errors import UnknownDevice
from ...shapes.authenticator import AuthenticatorCode
from ..common import core, now
from ..operations import operation
from . import bp


@operation(
    bp,
    "get",
    "/totp/<device_id>/code",
    summary="Read the code an authenticator app shows now",
    ok=AuthenticatorCode,
    returns="The code on screen, and when it changes.",
    errors=(UnknownDevice,),
)
def get_totp_code(device_id: str) -> ResponseReturnValue:
    """The code at the server's clock (the one `/admin/v1/clock` moves), so a login with an authenticator app
    works at any emulated instant. A real app follows real time: its codes match only while the clock offset
    is zero."""
    return core().authenticator.code(device_id, now=now())
