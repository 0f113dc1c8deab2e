"""Sessions, stored under their user's hash tag by a hash of their token, with a per-user index.

Creating, touching, listing and ending a session are each one Lua script over the user's slot, so the
one-session rule holds under racing logins, every live session is in its user's index, and a session whose
user was disabled or deleted is refused on its next request even if disabling missed it.
"""

from __future__ import annotations

from typing import Literal

from ..frozen import frozen
from . import keys
from .base import Scripts, guarded, text, texts
from .connection import Client
from .ids import owner_of, owner_of_prefix
from .lockout import NO_STRIKES, DeviceStrikes
from .logins import RECLAIM_MARGIN_S
from .records import SessionRecord, UserAccess
from .records.codec import Fields, from_pairs, pairs
from .records.sessions import VERIFIED_PREFIX

#: Seconds of real time a session that ended for a reason its holder did not choose (an expiry, a newer login,
#: a disabled account, an administrator) is kept as its tombstone: only why (``state``) and when (``at``), so
#: every request with its token is told the same 401, not only the first (a client whose first 401 went to
#: another process, or was lost, still learns why). Real time, as the gateway keeps how its session ended
#: (``gateway.ENDED_BACKSTOP_S``), so a clock frozen or moved by a trainer or a test suite keeps it; a day,
#: not the gateway's week, as there is one per ended session rather than one per gateway: a day covers a
#: client's next try after a night, and bounds what a loop of logins (each replacing the last) leaves behind.
ENDED_KEEP_S = 86400


@frozen
class Touched:
    """What touching a session found: ``ok`` with the record as extended; ``missing``; or why it ended
    (``expired_idle``, ``expired_absolute``, ``replaced``, ``revoked``, ``killed``, ...: its tombstone's
    ``state``) and whose it was."""

    status: str
    record: SessionRecord | None = None
    username: str | None = None
    earlier: bool = False
    """The session was found a tombstone: it ended before this step (whose event was recorded then); False
    when this step found it past its time and ended it (its event is the caller's to record)."""
    access: UserAccess | None = None
    """The user's IP rules, read in the same step (the address is judged on every request)."""
    ended_at: int | None = None
    """When it ended, on the app clock: an expiry's own instant, not when a request found it past it (a clock
    moved an hour on finds a session that ran out 45 minutes before). None while it lives, and for a
    tombstone older than this field."""


@guarded
class SessionRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    def create(
        self,
        record: SessionRecord,
        *,
        now: int,
        concurrency: str,
        limit: int,
        epoch: str,
        retires: str | None = None,
        completes: str | None = None,
        prompt: str = "",
        lock_bucket: str | None = None,
        strikes: DeviceStrikes | None = None,
    ) -> tuple[str, list[str]]:
        """Store the session, in one step, as the user's only live one, or (under 'allow') beside the others.

        ``concurrency`` is 'replace', 'refuse', 'allow', or 'rotate' (a step-up's new token retiring
        ``retires``). Under 'allow', ``limit`` live sessions at most: the oldest beyond it are replaced.
        ``epoch`` is the user's epoch the login began under. ``completes``: the login (its id) whose right
        answer earned the session, settled in the same step, and ``prompt`` the prompt of it that answer was
        checked against (``LoginTxn.prompt``: 'switched' if a new code or a switch replaced it). Returns
        ('ok', ids of the sessions it replaced, left as tombstones) or (refused | disabled | no_user | stale,
        for 'rotate' replaced | retired (the session it retires is no longer live), or for ``completes`` a
        state the login was found in: missing | used | dead | revoked | switched | expired, []).
        ``lock_bucket`` (with ``completes``): the lockout bucket the login's password was counted in, judged
        in the same step: ('locked', [until, or '0' for a lock only an admin lifts]), the login left as is.
        ``strikes`` (with ``completes``): its device's, judged in the same step: ('device_locked', []) at the
        limit, the login left as is.
        """
        username = record.username
        session_keys = [keys.user(username), keys.user_sessions(username), keys.session(username, record.id)]
        if completes is not None:
            session_keys.append(keys.login(username, completes))
            session_keys.append(keys.user_device_strikes(username))
            if lock_bucket is not None:
                session_keys.append(keys.lockout(username, lock_bucket))
        result = self._scripts(
            "session_create",
            session_keys,
            [
                now,
                epoch,
                concurrency,
                record.id,
                record.expires_at,
                keys.session_prefix(username),
                retires or "",
                record.expires_at - now + RECLAIM_MARGIN_S,
                prompt,
                limit,
                ENDED_KEEP_S,
                *(strikes.args() if strikes and completes is not None else NO_STRIKES),
                *pairs(record.to_hash()),
            ],
        )
        return str(result[0]), [str(old) for old in result[1:]]

    def touch(
        self, session_id: str, *, now: int, idle_timeout: int, mode: Literal["extend", "check", "end"]
    ) -> Touched:
        """Check the session (and its user) and, by ``mode``, extend its idle expiry, only check it, or end
        it in the same step (a logout)."""
        username = owner_of(session_id)
        if username is None:
            return Touched("missing")
        result = self._scripts(
            "session_touch",
            [
                keys.session(username, session_id),
                keys.user(username),
                keys.user_sessions(username),
                keys.user_access(username),
            ],
            [now, idle_timeout, mode, session_id, ENDED_KEEP_S],
        )
        status = str(result[0])
        if status == "ok":
            record = SessionRecord.from_hash(from_pairs(result[1]), id=session_id)
            return Touched(status, record=record, access=UserAccess.from_hash(from_pairs(result[2])))
        if status == "missing":
            return Touched(status)
        if status == "ended":
            return Touched(str(result[1]), username=username, earlier=True, ended_at=_instant(result[2]))
        return Touched(status, username=str(result[1]), ended_at=_instant(result[2]))

    def spend_verified(self, session_id: str, purpose: str, *, now: int) -> str:
        """Spend the session's step-up for ``purpose`` (``session_spend_verified.lua``): 'ok' when it was
        fresh and is now spent, 'stale' when none was fresh, 'ended' when the session is no longer live."""
        username = owner_of(session_id)
        if username is None:
            return "ended"
        return str(
            self._scripts(
                "session_spend_verified",
                [keys.session(username, session_id)],
                [now, f"{VERIFIED_PREFIX}{purpose}"],
            )
        )

    def end(self, session_id: str, *, tombstone: str | None = None, now: int = 0) -> str | None:
        """End the session at once: deleted, or with ``tombstone`` (why, for a session its holder did not end)
        left as one, ended at ``now``; the owner's name, or None if there was no live session."""
        username = owner_of(session_id)
        if username is None:
            return None
        ended = self._scripts(
            "session_end",
            [keys.session(username, session_id), keys.user_sessions(username)],
            [session_id, tombstone or "", now, ENDED_KEEP_S],
        )
        return str(ended) if ended else None

    def retired(self, session_id: str) -> tuple[str, ...]:
        """The ids of the tokens the live session ``session_id`` was rotated from (``SessionRecord.retired``);
        none for a session never rotated, an ended one (a tombstone holds only why and when) or no session.
        One field read, no script: the field is written only with the session, and never changed."""
        username = owner_of(session_id)
        if username is None:
            return ()
        value = self._r.hget(keys.session(username, session_id), "retired")
        return Fields("session", {} if value is None else {"retired": text(value)}).names("retired")

    def opened_from(self, session_id: str) -> str | None:
        """The address the live session ``session_id`` was opened from (its record's ``ip``); None for none,
        an ended one or no session. One field read, no script, as :meth:`retired`: an administrator ending
        it names it so in the trail (the attacker's session, said as such)."""
        username = owner_of(session_id)
        if username is None:
            return None
        value = self._r.hget(keys.session(username, session_id), "ip")
        return text(value) if value else None

    def whole_id(self, session_id: str) -> str | None:
        """The id of the one session of the user that ``session_id`` names whose id starts with it: a whole
        id, or its user and a prefix of ``ids.SHORT_HEX`` or more hex digits (an audit event's short
        ``session_id`` after ``<user>~``); None if there is none, or several."""
        username = owner_of_prefix(session_id)
        if username is None:
            return None
        ids = texts(self._r.zrange(keys.user_sessions(username), 0, -1))
        matches = [sid for sid in ids if sid.startswith(session_id)]
        return matches[0] if len(matches) == 1 else None

    def for_user(self, username: str, *, now: int) -> list[SessionRecord]:
        flat = self._scripts(
            "sessions_list", [keys.user_sessions(username)], [now, keys.session_prefix(username)]
        )
        return [
            SessionRecord.from_hash(from_pairs(fields), id=str(sid))
            for sid, fields in zip(flat[::2], flat[1::2], strict=True)
        ]


def _instant(value: object) -> int | None:
    """A tombstone's ``at`` as the script answers it (``''`` from one written before it was kept)."""
    said = text(value)
    return int(said) if said.lstrip("-").isdigit() else None
