"""RFC 6287 OCRA against the published vectors (all 70) and the derived QN06 fixtures (what it refuses:
``test_ocra_inputs.py``).

Expected values come only from the vector files (or, for layouts no vector covers, from
bytes assembled by hand here and hashed with the standard library), never from sls_devices.ocra.
"""

from __future__ import annotations

import hmac
from collections import Counter
from typing import Any

import pytest
from ocra_vectors import DERIVED, DERIVED_VECTORS, DSC_SUITE, KEY32, PIN_SHA1, RFC, RFC_VECTORS

from sls_devices import ocra
from sls_devices.ocra import (
    InvalidChallenge,
    data_input,
    encode_question,
    encoded_question_key,
    verify,
)


def _rfc_id(v: dict[str, Any]) -> str:
    parts = [v["mode"], v["suite"]]
    if "role" in v:
        parts.append(v["role"])
    if "counter" in v:
        parts.append(f"C{v['counter']}")
    parts.append(v["question"])
    return "|".join(parts)


def _question(v: dict[str, Any]) -> str | tuple[str, str]:
    """Mutual vectors: the server signs QC|QS, the client QS|QC; passed as the (first, second) pair."""
    if v["mode"] != "mutual_challenge_response":
        return v["question"]
    if v["role"] == "server":
        pair = (v["client_challenge"], v["server_challenge"])
    else:
        assert v["role"] == "client"
        pair = (v["server_challenge"], v["client_challenge"])
    assert pair[0] + pair[1] == v["question"], "vector file's question is not the concatenation"
    return pair


def _inputs(v: dict[str, Any]) -> dict[str, Any]:
    kw: dict[str, Any] = {}
    if "counter" in v:
        kw["counter"] = v["counter"]
    if "pin" in v:
        kw["pin"] = v["pin"]
    return kw


# --- the 70 RFC 6287 Appendix C vectors -----------------------------------------------------------


def test_rfc_vector_file_has_all_70() -> None:
    assert len(RFC_VECTORS) == 70
    assert RFC["counts"]["total"] == 70
    by_group = Counter(
        f"{v['mode']} {v['suite']}" + (f" ({v['role']})" if "role" in v else "") for v in RFC_VECTORS
    )
    expected = {k: n for k, n in RFC["counts"].items() if k != "total"}
    assert dict(by_group) == expected


@pytest.mark.parametrize("v", RFC_VECTORS, ids=_rfc_id)
def test_rfc_vector(v: dict[str, Any]) -> None:
    key = bytes.fromhex(v["key_hex"])
    q = _question(v)
    kw = _inputs(v)
    times: list[dict[str, int]] = [{}]
    if "timestamp_steps" in v:
        assert v["timestamp_steps"] == int(v["timestamp"], 16)
        times = [{"time_steps": v["timestamp_steps"]}, {"timestamp": v["timestamp_unix"]}]
    for t in times:
        assert ocra.ocra(v["suite"], key, q, **kw, **t) == v["expected"]
        assert data_input(v["suite"], q, **kw, **t).hex() == v["data_input_hex"]
        assert verify(v["suite"], key, q, v["expected"], **kw, **t)
    if "pin" in v:  # the same vector through the precomputed-hash path the server uses
        kw_hash = {k: x for k, x in kw.items() if k != "pin"}
        kw_hash["pin_hash"] = bytes.fromhex(v["pin_hash"])
        assert ocra.ocra(v["suite"], key, q, **kw_hash, **times[0]) == v["expected"]


@pytest.mark.parametrize("v", [v for v in RFC_VECTORS if "timestamp_unix" in v][:1], ids=_rfc_id)
def test_timestamp_is_floored_to_the_time_step(v: dict[str, Any]) -> None:
    key = bytes.fromhex(v["key_hex"])
    assert v["suite"].endswith("-T1M")
    assert ocra.ocra(v["suite"], key, v["question"], timestamp=v["timestamp_unix"] + 59) == v["expected"]
    assert ocra.ocra(v["suite"], key, v["question"], timestamp=v["timestamp_unix"] + 60) != v["expected"]
    assert ocra.ocra(v["suite"], key, v["question"], timestamp=v["timestamp_unix"] - 1) != v["expected"]


def test_mutual_question_as_one_string_exceeding_the_suite_length_is_refused() -> None:
    v = next(v for v in RFC_VECTORS if v["mode"] == "mutual_challenge_response")
    with pytest.raises(InvalidChallenge):
        ocra.ocra(v["suite"], bytes.fromhex(v["key_hex"]), v["question"])


# --- derived QN06 vectors and numeric aliasing ----------------------------------------------------


def test_derived_vector_file_has_16() -> None:
    assert len(DERIVED_VECTORS) == 16


@pytest.mark.parametrize(
    "v", DERIVED_VECTORS, ids=lambda v: f"{v['suite']}|{v['question']}|C{v.get('counter', '-')}"
)
def test_derived_vector(v: dict[str, Any]) -> None:
    kw: dict[str, Any] = {}
    if "counter" in v:
        kw["counter"] = v["counter"]
    if "pin_hash" in v:
        kw["pin_hash"] = bytes.fromhex(v["pin_hash"])
    key = bytes.fromhex(v["key_hex"])
    assert ocra.ocra(v["suite"], key, v["question"], **kw) == v["expected"]
    assert verify(v["suite"], key, v["question"], v["expected"], **kw)
    if "pin_hash" in v:
        assert (
            ocra.ocra(v["suite"], key, v["question"], pin=DERIVED["pin"], counter=kw.get("counter"))
            == (v["expected"])
        )


ALIASES = DERIVED["observations"]["numeric_challenge_aliasing"]


@pytest.mark.parametrize("obs", ALIASES, ids=lambda o: f"{o['q1']}~{o['q2']}")
def test_numeric_aliases_share_a_key_and_a_response(obs: dict[str, Any]) -> None:
    assert obs["same_response"]
    assert encoded_question_key(DSC_SUITE, obs["q1"]) == encoded_question_key(DSC_SUITE, obs["q2"])
    assert encode_question(DSC_SUITE, obs["q1"]) == encode_question(DSC_SUITE, obs["q2"])
    for q, r in ((obs["q1"], obs["r1"]), (obs["q2"], obs["r2"])):
        assert ocra.ocra(DSC_SUITE, KEY32, q, pin_hash=PIN_SHA1) == r


def test_alias_count_in_file() -> None:
    assert len(ALIASES) == 4


@pytest.mark.parametrize(
    ("q1", "q2"), [("123456", "123457"), ("1", "2"), ("12345", "123450"), ("000000", "000001"), ("16", "17")]
)
def test_distinct_numeric_challenges_have_distinct_keys(q1: str, q2: str) -> None:
    assert encoded_question_key(DSC_SUITE, q1) != encoded_question_key(DSC_SUITE, q2)


def test_encoded_question_key_literals() -> None:
    # 123456 = 0x1E240; 22222222 = 0x153158E -> odd nibble count, a '0' nibble is appended (RFC ref code).
    assert encoded_question_key(DSC_SUITE, "123456") == "1e24"  # bytes 1E 24 00, trailing zero dropped
    assert encode_question("OCRA-1:HOTP-SHA1-6:QN08", "22222222")[:5] == bytes.fromhex("153158e000")
    assert encoded_question_key(DSC_SUITE, "000000") == "00"
    assert encoded_question_key(DSC_SUITE, "0") == "00"
    assert encoded_question_key("OCRA-1:HOTP-SHA1-6:QH08", "ab") == encoded_question_key(
        "OCRA-1:HOTP-SHA1-6:QH08", "AB"
    )
    assert encoded_question_key("OCRA-1:HOTP-SHA1-6:QA08", "SIG1") == b"SIG1".hex()


def test_encode_question_is_128_bytes() -> None:
    for suite, q in (("OCRA-1:HOTP-SHA1-6:QN08", "1"), ("OCRA-1:HOTP-SHA1-6:QA64", "x" * 64)):
        assert len(encode_question(suite, q)) == 128
    assert len(encode_question("OCRA-1:HOTP-SHA1-6:QH64", ("f" * 64, "e" * 64))) == 128
    # two 64-character parts of an A suite fill the Q field to its last byte: still a question, not too long
    assert encode_question("OCRA-1:HOTP-SHA1-6:QA64", ("x" * 64, "y" * 64)) == b"x" * 64 + b"y" * 64


def test_only_trailing_zero_bytes_leave_the_key() -> None:
    """88 = 0x58, the byte of ``X``: the key strips the Q field's zero padding and nothing else."""
    assert encoded_question_key(DSC_SUITE, "88") == "58"
    assert encoded_question_key("OCRA-1:HOTP-SHA1-6:QA08", "AXX") == b"AXX".hex()


# --- layouts no published vector covers: checked against hand-built DataInput + stdlib HMAC -------


def test_counter_pin_session_time_layout() -> None:
    suite = "OCRA-1:HOTP-SHA1-6:C-QN08-PSHA1-S004-T30S"
    # 12345678 = 0xBC614E: an even nibble count, so Q is those 3 bytes, right zero-padded to 128.
    expected = b"".join(
        (
            suite.encode() + b"\0",
            (258).to_bytes(8, "big"),  # C
            bytes.fromhex("bc614e").ljust(128, b"\0"),  # Q
            PIN_SHA1,  # P = SHA1("1234")
            b"\0\0\xab\xcd",  # S004, left zero-padded like the RFC reference code
            (1000).to_bytes(8, "big"),  # T = 30000 s // 30 s
        )
    )
    kw: dict[str, Any] = {"counter": 258, "pin": "1234", "session": b"\xab\xcd"}
    assert data_input(suite, "12345678", timestamp=30_000, **kw) == expected
    mac = hmac.new(KEY32, expected, "sha1").digest()
    code = (int.from_bytes(_trunc4(mac), "big") & 0x7FFFFFFF) % 10**6
    assert ocra.ocra(suite, KEY32, "12345678", time_steps=1000, **kw) == f"{code:06d}"


def _trunc4(mac: bytes) -> bytes:
    off = mac[-1] & 0x0F
    return mac[off : off + 4]


@pytest.mark.parametrize("hash_name", ["sha1", "sha256", "sha512"])
def test_digits_zero_returns_the_full_hmac_hex(hash_name: str) -> None:
    suite = f"OCRA-1:HOTP-{hash_name.upper()}-0:QN08"
    msg = suite.encode() + b"\0" + b"\0" * 128  # question "00000000" encodes to all-zero Q
    assert ocra.ocra(suite, KEY32, "00000000") == hmac.new(KEY32, msg, hash_name).hexdigest()
