"""The DSC+ card model: responses from the derived vector file, the PIN counter and lock, formats.

Expected responses come from tests/vectors/ocra_qn06_derived.json only.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

import pytest

from sls_devices import dscplus, ocra
from sls_devices.dscplus import (
    DSCPLUS_SUITE,
    CardError,
    CardLocked,
    CardState,
    DscPlusCard,
    InvalidChallenge,
    InvalidPin,
    WrongPin,
    expected_response,
)
from sls_devices.dscplus_keypad import DscPlusKeypad

VECTORS_DIR = Path(__file__).parents[1] / "vectors"
DERIVED = json.loads((VECTORS_DIR / "ocra_qn06_derived.json").read_text())
KEY = bytes.fromhex(DERIVED["key_hex"])
PIN = DERIVED["pin"]
PIN_SHA1 = bytes.fromhex(DERIVED["pin_sha1"])
CARD_VECTORS: list[dict[str, Any]] = [v for v in DERIVED["vectors"] if v["suite"] == DSCPLUS_SUITE]
V123456 = next(v["expected"] for v in CARD_VECTORS if v["question"] == "123456")


def _card(max_pin_failures: int = 3) -> DscPlusCard:
    return DscPlusCard.issue(PIN, key=KEY, max_pin_failures=max_pin_failures)


def test_suite_and_fixture_sanity() -> None:
    assert DSCPLUS_SUITE == "OCRA-1:HOTP-SHA256-8:QN06-PSHA1"
    assert len(CARD_VECTORS) == 4
    assert len(KEY) == 32
    assert hashlib.sha1(PIN.encode()).digest() == PIN_SHA1


@pytest.mark.parametrize("v", CARD_VECTORS, ids=lambda v: v["question"])
def test_response_matches_derived_vector(v: dict[str, Any]) -> None:
    card = _card()
    assert card.respond(PIN, v["question"]) == v["expected"]
    assert expected_response(KEY, PIN_SHA1, v["question"]) == v["expected"]
    assert card.state.pin_sha1 == PIN_SHA1
    assert card.state.key == KEY


def test_wrong_pin_counts_down_then_locks() -> None:
    card = _card()
    for left in (2, 1, 0):
        with pytest.raises(WrongPin) as exc:
            card.respond("0000", "123456")
        assert exc.value.attempts_left == left
        assert exc.value.code == "wrong_pin"
    assert card.state.locked
    assert card.locked
    assert card.attempts_left == 0
    assert card.state.pin_failures == 3
    with pytest.raises(CardLocked) as locked:
        card.respond(PIN, "123456")  # even the right PIN
    assert locked.value.code == "card_locked"
    with pytest.raises(CardLocked):
        card.respond("0000", "123456")
    assert card.state.pin_failures == 3  # a locked card does not look at (or count) PINs


def test_right_pin_resets_the_failure_count() -> None:
    card = _card()
    for _ in range(2):
        with pytest.raises(WrongPin):
            card.respond("9999", "123456")
    assert card.state.pin_failures == 2
    assert card.respond(PIN, "123456") == V123456
    assert card.state.pin_failures == 0
    assert not card.state.locked
    with pytest.raises(WrongPin) as exc:
        card.respond("9999", "123456")
    assert exc.value.attempts_left == 2


def test_reset_unlocks() -> None:
    card = _card()
    for _ in range(3):
        with pytest.raises(WrongPin):
            card.respond("1111", "123456")
    card.reset()
    assert not card.state.locked
    assert card.state.pin_failures == 0
    assert card.attempts_left == 3
    assert card.respond(PIN, "123456") == V123456


@pytest.mark.parametrize("limit", [1, 5])
def test_configurable_max_pin_failures(limit: int) -> None:
    card = _card(max_pin_failures=limit)
    assert card.state.max_pin_failures == limit
    for left in range(limit - 1, -1, -1):
        assert not card.locked
        with pytest.raises(WrongPin) as exc:
            card.respond("4321", "123456")
        assert exc.value.attempts_left == left
    with pytest.raises(CardLocked):
        card.respond(PIN, "123456")


def test_wrong_pin_is_reported_before_the_challenge_is_looked_at() -> None:
    card = _card()
    for left, challenge in ((2, "not a challenge"), (1, "1234567"), (0, "123456")):
        with pytest.raises(WrongPin) as exc:
            card.respond("0000", challenge)
        assert exc.value.attempts_left == left
    with pytest.raises(CardLocked):
        card.respond(PIN, "bad")


def test_right_pin_with_bad_challenge_still_resets_the_count() -> None:
    card = _card()
    with pytest.raises(WrongPin):
        card.respond("0000", "123456")
    with pytest.raises(InvalidChallenge):
        card.respond(PIN, "12345")
    assert card.state.pin_failures == 0


@pytest.mark.parametrize("pin", ["12345", "123", "", "abcd", "\uff11\uff12\uff13\uff14", "1234\n", " 1234"])
def test_malformed_pin_at_respond_counts_as_a_wrong_pin(pin: str) -> None:
    card = _card()
    with pytest.raises(WrongPin) as exc:
        card.respond(pin, "123456")
    assert exc.value.attempts_left == 2


BAD_CHALLENGES: list[Any] = [
    "12345",
    "1234567",
    "12a456",
    " 123456",
    "123456 ",
    "123456\n",
    "\uff11\uff12\uff13\uff14\uff15\uff16",  # fullwidth digits
    "\u0661\u0662\u0663\u0664\u0665\u0666",  # Arabic-Indic digits
    "",
    "-12345",
    "+12345",
    "12_456",
    "12.456",
    "0x1234",
    "1e5000",
    123456,
    None,
]


@pytest.mark.parametrize("challenge", BAD_CHALLENGES, ids=repr)
def test_bad_challenges_are_refused(challenge: Any) -> None:
    card = _card()
    with pytest.raises(InvalidChallenge) as exc:
        card.respond(PIN, challenge)
    assert exc.value.code == "invalid_challenge"
    assert isinstance(exc.value, CardError)
    assert isinstance(exc.value, ocra.InvalidChallenge)
    with pytest.raises(InvalidChallenge):
        expected_response(KEY, PIN_SHA1, challenge)


@pytest.mark.parametrize(
    "pin", ["123", "12345", "abcd", "\uff11\uff12\uff13\uff14", " 123", "12 4", "", "1234\n", 1234, None]
)
def test_issue_validates_the_pin(pin: Any) -> None:
    with pytest.raises(InvalidPin) as exc:
        DscPlusCard.issue(pin)
    assert exc.value.code == "invalid_pin"
    assert isinstance(exc.value, ValueError)


def test_responses_are_eight_digits_zero_padded() -> None:
    card = _card()
    responses = [card.respond(PIN, f"{i * 3331 % 1_000_000:06d}") for i in range(400)]
    assert all(len(r) == 8 and r.isascii() and r.isdigit() for r in responses)
    assert any(r.startswith("0") for r in responses)


def test_issued_keys_are_random_32_bytes() -> None:
    keys = {DscPlusCard.issue("0000").state.key for _ in range(20)}
    assert len(keys) == 20
    assert all(len(k) == 32 for k in keys)


def test_expected_response_agrees_with_the_card() -> None:
    card = DscPlusCard.issue("0042")
    st = card.state
    assert st.pin_sha1 == hashlib.sha1(b"0042").digest()
    for challenge in ("000000", "123456", "999999", "070707"):
        assert card.respond("0042", challenge) == expected_response(st.key, st.pin_sha1, challenge)


def test_server_with_a_wrong_pin_hash_sees_a_wrong_response() -> None:
    assert DERIVED["observations"]["wrong_pin_changes_response"]
    assert expected_response(KEY, hashlib.sha1(b"1235").digest(), "123456") != V123456


def test_expected_response_rejects_a_bad_key() -> None:
    with pytest.raises(ValueError):
        expected_response(KEY[:16], PIN_SHA1, "123456")


def test_state_round_trips_through_json() -> None:
    card = _card()
    with pytest.raises(WrongPin):
        card.respond("0000", "123456")
    data = json.loads(json.dumps(card.state.to_dict()))
    assert data["key"] == DERIVED["key_hex"]
    restored = DscPlusCard(CardState.from_dict(data))
    assert restored.state == card.state
    with pytest.raises(WrongPin) as exc:
        restored.respond("0000", "123456")
    assert exc.value.attempts_left == 1


@pytest.mark.parametrize(
    "kwargs",
    [
        {"key": KEY[:31], "pin_sha1": PIN_SHA1},
        {"key": KEY, "pin_sha1": PIN_SHA1[:19]},
        {"key": KEY, "pin_sha1": PIN_SHA1, "max_pin_failures": 0},
        {"key": KEY, "pin_sha1": PIN_SHA1, "pin_failures": 4},
    ],
)
def test_card_state_validates(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ValueError):
        CardState(**kwargs)


def test_error_codes() -> None:
    assert CardError.code == "card_error"
    assert WrongPin.code == "wrong_pin"
    assert CardLocked.code == "card_locked"
    assert InvalidChallenge.code == "invalid_challenge"
    assert InvalidPin.code == "invalid_pin"
    assert dscplus.InvalidChallenge is InvalidChallenge


# --- the keypad ---------------------------------------------------------------------------------------------


def _type(pad: DscPlusKeypad, *keys: str) -> str:
    shown = pad.display
    for k in keys:
        shown = pad.press(k)
    return shown


def test_keypad_full_flow() -> None:
    pad = DscPlusKeypad(_card())
    assert pad.display == ""
    assert pad.press("OK") == ""  # off: keys do nothing
    assert pad.press("POWER") == "PIN>"
    assert _type(pad, "1", "2") == "PIN>**"
    assert _type(pad, "3", "4", "5") == "PIN>****"  # a fifth digit is ignored
    assert pad.press("OK") == "CHALLNG>"
    assert _type(pad, "1", "2", "3", "4", "5") == "CHALLNG>12345"
    assert pad.press("OK") == "CHALLNG>12345"  # too short: ignored
    assert _type(pad, "6", "OK") == V123456
    assert pad.press("OK") == "CHALLNG>"
    assert _type(pad, "9", "C") == "CHALLNG>"
    assert pad.press("POWER") == ""
    assert pad.press("POWER") == "PIN>"  # the PIN is asked again after power-off


def test_keypad_wrong_pin_and_lock() -> None:
    card = _card()
    pad = DscPlusKeypad(card)
    pad.press("POWER")
    assert _type(pad, "0", "0", "0", "0", "OK") == "PIN ERR 2"
    assert pad.press("5") == "PIN>"
    assert _type(pad, "0", "0", "0", "0", "OK") == "PIN ERR 1"
    pad.press("OK")
    assert _type(pad, "0", "0", "0", "0", "OK") == "LOCKED"
    assert card.locked
    assert _type(pad, *PIN, "OK") == "LOCKED"
    assert _type(pad, "POWER", "POWER") == "LOCKED"
    card.reset()
    assert _type(pad, "POWER", "POWER", *PIN, "OK") == "CHALLNG>"


def test_keypad_rejects_unknown_keys() -> None:
    pad = DscPlusKeypad(_card())
    for key in ("A", "10", "ok", ""):
        with pytest.raises(ValueError):
            pad.press(key)
