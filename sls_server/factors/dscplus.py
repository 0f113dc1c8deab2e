"""The Digital Security Card+ as a factor: enrol a card, give it fresh challenges, check its responses.

The server verifies by running the same algorithm as the card (``sls_devices.dscplus``) on the key and PIN
hash it keeps sealed. Challenges come from :class:`~.challenges.ChallengeIssuer`: limited per card and per
user, never one the card remembers, tracked by their *encoded* bytes (RFC 6287's numeric encoding makes "1"
and "16" alike, so tracking the digits would let an alias slip by); why a bounded memory is safe is there.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from collections.abc import Mapping
from typing import Any

from sls_devices.dscplus import DSCPLUS_SUITE, CardState, DscPlusCard, InvalidPin, expected_response
from sls_devices.ocra import OcraSuite

from ..errors import InvalidRequest
from ..secretbox import SealError, SecretBox
from ..store.records import CorruptRecord, DeviceChanges, DeviceRecord, LoginTxn
from . import Begin, Enrolment, Prompt, SealedField, sealed_to
from .challenges import ChallengeIssuer
from .errors import ChallengeSpaceExhausted


def new_serial() -> str:
    digits = f"{secrets.randbelow(10**9):09d}"
    return f"5-{digits[:4]}-{digits[4:]}"


def card_counters(state: CardState) -> DeviceChanges:
    """The card's non-secret state, written back after each use of the simulated card."""
    return {
        "pin_failures": state.pin_failures,
        "locked": state.locked,
        "max_pin_failures": state.max_pin_failures,
    }


class DscPlusFactor:
    type = "dscplus"
    title = "Digital Security Card+"
    notice_name = title
    response_pattern = re.compile(r"^[0-9]{8}$")
    response_form = "8 digits"
    device_types: tuple[str, ...] = ("dscplus",)
    sealed_field: SealedField | None = "sealed"

    def __init__(self, box: SecretBox, issuer: ChallengeIssuer, *, pin_attempts: int) -> None:
        self._box = box
        self._issuer = issuer
        self._pin_attempts = pin_attempts
        self._suite = OcraSuite.parse(DSCPLUS_SUITE)

    def enrol(self, device_id: str, username: str, params: Mapping[str, Any], *, now: int) -> Enrolment:
        pin = params.get("pin")
        if not isinstance(pin, str):
            raise InvalidRequest("pin is required: the card's 4-digit PIN, as a string", field="pin")
        try:
            card = DscPlusCard.issue(pin, max_pin_failures=self._pin_attempts)
        except InvalidPin:
            raise InvalidRequest("pin must be exactly 4 digits", field="pin") from None
        serial = new_serial()
        secret = json.dumps({"key": card.state.key.hex(), "pin_sha1": card.state.pin_sha1.hex()}).encode()
        record: DeviceChanges = {
            "serial": serial,
            "suite": DSCPLUS_SUITE,
            "sealed": self._box.seal(secret, context=sealed_to(self.type, device_id)),
            **card_counters(card.state),
        }
        return Enrolment(
            record, {"serial": serial, "suite": DSCPLUS_SUITE, "secret_hex": card.state.key.hex()}
        )

    def begin(self, device: DeviceRecord, step: Begin) -> Prompt:
        challenge = self._issuer.issue(self._suite, device, step)
        if challenge is None:
            raise ChallengeSpaceExhausted(
                "No challenge this card does not remember could be drawn; try again, or enrol a new card."
            )
        return Prompt({"challenge": challenge}, {"challenge": challenge})

    def check(self, device: DeviceRecord, txn: LoginTxn, response: str, *, now: int) -> bool:
        if txn.challenge is None:
            return False
        state = self.open_state(device)
        expected = expected_response(state.key, state.pin_sha1, txn.challenge)
        return hmac.compare_digest(expected.encode(), response.encode())

    def check_stored(self, device: DeviceRecord) -> None:
        if device.suite != DSCPLUS_SUITE:
            raise ValueError(f"a card's suite is {DSCPLUS_SUITE}")
        try:
            self.open_state(device)
        except (SealError, CorruptRecord, KeyError, TypeError, json.JSONDecodeError):
            raise ValueError("its sealed key does not open as a card's key and PIN hash") from None
        # the card's own checks (key and digest lengths, PIN counts in range) raise ValueError as they are

    # --- the card's own state, for the simulator ----------------------------------------------------------

    def open_state(self, device: DeviceRecord) -> CardState:
        if device.sealed is None:
            raise CorruptRecord(f"card {device.device_id} has no sealed key")
        secret = json.loads(self._box.open(device.sealed, context=sealed_to(self.type, device.device_id)))
        return CardState(
            key=bytes.fromhex(secret["key"]),
            pin_sha1=bytes.fromhex(secret["pin_sha1"]),
            pin_failures=device.pin_failures or 0,
            locked=bool(device.locked),
            max_pin_failures=(
                self._pin_attempts if device.max_pin_failures is None else device.max_pin_failures
            ),
        )
