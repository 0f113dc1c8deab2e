"""RFC 4226 HOTP and RFC 6238 TOTP, as thin wrappers over ``pyotp`` (no hand-rolled HMAC here).

Pure computation: no clock, no I/O. Keys are raw bytes, as they are sealed on the server; pyotp wants a
base32 string and a hash constructor, so the conversion lives here and nowhere else.

TOTP is computed as HOTP over the time step (RFC 6238 section 4.2: ``T = floor((now - T0) / X)``) rather
than with ``pyotp.TOTP.at``: pyotp has no ``T0``, and the server needs the step number itself anyway, to
refuse a step that was already used (replay). The step arithmetic is integer-only, so no float rounding
or local-timezone conversion can move a boundary.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Callable
from typing import Any

import pyotp

__all__ = ["ALGORITHMS", "MAX_COUNTER", "OtpError", "b32", "hotp", "time_step", "totp_at"]

#: The HMAC hashes RFC 6238 names; the keys are what the ``algorithm`` parameter accepts.
ALGORITHMS: dict[str, Callable[..., Any]] = {
    "sha1": hashlib.sha1,
    "sha256": hashlib.sha256,
    "sha512": hashlib.sha512,
}
#: The moving factor is an 8-byte big-endian integer (RFC 4226 section 5.2).
MAX_COUNTER = 2**64 - 1
MIN_DIGITS = 6  # RFC 4226 section 5.3: at least 6 digits
MAX_DIGITS = 10  # what a 31-bit truncated value can fill; pyotp's limit too


class OtpError(ValueError):
    """An argument outside what HOTP/TOTP defines (unknown hash, negative counter, bad period...)."""


def b32(key: bytes) -> str:
    """The key as unpadded base32, the form otpauth:// URIs and authenticator apps use."""
    return base64.b32encode(key).decode("ascii").rstrip("=")


def _digest(algorithm: str) -> Callable[..., Any]:
    try:
        return ALGORITHMS[algorithm]
    except KeyError:
        raise OtpError(f"algorithm must be one of {', '.join(ALGORITHMS)}, not {algorithm!r}") from None


def hotp(key: bytes, counter: int, *, digits: int = 6, algorithm: str = "sha1") -> str:
    """RFC 4226 HOTP value of ``key`` at ``counter``, zero-padded to ``digits``."""
    if not key:
        raise OtpError("the key must not be empty")
    if not 0 <= counter <= MAX_COUNTER:
        raise OtpError(f"counter must be between 0 and 2**64-1, not {counter}")
    if not MIN_DIGITS <= digits <= MAX_DIGITS:
        raise OtpError(f"digits must be between {MIN_DIGITS} and {MAX_DIGITS}, not {digits}")
    digest = _digest(algorithm)
    try:
        generator = pyotp.HOTP(b32(key), digits=digits, digest=digest)
        return generator.at(counter)
    except ValueError as exc:  # pyotp refuses keys under 112 bits, among others
        raise OtpError(str(exc)) from exc


def time_step(unix_time: int, period: int, t0: int = 0) -> int:
    """RFC 6238 ``T``: the number of whole ``period``-second steps between ``t0`` and ``unix_time``."""
    if period <= 0:
        raise OtpError(f"period must be a positive number of seconds, not {period}")
    if unix_time < t0:
        raise OtpError("the time must not be before T0")
    return (int(unix_time) - int(t0)) // int(period)


def totp_at(
    key: bytes, unix_time: int, *, period: int = 30, digits: int = 6, algorithm: str = "sha1", t0: int = 0
) -> str:
    """RFC 6238 TOTP value at ``unix_time``: HOTP over the time step."""
    return hotp(key, time_step(unix_time, period, t0), digits=digits, algorithm=algorithm)
