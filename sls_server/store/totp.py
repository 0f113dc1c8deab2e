"""TOTP replay protection: the last time step each authenticator app was accepted at.

The step lives on the device record (``last_step``, with the 16 highest accepted in ``used_steps`` and the
highest one ever dropped from them in ``floor_step``) and only moves forward, in one Lua script, so a code is
good once however many workers see it, and a code from before the last accepted one never is; only a clock
moved back below a step accepted ahead of it lets the guard follow it back, never to a step once accepted
(each of the 16 highest is remembered, and every step at or below the floor is refused). Memory per device
is bounded; the price is that a clock put back below the 17th highest step accepted refuses every code
until it reaches that step again (RFC 6238 section 5.2's rule, there).
"""

from __future__ import annotations

from . import keys
from .base import Scripts, guarded, text
from .connection import Client


@guarded
class TotpRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def accept_step(self, device_id: str, step: int, *, current: int | None = None, drift: int = 1) -> bool:
        """True if ``step`` is later than every step accepted before for this device (and is now the last),
        and was never accepted before. A step accepted ahead of ``current`` + ``drift`` (the clock was moved
        back since) does not bar the present; ``current`` defaults to ``step``."""
        now_step = int(step) if current is None else int(current)
        return bool(self._scripts("totp_accept_step", [keys.device(device_id)], [int(step), now_step, drift]))

    def last_step(self, device_id: str) -> int | None:
        """The last accepted step, None if the app has not been used yet."""
        value = self._r.hget(keys.device(device_id), "last_step")
        return None if value is None else int(text(value))
