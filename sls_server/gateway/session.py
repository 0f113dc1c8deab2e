"""Gateway mode's session rules: one gateway session at a time, the real session behind it, and the
brokerage session beside it.

The Client Portal Gateway is a single-user process: its REST session is the one its browser login
established, not a cookie. Here that is one record in Redis per gateway instance (``store.gateway``) that
names the real session the login created, by its public id and never its token. Every REST call checks that
session first, so automatic logoff, the absolute lifetime, a disabled or deleted user, IP rules and the
server's clock all apply to the gateway as to any session. Beside it lives the brokerage session's state
(``authenticated``, ``connected``, ``competing``), which tests and trainers stage: the brokerage session
dropping while SSO stays valid, the gateway losing its connection to the brokerage's servers (both healed by
reauthenticating over REST), a competing session from another platform, the SSO session expiring or the
daily reset (clients must log in through the page again).

How a session ended is kept for the callers that come after (``reason``, the 401's word, which bots match),
with the cause behind it (``ended_by``): ``session_expired`` is the automatic logoff (``idle``) or the
session's absolute lifetime (``lifetime``); every other reason has one cause, and ``ended_by`` repeats it.
"""

from __future__ import annotations

from dataclasses import replace

from .. import starting
from ..auth.errors import SessionExpired, SessionKilled, SessionLifetimeEnded
from ..auth.session_state import Session
from ..auth.sessions import SessionService
from ..errors import SlsError, StoreUnavailable
from ..events import EventLog
from ..store import Store
from ..store.logins import RECLAIM_MARGIN_S
from ..store.records.gateway import (
    BrokerageChanges,
    GatewayEnding,
    GatewayLease,
    GatewayProcess,
    GatewayRecord,
)
from .brokerage import FOUND_ENDED, RESTORED, STAGED, Staged
from .daily import next_reset
from .errors import NoGatewaySession
from .views import GatewayView, Restart

__all__ = ["GatewayService", "GatewayView", "Restart"]


class GatewayService:
    def __init__(
        self,
        store: Store,
        sessions: SessionService,
        events: EventLog,
        *,
        instance: str,
        daily_reset: str | None,
    ) -> None:
        self._store = store
        self._repo = store.gateway
        self._sessions = sessions
        self._events = events
        self.instance = instance
        self._configured_reset = daily_reset

    # --- the browser login ------------------------------------------------------------------------------

    def establish(self, session: Session, *, paper: bool, now: int, ip: str | None) -> None:
        """The session a gateway login page just created becomes the gateway's; the one it held before, if
        another, is ended (one gateway session at a time, as in the single-user gateway).

        Unless the session is no longer live once the gateway has it: another login of the same user,
        finishing at the same moment, replaced it after it was made and may have handed the gateway its own
        session first. Ending that one would leave the gateway a dead session and the user no live one at
        all; the gateway goes back to it instead. The check is one round trip more, in gateway mode's page
        login only (the session is in its user's slot, the gateway's record in another)."""
        self._started()
        record = GatewayRecord(
            session_id=session.id, username=session.username, established_at=now, paper=paper
        )
        keep_s = max(session.expires_at - now, 1) + RECLAIM_MARGIN_S
        previous = self._repo.establish(self.instance, record, keep_s=keep_s)
        live = self._store.sessions.touch(
            session.id, now=now, idle_timeout=self._sessions.idle_timeout, mode="check"
        )
        if live.record is None:
            self._repo.hand_back(self.instance, session.id, previous, keep_s=keep_s)
            return
        self._events.record(
            "gateway.session_established", at=now, user=session.username, ip=ip, detail={"paper": paper}
        )
        if previous and previous.session_id != session.id:
            self._sessions.end(previous.session_id, now=now, reason="replaced_by_gateway_login")

    # --- what the REST routes ask -------------------------------------------------------------------------

    def current(self, *, now: int, ip: str | None, activity: bool) -> GatewayView:
        """The gateway's live session, counting the call as activity when ``activity``; else 401
        ``no_session`` (with ``reason``, how the last one ended, until the next login)."""
        self._started()
        record = self._repo.get(self.instance)
        if record is None:
            ended = self._repo.ended(self.instance, now=now)  # every caller learns it, until the next login
            raise NoGatewaySession.ended(ended.reason, ended.ended_by) if ended else NoGatewaySession()
        reset_at = self._reset_due(record, now=now)
        try:
            session = self._sessions.authenticate_id(record.session_id, now=now, ip=ip, extend=activity)
        except StoreUnavailable:
            raise
        except SlsError as exc:  # logged off, expired, replaced, user disabled, address refused
            why = "session_ended" if exc.code == "not_authenticated" else exc.code  # gone: ended elsewhere
            if isinstance(exc, SessionKilled):  # its tombstone: named as a look names it (``FOUND_ENDED``)
                why = FOUND_ENDED.get(exc.why, ("session_ended", ""))[0]
            ended_by, ended_at = why, now
            if isinstance(exc, SessionExpired):  # one reason, two causes: a bot must tell them apart
                ended_by = "lifetime" if isinstance(exc, SessionLifetimeEnded) else "idle"
                ended_at = exc.ended_at if exc.ended_at is not None else now  # when it ran out
            self._forget(record, now=now, why=why, ended_by=ended_by, ended_at=ended_at)
            raise NoGatewaySession.ended(why, ended_by) from None
        return self._view(record, session, reset_at)

    def forwarded(self, *, now: int, ip: str | None) -> bool:
        """A request the real gateway would forward to the broker but this emulator does not serve (its
        accounts, portfolio, orders, market data): activity of the live session all the same, as the
        broker's session times out only when the gateway "has not received any requests for several
        minutes". Whether it counted: False when there is no live session (none, or found ended by this
        very request, which is then told to the next REST call as to any), and nothing is renewed or
        revived. Judged as a tickle is (the session's address rule, its lifetimes, the daily reset)."""
        try:
            self.current(now=now, ip=ip, activity=True)
        except NoGatewaySession:
            return False
        return True

    def reauthenticate(self, *, now: int, ip: str | None, compete: bool = True) -> GatewayView:
        """The brokerage session again, while the SSO session is valid (also taking it over from a competing
        platform, unless not ``compete``: ``ssodh/init``'s ``"compete": false`` leaves another platform's
        session alone, and the answer says it still competes)."""
        view = self.current(now=now, ip=ip, activity=True)
        if view.record.competing and not compete:
            return view
        if not self._change(view.record, RESTORED, now=now, event="gateway.reauthenticated"):
            raise NoGatewaySession()  # ended (or replaced) between the read and the change: nothing restored
        return replace(view, record=replace(view.record, **RESTORED))

    def logout(self, *, now: int, ip: str | None) -> None:
        """End the gateway's session for good: the session behind it too, as any logout does."""
        view = self.current(now=now, ip=ip, activity=False)
        if not self._close(view.record, now=now, why="logout"):
            raise NoGatewaySession()  # a racing logout (or expiry) ended it first: one "status: true" only

    # --- staging (admin, CLI, trainer, scenarios) ---------------------------------------------------------

    def peek(self, *, now: int) -> GatewayView | None:
        """The gateway's session without counting as activity or judging anyone's address (an admin looks);
        None when there is none, or it has just ended."""
        self._started()
        return self._look(now=now)

    def _look(self, *, now: int) -> GatewayView | None:
        record = self._repo.get(self.instance)
        if record is None:
            return None
        try:
            reset_at = self._reset_due(record, now=now)
        except NoGatewaySession:
            return None
        touched = self._store.sessions.touch(
            record.session_id, now=now, idle_timeout=self._sessions.idle_timeout, mode="check"
        )
        if touched.record is None:  # named as a REST call finding it would name it (not expired_idle)
            why, ended_by = FOUND_ENDED.get(touched.status, ("session_ended", "session_ended"))
            ended_at = touched.ended_at if touched.ended_at is not None else now
            self._forget(record, now=now, why=why, ended_by=ended_by, ended_at=ended_at)
            return None
        return self._view(record, Session.from_record(touched.record), reset_at)

    def last_ending(self, *, now: int) -> GatewayEnding | None:
        """How the gateway's last session ended, while that is news (until the next login, at most an hour
        of the app clock): what the 401 tells every REST caller, for an admin to read too."""
        return self._repo.ended(self.instance, now=now)

    def stage(self, change: Staged, *, now: int) -> GatewayView | None:
        """Stage a drop, a lost connection, a competing session or an SSO expiry on the gateway's session;
        None when there is none (nothing to stage), else the session as it is now (None again after an
        expiry)."""
        view = self.peek(now=now)
        if view is None:
            return None
        if change == "expire":
            self._close(view.record, now=now, why="sso_expired")
            return None
        changes, event = STAGED[change]
        self._change(view.record, changes, now=now, event=event)
        return replace(view, record=replace(view.record, **changes))

    def restarted(self, process: GatewayProcess, token: str, *, now: int) -> Restart:
        """The gateway process starts again: the session the last one held ends (``gateway_restarted``), as
        the real gateway, which keeps its session in its own process, asks for a login after a restart.
        Here the session outlives the process in Redis, so a tool that restarts a stuck gateway (IBeam)
        would find itself still logged in and never test its login path.

        Unless another process of the instance is live (holds its lease: ``GatewayRepo.restart`` checks
        the leases, takes this one's and ends the session in one step): then the gateway as a whole never
        went down (a rolling restart, a second port behind a balancer), and its session stays.

        The script moves the record it ends aside (``GatewayRepo.owed``) until its close is done: a step
        killed at its deadline between the two (``cli.gateway_restart``) has it finished by the next."""
        owed = self._settle_owed()  # a step cut after its script: that ending happened, its events did not
        view = self._look(now=now)  # one that ended meanwhile is named by its own cause, not the restart
        session_id = view.record.session_id if view else None
        others, ended = self._repo.restart(
            self.instance, process, token, session_id=session_id, why="gateway_restarted", now=now
        )
        ended = self._settle_owed() or ended
        return Restart(view is not None or owed, others, ended or owed)

    def _settle_owed(self) -> bool:
        """Close the session a start's script ended, if its close is still owed (once: a later start finds it
        settled); whether there was one."""
        owed = self._repo.owed(self.instance)
        if owed is None:
            return False
        record, ended_at = owed
        self._closed(record, now=ended_at, why="gateway_restarted")
        self._repo.settle_owed(self.instance, record.session_id)
        return True

    def processes(self) -> list[GatewayProcess]:
        """The processes serving the instance now (their leases held), oldest first."""
        return self._repo.processes(self.instance)

    def leases(self) -> list[GatewayLease]:
        """Their leases, with each one's age and time left (real time), oldest process first."""
        return self._repo.leases(self.instance)

    def daily_reset(self) -> str | None:
        """``HH:MM`` UTC of the daily reset (set at run time, else the setting); None: no daily reset."""
        return self._daily_reset()[0]

    def set_daily_reset(self, at: str | None, *, now: int) -> None:
        """The new time applies from ``now`` on: the session ends at its next ``at`` after now, not at one
        that passed before it was set (which would end it at once). A reset the old time made due first ends
        the session, as the next request would have found, so a change never saves a session either."""
        self.peek(now=now)
        self._repo.set_daily_reset(self.instance, at or "off", since=now)
        self._events.record("gateway.daily_reset_set", at=now, detail={"at": at})

    # --- inside ----------------------------------------------------------------------------------------

    def _started(self) -> None:
        """503 while this process's start step has yet to run (``starting``): started while Redis did not
        answer, the step ends the old session once Redis does, and nobody must be served it before."""
        token = starting.pending()
        if token is None:
            return
        if not self._repo.holds_lease(self.instance, token):
            raise StoreUnavailable()
        starting.settle()

    def _daily_reset(self) -> tuple[str | None, int]:
        """The daily reset's ``HH:MM`` (or None) and the instant it took effect: when it was set at run time,
        else 0 (the setting's, in force since the server started)."""
        value, since = self._repo.daily_reset(self.instance)
        if value is None:
            return self._configured_reset, 0
        return (None if value == "off" else value), since

    def _reset_due(self, record: GatewayRecord, *, now: int) -> int | None:
        """The next daily reset of this session, counted from its login or from when the reset's time was
        set, whichever is later; past it, the session is ended (``NoGatewaySession``)."""
        hhmm, since = self._daily_reset()
        reset_at = next_reset(max(record.established_at, since), hhmm)
        if reset_at is not None and now >= reset_at:
            self._close(record, now=now, why="daily_reset")
            raise NoGatewaySession.ended("daily_reset", "daily_reset")
        return reset_at

    def _view(self, record: GatewayRecord, session: Session, reset_at: int | None) -> GatewayView:
        ends = min(session.idle_expires_at, session.expires_at, reset_at or session.expires_at)
        return GatewayView(record, session, ends, reset_at)

    def _change(self, record: GatewayRecord, changes: BrokerageChanges, *, now: int, event: str) -> bool:
        """Whether the change was made: False when the record is no longer the gateway's (ended, replaced)."""
        if not self._repo.update(self.instance, record.session_id, changes):
            return False
        self._events.record(event, at=now, user=record.username, detail=dict(changes))
        return True

    def _close(self, record: GatewayRecord, *, now: int, why: str) -> bool:
        """End the gateway's session and the real one behind it (a logout, an expiry, the daily reset, a
        restart);
        whether this call ended it (of racing calls, one does)."""
        if not self._repo.end(self.instance, record.session_id, why=why, ended_by=why, now=now):
            return False
        self._closed(record, now=now, why=why)
        return True

    def _closed(self, record: GatewayRecord, *, now: int, why: str) -> None:
        """The gateway let go of its session: the event, and the real session behind it ends."""
        self._ended_event(record, now=now, why=why, ended_by=why)
        self._sessions.end(record.session_id, now=now, reason="logout" if why == "logout" else why)

    def _forget(self, record: GatewayRecord, *, now: int, why: str, ended_by: str, ended_at: int) -> None:
        """The real session ended by itself (its own event says how): the gateway lets go of it, and keeps
        when it ended (``ended_at``: an expiry's own instant, maybe long before ``now``, when found)."""
        if self._repo.end(self.instance, record.session_id, why=why, ended_by=ended_by, now=now, at=ended_at):
            self._ended_event(record, now=now, why=why, ended_by=ended_by)

    def _ended_event(self, record: GatewayRecord, *, now: int, why: str, ended_by: str) -> None:
        """``gateway.session_ended``: ``result`` the 401's ``reason``, ``detail.ended_by`` its cause."""
        detail = {"ended_by": ended_by}
        self._events.record("gateway.session_ended", at=now, user=record.username, result=why, detail=detail)
