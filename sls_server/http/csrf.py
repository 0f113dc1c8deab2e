"""CSRF tokens for the HTML forms of the web pages, bound to one session (or any other cookie).

A token is ``base64url(nonce || HMAC-SHA256(key, "sls-csrf-v1" || nonce || binding))``: the binding is
what the browser's cookie identifies (the session id, the SHA-256 of the session token), the key is
derived from ``SLS_SECRET_KEY`` under its own label (so it is never the key that seals device secrets).
A page renders a fresh token into each form; :meth:`CsrfTokens.validate` accepts any token issued for the
same binding and nothing else. So:

- a token stolen from one session is useless in another, and dies with its session;
- a random nonce per issue makes every rendering different (no BREACH-style compression oracle on a fixed
  secret in the page), while every worker and instance can check any token without storing it;
- comparison is constant-time; a malformed token is simply invalid, never an error.

No Flask here; ``http/crosssite.py`` applies it to requests.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import secrets

from ..secretbox import pepper

NONCE_BYTES = 16
_MAC_BYTES = hashlib.sha256().digest_size
_CONTEXT = b"sls-csrf-v1"


class CsrfTokens:
    def __init__(self, secret_key: bytes) -> None:
        if len(secret_key) < 32:
            raise ValueError("the CSRF key is derived from a 32-byte secret key")
        self._key = pepper(secret_key, b"sls-csrf-token-key")

    def _mac(self, nonce: bytes, binding: str) -> bytes:
        return hmac.new(self._key, _CONTEXT + nonce + binding.encode(), hashlib.sha256).digest()

    def issue(self, binding: str) -> str:
        """A new token for forms of the client identified by ``binding`` (non-empty)."""
        if not binding:
            raise ValueError("a CSRF token must be bound to something")
        nonce = secrets.token_bytes(NONCE_BYTES)
        return base64.urlsafe_b64encode(nonce + self._mac(nonce, binding)).decode().rstrip("=")

    def validate(self, token: str | None, binding: str | None) -> bool:
        """Whether ``token`` was issued by this server for ``binding``; False for anything malformed."""
        if not token or not binding or len(token) > 128:
            return False
        try:
            raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        except (binascii.Error, ValueError):
            return False
        if len(raw) != NONCE_BYTES + _MAC_BYTES:
            return False
        nonce, mac = raw[:NONCE_BYTES], raw[NONCE_BYTES:]
        return hmac.compare_digest(mac, self._mac(nonce, binding))
