"""A name typed at login that is no user's, referred to in the trail without being written there.

What people type into a login's name field is sometimes their password, typed one field too early; if the
name is some user's, the trail names that user, as it must, but a name that matches no user is written
nowhere. Its events carry a reference instead: an HMAC of the name under a key derived from the server's
secret key, so the attempts at one name can still be told apart from those at another (a spray across many
names, a brute force at one), and an administrator who knows the name can find them (``sls events --user``),
while the trail alone, or a dump of Redis, gives nothing to guess the name from offline.
"""

from __future__ import annotations

import hashlib
import hmac

from ..secretbox import pepper

#: HKDF's info for the reference's key (:func:`secretbox.pepper`): one purpose, one key.
PURPOSE = b"sls-emulator: a name that is no user's, in the audit trail v1"

#: Hex digits of a reference: 48 bits tell a trail's names apart; the key, not the length, keeps them unread.
REF_CHARS = 12


class NameRefs:
    def __init__(self, secret_key: bytes) -> None:
        self._key = pepper(secret_key, PURPOSE)

    def ref(self, name: str) -> str:
        """The reference of ``name`` as the login counted it (its lock name)."""
        digest = hmac.new(self._key, name.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()
        return digest[:REF_CHARS]
