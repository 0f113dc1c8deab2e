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
from ..store.records import DeviceRecord


class AuthenticatorApp:
    def __init__(self, devices: DeviceService, factor: TotpFactor) -> None:
        self._devices = devices
        self._factor = factor

    def code(self, device_id: str, *, now: int) -> dict[str, Any]:
        """The code on screen at ``now``, and the step it belongs to (a page counts down to its end)."""
        device = self._devices.get(device_id)
        if device.type != "totp":
            raise UnknownDevice("No authenticator app account has that id.")
        return self._shown(device, now)

    def codes(self, username: str, *, now: int) -> list[dict[str, Any]]:
        """Every account of the user in the app (one per active TOTP device), as the phone page lists them."""
        return [self._shown(d, now) for d in self._devices.active_of_user(username) if d.type == "totp"]

    def _shown(self, device: DeviceRecord, now: int) -> dict[str, Any]:
        app = self._factor.app_of(device, account=device.owner)
        started = app.step(now) * app.period
        return {
            "device_id": device.device_id,
            "account": device.owner,
            "code": app.code(now),
            "digits": app.digits,
            "period": app.period,
            "step_started_at": started,
            "step_ends_at": started + app.period,
            "seconds_left": started + app.period - now,
        }
