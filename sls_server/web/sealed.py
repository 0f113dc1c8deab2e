"""Small state the pages keep in the browser, sealed: a login's binding and prompt, a step-up in progress,
the trainer's and the simulators' sign-in, the card's keypad between two presses.

Sealed with AES-256-GCM (``SecretBox``) under a key derived from ``SLS_SECRET_KEY`` for this one use, so it
is never the key that seals device secrets, and bound to a context (the login, the session, the card): a
value copied into another context does not open. Every worker can open what another sealed, so no page
state lives in a worker's memory, and nothing the browser holds is readable or forgeable by it.
"""

from __future__ import annotations

import base64
import binascii
import json
import re
from typing import Any

from ..secretbox import SealError, SecretBox, pepper

MAX_SEALED_CHARS = 3800  # a cookie holds about 4 KB

#: What :meth:`PageSeal.seal` writes after ``version.``: URL-safe base64 unpadded, one spelling for each value
#: (a lenient decoder also takes ``+``, ``/`` and padding for the same bytes).
_PAYLOAD = re.compile(r"[A-Za-z0-9_-]*")


class PageSeal:
    def __init__(self, secret_key: bytes, label: str) -> None:
        self._box = SecretBox(pepper(secret_key, f"sls-pages:{label}".encode()))

    def seal(self, value: dict[str, Any], context: str) -> str:
        # UTF-8 as it is, not escaped: a character typed in another script is two to four bytes, not six or
        # twelve characters (what a page keeps typed rides in a cookie of about 4 KB).
        plain = json.dumps(value, separators=(",", ":"), ensure_ascii=False)
        sealed = self._box.seal(plain.encode(), context=context)
        # The box's text is ``version:`` and standard base64 (``+``, ``/``, ``=`` are no cookie's): its
        # bytes again in URL-safe base64 after ``version.``, not the text encoded twice (a third longer).
        version, _, payload = sealed.partition(":")
        raw = base64.b64decode(payload)
        return f"{version}.{base64.urlsafe_b64encode(raw).decode().rstrip('=')}"

    def open(self, token: str | None, context: str) -> dict[str, Any] | None:
        """The value, or None for anything missing, malformed, tampered with or sealed for another context."""
        if not token or len(token) > MAX_SEALED_CHARS:
            return None
        try:
            version, dot, payload = token.partition(".")
            if not dot or not _PAYLOAD.fullmatch(payload):
                return None
            raw = base64.b64decode(payload + "=" * (-len(payload) % 4), altchars=b"-_", validate=True)
            sealed = f"{version}:{base64.b64encode(raw).decode()}"
            value = json.loads(self._box.open(sealed, context=context))
        except (SealError, binascii.Error, ValueError, UnicodeDecodeError):
            return None
        return value if isinstance(value, dict) else None
