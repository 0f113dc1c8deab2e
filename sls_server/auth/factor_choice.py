"""Which factor a second-factor step runs on: the user's usable (factor, device) pairs, and the pick.

A device offers nothing while it is locked (``factor_locked``) or lapsed (a temporary passcode past its
validity, recorded so once found: ``DeviceService.lapse_seen``); a phone enrolled for SMS offers voice
callbacks too (``FactorRegistry.serving``). The pick is the factor the client asked for, else the user's
default device (the last that worked), else the oldest usable pair that is not a code sent to the phone
(:data:`PHONE_CODES`), else the oldest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..accounts.devices import DeviceService
from ..errors import InvalidRequest
from ..factors import Factor, FactorRegistry
from ..store.records import DeviceRecord
from .errors import DeviceLocked, NoSecondFactor

Usable = list[tuple[str, DeviceRecord]]

#: Codes sent to the phone's number, the weakest authenticators a user may hold (NIST SP 800-63B calls them
#: restricted: a SIM swap or a ported number takes them). Every account opened with a phone has one (SMS at
#: account opening), so with no factor asked for and no default yet, a card, IB Key or app the user also holds
#: goes first, and the SMS stays in the list to switch to.
PHONE_CODES = frozenset({"sms", "voice"})


class FactorChoice:
    def __init__(self, devices: DeviceService, factors: FactorRegistry) -> None:
        self._devices = devices
        self._factors = factors

    def options(
        self,
        username: str,
        *,
        now: int,
        device_ids: Sequence[str] | None = None,
        devices: Sequence[DeviceRecord] | None = None,
    ) -> tuple[list[DeviceRecord], Usable]:
        """(active devices, usable (factor, device) pairs): a locked or lapsed device offers nothing.
        ``device_ids``, ``devices``: the user's, if the caller read them with the user."""
        active = self._devices.active_of_user(username, device_ids, devices)
        enrolled = [d for d in active if not self._devices.lapse_seen(d, now=now)]
        usable = [
            (factor.type, device)
            for device in enrolled
            if not device.factor_locked
            for factor in self._factors.serving(device.type)
        ]
        return enrolled, usable

    def pick(
        self,
        username: str,
        type_: str | None,
        device_id: str | None,
        default: str | None,
        *,
        now: int,
        device_ids: Sequence[str] | None = None,
        devices: Sequence[DeviceRecord] | None = None,
    ) -> tuple[Factor, DeviceRecord, Usable]:
        """The factor and device the step runs on, and every usable pair (the client's list to switch to).
        No usable pair: ``device_locked`` if the user has devices, all locked; else ``no_second_factor``."""
        enrolled, usable = self.options(username, now=now, device_ids=device_ids, devices=devices)
        if not usable:
            raise DeviceLocked() if enrolled else NoSecondFactor()
        matches = [
            (name, device)
            for name, device in usable
            if (type_ is None or name == type_) and (device_id is None or device.device_id == device_id)
        ]
        if not matches:
            if device_id is not None and any(type_ is None or name == type_ for name, _ in usable):
                kind = (
                    type_ or "authenticator"
                )  # the type is fine: the device id is what names nothing usable
                raise InvalidRequest(f"the user has no usable {kind} with that device_id", field="device_id")
            locked = [d for d in enrolled if d.factor_locked and type_ in self._served_by(d)]
            if locked:  # it exists: say why it cannot be used rather than that there is none
                raise InvalidRequest(
                    f"the user's {type_} ({locked[0].device_id}) is disabled after too many wrong responses "
                    "until an admin unlocks it",
                    field="type",
                )
            raise InvalidRequest("the user has no usable authenticator of that type", field="type")
        if type_ is None:
            chosen = [m for m in matches if m[1].device_id == default] if default else []
            matches = chosen or sorted(matches, key=lambda m: m[0] in PHONE_CODES)  # stable: oldest first
        name, device = matches[0]
        return self._factors.get(name), device, usable

    @staticmethod
    def in_order(usable: Usable, *, skip: tuple[str, str]) -> Usable:
        """The usable pairs but ``skip`` (a factor type and device id), in the order :meth:`pick` prefers
        them with no default: the phone codes last, else the oldest first."""
        others = [(name, d) for name, d in usable if (name, d.device_id) != skip]
        return sorted(others, key=lambda m: m[0] in PHONE_CODES)

    def _served_by(self, device: DeviceRecord) -> list[str]:
        return [factor.type for factor in self._factors.serving(device.type)]

    def entry(self, factor: str, device: DeviceRecord) -> dict[str, Any]:
        """One line of the client's list of factors: the type, the device and how the page labels it."""
        return {
            "type": factor,
            "device_id": device.device_id,
            "label": self._factors.entry_label(factor, device),
        }
