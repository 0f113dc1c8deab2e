"""The Digital Security Card+ as a factor: enrol a card, give it fresh challenges, check its responses.

The server verifies by running the same algorithm as the card (``devices.dscplus``) on the key and PIN
hash it keeps sealed. Challenges are never given twice to one card, tracked by their *encoded* bytes:
RFC 6287's numeric encoding makes "1" and "16" alike, so tracking the digits would let an alias slip by.
"""

from __future__ import annotations

import hmac
import json
import re
import secrets
from collections.abc import Mapping
from typing import Any

from devices.dscplus import DSCPLUS_SUITE, CardState, DscPlusCard, InvalidPin, expected_response
from devices.ocra import OcraSuite, encoded_question_key

from ..errors import Conflict, InvalidRequest
from ..secretbox import SecretBox
from ..store.devices import DeviceRepo
from . import Begin, Enrolment, Prompt

#: Distinct encodings a card may be given before it must be replaced; half the space keeps random draws cheap.
CHALLENGE_CAPACITY = 500_000
_CANDIDATES_PER_TRY = 8
_TRIES = 16


class ChallengeSpaceExhausted(Conflict):
    code = "challenge_space_exhausted"
    message = "This card has used up its challenges; enrol a new card."


def new_challenge() -> str:
    return f"{secrets.randbelow(10**6):06d}"


def new_serial() -> str:
    digits = f"{secrets.randbelow(10**9):09d}"
    return f"5-{digits[:4]}-{digits[4:]}"


def card_counters(state: CardState) -> dict[str, Any]:
    """The card's non-secret state, written back after each use of the simulated card."""
    return {
        "pin_failures": state.pin_failures,
        "locked": state.locked,
        "max_pin_failures": state.max_pin_failures,
    }


class DscPlusFactor:
    type = "dscplus"
    response_pattern = re.compile(r"^[0-9]{8}$")
    device_types = ("dscplus",)

    def __init__(self, box: SecretBox, devices: DeviceRepo, *, pin_attempts: int) -> None:
        self._box = box
        self._devices = devices
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
        record = {
            "serial": serial,
            "suite": DSCPLUS_SUITE,
            "sealed": self._box.seal(secret, context=f"dscplus:{device_id}"),
            **card_counters(card.state),
        }
        return Enrolment(
            record, {"serial": serial, "suite": DSCPLUS_SUITE, "secret_hex": card.state.key.hex()}
        )

    def begin(self, device: Mapping[str, str], step: Begin) -> Prompt:
        for _ in range(_TRIES):
            candidates = [new_challenge() for _ in range(_CANDIDATES_PER_TRY)]
            encodings = [encoded_question_key(self._suite, c) for c in candidates]
            claimed = self._devices.claim_challenge(device["device_id"], encodings, CHALLENGE_CAPACITY)
            if claimed == "full":
                break
            if isinstance(claimed, int) and claimed > 0:
                challenge = candidates[claimed - 1]
                return Prompt({"challenge": challenge}, {"challenge": challenge})
        raise ChallengeSpaceExhausted()

    def check(self, device: Mapping[str, str], txn: Mapping[str, str], response: str, *, now: int) -> bool:
        state = self.open_state(device)
        expected = expected_response(state.key, state.pin_sha1, txn["challenge"])
        return hmac.compare_digest(expected.encode(), response.encode())

    # --- the card's own state, for the simulator ----------------------------------------------------------

    def open_state(self, device: Mapping[str, str]) -> CardState:
        secret = json.loads(self._box.open(device["sealed"], context=f"dscplus:{device['device_id']}"))
        return CardState(
            key=bytes.fromhex(secret["key"]),
            pin_sha1=bytes.fromhex(secret["pin_sha1"]),
            pin_failures=int(device.get("pin_failures", 0)),
            locked=device.get("locked") == "1",
            max_pin_failures=int(device.get("max_pin_failures", self._pin_attempts)),
        )
