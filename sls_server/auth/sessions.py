"""Sessions' rules once issued: used with idle and absolute expiry and the address rule checked on every
request, a step-up spent, listed and ended (by their user, an administrator, a logout) and recorded. Their
creation for a login and their new token after a step-up are ``session_issuing``'s (``sessions.issuer``).

A session lives under its user's hash tag (its id names the user: ``session_tokens``), so one script checks
the user (disabled? deleted?) every time the session is used.
"""

from __future__ import annotations

from typing import Any, Literal

from ..errors import InvalidRequest, NotAuthenticated
from ..event_details import KilledBy
from ..events import EventLog
from ..store import Store
from ..store.ids import owner_of_prefix, short_id
from .errors import SessionIpRejected
from .session_endings import EXPIRED, ended_error, record_end, tombstone_for
from .session_issuing import IpGuard, SessionIssuer
from .session_state import Session
from .session_tokens import session_id

#: A request with no session token at all: where one goes (a token under another scheme reads as none).
NO_SESSION = (
    "No session: send the login's session token as Authorization: Bearer <token>, or the session cookie "
    "the login set."
)


class SessionService:
    def __init__(
        self,
        store: Store,
        events: EventLog,
        *,
        idle_timeout: int,
        absolute_timeout: int,
        concurrency: str = "replace",
        limit: int = 10,
        ip_guard: IpGuard | None = None,
    ) -> None:
        self._store = store
        self._events = events
        self.idle_timeout = idle_timeout
        self._ip_guard = ip_guard
        self.issuer = SessionIssuer(
            store,
            events,
            idle_timeout=idle_timeout,
            absolute_timeout=absolute_timeout,
            concurrency=concurrency,
            limit=limit,
            ip_guard=ip_guard,
        )
        """A session created for a login, a new token after a step-up (``session_issuing``)."""

    def spend_step_up(self, session: Session, purpose: str, *, now: int) -> str:
        """Spend the session's step-up for ``purpose`` in one step: 'ok' (it was fresh: spent now), 'stale'
        (none fresh, a racing task's spend included) or 'ended' (the session ended since it was read)."""
        return self._store.sessions.spend_verified(session.id, purpose, now=now)

    def rotated_from(self, sid: str) -> tuple[str, ...]:
        """The ids of the tokens the live session ``sid`` was rotated from by its step-ups, as the rotation
        stored them with it (none once it ended): what a form token minted for an earlier token of the same
        session is checked against (``http.crosssite.require_form_token``)."""
        return self._store.sessions.retired(sid)

    def authenticate(self, token: str | None, *, now: int, ip: str | None, extend: bool = True) -> Session:
        """The live session for ``token``, counting this request as activity; 401 otherwise.

        The address is checked on every request, not only at login: a session used from outside the
        user's allowed addresses is ended on the spot.
        """
        if not token:  # said with where a token goes: a client sending it under another scheme learns how
            raise NotAuthenticated(NO_SESSION)
        sid = session_id(token)
        if sid is None:
            raise NotAuthenticated("No valid session: log in first.")
        return self.authenticate_id(sid, now=now, ip=ip, extend=extend)

    def authenticate_id(self, sid: str, *, now: int, ip: str | None, extend: bool = True) -> Session:
        """:meth:`authenticate` for a holder that keeps a session by its public id, never its token (gateway
        mode's single-user REST session): every rule of the session applies the same."""
        return self._use(sid, now=now, ip=ip, mode="extend" if extend else "check")

    def logout(self, token: str | None, *, now: int, ip: str | None) -> Session:
        """End the live session of ``token``: checked like any request and ended in the same step (one
        round trip); 401 if there was none. From an address the user may not use, it ends all the same and
        the answer is 403, as for any request from there."""
        sid = session_id(token) if token else None
        if sid is None:
            raise NotAuthenticated("No valid session: log in first.")
        session = self._use(sid, now=now, ip=ip, mode="end")
        record_end(self._events, session.username, sid, now=now, reason="logout")
        return session

    def _use(self, sid: str, *, now: int, ip: str | None, mode: Literal["extend", "check", "end"]) -> Session:
        touched = self._store.sessions.touch(sid, now=now, idle_timeout=self.idle_timeout, mode=mode)
        status = touched.status
        if touched.record is not None:
            session = Session.from_record(touched.record)
            if self._ip_guard is not None and not self._ip_guard(session.username, ip, touched.access):
                if mode != "end":
                    self._store.sessions.end(sid, tombstone="ip_restricted", now=now)
                self._events.record(
                    "ip.rejected",
                    at=now,
                    user=session.username,
                    ip=ip,
                    result="session_ended",
                    detail={"session_id": short_id(sid)},
                )
                raise SessionIpRejected()
            return session
        if status == "missing":
            raise NotAuthenticated("No valid session: log in first.")
        if status in EXPIRED and not touched.earlier:  # ended by this step: recorded once, here
            self._events.record(
                f"session.{status}", at=now, user=touched.username, detail={"session_id": short_id(sid)}
            )
        raise ended_error(status, ended_at=touched.ended_at)  # the same while its tombstone lasts

    def end(
        self,
        session_id_: str,
        *,
        now: int,
        reason: str = "logout",
        ip: str | None = None,
        by: str | None = None,
        told: str | None = None,
        ended_by: KilledBy | None = None,
        opened_from: str | None = None,
    ) -> str | None:
        """End the session, then record why; the owner's name, or None if there was no live session. Ended
        for its holder (any ``reason`` but a logout), it is left a tombstone saying why to every later request
        with its token (``auth.session_endings``): ``told``, else the word for ``reason``. ``ended_by``: what
        ended a ``killed`` one (``event_details.KilledBy``), in its event for the trail and the feed;
        ``opened_from``: where the ended session was opened, when the caller read it (an administrator's end).

        Once Redis has deleted the session it is ended, which is what the caller asked for; its event is
        recorded after, and never undoes it (``session_endings.record_end``). ``ip`` and ``by`` (the session
        that asked, when a user ends another of theirs) go into the event, so the trail says from where.
        """
        tombstone = told or tombstone_for(reason)
        username = self._store.sessions.end(session_id_, tombstone=tombstone, now=now)
        if username:
            record_end(
                self._events,
                username,
                session_id_,
                now=now,
                reason=reason,
                ip=ip,
                by=by,
                ended_by=ended_by,
                opened_from=opened_from,
            )
        return username

    def kill(self, session_id_: str, *, now: int) -> tuple[str, str] | None:
        """An administrator ends a session named by its whole id, or by its user and the short id events
        show (``alice~3f9a0c1d2e4b``): (the whole id, its owner), or None if it names no one session."""
        whole = self._store.sessions.whole_id(session_id_)
        opened = self._store.sessions.opened_from(whole) if whole else None
        username = (
            self.end(whole, now=now, reason="killed", ended_by="admin", opened_from=opened) if whole else None
        )
        return (whole, username) if whole and username else None

    def end_all(self, username: str, *, now: int, ended_by: KilledBy = "admin") -> list[str]:
        """Every live session of the user ended, one by one (each ``session.killed`` with ``ended_by``): the
        ids ended. Their holders are told a new password ended them when one did, else an administrator."""
        told = "password_reset" if ended_by in ("password_reset", "password_recovery") else "killed"
        live = [(s["id"], s["ip"]) for s in self.of_user(username, now=now)]
        return [
            sid
            for sid, opened in live
            if self.end(sid, now=now, reason="killed", told=told, ended_by=ended_by, opened_from=opened)
        ]

    def of_user(self, username: str, *, now: int) -> list[dict[str, Any]]:
        return [
            {**Session.from_record(r).public(), "id": r.id, "ip": r.ip, "last_seen_at": r.last_seen_at}
            for r in self._store.sessions.for_user(username, now=now)
        ]

    def own(self, session: Session, *, now: int) -> list[dict[str, Any]]:
        """The live sessions of ``session``'s user as that user sees them (ASVS 7.5.2): what the admin sees,
        the asking one marked ``current`` so "log out the others" can be told apart from "log out"."""
        return [{**s, "current": s["id"] == session.id} for s in self.of_user(session.username, now=now)]

    def own_id(self, session: Session, given: str, *, now: int) -> str | None:
        """The whole id of the one live session of ``session``'s own user that ``given`` names (a whole id, or
        ``<username>~`` and a unique prefix of 12 hex digits or more, as events show it); None otherwise.
        Another user's id is never looked up: to its asker it is the same nothing as an unknown one. Matched
        against the live list, not the index, so a session past its time is nothing to end either. 400
        ``invalid_request`` naming ``session_id`` when ``given`` is no session id of anyone's."""
        owner = owner_of_prefix(given)
        if owner is None:
            raise InvalidRequest(
                "session_id must be a session's id as GET /api/v1/sessions lists it", field="session_id"
            )
        if owner != session.username:
            return None
        live = [r.id for r in self._store.sessions.for_user(session.username, now=now)]
        matches = [sid for sid in live if sid.startswith(given)]
        return matches[0] if len(matches) == 1 else None
