"""Unit tests for sls_server.passwords: Argon2id PHC hashing and the password policy."""

from __future__ import annotations

import base64
import re
import subprocess
import sys
import unicodedata

import pytest

from sls_server.accounts.passwords import (
    HASH_PROFILES,
    MAX_LENGTH,
    MIN_LENGTH,
    HashProfile,
    PasswordHasher,
    PasswordRejected,
    check_password_policy,
    normalize,
)

PHC = re.compile(r"\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)")


def fullwidth(ascii_text: str) -> str:
    """The FULLWIDTH (U+FF01..U+FF5E) form of printable ASCII, as typed with an East Asian IME."""
    return "".join(chr(ord(c) + 0xFEE0) for c in ascii_text)


def _b64(s: str) -> bytes:
    return base64.b64decode(s + "=" * (-len(s) % 4))


def parse_phc(encoded: str) -> dict[str, object]:
    m = PHC.fullmatch(encoded)
    assert m is not None, encoded
    return {
        "m": int(m[1]),
        "t": int(m[2]),
        "p": int(m[3]),
        "salt": _b64(m[4]),
        "hash": _b64(m[5]),
    }


@pytest.fixture(scope="module")
def hasher() -> PasswordHasher:
    return PasswordHasher("test")


@pytest.fixture(scope="module")
def strong_hash() -> str:
    return PasswordHasher("strong").hash("Strong-Profile-Secret-7")


# --- hashing -----------------------------------------------------------------------------------


def test_round_trip_and_wrong_password(hasher: PasswordHasher) -> None:
    encoded = hasher.hash("violet lanterns drift")
    assert hasher.verify("violet lanterns drift", encoded) is True
    assert hasher.verify("violet lanterns drifT", encoded) is False
    assert hasher.verify("", encoded) is False


@pytest.mark.parametrize(
    "attempt",
    [
        "abcdefgh12345678x",  # case folded
        "ABCDEFGH12345678X",
        "Abcdefgh12345678",  # truncated to 16
        "Abcdefgh12345678X ",  # trailing space is significant
        " Abcdefgh12345678X",
        "Abcdefgh12345678X" + "X" * 100,  # longer input sharing the prefix
    ],
)
def test_verify_is_exact(hasher: PasswordHasher, attempt: str) -> None:
    encoded = hasher.hash("Abcdefgh12345678X")
    assert hasher.verify("Abcdefgh12345678X", encoded)
    assert not hasher.verify(attempt, encoded)


def test_no_truncation_of_long_passwords(hasher: PasswordHasher) -> None:
    # bcrypt silently ignores bytes after 72; make sure only the last character differs.
    base = "x" * 127
    encoded = hasher.hash(base + "a")
    assert hasher.verify(base + "a", encoded)
    assert not hasher.verify(base + "b", encoded)


def test_nfkc_fullwidth_and_composed_forms_verify(hasher: PasswordHasher) -> None:
    wide = fullwidth("Passphrase123")
    assert wide != "Passphrase123"
    assert normalize(wide) == "Passphrase123"
    assert hasher.verify("Passphrase123", hasher.hash(wide))
    assert hasher.verify(wide, hasher.hash("Passphrase123"))

    decomposed = unicodedata.normalize("NFD", "café-au-lait-ñ")
    composed = unicodedata.normalize("NFC", "café-au-lait-ñ")
    assert decomposed != composed
    assert hasher.verify(composed, hasher.hash(decomposed))
    assert hasher.verify(decomposed, hasher.hash(composed))
    # NFKC is not case folding.
    assert not hasher.verify("passphrase123", hasher.hash(wide))


def test_lone_surrogate_does_not_raise(hasher: PasswordHasher) -> None:
    encoded = hasher.hash("abc\ud800defgh")
    assert hasher.verify("abc\ud800defgh", encoded)
    assert not hasher.verify("abc\ud801defgh", encoded)


def test_salt_makes_hashes_differ(hasher: PasswordHasher) -> None:
    a, b = hasher.hash("same password"), hasher.hash("same password")
    assert a != b
    pa, pb = parse_phc(a), parse_phc(b)
    assert len(pa["salt"]) == 16 and pa["salt"] != pb["salt"]
    assert len(pa["hash"]) == 32


@pytest.mark.parametrize(("name", "m", "t", "p"), [("test", 64, 1, 1), ("standard", 19456, 2, 1)])
def test_phc_carries_profile_parameters(name: str, m: int, t: int, p: int) -> None:
    profile = HASH_PROFILES[name]
    assert (profile.memory_kib, profile.iterations, profile.lanes) == (m, t, p)
    parsed = parse_phc(PasswordHasher(name).hash("param check 123"))
    assert (parsed["m"], parsed["t"], parsed["p"]) == (m, t, p)


def test_default_profile_is_standard() -> None:
    assert PasswordHasher().profile == HASH_PROFILES["standard"]


def test_strong_profile_parameters_and_cross_profile_verify(strong_hash: str, hasher: PasswordHasher) -> None:
    parsed = parse_phc(strong_hash)
    assert (parsed["m"], parsed["t"], parsed["p"]) == (65536, 3, 4)
    # Verification uses the parameters stored in the hash, not the hasher's profile.
    assert hasher.verify("Strong-Profile-Secret-7", strong_hash)


def test_needs_rehash(hasher: PasswordHasher, strong_hash: str) -> None:
    cheap = hasher.hash("rehash me please")
    assert not hasher.needs_rehash(cheap)
    assert PasswordHasher("strong").needs_rehash(cheap)
    assert PasswordHasher("standard").needs_rehash(cheap)
    assert hasher.needs_rehash(strong_hash)
    assert not PasswordHasher("strong").needs_rehash(strong_hash)
    assert hasher.needs_rehash("not a hash")
    assert hasher.needs_rehash(cheap.replace("argon2id", "argon2i"))


@pytest.mark.parametrize(
    "encoded",
    [
        "",
        "garbage",
        "$argon2i$v=19$m=64,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaA",  # wrong variant
        "$2b$12$abcdefghijklmnopqrstuv",  # bcrypt
        "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$aGFzaGhhc2g",  # 4-byte salt (ValueError inside)
        "$argon2id$v=19$m=4,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2g",  # m below minimum
        "$argon2id$v=19$m=64,t=0,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2g",  # t=0
    ],
)
def test_verify_malformed_hash_is_false(hasher: PasswordHasher, encoded: str) -> None:
    assert hasher.verify("whatever-password", encoded) is False


def test_custom_profile_and_unknown_name() -> None:
    custom = HashProfile("custom", iterations=1, memory_kib=32, lanes=2)
    parsed = parse_phc(PasswordHasher(custom).hash("custom profile 1"))
    assert (parsed["m"], parsed["t"], parsed["p"]) == (32, 1, 2)
    with pytest.raises(ValueError, match="unknown hash profile"):
        PasswordHasher("nope")
    with pytest.raises(ValueError):
        HashProfile("bad", iterations=1, memory_kib=8, lanes=2)


def test_dummy_verify_hashes_once_with_own_profile(monkeypatch: pytest.MonkeyPatch) -> None:
    h = PasswordHasher("test")
    made: list[str] = []
    real_hash = h.hash

    def counting_hash(password: str) -> str:
        made.append(real_hash(password))
        return made[-1]

    monkeypatch.setattr(h, "hash", counting_hash)
    assert h.dummy_verify("some-password") is None
    assert h.dummy_verify("other-password") is None
    assert len(made) == 1
    parsed = parse_phc(made[0])
    assert (parsed["m"], parsed["t"], parsed["p"]) == (64, 1, 1)


@pytest.mark.parametrize("bad", [None, b"bytes-password", 12345678])
def test_non_str_raises_type_error(hasher: PasswordHasher, bad: object) -> None:
    encoded = hasher.hash("a fine password")
    with pytest.raises(TypeError):
        normalize(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hasher.hash(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hasher.verify(bad, encoded)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hasher.verify("a fine password", bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        hasher.dummy_verify(bad)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check_password_policy(bad, username="alice")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        check_password_policy("a fine password", username=bad)  # type: ignore[arg-type]


# --- policy ------------------------------------------------------------------------------------

ACCEPTED = [
    ("k7#Vq2!m", "alice"),  # exactly 8
    ("Zq" * 32, "alice"),  # 64
    ("Zq" * 64, "alice"),  # 128
    ("pässwörd-ñ-1234", "alice"),
    (unicodedata.normalize("NFD", "pässwörd-ñ-1234"), "alice"),
    ("aaaaBBBBccccDDDD", "alice"),  # no composition rules
    ("violet lanterns drift over quiet harbors", "alice"),  # letters and spaces only
    ("日本語のパスワード", "alice"),  # 9 code points, 27 UTF-8 bytes
    ("ali-garden-hose", "al"),  # short usernames only match exactly
    ("my interactive brokers account is safe", "alice"),  # context word inside a passphrase
    ("1234567x", "alice"),  # not a complete run
]

REJECTED = [
    ("k7#Vq2!", "alice", "too_short"),  # 7
    ("pässwö", "alice", "too_short"),
    (unicodedata.normalize("NFD", "pässwör"), "alice", "too_short"),  # 9 code points before NFKC, 7 after
    ("Zq" * 64 + "Z", "alice", "too_long"),  # 129
    ("aaaaaaaa", "alice", "repetitive"),
    ("11111111111", "alice", "repetitive"),
    ("abcdefgh", "alice", "sequential"),
    ("ABCDEFGHIJ", "alice", "sequential"),
    ("87654321", "alice", "sequential"),
    ("78901234", "alice", "sequential"),
    ("password", "alice", "blocklisted"),
    ("Password123!", "alice", "blocklisted"),
    ("password123!", "alice", "blocklisted"),
    ("qwertyuiop", "alice", "blocklisted"),
    ("iloveyou", "alice", "blocklisted"),
    ("Sunshine1", "alice", "blocklisted"),
    ("InteractiveBrokers", "alice", "blocklisted"),
    ("InteractiveBrokers2024!", "alice", "blocklisted"),
    ("ibkr2024!!", "alice", "blocklisted"),
    ("Secure Login", "alice", "blocklisted"),
    ("slsemulator", "alice", "blocklisted"),
    ("tradingaccount", "alice", "blocklisted"),
    (fullwidth("Password1"), "alice", "blocklisted"),
    ("trader42", "Trader42", "contains_username"),
    ("my-Trader42-secret", "trader42", "contains_username"),
    ("bob", "bob", "too_short"),
    ("bobbobbob", "bobbobbob", "contains_username"),
]


@pytest.mark.parametrize(("password", "username"), ACCEPTED)
def test_policy_accepts(password: str, username: str) -> None:
    check_password_policy(password, username=username)


@pytest.mark.parametrize(("password", "username", "reason"), REJECTED)
def test_policy_rejects(password: str, username: str, reason: str) -> None:
    with pytest.raises(PasswordRejected) as exc:
        check_password_policy(password, username=username)
    assert exc.value.reason == reason
    assert isinstance(exc.value, ValueError)
    assert exc.value.message and str(exc.value) == exc.value.message


def test_12345678_is_rejected() -> None:
    with pytest.raises(PasswordRejected) as exc:
        check_password_policy("12345678", username="alice")
    assert exc.value.reason in {"blocklisted", "sequential"}


def test_length_is_counted_in_code_points_after_nfkc() -> None:
    assert len(normalize("pässwörd-ñ-1234")) == 15
    assert len(normalize(unicodedata.normalize("NFD", "pässwörd-ñ-1234"))) == 15
    assert (MIN_LENGTH, MAX_LENGTH) == (8, 128)


@pytest.mark.parametrize(("password", "username", "reason"), REJECTED)
def test_rejection_message_never_contains_password(password: str, username: str, reason: str) -> None:
    with pytest.raises(PasswordRejected) as exc:
        check_password_policy(password, username=username)
    text = (exc.value.message + " " + str(exc.value) + " " + " ".join(map(str, exc.value.args))).lower()
    assert password.lower() not in text
    assert normalize(password).lower() not in text
    assert not re.search(r"digit|symbol|upper|lower|special", text)  # no composition-rule advice


#: Run in a child process: a derivation that hangs would otherwise hang the test run at its exit.
_THREADS_AT_ONCE = """
from concurrent.futures import ThreadPoolExecutor
from sls_server.accounts.passwords import PasswordHasher
hasher = PasswordHasher("strong")
stored = hasher.hash("Strong-Profile-Secret-7")
with ThreadPoolExecutor(4) as pool:
    right = [pool.submit(hasher.verify, "Strong-Profile-Secret-7", stored) for _ in range(4)]
    wrong = [pool.submit(hasher.verify, "not-the-password-9", stored) for _ in range(2)]
    made = [pool.submit(hasher.hash, "Another-Horse-Battery-9") for _ in range(2)]
    print([f.result() for f in right], [f.result() for f in wrong],
          all(hasher.verify("Another-Horse-Battery-9", f.result()) for f in made))
"""


def test_strong_hashes_verified_by_several_threads_at_once_all_finish() -> None:
    """A gunicorn worker's threads verify at once. Multi-lane Argon2id derivations running side by side in
    one process hung or raised MemoryError ("Not enough memory to derive key"): they must take turns, and
    every one must answer."""
    done = subprocess.run(
        [sys.executable, "-c", _THREADS_AT_ONCE], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[True, True, True, True] [False, False] True"
