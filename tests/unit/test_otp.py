"""RFC 4226 HOTP and RFC 6238 TOTP against every published vector, and the authenticator app model.

Expected values come from the vector files, or from pyotp's own URI parser and generator as an
independent reader of what ``sls_devices.totp`` produces, never from the code under test.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pyotp
import pytest

from sls_devices.otp import OtpError, b32, hotp, time_step, totp_at
from sls_devices.totp import KEY_BYTES, TotpApp

VECTORS_DIR = Path(__file__).parents[1] / "vectors"
HOTP = json.loads((VECTORS_DIR / "hotp_rfc4226.json").read_text())
TOTP = json.loads((VECTORS_DIR / "totp_rfc6238.json").read_text())
HOTP_VECTORS: list[dict[str, Any]] = HOTP["vectors"]
TOTP_VECTORS: list[dict[str, Any]] = TOTP["vectors"]
HOTP_KEY = bytes.fromhex(HOTP["secret_hex"])
TOTP_PERIOD = TOTP["parameters"]["step_seconds"]


def test_every_vector_is_loaded() -> None:
    """RFC 4226 Appendix D has 10 HOTP rows; RFC 6238 Appendix B has 6 times x 3 hashes."""
    assert len(HOTP_VECTORS) == 10
    assert [v["counter"] for v in HOTP_VECTORS] == list(range(10))
    assert len(TOTP_VECTORS) == 18
    assert Counter(v["mode"] for v in TOTP_VECTORS) == {"SHA1": 6, "SHA256": 6, "SHA512": 6}
    assert {len(bytes.fromhex(v["key_hex"])) for v in TOTP_VECTORS} == {20, 32, 64}


# --- HOTP ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("vector", HOTP_VECTORS, ids=lambda v: f"C{v['counter']}")
def test_hotp_rfc4226_vectors(vector: dict[str, Any]) -> None:
    assert hotp(HOTP_KEY, vector["counter"], digits=vector["digits"]) == vector["expected"]


@pytest.mark.parametrize("vector", HOTP_VECTORS, ids=lambda v: f"C{v['counter']}")
def test_hotp_eight_digits_come_from_the_same_truncated_value(vector: dict[str, Any]) -> None:
    """The vector file also gives the 31-bit truncated value, so other lengths have an oracle too."""
    assert hotp(HOTP_KEY, vector["counter"], digits=8) == f"{vector['truncated_dec'] % 10**8:08d}"


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"counter": -1}, "counter"),
        ({"counter": 2**64}, "counter"),
        ({"digits": 5}, "digits"),
        ({"digits": 11}, "digits"),
        ({"algorithm": "md5"}, "algorithm"),
        ({"algorithm": "SHA1"}, "algorithm"),
    ],
)
def test_hotp_refuses_arguments_outside_the_rfc(kwargs: dict[str, Any], message: str) -> None:
    arguments: dict[str, Any] = {"counter": 0, **kwargs}
    counter = arguments.pop("counter")
    with pytest.raises(OtpError, match=message):
        hotp(HOTP_KEY, counter, **arguments)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"counter": -1}, "counter must be between 0 and 2**64-1, not -1"),
        ({"digits": 11}, "digits must be between 6 and 10, not 11"),
        ({"algorithm": "md5"}, "algorithm must be one of sha1, sha256, sha512, not 'md5'"),
    ],
)
def test_hotp_refusals_say_the_range_and_the_value_refused(kwargs: dict[str, Any], message: str) -> None:
    """The whole message, from its first word to the value refused: the caller reads what to send instead."""
    arguments: dict[str, Any] = {"counter": 0, **kwargs}
    counter = arguments.pop("counter")
    with pytest.raises(OtpError, match=f"^{re.escape(message)}$"):
        hotp(HOTP_KEY, counter, **arguments)
    with pytest.raises(OtpError, match=r"^the key must not be empty$"):
        hotp(b"", 0)


@pytest.mark.parametrize("vector", HOTP_VECTORS, ids=lambda v: f"C{v['counter']}")
def test_hotp_accepts_the_longest_ten_digits(vector: dict[str, Any]) -> None:
    """Ten digits is the most a 31-bit truncated value fills, and still inside the range."""
    assert hotp(HOTP_KEY, vector["counter"], digits=10) == f"{vector['truncated_dec']:010d}"


def test_hotp_accepts_the_largest_counter() -> None:
    assert len(hotp(HOTP_KEY, 2**64 - 1)) == 6


def test_hotp_refuses_keys_under_112_bits() -> None:
    with pytest.raises(OtpError):
        hotp(b"\x01" * 13, 0)
    with pytest.raises(OtpError):
        hotp(b"", 0)
    assert len(hotp(b"\x01" * 14, 0)) == 6


# --- TOTP ------------------------------------------------------------------------------------------------


def _totp_id(v: dict[str, Any]) -> str:
    return f"{v['mode']}@{v['time_unix']}"


@pytest.mark.parametrize("vector", TOTP_VECTORS, ids=_totp_id)
def test_totp_rfc6238_vectors(vector: dict[str, Any]) -> None:
    key = bytes.fromhex(vector["key_hex"])
    code = totp_at(
        key,
        vector["time_unix"],
        period=vector["step_seconds"],
        digits=vector["digits"],
        algorithm=vector["mode"].lower(),
        t0=vector["T0"],
    )
    assert code == vector["expected"]


@pytest.mark.parametrize("vector", TOTP_VECTORS, ids=_totp_id)
def test_time_step_matches_the_rfc_T_column(vector: dict[str, Any]) -> None:
    assert time_step(vector["time_unix"], vector["step_seconds"], vector["T0"]) == vector["T"]
    assert time_step(vector["time_unix"], vector["step_seconds"]) == int(vector["T_hex"], 16)


@pytest.mark.parametrize("vector", TOTP_VECTORS, ids=_totp_id)
def test_the_app_model_shows_the_rfc6238_codes(vector: dict[str, Any]) -> None:
    app = TotpApp(
        bytes.fromhex(vector["key_hex"]),
        digits=vector["digits"],
        period=vector["step_seconds"],
        algorithm=vector["mode"].lower(),
    )
    assert app.code(vector["time_unix"]) == vector["expected"]
    assert app.step(vector["time_unix"]) == vector["T"]


@pytest.mark.parametrize("vector", TOTP_VECTORS[:3], ids=_totp_id)
def test_t0_shifts_the_steps(vector: dict[str, Any]) -> None:
    key, t0 = bytes.fromhex(vector["key_hex"]), 1_000_000
    code = totp_at(key, vector["time_unix"] + t0, digits=8, algorithm=vector["mode"].lower(), t0=t0)
    assert code == vector["expected"]


def test_step_boundaries_are_exact() -> None:
    assert [time_step(t, 30) for t in (0, 29, 30, 59, 60)] == [0, 0, 1, 1, 2]


def test_totp_defaults_are_sha1_six_digits_every_30_seconds() -> None:
    """What an authenticator app assumes when the otpauth URI says nothing: the RFC's SHA1 rows, cut to 6."""
    for vector in (v for v in TOTP_VECTORS if v["mode"] == "SHA1"):
        assert totp_at(bytes.fromhex(vector["key_hex"]), vector["time_unix"]) == vector["expected"][-6:]


def test_a_one_second_period_and_the_instant_t0_are_valid() -> None:
    assert [time_step(t, 1) for t in (0, 1, 59)] == [0, 1, 59]
    assert time_step(1_000, 30, 1_000) == 0
    assert time_step(1_029, 30, 1_000) == 0
    assert time_step(1_030, 30, 1_000) == 1


@pytest.mark.parametrize(
    ("unix_time", "period", "t0", "message"),
    [
        (10, 0, 0, "period must be a positive number of seconds, not 0"),
        (10, 30, 11, "the time must not be before T0"),
    ],
)
def test_time_step_refusals_say_why(unix_time: int, period: int, t0: int, message: str) -> None:
    with pytest.raises(OtpError, match=f"^{re.escape(message)}$"):
        time_step(unix_time, period, t0)


@pytest.mark.parametrize(("unix_time", "period", "t0"), [(10, 0, 0), (10, -30, 0), (10, 30, 11)])
def test_time_step_refuses_a_bad_period_or_a_time_before_t0(unix_time: int, period: int, t0: int) -> None:
    with pytest.raises(OtpError):
        time_step(unix_time, period, t0)


# --- the authenticator app ---------------------------------------------------------------------------------


def test_unpadded_base32() -> None:
    assert b32(HOTP_KEY) == HOTP["secret_base32"]
    assert b32(b"\x01" * 19 + b"\x17") == "AEAQCAIBAEAQCAIBAEAQCAIBAEAQCAIX"  # only padding is cut, not an X
    assert "=" not in b32(b"\x00" * 32)
    assert base64.b32decode(b32(b"\x00" * 32) + "====") == b"\x00" * 32


@pytest.mark.parametrize(("algorithm", "size"), [("sha1", 20), ("sha256", 32), ("sha512", 64)])
def test_new_keys_are_as_long_as_the_hash(algorithm: str, size: int) -> None:
    assert KEY_BYTES[algorithm] == size
    assert len(TotpApp.new(algorithm=algorithm).secret) == size
    assert hashlib.new(algorithm).digest_size == size


def test_new_secrets_differ() -> None:
    secrets = {TotpApp.new().secret for _ in range(50)}
    assert len(secrets) == 50


def _query(uri: str) -> dict[str, str]:
    parsed = parse_qs(urlsplit(uri).query, strict_parsing=True)
    assert all(len(values) == 1 for values in parsed.values()), parsed
    return {name: values[0] for name, values in parsed.items()}


def test_provisioning_uri_carries_every_parameter_explicitly() -> None:
    app = TotpApp.new(account="alice")
    uri = app.provisioning_uri()
    parts = urlsplit(uri)
    assert (parts.scheme, parts.netloc) == ("otpauth", "totp")
    assert unquote(parts.path) == "/sls-emulator:alice"
    query = _query(uri)
    assert query == {
        "secret": query["secret"],
        "issuer": "sls-emulator",
        "algorithm": "SHA1",
        "digits": "6",
        "period": "30",
    }
    padded = query["secret"] + "=" * (-len(query["secret"]) % 8)
    assert base64.b32decode(padded) == app.secret
    assert "=" not in query["secret"]


@pytest.mark.parametrize(("algorithm", "digits", "period"), [("sha256", 8, 60), ("sha512", 6, 15)])
def test_provisioning_uri_for_other_settings(algorithm: str, digits: int, period: int) -> None:
    app = TotpApp.new(algorithm=algorithm, digits=digits, period=period, issuer="Acme Bank", account="b.ob")
    uri = app.provisioning_uri()
    assert unquote(urlsplit(uri).path) == "/Acme Bank:b.ob"
    assert " " not in uri
    query = _query(uri)
    assert (query["algorithm"], query["digits"], query["period"]) == (
        algorithm.upper(),
        str(digits),
        str(period),
    )
    assert query["issuer"] == "Acme Bank"


@pytest.mark.parametrize("algorithm", sorted(KEY_BYTES))
def test_an_app_reading_the_uri_shows_the_same_codes(algorithm: str) -> None:
    """pyotp's own URI parser stands in for a phone app scanning the QR code."""
    app = TotpApp.new(algorithm=algorithm, digits=8, period=45)
    scanned = pyotp.parse_uri(app.provisioning_uri())
    assert isinstance(scanned, pyotp.TOTP)
    assert (scanned.digits, scanned.interval, scanned.issuer, scanned.name) == (
        8,
        45,
        "sls-emulator",
        "alice",
    )
    for at in (0, 44, 45, 1_700_000_000, 2_000_000_017):
        assert app.code(at) == scanned.at(at)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"secret": b"\x01" * 13},
        {"digits": 7},
        {"digits": 10},
        {"period": 14},
        {"period": 121},
        {"period": True},
        {"algorithm": "md5"},
        {"issuer": "a:b"},
        {"account": "a:b"},
        {"account": ""},
    ],
    ids=lambda kw: "-".join(f"{k}={v!r}" for k, v in kw.items()),
)
def test_the_app_refuses_settings_outside_the_guidance(kwargs: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"secret": b"\x01" * 20, **kwargs}
    with pytest.raises(ValueError):
        TotpApp(arguments.pop("secret"), **arguments)


def test_the_secret_never_shows_in_repr() -> None:
    app = TotpApp.new()
    assert app.secret.hex() not in repr(app)
    assert app.secret_b32 not in repr(app)
    assert "secret" not in repr(app)
