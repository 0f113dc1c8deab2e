"""A password recovery's secrets and its codes' tries: what is kept of the token and the code (digests:
the token's SHA-256, the code's HMAC under a pepper derived from the server's key, which is not in Redis),
the text that carries the code, and the count of codes tried at one name across its recoveries.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from typing import NamedTuple

from sls_devices.phone import SENDER, how_long

from ..secretbox import pepper as derive_pepper
from ..store.phones import PhoneRepo
from .errors import RateLimited

#: Wrong codes a recovery takes before it ends.
CODE_ATTEMPTS = 5
#: Codes tried at one name, whichever of its recoveries, in :data:`CODE_TRIES_WINDOW_S`, before its recoveries
#: take no more (429): a new recovery must not give five fresh guesses (NIST SP 800-63B-4: a new code does not
#: reset the count; at most 100 failures in a row). A right code forgets them.
CODE_TRIES_PER_NAME = 20
CODE_TRIES_WINDOW_S = 86_400
#: The token's bytes of randomness (the client's only hold on the recovery).
TOKEN_BYTES = 24


def pepper_from(secret_key: bytes) -> bytes:
    return derive_pepper(secret_key, b"sls password recovery code")


def recovery_text(code: str, *, valid_s: int) -> str:
    return (
        f"{SENDER}: Your code to reset your password is {code}. It is valid for {how_long(valid_s)}. "
        "If you did not ask for it, someone knows your username: contact IBKR Client Services."
    )


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Tried(NamedTuple):
    """A code tried at a name: the name's reference (empty for a recovery with no name) and the try's own
    member of the window, handed back unless the code was judged."""

    ref: str
    member: str


class RecoveryCodes:
    """The digests a recovery keeps, and the tries of codes at one name (:data:`CODE_TRIES_PER_NAME` in
    :data:`CODE_TRIES_WINDOW_S`), counted in the send windows' store."""

    def __init__(self, pepper: bytes, windows: PhoneRepo) -> None:
        self._pepper = pepper
        self._windows = windows

    def name_ref(self, name: str) -> str:
        """The name as its tries are counted: keyed (the pepper is not in Redis), so the keys name nobody."""
        return hmac.new(self._pepper, f"name:{name}".encode(), hashlib.sha256).hexdigest()[:32]

    def digest(self, digest: str, code: str) -> str:
        """What is kept of the code of the recovery whose token's digest is ``digest``."""
        return hmac.new(self._pepper, f"{digest}:{code}".encode(), hashlib.sha256).hexdigest()

    def tried(self, name: str | None, *, now: int) -> Tried:
        """Count a code tried at ``name`` (the recovery's; None: it has none); 429 ``rate_limited`` past the
        limit, which a name no user has reaches alike: the refusal says nothing of the name."""
        ref, member = (self.name_ref(name) if name else ""), secrets.token_hex(8)
        if ref:
            wait = self._windows.hit(
                "recovery_code",
                ref,
                now=now,
                window_s=CODE_TRIES_WINDOW_S,
                limit=CODE_TRIES_PER_NAME,
                member=member,
            )
            if wait:
                raise RateLimited(
                    "Too many wrong codes at this username: wait, or ask Client Services to reset the "
                    "password.",
                    retry_after=wait,
                )
        return Tried(ref, member)

    def settle(self, tried: Tried, status: str) -> None:
        """A right code forgets the name's tries; a try the code's check did not judge (no recovery waiting)
        is handed back; a wrong one stays counted."""
        if tried.ref and status == "ok":
            self._windows.forget_window("recovery_code", tried.ref)
        elif tried.ref and status != "wrong":
            self._windows.unhit("recovery_code", tried.ref, tried.member)
