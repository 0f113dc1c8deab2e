"""IB Key's cryptography, shared by the app (``sls_devices.ibkey``) and the server (``factors.ibkey``): one
function for each step, so the two sides cannot drift apart.

* Signing: Ed25519 over :func:`canonical_transaction`: a domain tag, then txn id, username, device id,
  nonce, the number picked and the decision, each prefixed with its 4-byte big-endian length (so no two
  different transactions give the same bytes, whatever characters the fields hold).
* The OCRA key: each side makes an X25519 key pair for the activation, they swap public halves, and
  :func:`agree` runs HKDF-SHA256 over the shared secret with ``info`` binding device id, username and both
  public keys. Both ends hold the same 32 bytes; neither ever sent them.
* Challenge/response: OCRA ``OCRA-1:HOTP-SHA256-8:QN06`` (RFC 6287) on 6-digit challenges.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from sls_devices import ocra

IBKEY_SUITE = "OCRA-1:HOTP-SHA256-8:QN06"
DECISIONS = ("approve", "deny")
KEY_BYTES = 32
NONCE_BYTES = 32
TXN_DOMAIN = b"SLS-IBKEY-TXN-V1"
KDF_INFO = b"SLS-IBKEY-OCRA-V1"

_SUITE = ocra.OcraSuite.parse(IBKEY_SUITE)
_CHALLENGE_RE = re.compile(r"^[0-9]{6}$")


def _framed(*parts: str | bytes) -> bytes:
    """Each part prefixed with its 4-byte big-endian length: no two different tuples give the same bytes."""
    out = bytearray()
    for part in parts:
        raw = part.encode("utf-8") if isinstance(part, str) else part
        out += len(raw).to_bytes(4, "big") + raw
    return bytes(out)


def canonical_transaction(
    *, txn_id: str, username: str, device_id: str, nonce: str, match: str, decision: str
) -> bytes:
    """The bytes the app signs and the server verifies: the domain tag, then each field length-prefixed."""
    if decision not in DECISIONS:
        raise ValueError(f"decision must be one of {DECISIONS}")
    values = (txn_id, username, device_id, nonce, match, decision)
    if not all(isinstance(v, str) for v in values):
        raise TypeError("every transaction field is a string")
    return TXN_DOMAIN + _framed(*values)


def new_signing_key() -> tuple[bytes, bytes]:
    """(private, public) raw Ed25519 keys."""
    key = Ed25519PrivateKey.generate()
    return key.private_bytes_raw(), key.public_key().public_bytes_raw()


def sign(private: bytes, message: bytes) -> bytes:
    return Ed25519PrivateKey.from_private_bytes(private).sign(message)


def verify_signature(public: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError):
        return False
    return True


def new_agreement_key() -> tuple[bytes, bytes]:
    """(private, public) raw X25519 keys, made for one activation."""
    key = X25519PrivateKey.generate()
    return key.private_bytes_raw(), key.public_key().public_bytes_raw()


@dataclass(frozen=True)
class KeyContext:
    """What the agreed key is bound to; both sides must pass the same values."""

    device_id: str
    username: str
    app_public: bytes
    server_public: bytes


def agree(own_private: bytes, peer_public: bytes, context: KeyContext) -> bytes:
    """The 32-byte OCRA key: HKDF-SHA256 over the X25519 shared secret, bound to ``context``."""
    shared = X25519PrivateKey.from_private_bytes(own_private).exchange(
        X25519PublicKey.from_public_bytes(peer_public)
    )
    info = KDF_INFO + _framed(context.device_id, context.username, context.app_public, context.server_public)
    return HKDF(algorithm=hashes.SHA256(), length=KEY_BYTES, salt=None, info=info).derive(shared)


def ocra_response(key: bytes, challenge: str) -> str:
    """The 8-digit answer to a 6-digit challenge (stricter than QN06's 1-6 digits, which alias each other)."""
    if not isinstance(challenge, str) or not _CHALLENGE_RE.fullmatch(challenge):
        raise ocra.InvalidChallenge("the challenge must be 6 digits 0-9")
    return ocra.ocra(_SUITE, key, challenge)
