"""Password recoveries in progress ("Forgot your password?"): one hash each, named by a digest of the token
its client holds, so a dump of Redis gives no way to go on with one. Stages: ``code`` (the code texted to
the account's phone is awaited), ``factor`` (the second factor's step, ``txn_id``), ``verified`` (a new
password may be set). Expiry is the app clock's (``expires_at``); the Redis TTL only reclaims memory.
"""

from __future__ import annotations

from typing import Literal, cast

from . import keys
from .base import Scripts, guarded, hash_reply, text
from .connection import Client
from .records.codec import pairs

RECLAIM_MARGIN_S = 3600

CodeStatus = Literal["missing", "expired", "used", "wrong", "ok"]


@guarded
class RecoveryRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def begin(self, digest: str, fields: dict[str, str], *, expires_at: int, now: int) -> None:
        key = keys.recovery(digest)
        pipe = self._r.pipeline(transaction=True)
        pipe.hset(
            key, items=pairs({**fields, "stage": "code", "failures": "0", "expires_at": str(expires_at)})
        )
        pipe.expire(key, max(expires_at - now, 0) + RECLAIM_MARGIN_S)
        pipe.execute()

    def get(self, digest: str) -> dict[str, str]:
        """The recovery's fields; empty when there is none (any more)."""
        return hash_reply(self._r.hgetall(keys.recovery(digest)))

    def check_code(
        self, digest: str, code_digest: str, *, now: int, max_failures: int
    ) -> tuple[CodeStatus, int]:
        """Spend the code if ``code_digest`` is its digest (``recovery_code.lua``): the status and, after a
        wrong code, the tries left."""
        status, left = self._scripts(
            "recovery_code", [keys.recovery(digest)], [now, code_digest, max_failures]
        )
        return cast(CodeStatus, text(status)), int(left)

    def note(self, digest: str, **fields: str) -> None:
        """Write ``fields`` on the recovery if it still exists (``hset_if_exists.lua``)."""
        self._scripts("hset_if_exists", [keys.recovery(digest)], pairs(fields))

    def advance(self, digest: str, stage: str, to: str, **fields: str) -> bool:
        """Move the recovery from ``stage`` to ``to`` (compare-and-set: of racing requests one wins), then
        write ``fields``; False when it was not at ``stage`` (or is gone)."""
        if not self._scripts("swap_field", [keys.recovery(digest)], ["stage", stage, to]):
            return False
        if fields:
            self.note(digest, **fields)
        return True

    def end(self, digest: str) -> bool:
        """Delete the recovery: True for the one request that did (a new password is set once)."""
        return bool(self._r.delete(keys.recovery(digest)))
