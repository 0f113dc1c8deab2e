"""Sign-ins to the trainer console and the simulator pages (``auth.console``), each stored under the SHA-256
of its id, with an index to end them all at once.

All of them live under one hash tag (``{console}``): these are an operator's few browsers, not users'
traffic, and one slot lets one script end every one of them, on a Redis Cluster too.
"""

from __future__ import annotations

from . import keys
from .base import Scripts, guarded
from .connection import Client
from .logins import RECLAIM_MARGIN_S


@guarded
class ConsoleSignInRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def create(
        self, digest: str, *, door: str, fingerprint: str, now: int, idle_until: int, until: int
    ) -> None:
        """Record a new sign-in (its id's digest) to ``door``, earned with the token ``fingerprint`` names."""
        self._scripts(
            "console_sign_in_create",
            [keys.console_sign_in(digest), keys.CONSOLE_SIGN_INS],
            [now, door, fingerprint, idle_until, until, digest, RECLAIM_MARGIN_S],
        )

    def touch(
        self, digest: str, *, door: str, fingerprint: str, now: int, idle_timeout: int, activity: bool
    ) -> str:
        """Check the sign-in and, for a person's ``activity``, extend its idle deadline, in one round trip:
        'ok', or why it does not open ``door`` ('missing', 'other_door', 'token_changed', 'expired_absolute',
        'expired_idle'). A page's own polls pass ``activity=False``: checked, never kept alive by them."""
        return str(
            self._scripts(
                "console_sign_in_touch",
                [keys.console_sign_in(digest), keys.CONSOLE_SIGN_INS],
                [now, door, fingerprint, idle_timeout, digest, RECLAIM_MARGIN_S, 1 if activity else 0],
            )
        )

    def end(self, digest: str) -> str | None:
        """Delete the sign-in; its door, or None if there was none."""
        door = self._scripts(
            "console_sign_in_end", [keys.console_sign_in(digest), keys.CONSOLE_SIGN_INS], [digest]
        )
        return str(door) if door else None

    def end_all(self, *, now: int) -> dict[str, int]:
        """Delete every sign-in; how many of those still live each door had."""
        flat = self._scripts(
            "console_sign_ins_end_all", [keys.CONSOLE_SIGN_INS], [now, keys.console_sign_in_prefix()]
        )
        return {str(door): int(count) for door, count in zip(flat[::2], flat[1::2], strict=True)}
