"""The authenticator app on the user's simulated phone: it shows a TOTP code at the emulated time.

A real app (Google Authenticator, Aegis...) computes its code from the phone's own clock, i.e. real time, so
its codes match the server only while the emulator's clock offset is zero. This one reads the server's
clock, the one ``POST /admin/v1/clock`` moves, so a login with an authenticator app works at any emulated
instant, as the rest of the simulated world does.
"""

from __future__ import annotations

from typing import Any

from ..accounts.devices import DeviceService
from ..errors import UnknownDevice
from ..factors.totp import TotpFactor


class AuthenticatorApp:
    def __init__(self, devices: DeviceService, factor: TotpFactor) -> None:
        self._devices = devices
        self._factor = factor

    def code(self, device_id: str, *, now: int) -> dict[str, Any]:
        """The code on screen at ``now``, and the step it belongs to (a page counts down to its end)."""
        device = self._devices.get(device_id)
        if device.type != "totp":
            raise UnknownDevice("No authenticator app account has that id.")
        app = self._factor.app_of(device, account=device.owner)
        started = app.step(now) * app.period
        return {
            "device_id": device.device_id,
            "code": app.code(now),
            "digits": app.digits,
            "period": app.period,
            "step_started_at": started,
            "step_ends_at": started + app.period,
        }
