"""The authenticator app on the simulated phone: the code it shows at the emulated time."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field
from typing_extensions import TypedDict

from .common import DeviceId, UnixTime, Username


class AuthenticatorCode(TypedDict):
    """What the app's screen shows now (the server's clock, the one ``/admin/v1/clock`` moves)."""

    device_id: DeviceId
    account: Username
    code: Annotated[str, Field(pattern=r"^[0-9]{6,8}$", description="The code on screen.")]
    digits: Annotated[int, Field(description="6 or 8.")]
    period: Annotated[int, Field(description="Seconds a code lasts.")]
    step_started_at: Annotated[UnixTime, Field(description="When this code appeared.")]
    step_ends_at: Annotated[UnixTime, Field(description="When the next one replaces it.")]
    seconds_left: Annotated[int, Field(ge=0, description="Seconds until then.")]
