"""An authenticator app (TOTP, RFC 6238) on the simulated phone: the code it shows at the emulated time.

The app holds the secret it scanned at enrolment; here that is the device's sealed secret, opened with the
server's key the way the DSC+ simulator opens a card's. The code follows the emulated clock (the one
``/admin/v1/clock`` moves), so the app and the server always agree on which code is current.
"""

from __future__ import annotations

from typing import Any

from devices.otp import hotp, time_step

from ..accounts.devices import DeviceService
from ..secretbox import SecretBox


class AuthenticatorApps:
    def __init__(self, devices: DeviceService, secret_key: bytes) -> None:
        self._devices = devices
        self._box = SecretBox(secret_key)

    def codes(self, username: str, *, now: int) -> list[dict[str, Any]]:
        """One entry per active TOTP device of the user: its code now and the seconds it has left."""
        shown = []
        for device in self._devices.active_of_user(username):
            if device.get("type") != "totp":
                continue
            period, digits = int(device["period"]), int(device["digits"])
            key = self._box.open(device["sealed"], context=f"totp:{device['device_id']}")
            shown.append(
                {
                    "device_id": device["device_id"],
                    "account": username,
                    "code": hotp(key, time_step(now, period), digits=digits, algorithm=device["algorithm"]),
                    "period": period,
                    "seconds_left": period - now % period,
                }
            )
        return shown
