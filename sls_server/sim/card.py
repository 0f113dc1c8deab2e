"""The user's side of the world: a person holding a DSC+ card and keying in PIN and challenge.

The card model (``sls_devices.dscplus``) decides; this module loads its state, lets it run, and writes back
the counters it changed holding the card's turn (``DeviceService.update``), so two hands on one card take
turns and neither can lose a wrong PIN.
"""

from __future__ import annotations

from typing import Any

from sls_devices.dscplus import CardError, CardLocked, DscPlusCard, WrongPin, expected_response

from ..accounts.devices import DeviceService
from ..errors import InvalidRequest, UnknownDevice
from ..events import EventLog
from ..factors.dscplus import DscPlusFactor, card_counters
from ..store.records import DeviceChanges, DeviceRecord
from .errors import CardLockedOut, PinRejected


def card_record(devices: DeviceService, device_id: str) -> DeviceRecord:
    """The DSC+ card of that id, for the hand holding it and the page drawing it alike: another device's id
    is no card to them (404 ``unknown_device``, as an id of nothing)."""
    record = devices.get(device_id)
    if record.type != "dscplus":
        raise UnknownDevice("No DSC+ card has that id.")
    return record


class CardSimulator:
    def __init__(self, devices: DeviceService, factor: DscPlusFactor, events: EventLog) -> None:
        self._devices = devices
        self._factor = factor
        self._events = events

    def respond(self, device_id: str, pin: str, challenge: str, *, now: int) -> str:
        card_record(self._devices, device_id)
        outcome: dict[str, Any] = {}

        def press_keys(record: DeviceRecord) -> DeviceChanges:
            card = DscPlusCard(self._factor.open_state(record))
            outcome.clear()
            try:
                outcome["response"] = card.respond(pin, challenge)
            except CardError as exc:
                outcome["error"] = exc
            outcome["locked"] = card.state.locked and not record.locked
            return card_counters(card.state)

        def locked(record: DeviceRecord) -> None:
            if outcome["locked"]:
                self._events.record(
                    "card.pin_locked", at=now, user=record.owner, factor="dscplus", device_id=device_id
                )

        self._devices.update(device_id, press_keys, then=locked)
        error = outcome.get("error")
        if isinstance(error, WrongPin):
            raise PinRejected(pin_attempts_left=error.attempts_left)
        if isinstance(error, CardLocked):
            raise CardLockedOut()
        if error is not None:
            raise InvalidRequest(str(error), field="challenge")
        return str(outcome["response"])

    def holder_response(self, device_id: str, challenge: str) -> str | None:
        """What the card shows its holder for ``challenge`` once she has keyed her PIN (None while it is
        locked after wrong PINs): the staged phishing relay's victim (``relay``). Computed by the card's own
        algorithm from the PIN's digest, the card's record; her keying it changes no counter."""
        state = self._factor.open_state(card_record(self._devices, device_id))
        if state.locked:
            return None
        return expected_response(state.key, state.pin_sha1, challenge)

    def reset(self, device_id: str, *, now: int) -> DeviceRecord:
        """The admin's reset of a card that locked itself: unlocked, wrong-PIN count zero."""
        card_record(self._devices, device_id)  # another device's id is no card: 404
        cleared: list[bool] = []

        def change(current: DeviceRecord) -> DeviceChanges:
            """Nothing to write (nor to record) for a card neither locked nor counting wrong PINs."""
            cleared[:] = [bool(current.pin_failures or current.locked)]
            return {"pin_failures": 0, "locked": False} if cleared[0] else {}

        def recorded(written: DeviceRecord) -> None:
            if cleared and cleared[0]:  # as the write that stood judged it (a compare-and-set may re-read)
                self._events.record(
                    "card.reset", at=now, user=written.owner, factor="dscplus", device_id=device_id
                )

        return self._devices.update(device_id, change, then=recorded)

    def status(self, device_id: str) -> dict[str, object]:
        """What the card's display and the back of the card tell: serial, locked or not, PIN tries left."""
        record = card_record(self._devices, device_id)
        failures = record.pin_failures or 0
        limit = 3 if record.max_pin_failures is None else record.max_pin_failures
        return {
            "device_id": device_id,
            "serial": record.serial,
            "suite": record.suite,
            "locked": bool(record.locked),
            "pin_attempts_left": max(limit - failures, 0),
        }
