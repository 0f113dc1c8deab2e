"""Password hashing (Argon2id) and password-acceptance policy.

This is core code: no Flask, no Redis. The HTTP layer validates request types, calls
:func:`check_password_policy` when a password is chosen, and stores :meth:`PasswordHasher.hash`
output. Hashes are PHC strings (``$argon2id$v=19$m=...,t=...,p=...$salt$hash``) so the cost
parameters travel with each hash: verification never depends on the current configuration, and
:meth:`PasswordHasher.needs_rehash` can upgrade old hashes on the next successful login.

The policy follows NIST SP 800-63B-4 §3.1.1.2 and OWASP ASVS 5.0 §6.2: length in Unicode code
points after NFKC normalization, a blocklist of common/context-specific passwords, no composition
rules (its rules: ``sls_server.password_rules``, which a scenario's validation judges by too), and no
truncation or case folding when verifying.
"""

from __future__ import annotations

import hmac
import os
import re
import threading
from dataclasses import dataclass

from cryptography.exceptions import InvalidKey
from cryptography.hazmat.primitives.kdf.argon2 import Argon2id

from ..password_rules import MAX_LENGTH, MIN_LENGTH, normalize, refusal
from .derivation_turns import turn

__all__ = [
    "HASH_PROFILES",
    "MAX_LENGTH",
    "MIN_LENGTH",
    "HashProfile",
    "PasswordHasher",
    "PasswordRejected",
    "check_password_policy",
    "normalize",
    "same_password",
]

_SALT_BYTES = 16
_HASH_BYTES = 32
_PHC_RE = re.compile(
    r"\$argon2id\$v=19\$m=(?P<m>\d+),t=(?P<t>\d+),p=(?P<p>\d+)\$(?P<salt>[A-Za-z0-9+/]+)\$(?P<hash>[A-Za-z0-9+/]+)"
)


@dataclass(frozen=True)
class HashProfile:
    """Argon2id cost parameters; frozen so a profile cannot drift after hashes were made with it."""

    name: str
    iterations: int
    memory_kib: int
    lanes: int

    def __post_init__(self) -> None:
        # Fail at configuration time rather than on the first login.
        if self.iterations < 1 or self.lanes < 1 or self.memory_kib < 8 * self.lanes:
            raise ValueError(f"invalid Argon2id profile {self.name!r}: need t>=1, p>=1, m>=8*p KiB")


HASH_PROFILES: dict[str, HashProfile] = {
    # RFC 9106 §4 second recommended option (the first needs 2 GiB per hash): t=3, m=64 MiB, p=4.
    "strong": HashProfile("strong", iterations=3, memory_kib=65536, lanes=4),
    # OWASP Password Storage Cheat Sheet minimum for Argon2id: m=19 MiB, t=2, p=1.
    "standard": HashProfile("standard", iterations=2, memory_kib=19456, lanes=1),
    # Cheap: only for test suites and load tests where the server is configured for it explicitly.
    "test": HashProfile("test", iterations=1, memory_kib=64, lanes=1),
}


class PasswordRejected(ValueError):
    """A chosen password violates the policy.

    ``reason`` is a stable machine code for API clients; ``message`` is for humans and is never
    built from the password (it even avoids the word "password", which is itself a rejected
    password), so it is safe to log and to return in an HTTP response.
    """

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason
        self.message = message


def _to_bytes(password: str) -> bytes:
    # "surrogatepass" keeps lone surrogates (possible from JSON "\ud800") exact instead of raising.
    return normalize(password).encode("utf-8", "surrogatepass")


def same_password(a: str, b: str) -> bool:
    """Whether ``a`` and ``b`` are one password as the hash sees it (after NFKC), in constant time."""
    return hmac.compare_digest(_to_bytes(a), _to_bytes(b))


def _phc_params(encoded: str) -> tuple[int, int, int, int] | None:
    """Return (memory_kib, iterations, lanes, hash_bytes) of an Argon2id PHC string, or None."""
    match = _PHC_RE.fullmatch(encoded)
    if match is None:
        return None
    hash_b64 = match["hash"]
    hash_bytes = len(hash_b64) * 3 // 4  # unpadded base64
    return int(match["m"]), int(match["t"]), int(match["p"]), hash_bytes


class PasswordHasher:
    """Hashes and verifies passwords with Argon2id under one :class:`HashProfile`."""

    def __init__(self, profile: HashProfile | str = "standard") -> None:
        if isinstance(profile, str):
            try:
                profile = HASH_PROFILES[profile]
            except KeyError:
                known = ", ".join(sorted(HASH_PROFILES))
                raise ValueError(f"unknown hash profile {profile!r} (known: {known})") from None
        self.profile: HashProfile = profile
        self._dummy_hash: str | None = None
        self._dummy_lock = threading.Lock()

    def hash(self, password: str) -> str:
        """Return a PHC string with a fresh random salt (so equal passwords never share a hash)."""
        kdf = Argon2id(
            salt=os.urandom(_SALT_BYTES),
            length=_HASH_BYTES,
            iterations=self.profile.iterations,
            lanes=self.profile.lanes,
            memory_cost=self.profile.memory_kib,
        )
        with turn(self.profile.lanes):
            return kdf.derive_phc_encoded(_to_bytes(password))

    def verify(self, password: str, encoded: str) -> bool:
        """Return True iff ``password`` matches ``encoded``.

        Uses the parameters stored in the hash, not this hasher's profile, so hashes made under an
        older/other profile keep working. A wrong password or an unparsable hash gives False rather
        than an exception, so callers have a single failure path (no oracle via error handling).
        """
        if not isinstance(encoded, str):
            raise TypeError(f"encoded hash must be str, not {type(encoded).__name__}")
        key = _to_bytes(password)
        params = _phc_params(encoded)
        try:
            with turn(params[2] if params else 1):
                Argon2id.verify_phc_encoded(key, encoded)
        except (InvalidKey, ValueError):
            return False
        return True

    def needs_rehash(self, encoded: str) -> bool:
        """True when ``encoded`` was not made with this profile (or is not a valid Argon2id hash),
        so the caller should re-hash the password it has just verified."""
        if not isinstance(encoded, str):
            raise TypeError(f"encoded hash must be str, not {type(encoded).__name__}")
        wanted = (self.profile.memory_kib, self.profile.iterations, self.profile.lanes, _HASH_BYTES)
        return _phc_params(encoded) != wanted

    def dummy_verify(self, password: str) -> None:
        """Spend as long as a real :meth:`verify` against a hash of this profile, then discard.

        Called for unknown users so response time does not reveal whether an account exists.
        The target hash is computed once per hasher, on first use, so startup stays cheap.
        """
        if self._dummy_hash is None:
            with self._dummy_lock:
                if self._dummy_hash is None:
                    self._dummy_hash = self.hash(os.urandom(24).hex())
        self.verify(password, self._dummy_hash)


def check_password_policy(password: str, *, username: str) -> None:
    """Raise :class:`PasswordRejected` if ``password`` may not be chosen by ``username``: the rules are
    :func:`sls_server.password_rules.refusal`'s, which a scenario's validation judges by too."""
    found = refusal(password, username=username)
    if found is not None:
        raise PasswordRejected(*found)
