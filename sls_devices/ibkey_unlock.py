"""IB Key's unlock secrets and refusals: the Android app's PIN, an iPhone's passcode (for an iPhone without
Touch ID / Face ID set up), how they are hashed, and the app's exceptions. Pure, as ``sls_devices.ibkey``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets

# [0-9A-Za-z] rather than \w or isalnum(): those take non-ASCII letters and digits no keypad would send.
PIN_RE = re.compile(r"^(?=[A-Za-z0-9]*[0-9])[A-Za-z0-9]{4,6}$")
#: An iPhone's passcode as its keypad takes it: 4 or 6 digits (the two numeric kinds iOS offers).
PASSCODE_RE = re.compile(r"^(?:[0-9]{4}|[0-9]{6})$")
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}


class IbKeyError(Exception):
    """Base of the app's refusals; ``code`` is what the server maps to an HTTP error."""

    code = "ibkey_error"


class InvalidPin(IbKeyError, ValueError):
    code = "invalid_pin"


class WrongPin(IbKeyError):
    code = "wrong_pin"

    def __init__(self, attempts_left: int) -> None:
        self.attempts_left = attempts_left
        super().__init__(
            "wrong PIN; " + ("the app is now locked" if not attempts_left else f"{attempts_left} left")
        )


class InvalidPasscode(IbKeyError, ValueError):
    code = "invalid_passcode"


class WrongPasscode(IbKeyError):
    """The iPhone's passcode, mistyped: refused on the phone, nothing reaches the server."""

    code = "wrong_passcode"

    def __init__(self, attempts_left: int) -> None:
        self.attempts_left = attempts_left
        super().__init__(
            "wrong iPhone passcode; "
            + ("IB Key is now locked" if not attempts_left else f"{attempts_left} left")
        )


class AppLocked(IbKeyError):
    code = "app_locked"


class UnlockRefused(IbKeyError):
    """The wrong kind of unlock for the platform or the phone's settings; ``expects`` names the right one
    (``pin``, ``biometric`` or ``passcode``)."""

    code = "unlock_refused"

    def __init__(self, message: str, expects: str = "pin") -> None:
        self.expects = expects
        super().__init__(message)


class UnknownUser(IbKeyError):
    code = "unknown_user"


class InvalidChoice(IbKeyError, ValueError):
    code = "invalid_choice"


def validate_pin(pin: object) -> str:
    if not isinstance(pin, str) or not PIN_RE.fullmatch(pin):
        raise InvalidPin("the PIN must be 4-6 letters or digits 0-9, with at least one digit")
    return pin


def validate_passcode(passcode: object) -> str:
    if not isinstance(passcode, str) or not PASSCODE_RE.fullmatch(passcode):
        raise InvalidPasscode("the iPhone's passcode is 4 or 6 digits")
    return passcode


def hash_pin(pin: str, salt: bytes | None = None, *, passcode: bool = False) -> str:
    """``scrypt$n$r$p$salt$hash``: parameters beside the hash, so they can be raised later. ``passcode``:
    an iPhone's passcode (4 or 6 digits) rather than an Android app's PIN."""
    salt = salt or secrets.token_bytes(16)
    secret = validate_passcode(pin) if passcode else validate_pin(pin)
    digest = hashlib.scrypt(secret.encode(), salt=salt, dklen=32, **_SCRYPT)
    return f"scrypt${_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}${salt.hex()}${digest.hex()}"


def own_pin_hash(stored: str) -> bool:
    """Whether ``stored`` is a hash as :func:`hash_pin` writes it: its parameters (the cost of every unlock)
    exactly these, a 16-byte salt and a 32-byte digest in lower-case hex."""
    parts = stored.split("$")
    params = f"{_SCRYPT['n']}${_SCRYPT['r']}${_SCRYPT['p']}"
    return (
        len(parts) == 6
        and parts[0] == "scrypt"
        and "$".join(parts[1:4]) == params
        and _hex_of(parts[4], 16)
        and _hex_of(parts[5], 32)
    )


def _hex_of(text: str, size: int) -> bool:
    return len(text) == 2 * size and all(c in "0123456789abcdef" for c in text)


def verify_pin(pin: str, stored: str) -> bool:
    _, n, r, p, salt, digest = stored.split("$")
    got = hashlib.scrypt(pin.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32)
    return hmac.compare_digest(got, bytes.fromhex(digest))
