"""Device secrets at rest: AES-256-GCM under a key of their own, derived from the server's secret key.

Each sealed value is bound to the record it belongs to through the associated data (``context``), so a
ciphertext copied from one card's record into another's does not open.

A sealed value starts with its version, which names the key it is under. Device secrets (and the codes a
login holds) are sealed as ``v2``, under ``pepper(secret_key, DEVICE_SECRETS)``; before that they were
sealed as ``v1`` under the secret key itself. A ``v1`` value still opens (a Redis, or a saved world, from
before must keep working), but nothing new is sealed under the key itself: :func:`device_box`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from collections.abc import Mapping
from typing import Literal

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_NONCE_BYTES = 12
#: The purpose device secrets' key is derived for (``v2``).
DEVICE_SECRETS = b"sls-device-secrets"
#: The label :func:`key_check` signs (its first use named it: a state document's ``key_check``).
_KEY_CHECK_LABEL = b"sls-emulator state document: key check v1"
#: The purpose the key check's own key is derived for (its second form).
_KEY_CHECK = b"sls-key-check"


def pepper(secret_key: bytes, purpose: bytes) -> bytes:
    """A 32-byte key for one use of the server's secret key (HKDF-SHA256, ``purpose`` as its info). Every
    use takes its own key so: device secrets (:func:`device_box`), the digests of short codes (IB Key
    activation codes, a new phone number's code), the references to names no user has, the pages' sealed
    cookies, the card keypad's box, CSRF tokens, the console's token fingerprints, the key check. The key
    itself opens only what was sealed before that (``v1``) and checks a key check of the first form."""
    return HKDF(hashes.SHA256(), 32, salt=None, info=purpose).derive(secret_key)


def key_check(secret_key: bytes, *, form: Literal[1, 2] = 2) -> str:
    """Names the server's secret key without revealing it: HMAC-SHA256 of a fixed label. A state document
    carries it, and Redis keeps the one its sealed secrets are under (``runtime``). Form 2, written now, is
    under a key derived for it; form 1, written before, under the secret key itself (still read: a state
    document of version 1 or 2, a Redis that recorded it)."""
    key = pepper(secret_key, _KEY_CHECK) if form == 2 else secret_key
    return hmac.new(key, _KEY_CHECK_LABEL, hashlib.sha256).hexdigest()


class SealError(Exception):
    """The sealed value was tampered with, moved, or sealed under another key."""


class SecretBox:
    """AES-256-GCM: seals under ``key`` with ``version`` as the value's prefix, and opens a value of that
    version, or of one of the ``older`` versions under the key each names (which it never seals with)."""

    def __init__(self, key: bytes, *, version: str = "v1", older: Mapping[str, bytes] | None = None) -> None:
        keys = {version: key, **(older or {})}
        if any(len(each) != 32 for each in keys.values()):
            raise ValueError("the secret key must be 32 bytes")
        self._version = version
        self._aeads = {name: AESGCM(each) for name, each in keys.items()}

    @property
    def version(self) -> str:
        """The version this box seals as (an older one it only opens)."""
        return self._version

    def seal(self, plaintext: bytes, context: str) -> str:
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aeads[self._version].encrypt(nonce, plaintext, context.encode())
        return f"{self._version}:{base64.b64encode(nonce + sealed).decode()}"

    def open(self, token: str, context: str) -> bytes:
        version, _, payload = token.partition(":")
        aead = self._aeads.get(version)
        if aead is None:
            raise SealError(f"unknown sealing version {version!r}")
        try:
            raw = base64.b64decode(payload, validate=True)
        except ValueError:  # binascii.Error: not base64
            raise SealError("sealed value is not base64") from None
        if len(raw) <= _NONCE_BYTES:  # AES-GCM would refuse a short nonce with a ValueError, not a SealError
            raise SealError("sealed value is too short to hold a nonce and a tag")
        try:
            return aead.decrypt(raw[:_NONCE_BYTES], raw[_NONCE_BYTES:], context.encode())
        except InvalidTag:
            raise SealError("sealed value does not open under this key and context") from None

    def resealed(self, token: str, context: str) -> str | None:
        """``token`` sealed again as this box's version, or None when it already is: what was sealed under
        an older key moves to the current one (``SealError`` if it does not open)."""
        if sealed_as(token) == self._version:
            return None
        return self.seal(self.open(token, context), context)


def sealed_as(token: str) -> str:
    """The version a sealed value names (its prefix): which key it is under, read without opening it."""
    return token.partition(":")[0]


def device_box(secret_key: bytes) -> SecretBox:
    """The box over device secrets and the codes a login holds: ``v2`` under their own key; a ``v1`` value,
    sealed under the secret key itself before there was a ``v2``, still opens."""
    return SecretBox(pepper(secret_key, DEVICE_SECRETS), version="v2", older={"v1": secret_key})
