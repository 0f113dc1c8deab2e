"""RFC 6287 OCRA's suites (``OCRA-1:HOTP-SHA256-8:QN06-PSHA1``) parsed strictly, and the errors of OCRA.

The suite says which hash, how many digits, and which DataInput fields a response covers (counter, question
format and length, PIN hash, session, time step); :mod:`sls_devices.ocra` computes with it. Pure: no clock, no
I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TIME_UNIT_S = {"S": 1, "M": 60, "H": 3600}
# RFC 6287 section 6.3: G = [1-59]S | [1-59]M | [0-48]H. A zero-length step is meaningless, so 0H is refused.
_TIME_MAX = {"S": 59, "M": 59, "H": 48}

# re.ASCII: a bare \d also matches the digits of other scripts (U+0666), which int() reads; the suite's text
# is hashed into every response as ASCII, so such a suite could never answer (found by tests/fuzz).
_CRYPTO_RE = re.compile(r"HOTP-SHA(1|256|512)-(\d{1,2})", re.ASCII)
_DATA_RE = re.compile(
    r"(?P<c>C-)?"
    r"Q(?P<qf>[ANH])(?P<ql>\d\d)"
    r"(?:-P(?P<p>SHA1|SHA256|SHA512))?"
    r"(?:-(?P<S>S)(?P<s>\d{3})?)?"
    r"(?:-T(?P<tn>\d{1,2})(?P<tu>[SMH]))?",
    re.ASCII,
)


class OcraError(ValueError):
    """Base of every OCRA failure; a ValueError because each one is a bad argument, never a bad state."""

    code: str = "ocra_error"


class OcraSuiteError(OcraError):
    """The suite string is not a valid RFC 6287 OCRASuite."""

    code = "invalid_suite"


class InvalidChallenge(OcraError):
    """The question does not match the suite's format (N/A/H) or is longer than the suite allows."""

    code = "invalid_challenge"


class MissingOcraInput(OcraError):
    """The suite needs a counter, PIN, session or time value that the caller did not pass."""

    code = "missing_input"


class InvalidOcraInput(OcraError):
    """An input is malformed, out of range, or passed to a suite that does not use it.

    Refusing unused inputs (rather than ignoring them) catches callers who believe
    a counter or PIN is protecting a response when the suite silently drops it.
    """

    code = "invalid_input"


@dataclass(frozen=True)
class OcraSuite:
    """A parsed OCRASuite; ``text`` is kept verbatim because it is itself hashed into every response."""

    text: str
    hash_name: str
    digits: int
    counter: bool
    question_format: str
    question_length: int
    pin_hash: str | None
    session_length: int | None
    time_step_s: int | None

    @classmethod
    def parse(cls, text: str) -> OcraSuite:
        """Parse strictly (upper case, RFC field order), so one suite has exactly one spelling and hash."""
        if not isinstance(text, str):
            raise OcraSuiteError(f"OCRA suite must be a string, not {type(text).__name__}")
        parts = text.split(":")
        if len(parts) != 3:
            raise OcraSuiteError(f"OCRA suite {text!r} must have 3 ':'-separated parts (OCRA-1:crypto:data)")
        algorithm, crypto, data = parts
        if algorithm != "OCRA-1":
            raise OcraSuiteError(f"OCRA suite {text!r}: unsupported algorithm {algorithm!r}, not 'OCRA-1'")
        m = _CRYPTO_RE.fullmatch(crypto)
        if m is None:
            raise OcraSuiteError(f"OCRA suite {text!r}: crypto function {crypto!r} is not HOTP-SHAx-t")
        digits = int(m.group(2))
        if digits != 0 and not 4 <= digits <= 10:
            raise OcraSuiteError(f"OCRA suite {text!r}: truncation length {digits} must be 0 or 4..10")
        d = _DATA_RE.fullmatch(data)
        if d is None:
            raise OcraSuiteError(
                f"OCRA suite {text!r}: data input {data!r} is not [C-]QFxx[-PH][-Snnn][-TG] in that order"
            )
        qlen = int(d["ql"])
        if not 4 <= qlen <= 64:
            raise OcraSuiteError(f"OCRA suite {text!r}: question length {qlen} must be 04..64")
        session_length: int | None = None
        if d["S"] is not None:
            # RFC 6287 section 6.3: a bare 'S' means S064.
            session_length = int(d["s"]) if d["s"] is not None else 64
        if session_length == 0:
            raise OcraSuiteError(f"OCRA suite {text!r}: session length must be at least 1")
        time_step_s: int | None = None
        if d["tn"] is not None:
            n, unit = int(d["tn"]), d["tu"]
            if not 1 <= n <= _TIME_MAX[unit]:
                raise OcraSuiteError(f"OCRA suite {text!r}: T{n}{unit} is outside 1..{_TIME_MAX[unit]}{unit}")
            time_step_s = n * _TIME_UNIT_S[unit]
        return cls(
            text=text,
            hash_name="sha" + m.group(1),
            digits=digits,
            counter=d["c"] is not None,
            question_format=d["qf"],
            question_length=qlen,
            pin_hash=d["p"].lower() if d["p"] else None,
            session_length=session_length,
            time_step_s=time_step_s,
        )


def as_suite(suite: OcraSuite | str) -> OcraSuite:
    """A suite as given: parsed already, or its text (parsed here, strictly)."""
    return suite if isinstance(suite, OcraSuite) else OcraSuite.parse(suite)
