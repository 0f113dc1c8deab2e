"""Key-by-key model of the DSC+ keypad and display, for a UI that imitates the physical card.

Kept apart from ``dscplus`` because the server never needs it: it only drives a
``DscPlusCard`` (whose PIN counter and lock are the single source of truth) the way a
person pressing keys would, and renders what the card's display would show.
"""

from __future__ import annotations

from sls_devices.dscplus import CHALLENGE_LENGTH, PIN_LENGTH, CardLocked, DscPlusCard, WrongPin

__all__ = ["KEYS", "DscPlusKeypad"]

KEYS = frozenset([*"0123456789", "OK", "C", "POWER"])

_OFF, _PIN, _CHALLENGE, _RESPONSE = "off", "pin", "challenge", "response"
_PIN_ERROR, _LOCKED = "pin_error", "locked"


class DscPlusKeypad:
    """States: off -> PIN> -> CHALLNG> -> response -> (OK/C) CHALLNG> ...; a wrong PIN shows ``PIN ERR n``.

    Entry is capped at the field length (extra digits are ignored, as on a fixed-width
    display) and OK on a short entry is ignored. The PIN is shown masked. POWER always
    switches off and forgets the PIN; a locked card shows ``LOCKED`` until reset and
    switched on again.
    """

    def __init__(self, card: DscPlusCard) -> None:
        self._card = card
        self._mode = _OFF
        self._entry = ""
        self._pin: str | None = None
        self._message = ""

    @property
    def display(self) -> str:
        """The text on the card's screen ("" when off)."""
        if self._mode == _PIN:
            return "PIN>" + "*" * len(self._entry)
        if self._mode == _CHALLENGE:
            return "CHALLNG>" + self._entry
        if self._mode == _LOCKED:
            return "LOCKED"
        if self._mode in (_RESPONSE, _PIN_ERROR):
            return self._message
        return ""

    @property
    def is_on(self) -> bool:
        return self._mode != _OFF

    def snapshot(self) -> dict[str, str | None]:
        """What a page must keep between key presses (the PIN too: keep it sealed)."""
        return {"mode": self._mode, "entry": self._entry, "pin": self._pin, "message": self._message}

    @classmethod
    def restore(cls, card: DscPlusCard, snapshot: dict[str, str | None]) -> DscPlusKeypad:
        keypad = cls(card)
        keypad._mode, keypad._entry = str(snapshot["mode"]), str(snapshot["entry"])
        keypad._pin, keypad._message = snapshot["pin"], str(snapshot["message"])
        return keypad

    def _to(self, mode: str, message: str = "") -> None:
        self._mode, self._entry, self._message = mode, "", message

    def press(self, key: str) -> str:
        """Press one key (``0``-``9``, ``OK``, ``C``, ``POWER``); returns the new display."""
        if key not in KEYS:
            raise ValueError(f"no such key {key!r}; keys are 0-9, OK, C, POWER")
        if key == "POWER":
            self._pin = None
            self._to(_OFF if self.is_on else (_LOCKED if self._card.locked else _PIN))
        elif self._mode == _PIN_ERROR:
            self._to(_PIN)  # any key acknowledges the error and brings back the prompt
        elif self._mode == _RESPONSE and key in ("OK", "C"):
            self._to(_CHALLENGE)
        elif self._mode in (_PIN, _CHALLENGE):
            self._edit(key)
        return self.display

    def _edit(self, key: str) -> None:
        width = PIN_LENGTH if self._mode == _PIN else CHALLENGE_LENGTH
        if key == "C":
            self._entry = ""
        elif key != "OK":
            if len(self._entry) < width:
                self._entry += key
        elif len(self._entry) == width:
            self._submit()

    def _submit(self) -> None:
        try:
            if self._mode == _PIN:
                self._card.check_pin(self._entry)
                self._pin = self._entry
                self._to(_CHALLENGE)
            else:
                assert self._pin is not None
                self._to(_RESPONSE, self._card.respond(self._pin, self._entry))
        except WrongPin as e:
            self._pin = None
            if e.attempts_left == 0:
                self._to(_LOCKED)
            else:
                self._to(_PIN_ERROR, f"PIN ERR {e.attempts_left}")
        except CardLocked:
            self._pin = None
            self._to(_LOCKED)
