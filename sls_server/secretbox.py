"""Device secrets at rest: AES-256-GCM under the server's secret key.

Each sealed value is bound to the record it belongs to through the associated data (``context``), so a
ciphertext copied from one card's record into another's does not open.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_VERSION = "v1"
_NONCE_BYTES = 12
#: The label :func:`key_check` signs (its first use named it: a state document's ``key_check``).
_KEY_CHECK_LABEL = b"sls-emulator state document: key check v1"


def key_check(secret_key: bytes) -> str:
    """Names the server's secret key without revealing it: HMAC-SHA256 of a fixed label under the key. A
    state document carries it, and Redis keeps the one its sealed secrets are under (``runtime``)."""
    return hmac.new(secret_key, _KEY_CHECK_LABEL, hashlib.sha256).hexdigest()


def pepper(secret_key: bytes, purpose: bytes) -> bytes:
    """A 32-byte key for one use of the server's secret key (HKDF-SHA256, ``purpose`` as its info). Every
    use but two takes its own key so: the digests of short codes (IB Key activation codes, a new phone
    number's code), the references to names no user has, the pages' sealed cookies, the card keypad's box,
    CSRF tokens, the console's token fingerprints. The two that take the secret key itself were written to
    Redis before this existed, and must still open there: :class:`SecretBox` over device secrets and
    :func:`key_check`."""
    return HKDF(hashes.SHA256(), 32, salt=None, info=purpose).derive(secret_key)


class SealError(Exception):
    """The sealed value was tampered with, moved, or sealed under another key."""


class SecretBox:
    def __init__(self, key: bytes) -> None:
        if len(key) != 32:
            raise ValueError("the secret key must be 32 bytes")
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, context: str) -> str:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, plaintext, context.encode())
        return f"{_VERSION}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, token: str, context: str) -> bytes:
        version, _, payload = token.partition(":")
        if version != _VERSION:
            raise SealError(f"unknown sealing version {version!r}")
        try:
            raw = base64.b64decode(payload, validate=True)
        except ValueError:  # binascii.Error: not base64
            raise SealError("sealed value is not base64") from None
        if len(raw) <= _NONCE_BYTES:  # AES-GCM would refuse a short nonce with a ValueError, not a SealError
            raise SealError("sealed value is too short to hold a nonce and a tag")
        try:
            return self._aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
        except InvalidTag:
            raise SealError("sealed value does not open under this key and context") from None
