"""RFC 6287 OCRA refusing what it must: suites parsed strictly, inputs missing, unexpected or malformed, bad
questions, wrong responses, and the error codes (the published vectors: ``test_ocra.py``)."""

from __future__ import annotations

import hashlib
import re
from typing import Any

import pytest
from ocra_vectors import DERIVED_VECTORS, DSC_SUITE, KEY32, PIN_SHA1

from sls_devices import ocra
from sls_devices.ocra import (
    InvalidChallenge,
    InvalidOcraInput,
    MissingOcraInput,
    OcraError,
    OcraSuite,
    OcraSuiteError,
    data_input,
    encoded_question_key,
    verify,
)

PSHA1 = "OCRA-1:HOTP-SHA256-8:QN08-PSHA1"
T1M = "OCRA-1:HOTP-SHA512-8:QN08-T1M"

# --- suite parsing --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fields"),
    [
        ("OCRA-1:HOTP-SHA256-8:QN06-PSHA1", ("sha256", 8, False, "N", 6, "sha1", None, None)),
        ("OCRA-1:HOTP-SHA1-6:QN08", ("sha1", 6, False, "N", 8, None, None, None)),
        ("OCRA-1:HOTP-SHA512-8:C-QN08", ("sha512", 8, True, "N", 8, None, None, None)),
        ("OCRA-1:HOTP-SHA512-8:QA10-T1M", ("sha512", 8, False, "A", 10, None, None, 60)),
        ("OCRA-1:HOTP-SHA1-0:C-QH40-PSHA512-S128-T30S", ("sha1", 0, True, "H", 40, "sha512", 128, 30)),
        ("OCRA-1:HOTP-SHA512-10:QA64-S-T2H", ("sha512", 10, False, "A", 64, None, 64, 7200)),
        ("OCRA-1:HOTP-SHA256-4:QN04-PSHA256-T48H", ("sha256", 4, False, "N", 4, "sha256", None, 48 * 3600)),
        ("OCRA-1:HOTP-SHA1-6:QN08-S001-T59S", ("sha1", 6, False, "N", 8, None, 1, 59)),
    ],
)
def test_suite_parse(text: str, fields: tuple[Any, ...]) -> None:
    s = OcraSuite.parse(text)
    assert s.text == text
    got = (
        s.hash_name,
        s.digits,
        s.counter,
        s.question_format,
        s.question_length,
        s.pin_hash,
        s.session_length,
        s.time_step_s,
    )
    assert got == fields


@pytest.mark.parametrize(
    "text",
    [
        "",
        "OCRA-1:HOTP-SHA1-6",
        "OCRA-1:HOTP-SHA1-6:QN08:X",
        "OCRA-2:HOTP-SHA1-6:QN08",
        " OCRA-1:HOTP-SHA1-6:QN08",
        "ocra-1:hotp-sha1-6:qn08",
        "OCRA-1:HOTP-MD5-6:QN08",
        "OCRA-1:TOTP-SHA1-6:QN08",
        "OCRA-1:HOTP-SHA1-3:QN08",
        "OCRA-1:HOTP-SHA1-11:QN08",
        "OCRA-1:HOTP-SHA1-6:QX08",
        "OCRA-1:HOTP-SHA1-6:QN8",
        "OCRA-1:HOTP-SHA1-6:QN03",
        "OCRA-1:HOTP-SHA1-6:QN65",
        "OCRA-1:HOTP-SHA1-6:C",
        "OCRA-1:HOTP-SHA1-6:QN08-C",
        "OCRA-1:HOTP-SHA1-6:QN08-T1M-PSHA1",
        "OCRA-1:HOTP-SHA1-6:QN08-PMD5",
        "OCRA-1:HOTP-SHA1-6:QN08-S12",
        "OCRA-1:HOTP-SHA1-6:QN08-S000",
        "OCRA-1:HOTP-SHA1-6:QN08-T0M",
        "OCRA-1:HOTP-SHA1-6:QN08-T60S",
        "OCRA-1:HOTP-SHA1-6:QN08-T49H",
        "OCRA-1:HOTP-SHA1-6:QN08-T1D",
        "OCRA-1:HOTP-SHA1-6:QN08-",
        # Digits of other scripts, which a bare \d matches and int() reads (found by tests/fuzz): the text is
        # hashed into every response as ASCII, so such a suite could never answer.
        "OCRA-1:HOTP-SHA1-\u0666:QN08",
        "OCRA-1:HOTP-SHA1-6:QA\u0660\u0668",
        "OCRA-1:HOTP-SHA1-6:QN08-S\u0661\u0662\u0668",
        "OCRA-1:HOTP-SHA1-6:QN08-T\uff11M",
    ],
)
def test_bad_suites_are_refused(text: str) -> None:
    with pytest.raises(OcraSuiteError) as exc:
        OcraSuite.parse(text)
    assert isinstance(exc.value, ValueError)
    assert exc.value.code == "invalid_suite"
    assert str(exc.value)
    with pytest.raises(OcraSuiteError):
        ocra.ocra(text, KEY32, "1234")


# --- missing and unexpected inputs ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("suite", "kwargs"),
    [
        ("OCRA-1:HOTP-SHA512-8:C-QN08", {}),
        ("OCRA-1:HOTP-SHA256-8:QN08-PSHA1", {}),
        ("OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", {"counter": 1}),
        ("OCRA-1:HOTP-SHA256-8:C-QN08-PSHA1", {"pin": "1234"}),
        ("OCRA-1:HOTP-SHA512-8:QN08-T1M", {}),
        ("OCRA-1:HOTP-SHA1-6:QN08-S064", {}),
    ],
)
def test_missing_inputs(suite: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(MissingOcraInput) as exc:
        ocra.ocra(suite, KEY32, "12345678", **kwargs)
    assert exc.value.code == "missing_input"
    assert isinstance(exc.value, ValueError)


@pytest.mark.parametrize(
    ("suite", "kwargs"),
    [
        ("OCRA-1:HOTP-SHA1-6:QN08", {"counter": 0}),
        ("OCRA-1:HOTP-SHA1-6:QN08", {"pin": "1234"}),
        ("OCRA-1:HOTP-SHA1-6:QN08", {"pin_hash": PIN_SHA1}),
        ("OCRA-1:HOTP-SHA1-6:QN08", {"timestamp": 0}),
        ("OCRA-1:HOTP-SHA1-6:QN08", {"session": b"x"}),
        ("OCRA-1:HOTP-SHA512-8:C-QN08", {"counter": -1}),
        ("OCRA-1:HOTP-SHA512-8:C-QN08", {"counter": 2**64}),
        ("OCRA-1:HOTP-SHA512-8:C-QN08", {"counter": "1"}),
        ("OCRA-1:HOTP-SHA512-8:C-QN08", {"counter": True}),
        ("OCRA-1:HOTP-SHA256-8:QN08-PSHA1", {"pin": "1234", "pin_hash": PIN_SHA1}),
        ("OCRA-1:HOTP-SHA256-8:QN08-PSHA1", {"pin_hash": PIN_SHA1[:19]}),
        ("OCRA-1:HOTP-SHA256-8:QN08-PSHA256", {"pin_hash": PIN_SHA1}),
        ("OCRA-1:HOTP-SHA512-8:QN08-T1M", {"timestamp": 60, "time_steps": 1}),
        ("OCRA-1:HOTP-SHA512-8:QN08-T1M", {"timestamp": -60}),
        ("OCRA-1:HOTP-SHA512-8:QN08-T1M", {"timestamp": 60.0}),
        ("OCRA-1:HOTP-SHA512-8:QN08-T1M", {"time_steps": -1}),
        ("OCRA-1:HOTP-SHA1-6:QN08-S002", {"session": b"abc"}),
        ("OCRA-1:HOTP-SHA1-6:QN08-S002", {"session": "ab"}),
    ],
)
def test_invalid_inputs(suite: str, kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidOcraInput) as exc:
        ocra.ocra(suite, KEY32, "12345678", **kwargs)
    assert exc.value.code == "invalid_input"


@pytest.mark.parametrize(
    ("suite", "kwargs", "message"),
    [
        (
            "OCRA-1:HOTP-SHA1-6:QN08",
            {"pin": "1234"},
            "suite OCRA-1:HOTP-SHA1-6:QN08 does not use a PIN, but one was given",
        ),
        (PSHA1, {"pin": "1234", "pin_hash": PIN_SHA1}, "give either pin or pin_hash, not both"),
        (PSHA1, {"pin": 1234}, "pin must be a string, not int"),
        (PSHA1, {}, f"suite {PSHA1} needs a PIN (pin= or pin_hash=)"),
        (PSHA1, {"pin_hash": PIN_SHA1[:19]}, "pin_hash must be 20 bytes (sha1 digest)"),
        ("OCRA-1:HOTP-SHA512-8:C-QN08", {"counter": -1}, "counter must be an integer in 0..2**64-1, got -1"),
        ("OCRA-1:HOTP-SHA512-8:C-QN08", {}, "suite OCRA-1:HOTP-SHA512-8:C-QN08 needs a counter (counter=)"),
        (
            "OCRA-1:HOTP-SHA1-6:QN08",
            {"counter": 0},
            "suite OCRA-1:HOTP-SHA1-6:QN08 has no counter, but one was given",
        ),
        (
            "OCRA-1:HOTP-SHA1-6:QN08",
            {"timestamp": 0},
            "suite OCRA-1:HOTP-SHA1-6:QN08 is not time-based, but a time was given",
        ),
        (T1M, {"timestamp": 60, "time_steps": 1}, "give either timestamp or time_steps, not both"),
        (T1M, {}, f"suite {T1M} needs a time (timestamp= or time_steps=)"),
        (T1M, {"time_steps": -1}, "time_steps must be an integer in 0..2**64-1, got -1"),
        (T1M, {"timestamp": 60.0}, "timestamp must be non-negative integer unix seconds, got 60.0"),
        (T1M, {"timestamp": True}, "timestamp must be non-negative integer unix seconds, got True"),
        (T1M, {"timestamp": -1}, "timestamp must be non-negative integer unix seconds, got -1"),
        (T1M, {"timestamp": 2**64 * 60}, f"time_steps must be an integer in 0..2**64-1, got {2**64}"),
        (
            "OCRA-1:HOTP-SHA1-6:QN08",
            {"session": b"x"},
            "suite OCRA-1:HOTP-SHA1-6:QN08 does not use session information, but it was given",
        ),
        (
            "OCRA-1:HOTP-SHA1-6:QN08-S064",
            {},
            "suite OCRA-1:HOTP-SHA1-6:QN08-S064 needs session information (session=)",
        ),
        ("OCRA-1:HOTP-SHA1-6:QN08-S002", {"session": b"abc"}, "session must be bytes of at most 2 bytes"),
    ],
)
def test_an_input_is_refused_in_words_that_name_it(suite: str, kwargs: dict[str, Any], message: str) -> None:
    """Each refusal names the input and what the suite wants of it (the IB Key app passes them on)."""
    with pytest.raises(OcraError, match=f"^{re.escape(message)}$"):
        ocra.ocra(suite, KEY32, "12345678", **kwargs)


def test_the_earliest_time_and_the_longest_session_are_inputs_like_any_other() -> None:
    """Unix second 0 is step 0 (not a negative time), and a session of exactly the suite's length is whole."""
    assert ocra.ocra(T1M, KEY32, "12345678", timestamp=0) == ocra.ocra(T1M, KEY32, "12345678", time_steps=0)
    assert ocra.ocra(T1M, KEY32, "12345678", timestamp=59) == ocra.ocra(T1M, KEY32, "12345678", time_steps=0)
    suite = "OCRA-1:HOTP-SHA1-6:QN08-S002"
    assert data_input(suite, "12345678", session=b"ab").endswith(b"ab")
    assert data_input(suite, "12345678", session=b"b").endswith(b"\0b")


def test_misspelt_keyword_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        ocra.ocra("OCRA-1:HOTP-SHA1-6:QN08", KEY32, "1234", countr=1)  # type: ignore[call-arg]
    with pytest.raises(TypeError, match=r"^unexpected OCRA input\(s\): countr, pn$"):
        ocra.ocra("OCRA-1:HOTP-SHA1-6:QN08", KEY32, "1234", pn="1", countr=1)  # type: ignore[call-arg]


@pytest.mark.parametrize("key", [b"", "3132", None])
def test_bad_key(key: Any) -> None:
    with pytest.raises(InvalidOcraInput, match=r"^key must be non-empty bytes$"):
        ocra.ocra("OCRA-1:HOTP-SHA1-6:QN08", key, "1234")


# --- bad questions --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("suite", "question"),
    [
        ("OCRA-1:HOTP-SHA1-6:QN08", "1234567a"),
        ("OCRA-1:HOTP-SHA1-6:QN08", "123456789"),
        ("OCRA-1:HOTP-SHA1-6:QN08", ""),
        ("OCRA-1:HOTP-SHA1-6:QN08", " 1234"),
        ("OCRA-1:HOTP-SHA1-6:QN08", "1234\n"),
        ("OCRA-1:HOTP-SHA1-6:QN08", "\uff11\uff12\uff13\uff14"),  # fullwidth digits
        ("OCRA-1:HOTP-SHA1-6:QN08", "\u0661\u0662\u0663"),  # Arabic-Indic digits
        ("OCRA-1:HOTP-SHA1-6:QN08", "-123"),
        ("OCRA-1:HOTP-SHA1-6:QN08", "+123"),
        ("OCRA-1:HOTP-SHA1-6:QN08", "1_000"),
        ("OCRA-1:HOTP-SHA1-6:QN08", "12.4"),
        ("OCRA-1:HOTP-SHA1-6:QN08", 12345678),
        ("OCRA-1:HOTP-SHA1-6:QN08", None),
        ("OCRA-1:HOTP-SHA1-6:QA08", "ABCDEFGHI"),
        ("OCRA-1:HOTP-SHA1-6:QA08", "caf\u00e9"),
        ("OCRA-1:HOTP-SHA1-6:QA08", "ab\x00c"),
        ("OCRA-1:HOTP-SHA1-6:QA08", "abc\n"),
        ("OCRA-1:HOTP-SHA1-6:QH08", "xyz"),
        ("OCRA-1:HOTP-SHA1-6:QH08", "0x12"),
        ("OCRA-1:HOTP-SHA1-6:QH08", "123456789"),
        ("OCRA-1:HOTP-SHA1-6:QA08", ("CLI22220", "SRV111100")),
        ("OCRA-1:HOTP-SHA1-6:QA08", ("a", "b", "c")),
        ("OCRA-1:HOTP-SHA1-6:QN08", ("1234", "abcd")),
    ],
)
def test_bad_questions(suite: str, question: Any) -> None:
    with pytest.raises(InvalidChallenge) as exc:
        ocra.ocra(suite, KEY32, question)
    assert exc.value.code == "invalid_challenge"
    assert isinstance(exc.value, OcraError)
    assert isinstance(exc.value, ValueError)
    with pytest.raises(InvalidChallenge):
        encoded_question_key(suite, question)


# --- verify ---------------------------------------------------------------------------------------


def test_verify_rejects_wrong_responses() -> None:
    v = next(v for v in DERIVED_VECTORS if v["suite"] == DSC_SUITE and v["question"] == "123456")
    good = v["expected"]
    kw = {"pin_hash": bytes.fromhex(v["pin_hash"])}
    assert verify(DSC_SUITE, KEY32, "123456", good, **kw)
    wrong_last = good[:-1] + str((int(good[-1]) + 1) % 10)
    bads = (wrong_last, good[:-1], good + "0", "", " " + good, good + "\n", "\uff10" * 8, None, int(good))
    for bad in bads:
        assert not verify(DSC_SUITE, KEY32, "123456", bad, **kw)  # type: ignore[arg-type]
    assert not verify(DSC_SUITE, KEY32, "123456", good, pin_hash=hashlib.sha1(b"1235").digest())
    assert not verify(DSC_SUITE, KEY32, "123457", good, **kw)
    with pytest.raises(InvalidChallenge):
        verify(DSC_SUITE, KEY32, "1234567", good, **kw)


def test_error_codes() -> None:
    assert OcraError.code == "ocra_error"
    assert OcraSuiteError.code == "invalid_suite"
    assert InvalidChallenge.code == "invalid_challenge"
    assert MissingOcraInput.code == "missing_input"
    assert InvalidOcraInput.code == "invalid_input"
    for cls in (OcraSuiteError, InvalidChallenge, MissingOcraInput, InvalidOcraInput):
        assert issubclass(cls, OcraError)
        assert issubclass(cls, ValueError)


@pytest.mark.parametrize("hash_name", ["sha1", "sha256", "sha512"])
def test_a_pin_hash_of_the_suites_length_stands_for_the_pin(hash_name: str) -> None:
    """Each P hash takes its own digest's length, no byte more or less, and means the same as the PIN."""
    suite = f"OCRA-1:HOTP-SHA1-6:QN08-P{hash_name.upper()}"
    pin_hash = hashlib.new(hash_name, b"1234").digest()
    by_pin = ocra.ocra(suite, KEY32, "12345678", pin="1234")
    assert ocra.ocra(suite, KEY32, "12345678", pin_hash=pin_hash) == by_pin
    for wrong in (pin_hash[:-1], pin_hash + b"\0"):
        with pytest.raises(InvalidOcraInput, match=f"pin_hash must be {len(pin_hash)} bytes"):
            ocra.ocra(suite, KEY32, "12345678", pin_hash=wrong)


@pytest.mark.parametrize(
    ("suite", "question", "message"),
    [
        ("OCRA-1:HOTP-SHA1-6:QN08", 12345678, "challenge must be a string, not int"),
        (
            "OCRA-1:HOTP-SHA1-6:QN08",
            "123456789",
            "challenge is 9 characters; suite OCRA-1:HOTP-SHA1-6:QN08 allows at most 8",
        ),
        ("OCRA-1:HOTP-SHA1-6:QN08", "1234567a", "challenge '1234567a' must be 1..8 decimal digits 0-9"),
        ("OCRA-1:HOTP-SHA1-6:QH08", "xyz", "challenge 'xyz' must be 1..8 hexadecimal digits"),
        ("OCRA-1:HOTP-SHA1-6:QA08", "abc\n", "challenge 'abc\\n' must be 1..8 printable ASCII characters"),
        ("OCRA-1:HOTP-SHA1-6:QA08", ("a", "b", "c"), "a mutual-mode question must be a (first, second) pair"),
    ],
)
def test_a_bad_question_is_refused_in_words_that_say_what_fits(
    suite: str, question: Any, message: str
) -> None:
    """The IB Key app's challenge box answers these words (400 naming ``challenge``): what was typed, and
    the suite's length and alphabet, so the user can see what to type instead."""
    with pytest.raises(InvalidChallenge, match=f"^{re.escape(message)}$"):
        ocra.ocra(suite, KEY32, question)
