"""``Card``: a DSC+ card the ``sls_emulator`` fixture enrolled, answering challenges offline as the physical
card does (RFC 6287 OCRA, the server's own algorithm from ``sls_devices``); ``sls_scenarios.emulator``
re-exports it, where ``enroll_card`` returns it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sls_devices.dscplus import expected_response, hash_pin


@dataclass
class Card:
    """An enrolled DSC+ card: ``respond(challenge)`` is what keying PIN and challenge into it shows."""

    device_id: str
    serial: str
    secret_hex: str
    pin: str
    record: dict[str, Any] = field(default_factory=dict, repr=False)

    def respond(self, challenge: str, pin: str | None = None) -> str:
        """The 8-digit response the card shows for ``challenge``, computed offline (RFC 6287 OCRA over the
        card's key and the PIN's SHA-1). Another ``pin`` computes with that one, which the server refuses as
        a wrong response; the card's own PIN check and lock are the simulator's (``/sim/v1/dscplus``)."""
        return expected_response(bytes.fromhex(self.secret_hex), hash_pin(pin or self.pin), challenge)
