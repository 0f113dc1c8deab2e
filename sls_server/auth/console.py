"""Sign-ins to the trainer console and the simulator pages: server-side, so a copied cookie can be revoked.

Signing in with the admin token (``/trainer``) or the sim token (``/sim``) draws a 256-bit random id from
``secrets``; the browser's sealed cookie carries it, and Redis keeps only its SHA-256 (a dump of Redis
holds no usable id), with the door it opens, a fingerprint of the token it was earned with, an idle and an
absolute deadline (``SLS_CONSOLE_IDLE_TIMEOUT``, ``SLS_CONSOLE_ABSOLUTE_TIMEOUT``). Every request checks it
in one script, which also extends the idle deadline when the request is the person's activity (a click, a
form, a page opened) and only checks it when the page's script asked on its own (a poll, a refresh, the live
feed): an open console polls all the time, and a console left open on a projector or an unattended laptop
must still idle out, as ASVS 7.3.1 and NIST 800-63B mean inactivity of the person. Signing out deletes it;
a token changed on the server voids it (the fingerprint no longer matches); an operator can end them all at
once. One past a deadline is kept (opening nothing) until Redis reclaims it, so the page can say why it ended.

The deadlines are on the wall clock, not the emulated one: the trainer moves the emulated clock (+1 day)
in a demo, and that must not sign the trainer out. Tests move the wall clock with freezegun.
"""

from __future__ import annotations

import hashlib
import secrets

from ..store import Store

#: Bytes of randomness in a sign-in's id (256 bits).
ID_BYTES = 32
#: The doors a sign-in may open.
DOORS = ("trainer", "sim")


def _digest(sign_in_id: str) -> str:
    return hashlib.sha256(sign_in_id.encode()).hexdigest()


class ConsoleSignIns:
    def __init__(self, store: Store, *, idle_timeout: int, absolute_timeout: int) -> None:
        self._repo = store.console
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout

    def open(self, door: str, fingerprint: str, *, now: int) -> str:
        """A new sign-in to ``door``: the id for the browser's cookie (stored only as its digest)."""
        sign_in_id = secrets.token_urlsafe(ID_BYTES)
        until = now + self.absolute_timeout
        self._repo.create(
            _digest(sign_in_id),
            door=door,
            fingerprint=fingerprint,
            now=now,
            idle_until=min(now + self.idle_timeout, until),
            until=until,
        )
        return sign_in_id

    def check(self, door: str, sign_in_id: str, fingerprint: str, *, now: int, activity: bool) -> str:
        """'ok' if the sign-in opens ``door`` with the token ``fingerprint`` names (its idle deadline moved
        on when the request is the person's ``activity``), else why not: 'missing', 'other_door',
        'token_changed', 'expired_absolute', 'expired_idle'."""
        return self._repo.touch(
            _digest(sign_in_id),
            door=door,
            fingerprint=fingerprint,
            now=now,
            idle_timeout=self.idle_timeout,
            activity=activity,
        )

    def close(self, sign_in_id: str) -> str | None:
        """End one sign-in (a sign-out); the door it opened, or None if it had ended already."""
        return self._repo.end(_digest(sign_in_id))

    def end_all(self, *, now: int) -> dict[str, int]:
        """End every sign-in to every door; how many live ones each door had (0 for none)."""
        ended = self._repo.end_all(now=now)
        return {door: ended.get(door, 0) for door in DOORS}
