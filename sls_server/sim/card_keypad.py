"""The DSC+ card as the simulator page draws it: key by key, driven by ``sls_devices.dscplus_keypad``.

Between two presses the keypad's state (the mode the display is in, the digits keyed so far and, once
accepted, the PIN) travels with the page as a sealed token: AES-GCM under a key of its own, bound to the
card, so any worker can take the next press and nothing readable reaches the browser or Redis. A card left
alone for :data:`POWER_OFF_S` seconds of the emulated clock has switched itself off, like the real one.

The card's counters (wrong PINs, the lock) are the card record's, shared with ``/sim/v1/dscplus``: an OK
runs the keypad on a fresh read of the record and writes them back with compare-and-set, as
``CardSimulator`` does, so a wrong PIN keyed here and one sent to the API count alike.
"""

from __future__ import annotations

import json
from typing import Any

from sls_devices.dscplus import DscPlusCard
from sls_devices.dscplus_keypad import KEYS, DscPlusKeypad

from ..accounts.devices import DeviceService
from ..errors import InvalidRequest
from ..events import EventLog
from ..factors.dscplus import DscPlusFactor, card_counters
from ..secretbox import SealError, SecretBox, pepper
from ..store.records import DeviceChanges, DeviceRecord
from .card import card_record

POWER_OFF_S = 120


class CardKeypads:
    def __init__(
        self, devices: DeviceService, factor: DscPlusFactor, events: EventLog, secret_key: bytes
    ) -> None:
        self._devices = devices
        self._factor = factor
        self._events = events
        self._box = SecretBox(pepper(secret_key, b"sls-dscplus-keypad"))

    def card(self, device_id: str) -> dict[str, Any]:
        """What is printed on the card and whether it is locked (the page draws it)."""
        record = card_record(self._devices, device_id)
        return {
            "device_id": device_id,
            "serial": record.serial,
            "owner": record.owner,
            "locked": bool(record.locked),
        }

    def press(self, device_id: str, key: str, state: str | None, *, now: int) -> dict[str, Any]:
        """Press ``key``; the display, whether the card is on or locked, and the state for the next press."""
        if key not in KEYS:
            raise InvalidRequest("key must be 0-9, OK, C or POWER", field="key")
        record = card_record(self._devices, device_id)
        snapshot = self._open(device_id, state, now=now)
        outcome: dict[str, Any] = {}

        def run(current: DeviceRecord) -> DeviceChanges:
            card = DscPlusCard(self._factor.open_state(current))
            was_locked = card.locked
            keypad = DscPlusKeypad.restore(card, snapshot) if snapshot else DscPlusKeypad(card)
            outcome["display"] = keypad.press(key)
            outcome["on"] = keypad.is_on
            outcome["locked"] = card.locked
            outcome["newly_locked"] = card.locked and not was_locked
            outcome["snapshot"] = keypad.snapshot()
            return card_counters(card.state)

        def locked(written: DeviceRecord) -> None:
            if outcome["newly_locked"]:
                self._events.record(
                    "card.pin_locked", at=now, user=written.owner, factor="dscplus", device_id=device_id
                )

        if key == "OK":  # only OK checks a PIN: write the counters back (its lock recorded under the turn)
            self._devices.update(device_id, run, then=locked)
        else:
            run(record)  # no PIN checked: nothing locks
        sealed = self._seal(device_id, outcome["snapshot"], now=now) if outcome["on"] else None
        return {
            "display": outcome["display"],
            "on": outcome["on"],
            "locked": outcome["locked"],
            "state": sealed,
        }

    def _seal(self, device_id: str, snapshot: dict[str, Any], *, now: int) -> str:
        data = json.dumps({"snapshot": snapshot, "at": now}).encode()
        return self._box.seal(data, context=f"dscplus-keypad:{device_id}")

    def _open(self, device_id: str, state: str | None, *, now: int) -> dict[str, Any] | None:
        """The keypad as the last press left it; None (switched off) when absent, foreign or too old."""
        if not state or len(state) > 2000:
            return None
        try:
            data = json.loads(self._box.open(state, context=f"dscplus-keypad:{device_id}"))
        except (SealError, ValueError):
            return None
        if not 0 <= now - int(data.get("at", 0)) < POWER_OFF_S:  # alone for POWER_OFF_S: off
            return None
        snapshot = data.get("snapshot")
        return snapshot if isinstance(snapshot, dict) else None
