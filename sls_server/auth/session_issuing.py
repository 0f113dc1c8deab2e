"""A session issued: created for a login that earned it (one live per user, replacing or refused, or under
``allow`` several up to the limit), and a new token for it after a step-up. Part of ``SessionService``
(``sessions.issuer``), which uses, lists and ends what this issues.

A session lives under its user's hash tag (its id names the user: ``session_tokens``), so the step that
stores it checks the user (disabled? deleted?) too.
"""

from __future__ import annotations

from collections.abc import Callable

from ..events import EventLog
from ..store import Store
from ..store.ids import short_id
from ..store.lockout import DeviceStrikes
from ..store.records import SessionRecord, UserAccess
from ..store.records.sessions import RETIRED_KEPT
from .errors import SessionActive, SessionIpRejected
from .session_refusals import raise_for_stored
from .session_state import Session
from .session_tokens import new_token

#: (username, client address, the user's rules if already read) -> may this address use the user's session?
IpGuard = Callable[[str, "str | None", "UserAccess | None"], bool]


class SessionIssuer:
    def __init__(
        self,
        store: Store,
        events: EventLog,
        *,
        idle_timeout: int,
        absolute_timeout: int,
        concurrency: str,
        limit: int,
        ip_guard: IpGuard | None,
    ) -> None:
        self._store = store
        self._events = events
        self.idle_timeout = idle_timeout
        self.absolute_timeout = absolute_timeout
        self.concurrency = concurrency
        self.limit = limit
        self._ip_guard = ip_guard

    def require_ip(
        self,
        username: str,
        ip: str | None,
        *,
        now: int,
        access: UserAccess | None = None,
        result: str = "verify_refused",
    ) -> None:
        """The address rule at every step of a login after its password (the verify step, the poll that
        collects a push, a new code or factor: ``result`` says which), not only after."""
        if self._ip_guard is not None and not self._ip_guard(username, ip, access):
            self._events.record("ip.rejected", at=now, user=username, ip=ip, result=result)
            raise SessionIpRejected("This address may not log in to this account.")

    def refuse_if_busy(self, username: str, *, now: int) -> None:
        """Under the 'refuse' rule, say so before a login spends its challenge."""
        if self.concurrency == "refuse" and self._store.sessions.for_user(username, now=now):
            raise SessionActive()

    def create(
        self,
        username: str,
        *,
        factor: str,
        device_id: str | None,
        now: int,
        ip: str | None,
        epoch: str,
        completes: str | None = None,
        prompt: str = "",
        lock_bucket: str | None = None,
        strikes: DeviceStrikes | None = None,
    ) -> tuple[str, Session]:
        """A new session for a login that began under the user's ``epoch``; refused if the user was disabled
        or deleted since (the same step checks it), or, under 'refuse', if another session is live.
        ``completes`` is the login whose right answer earned it, settled in the same step (one round trip,
        and racing right answers cannot both win); ``prompt``, the prompt of it that answer was checked
        against (``LoginTxn.prompt``): replaced since by a new code or a switch, and nothing is created;
        ``lock_bucket`` (with ``completes``), the lockout bucket its password was counted in: locked by the
        time the session would be stored, 423 ``account_locked``, nothing created, the login left as it is;
        ``strikes`` (with ``completes``), its device's: a wrong response that disabled the device since the
        verify read it, 423 ``device_locked``, the same."""
        expires_at = now + self.absolute_timeout
        token, sid = new_token(username)
        record = SessionRecord(
            id=sid,
            username=username,
            authenticated_at=now,
            idle_expires_at=min(now + self.idle_timeout, expires_at),
            expires_at=expires_at,
            last_seen_at=now,
            factor=factor,
            device_id=device_id,
            ip=ip,
            epoch=epoch or None,
        )
        session, replaced = self._store_new(
            record,
            now=now,
            concurrency=self.concurrency,
            epoch=epoch,
            completes=completes,
            prompt=prompt,
            lock_bucket=lock_bucket,
            strikes=strikes,
        )
        for old in replaced:
            self._events.record(
                "session.replaced", at=now, user=username, detail={"session_id": short_id(old)}
            )
        return token, session

    def rotate(
        self, session: Session, *, now: int, ip: str | None, verified: dict[str, int]
    ) -> tuple[str, Session]:
        """A new token for the same session after a step-up; the old token is dead at once (ASVS 7.2.4),
        left a tombstone by the same step, so a request still carrying it is told to use the new one.
        The absolute deadline stays: a step-up is a second factor, not a new login. The session must still
        be live when the new token is stored (checked in the same step), not only when the request began:
        a session logged out, killed or replaced meanwhile stays ended (401), and of two step-ups racing on
        one session only the first rotates it. ``verified`` is this step-up's; the retired session's other
        fresh ones are carried over by that same step as it finds them, not as this request read them, so a
        withdrawal's step-up spent meanwhile (``SessionService.spend_step_up``) stays spent. The returned
        session holds ``verified`` only. It keeps the retired token's id (after those it was rotated from
        before, ``SessionRecord.retired``): a page of another tab loaded with the old token has forms whose
        tokens are bound to it, and they still count as this session's (``http.crosssite``)."""
        token, sid = new_token(session.username)
        record = SessionRecord(
            id=sid,
            username=session.username,
            authenticated_at=session.authenticated_at,
            idle_expires_at=min(now + self.idle_timeout, session.expires_at),
            expires_at=session.expires_at,
            last_seen_at=now,
            factor=session.factor,
            device_id=session.device_id,
            ip=ip,
            epoch=session.epoch or None,
            verified=verified,
            retired=(*session.retired, session.id)[-RETIRED_KEPT:],  # this session's earlier tokens
        )
        rotated, _ = self._store_new(
            record, now=now, concurrency="rotate", epoch=session.epoch, retires=session.id
        )
        self._events.record(  # both ids: the trail ties the retired token's 401 to this step-up
            "session.rotated",
            at=now,
            user=session.username,
            detail={"session_id": short_id(rotated.id), "retired_session_id": short_id(session.id)},
        )
        return token, rotated

    def _store_new(
        self,
        record: SessionRecord,
        *,
        now: int,
        concurrency: str,
        epoch: str,
        retires: str | None = None,
        completes: str | None = None,
        prompt: str = "",
        lock_bucket: str | None = None,
        strikes: DeviceStrikes | None = None,
    ) -> tuple[Session, list[str]]:
        status, replaced = self._store.sessions.create(
            record,
            now=now,
            concurrency=concurrency,
            limit=self.limit,
            epoch=epoch,
            retires=retires,
            completes=completes,
            prompt=prompt,
            lock_bucket=lock_bucket,
            strikes=strikes,
        )
        if status != "ok":
            raise_for_stored(status, replaced, now=now)
        return Session.from_record(record), replaced
