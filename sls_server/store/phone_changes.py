"""A new phone number waiting for proof that its holder has it: the code texted to it, kept as a digest.

One hash per user (``keys.user_phone_change``), on the user's slot: asking again replaces it, so only the
latest code counts. Expiry is the app clock's (``expires_at``); the Redis TTL only reclaims memory.
"""

from __future__ import annotations

from typing import Literal, cast

from . import keys
from .base import Scripts, guarded, text
from .connection import Client
from .records.codec import pairs

#: Redis TTLs only reclaim memory; expiry is decided by the app clock against the stored instant.
RECLAIM_MARGIN_S = 3600

ConfirmStatus = Literal["missing", "other_number", "expired", "limited", "wrong", "ok"]


@guarded
class PhoneChangeRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def begin(
        self, username: str, *, session_id: str, phone: str, digest: str, expires_at: int, now: int
    ) -> None:
        """Keep the number asked for and its code's digest, in place of any earlier request of the user's."""
        key = keys.user_phone_change(username)
        fields = {
            "session_id": session_id,
            "phone": phone,
            "digest": digest,
            "expires_at": str(expires_at),
            "failures": "0",
        }
        # one slot, one MULTI/EXEC: sent again after a lost connection, it leaves the same hash
        pipe = self._r.pipeline(transaction=True)
        pipe.delete(key)
        pipe.hset(key, items=pairs(fields))
        pipe.expire(key, max(expires_at - now, 0) + RECLAIM_MARGIN_S)
        pipe.execute()

    def confirm(
        self,
        username: str,
        *,
        session_id: str,
        phone: str,
        digest: str,
        now: int,
        max_failures: int,
        window_failures: int,
        window: int,
    ) -> tuple[ConfirmStatus, int]:
        """Spend the code if ``digest`` is its digest (``phone_change_confirm.lua``): the status and, after a
        wrong code, the tries left; ``limited`` (and the seconds until the window ends) once
        ``window_failures`` wrong codes, whichever code, were typed within ``window``."""
        status, left = self._scripts(
            "phone_change_confirm",
            [keys.user_phone_change(username), keys.user_phone_change_tries(username)],
            [now, session_id, phone, digest, max_failures, window_failures, window],
        )
        return cast(ConfirmStatus, text(status)), int(left)

    def waiting(self, username: str) -> tuple[str, int, str] | None:
        """The number the user asked for, its code's deadline, and the session that asked."""
        phone, expires_at, session_id = self._r.hmget(
            keys.user_phone_change(username), ["phone", "expires_at", "session_id"]
        )
        if phone is None or expires_at is None or session_id is None:
            return None
        return text(phone), int(text(expires_at)), text(session_id)
