"""RFC 6287 OCRA (OATH Challenge-Response Algorithm), the general algorithm.

Pure computation: no clock, no I/O. Time enters only as an argument, so the
server decides what "now" is (and tests can pin it). The byte layout follows
RFC 6287 section 5.2 and the Java reference code in its Appendix A; where the
prose and the reference code differ (odd-length numeric challenges), the
reference code wins, because every published test vector and every deployed
token was produced by it.

Suites and the errors live in :mod:`sls_devices.ocra_suite` (re-exported here). The DataInput hashed with HMAC
is::

    suite (ASCII) | 0x00 | C (8 bytes BE) | Q (128 bytes) | P (hash) | S (n bytes) | T (8 bytes BE)

where each optional field is present only if the suite names it.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import TypedDict, Unpack

from sls_devices.ocra_suite import (
    InvalidChallenge,
    InvalidOcraInput,
    MissingOcraInput,
    OcraError,
    OcraSuite,
    OcraSuiteError,
    as_suite,
)

__all__ = [
    "InvalidChallenge",
    "InvalidOcraInput",
    "MissingOcraInput",
    "OcraError",
    "OcraInputs",
    "OcraSuite",
    "OcraSuiteError",
    "data_input",
    "encode_question",
    "encoded_question_key",
    "ocra",
    "verify",
]

Question = str | tuple[str, str]
"""A single challenge, or (first, second) for mutual mode, where Q = first | second."""


class OcraInputs(TypedDict, total=False):
    """The optional DataInput fields; each is required exactly when the suite names it.

    ``timestamp`` is unix seconds (divided by the suite's time step), ``time_steps`` the
    already-divided count; ``pin`` is hashed with the suite's P hash, ``pin_hash`` is that hash.
    """

    counter: int
    pin: str
    pin_hash: bytes
    session: bytes
    timestamp: int
    time_steps: int


_Q_FIELD_LEN = 128
_HASH_LEN = {"sha1": 20, "sha256": 32, "sha512": 64}
_FORMAT_RE = {"N": re.compile(r"[0-9]+"), "H": re.compile(r"[0-9A-Fa-f]+"), "A": re.compile(r"[\x20-\x7e]+")}
_FORMAT_NAME = {"N": "decimal digits 0-9", "H": "hexadecimal digits", "A": "printable ASCII characters"}


def _check_part(suite: OcraSuite, part: object) -> str:
    """Validate one challenge against the suite's format and maximum length."""
    if not isinstance(part, str):
        raise InvalidChallenge(f"challenge must be a string, not {type(part).__name__}")
    if len(part) > suite.question_length:
        raise InvalidChallenge(
            f"challenge is {len(part)} characters; suite {suite.text} allows at most {suite.question_length}"
        )
    if _FORMAT_RE[suite.question_format].fullmatch(part) is None:
        raise InvalidChallenge(
            f"challenge {part!r} must be 1..{suite.question_length} {_FORMAT_NAME[suite.question_format]}"
        )
    return part


def encode_question(suite: OcraSuite | str, question: Question) -> bytes:
    """Return the 128-byte Q field.

    Numeric challenges go decimal -> integer -> hex; an odd number of nibbles gets a
    trailing '0' nibble, as the RFC reference code right-pads the hex string. This is
    why distinct numeric challenges can encode identically (see encoded_question_key).
    A (first, second) tuple is the mutual-mode QC|QS or QS|QC: each part is checked
    against the suite, then the strings are joined and encoded as one, like the reference.
    """
    s = as_suite(suite)
    if isinstance(question, tuple):
        if len(question) != 2:
            raise InvalidChallenge("a mutual-mode question must be a (first, second) pair")
        text = _check_part(s, question[0]) + _check_part(s, question[1])
    else:
        text = _check_part(s, question)
    if s.question_format == "A":
        raw = text.encode("ascii")
    else:
        hex_digits = format(int(text), "x") if s.question_format == "N" else text
        if len(hex_digits) % 2:
            hex_digits += "0"
        raw = bytes.fromhex(hex_digits)
    if len(raw) > _Q_FIELD_LEN:  # unreachable with lengths <= 64 per part, kept as a guard
        raise InvalidChallenge(f"encoded challenge is {len(raw)} bytes; the Q field holds {_Q_FIELD_LEN}")
    return raw.ljust(_Q_FIELD_LEN, b"\0")


def encoded_question_key(suite: OcraSuite | str, question: Question) -> str:
    """Hex of the significant (trailing-zero-stripped) encoded challenge bytes.

    Two challenges with the same key give the same response for the same key, PIN and
    counter ("1" and "16", "123" and "000123", "12345" and "197520"), so a server that
    refuses reused challenges must track this key, not the challenge text. The all-zero
    challenge ("0", "000000") returns "00" rather than "" so the key is never falsy.
    """
    significant = encode_question(suite, question).rstrip(b"\0")
    return significant.hex() or "00"


def _pin_field(s: OcraSuite, pin: str | None, pin_hash: bytes | None) -> bytes:
    if s.pin_hash is None:
        if pin is not None or pin_hash is not None:
            raise InvalidOcraInput(f"suite {s.text} does not use a PIN, but one was given")
        return b""
    if pin is not None and pin_hash is not None:
        raise InvalidOcraInput("give either pin or pin_hash, not both")
    if pin is not None:
        if not isinstance(pin, str):
            raise InvalidOcraInput(f"pin must be a string, not {type(pin).__name__}")
        return hashlib.new(s.pin_hash, pin.encode("utf-8")).digest()
    if pin_hash is None:
        raise MissingOcraInput(f"suite {s.text} needs a PIN (pin= or pin_hash=)")
    if not isinstance(pin_hash, bytes) or len(pin_hash) != _HASH_LEN[s.pin_hash]:
        raise InvalidOcraInput(f"pin_hash must be {_HASH_LEN[s.pin_hash]} bytes ({s.pin_hash} digest)")
    return pin_hash


def _u64(name: str, value: object) -> bytes:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value < 2**64:
        raise InvalidOcraInput(f"{name} must be an integer in 0..2**64-1, got {value!r}")
    return value.to_bytes(8, "big")


def _time_field(s: OcraSuite, timestamp: int | None, time_steps: int | None) -> bytes:
    if s.time_step_s is None:
        if timestamp is not None or time_steps is not None:
            raise InvalidOcraInput(f"suite {s.text} is not time-based, but a time was given")
        return b""
    if timestamp is not None and time_steps is not None:
        raise InvalidOcraInput("give either timestamp or time_steps, not both")
    if time_steps is not None:
        return _u64("time_steps", time_steps)
    if timestamp is None:
        raise MissingOcraInput(f"suite {s.text} needs a time (timestamp= or time_steps=)")
    if not isinstance(timestamp, int) or isinstance(timestamp, bool) or timestamp < 0:
        raise InvalidOcraInput(f"timestamp must be non-negative integer unix seconds, got {timestamp!r}")
    return _u64("time_steps", timestamp // s.time_step_s)


def _session_field(s: OcraSuite, session: bytes | None) -> bytes:
    """Session info is left-zero-padded to the suite's length, as in the RFC reference code."""
    if s.session_length is None:
        if session is not None:
            raise InvalidOcraInput(f"suite {s.text} does not use session information, but it was given")
        return b""
    if session is None:
        raise MissingOcraInput(f"suite {s.text} needs session information (session=)")
    if not isinstance(session, bytes) or len(session) > s.session_length:
        raise InvalidOcraInput(f"session must be bytes of at most {s.session_length} bytes")
    return session.rjust(s.session_length, b"\0")


def data_input(suite: OcraSuite | str, question: Question, **inputs: Unpack[OcraInputs]) -> bytes:
    """The exact bytes fed to HMAC; public so a failing vector can be diffed field by field."""
    s = as_suite(suite)
    unknown = inputs.keys() - OcraInputs.__annotations__.keys()
    if unknown:  # **inputs would otherwise swallow a misspelt keyword silently
        raise TypeError(f"unexpected OCRA input(s): {', '.join(sorted(unknown))}")
    counter = inputs.get("counter")
    if s.counter:
        if counter is None:
            raise MissingOcraInput(f"suite {s.text} needs a counter (counter=)")
        c_field = _u64("counter", counter)
    elif counter is not None:
        raise InvalidOcraInput(f"suite {s.text} has no counter, but one was given")
    else:
        c_field = b""
    return b"".join(
        (
            s.text.encode("ascii") + b"\0",
            c_field,
            encode_question(s, question),
            _pin_field(s, inputs.get("pin"), inputs.get("pin_hash")),
            _session_field(s, inputs.get("session")),
            _time_field(s, inputs.get("timestamp"), inputs.get("time_steps")),
        )
    )


def ocra(suite: OcraSuite | str, key: bytes, question: Question, **inputs: Unpack[OcraInputs]) -> str:
    """Compute the OCRA response: HMAC over DataInput, then HOTP dynamic truncation.

    With ``digits == 0`` (no truncation) the whole HMAC is returned as lower-case hex.
    """
    s = as_suite(suite)
    if not isinstance(key, bytes) or not key:
        raise InvalidOcraInput("key must be non-empty bytes")
    mac = hmac.new(key, data_input(s, question, **inputs), s.hash_name).digest()
    if s.digits == 0:
        return mac.hex()
    offset = mac[-1] & 0x0F
    code = int.from_bytes(mac[offset : offset + 4], "big") & 0x7FFFFFFF
    return str(code % 10**s.digits).zfill(s.digits)


def verify(
    suite: OcraSuite | str, key: bytes, question: Question, response: str, **inputs: Unpack[OcraInputs]
) -> bool:
    """True iff ``response`` is the OCRA response; compared in constant time to leak no prefix.

    Bad suites, challenges or inputs still raise: those are caller errors, not wrong answers.
    A non-string response is simply wrong (False).
    """
    expected = ocra(suite, key, question, **inputs)
    if not isinstance(response, str):
        return False
    return hmac.compare_digest(expected.encode("ascii"), response.encode("utf-8"))
