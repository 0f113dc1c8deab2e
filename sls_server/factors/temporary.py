"""A temporary passcode for a user who lost their device (the broker's "temporary passcode" procedure).

An admin issues it; it works for one user, as often as needed, for a few days
(``SLS_TEMPORARY_PASSCODE_DAYS``, 2 by default: the full access the broker's gives, KB69), and then lapses by
itself, for good once found lapsed (``lapsed_at``: a clock moved back does not revive it). The passcode is
shown once and kept sealed.

As the broker's, none is issued right after another (KB69): ``user_add_device.lua`` refuses it while the
device that joined the user last is a temporary passcode. Not emulated from KB69: the ten more days in which
the broker's passcode still opens Client Portal, only to print the online security card (no online security
card exists here).
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from ..errors import InvalidRequest
from ..secretbox import SealError, SecretBox
from ..store.records import CorruptRecord, DeviceChanges, DeviceRecord, LoginTxn
from . import Begin, Enrolment, Prompt, SealedField, sealed_to

#: No 0/O or 1/I/L: the passcode is read out over the phone by Client Services.
ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
LENGTH = 10


class TemporaryPasscodeFactor:
    type = "temporary"
    title = "temporary passcode"
    notice_name = title
    response_pattern = re.compile(rf"^[{ALPHABET}]{{{LENGTH}}}$", re.IGNORECASE)
    response_form = f"{LENGTH} letters and digits"
    device_types: tuple[str, ...] = ("temporary",)
    sealed_field: SealedField | None = "sealed"

    def __init__(self, box: SecretBox, *, default_days: int) -> None:
        self._box = box
        self._default_days = default_days

    def enrol(self, device_id: str, username: str, params: Mapping[str, Any], *, now: int) -> Enrolment:
        days = params.get("days", self._default_days)
        if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 14:
            raise InvalidRequest("days must be an integer from 1 to 14", field="days")
        passcode = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        expires_at = now + days * 86400
        record: DeviceChanges = {
            "sealed": self._box.seal(passcode.encode(), context=sealed_to(self.type, device_id)),
            "expires_at": expires_at,
            "label": f"temporary passcode until {datetime.fromtimestamp(expires_at, UTC):%Y-%m-%d %H:%M} UTC",
        }
        return Enrolment(record, {"passcode": passcode, "expires_at": expires_at})

    def check_stored(self, device: DeviceRecord) -> None:
        if device.expires_at is None or device.sealed is None:
            raise ValueError("a temporary passcode needs its expiry and its sealed passcode")
        try:
            passcode = self._box.open(device.sealed, context=sealed_to(self.type, device.device_id))
        except SealError:
            raise ValueError("its sealed passcode does not open") from None
        if not self.response_pattern.fullmatch(passcode.decode("ascii", errors="replace")):
            raise ValueError("its sealed passcode is not one this server issues")

    def begin(self, device: DeviceRecord, step: Begin) -> Prompt:
        return Prompt({"expires_at": device.expires_at})

    def check(self, device: DeviceRecord, txn: LoginTxn, response: str, *, now: int) -> bool:
        if device.expires_at is None or device.sealed is None:
            raise CorruptRecord(f"temporary passcode {device.device_id} lacks its expiry or passcode")
        if device.lapsed_at is not None or now >= device.expires_at:
            return False
        passcode = self._box.open(device.sealed, context=sealed_to(self.type, device.device_id))
        return hmac.compare_digest(passcode, response.upper().encode())

    def held(self, device: DeviceRecord, *, now: int) -> str | None:
        """The passcode as its user was given it (Client Services read it out; she keeps it on paper), None
        once lapsed: what the staged phishing relay's victim types (``sim.relay``), as she would type it on
        the real page."""
        if device.sealed is None or device.expires_at is None or device.lapsed_at is not None:
            return None
        if now >= device.expires_at:
            return None
        return self._box.open(device.sealed, context=sealed_to(self.type, device.device_id)).decode("ascii")
