"""The Digital Security Card+ (DSC+): IBKR's PIN-protected OCRA hardware token.

The physical card: power on, it shows ``PIN>``; key in the 4-digit PIN and OK, it shows
``CHALLNG>``; key in the 6-digit challenge from the login page and OK, it shows an
8-digit response computed with OCRA suite ``OCRA-1:HOTP-SHA256-8:QN06-PSHA1``.

Two facts shape this model:

* The card checks the PIN itself and locks after ``max_pin_failures`` wrong PINs in a
  row; only an administrator can unlock it. The server never sees the PIN.
* The SHA-1 of the PIN is also an OCRA input, so the server (which stores that hash)
  can verify a response without the PIN, and a response computed with a wrong PIN is
  simply a wrong response to it.

``CardState`` is everything the server persists; ``DscPlusCard`` is the behaviour on top
of it, mutating the state in place so the caller decides when to save it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from typing import Any

from sls_devices import ocra

__all__ = [
    "CHALLENGE_LENGTH",
    "DSCPLUS_SUITE",
    "KEY_LENGTH",
    "PIN_LENGTH",
    "CardError",
    "CardLocked",
    "CardState",
    "DscPlusCard",
    "InvalidChallenge",
    "InvalidPin",
    "WrongPin",
    "expected_response",
    "hash_pin",
]

DSCPLUS_SUITE = "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"
_SUITE = ocra.OcraSuite.parse(DSCPLUS_SUITE)
KEY_LENGTH = 32
PIN_LENGTH = 4
CHALLENGE_LENGTH = 6
_PIN_SHA1_LENGTH = 20
# [0-9] rather than \d or str.isdigit(): those accept non-ASCII digits such as fullwidth U+FF11.
_PIN_RE = re.compile(f"[0-9]{{{PIN_LENGTH}}}")
_CHALLENGE_RE = re.compile(f"[0-9]{{{CHALLENGE_LENGTH}}}")


class CardError(Exception):
    """Base of the card's refusals; ``code`` is what the server maps to an HTTP error."""

    code: str = "card_error"


class WrongPin(CardError):
    """The PIN was wrong. ``attempts_left`` is 0 on the failure that locks the card."""

    code = "wrong_pin"

    def __init__(self, attempts_left: int) -> None:
        self.attempts_left = attempts_left
        suffix = "the card is now locked" if attempts_left == 0 else f"{attempts_left} attempt(s) left"
        super().__init__(f"wrong PIN; {suffix}")


class CardLocked(CardError):
    """Too many wrong PINs in a row; every request is refused until an administrator resets the card."""

    code = "card_locked"

    def __init__(self, message: str = "the card is locked after too many wrong PINs") -> None:
        super().__init__(message)


class InvalidChallenge(CardError, ocra.InvalidChallenge):
    """Not exactly 6 ASCII digits. Also an ``ocra.InvalidChallenge``, so either except clause catches it."""

    code = "invalid_challenge"


class InvalidPin(ValueError):
    """At enrolment, a PIN that is not exactly 4 ASCII digits (the card's keypad could never enter it)."""

    code = "invalid_pin"


def _check_challenge(challenge: object) -> str:
    """The card's keypad takes exactly 6 digits, so anything else cannot be a card challenge.

    This is stricter than the suite (QN06 allows 1..6 digits), which matters: shorter
    numeric challenges alias longer ones (e.g. "7716" and "123456" encode identically).
    """
    if not isinstance(challenge, str) or _CHALLENGE_RE.fullmatch(challenge) is None:
        raise InvalidChallenge(f"the challenge must be {CHALLENGE_LENGTH} digits 0-9; got {challenge!r}")
    return challenge


def hash_pin(pin: str) -> bytes:
    """SHA-1 of a valid PIN, as stored by the server and fed to OCRA; raises InvalidPin otherwise."""
    if not isinstance(pin, str) or _PIN_RE.fullmatch(pin) is None:
        raise InvalidPin(f"the PIN must be exactly {PIN_LENGTH} digits 0-9")
    return hashlib.sha1(pin.encode("ascii")).digest()


def expected_response(key: bytes, pin_sha1: bytes, challenge: str) -> str:
    """The response a card with this key and PIN hash shows for ``challenge``; what the server checks.

    No PIN check and no lock: the server cannot know either, it only sees the response.
    """
    _check_challenge(challenge)
    if not isinstance(key, bytes) or len(key) != KEY_LENGTH:
        raise ValueError(f"a DSC+ key is {KEY_LENGTH} bytes")
    return ocra.ocra(_SUITE, key, challenge, pin_hash=pin_sha1)


@dataclass
class CardState:
    """Everything the server persists about one card. Plain data; ``to_dict`` gives a JSON-safe form."""

    key: bytes
    pin_sha1: bytes
    pin_failures: int = 0
    locked: bool = False
    max_pin_failures: int = 3

    def __post_init__(self) -> None:
        if not isinstance(self.key, bytes) or len(self.key) != KEY_LENGTH:
            raise ValueError(f"a DSC+ key is {KEY_LENGTH} bytes")
        if not isinstance(self.pin_sha1, bytes) or len(self.pin_sha1) != _PIN_SHA1_LENGTH:
            raise ValueError(f"pin_sha1 is a {_PIN_SHA1_LENGTH}-byte SHA-1 digest")
        if self.max_pin_failures < 1:
            raise ValueError("max_pin_failures must be at least 1")
        if not 0 <= self.pin_failures <= self.max_pin_failures:
            raise ValueError("pin_failures must be in 0..max_pin_failures")

    def to_dict(self) -> dict[str, Any]:
        """Bytes as hex, so the state round-trips through JSON (and Redis hashes) unchanged."""
        return {
            "key": self.key.hex(),
            "pin_sha1": self.pin_sha1.hex(),
            "pin_failures": self.pin_failures,
            "locked": self.locked,
            "max_pin_failures": self.max_pin_failures,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CardState:
        """Inverse of ``to_dict``; validation happens in ``__post_init__``."""
        return cls(
            key=bytes.fromhex(data["key"]),
            pin_sha1=bytes.fromhex(data["pin_sha1"]),
            pin_failures=int(data.get("pin_failures", 0)),
            locked=bool(data.get("locked", False)),
            max_pin_failures=int(data.get("max_pin_failures", 3)),
        )


class DscPlusCard:
    """The card's behaviour over a ``CardState``, which it mutates in place."""

    def __init__(self, state: CardState) -> None:
        self._state = state

    @classmethod
    def issue(cls, pin: str, *, key: bytes | None = None, max_pin_failures: int = 3) -> DscPlusCard:
        """A new card: a fresh random 32-byte key unless one is given (tests, vectors), and a valid PIN."""
        digest = hash_pin(pin)
        if key is None:
            key = secrets.token_bytes(KEY_LENGTH)
        return cls(CardState(key=key, pin_sha1=digest, max_pin_failures=max_pin_failures))

    @property
    def state(self) -> CardState:
        """The live state (not a copy): persist it after every call that may have changed it."""
        return self._state

    @property
    def locked(self) -> bool:
        return self._state.locked

    @property
    def attempts_left(self) -> int:
        """Wrong PINs the card still tolerates before locking (0 when locked)."""
        return 0 if self._state.locked else self._state.max_pin_failures - self._state.pin_failures

    def check_pin(self, pin: str) -> None:
        """Check the PIN as the card does after ``PIN>`` + OK, updating the failure count.

        A locked card raises CardLocked without looking at the PIN, so a locked card leaks
        nothing about it. A malformed PIN (not 4 ASCII digits) counts as a wrong PIN: the
        card only knows it did not match. The comparison is constant-time on SHA-1 digests.
        Design choice: the failure that reaches the limit raises WrongPin(attempts_left=0)
        and locks the card; every later call raises CardLocked.
        """
        st = self._state
        if st.locked:
            raise CardLocked()
        if not isinstance(pin, str):
            raise TypeError(f"the PIN must be a string, not {type(pin).__name__}")
        candidate = hashlib.sha1(pin.encode("ascii")).digest() if _PIN_RE.fullmatch(pin) else b""
        if hmac.compare_digest(candidate, st.pin_sha1):
            st.pin_failures = 0
            return
        st.pin_failures += 1
        if st.pin_failures >= st.max_pin_failures:
            st.pin_failures = st.max_pin_failures
            st.locked = True
        raise WrongPin(attempts_left=st.max_pin_failures - st.pin_failures)

    def respond(self, pin: str, challenge: str) -> str:
        """PIN, then challenge, as keyed on the card; returns the 8-digit response.

        The PIN is checked first (a right PIN resets the failure count even if the
        challenge then turns out malformed); a wrong PIN raises before the challenge
        is even looked at, so it consumes nothing but a PIN attempt.
        """
        self.check_pin(pin)
        return expected_response(self._state.key, self._state.pin_sha1, _check_challenge(challenge))

    def reset(self) -> None:
        """Administrator reset: unlock and forget past failures (the PIN and key are unchanged)."""
        self._state.locked = False
        self._state.pin_failures = 0
