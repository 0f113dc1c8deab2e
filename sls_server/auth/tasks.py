"""The sensitive tasks a session may do only after a fresh step-up ("verify your identity"): changing the
phone number, the password or the IP restrictions, a withdrawal (the emulator's stand-in for moving money; it
moves none), and ending the user's other sessions (ASVS 7.5.2: seeing them needs only the session, ending them
a fresh factor).

Each task checks the step-up itself, so no caller (a JSON route, a web page, a gateway) can forget it.
"""

from __future__ import annotations

import re
import secrets
from typing import Any

from ..accounts.access import IpRestrictions, admits
from ..accounts.allowlists import parse_allowlist
from ..accounts.notify import Notify
from ..accounts.users import UserService
from ..errors import InvalidRequest
from ..events import EventLog
from .errors import InvalidCredentials, UnknownSession, WrongPassword
from .password_step import PasswordStep
from .phone_change import PhoneChanges
from .session_state import Session
from .sessions import SessionService
from .stepup import StepUp

CURRENCY_RE = re.compile(r"^[A-Z]{3}$")
#: What a withdrawal's ``request_id`` looks like (``withdraw`` draws them): the account page shows no other.
REQUEST_ID_RE = re.compile(r"^wd-[0-9a-f]{12}$")
MAX_AMOUNT = 10**9


#: Why a session ended, in its event (``session.ended_by_user``), when its own user ended it from another.
ENDED_BY_USER = "ended_by_user"


class SensitiveTasks:
    def __init__(
        self,
        stepup: StepUp,
        phone_changes: PhoneChanges,
        events: EventLog,
        sessions: SessionService,
        password: PasswordStep,
        users: UserService,
        ip_rules: IpRestrictions,
        notify: Notify,
    ) -> None:
        self._stepup = stepup
        self._phone_changes = phone_changes
        self._events = events
        self._sessions = sessions
        self._password = password
        self._users = users
        self._ip_rules = ip_rules
        self._notify = notify

    def change_phone(
        self, session: Session, phone: str, code: str | None, *, now: int, ip: str | None
    ) -> dict[str, Any]:
        """Without ``code``, text one to the new number (``code_sent``); with it, change the number
        (``changed``). Both need the fresh step-up: one that lapses between them means verifying again."""
        self._stepup.require(session, "change_contact", now=now)
        if code is None:
            return self._phone_changes.request(session.username, session.id, phone, now=now, ip=ip)
        return self._phone_changes.confirm(session.username, session.id, phone, code, now=now, ip=ip)

    def pending_phone(self, session: Session, *, now: int) -> dict[str, Any] | None:
        """The new number this session is confirming, if any (no step-up: seeing it changes nothing)."""
        return self._phone_changes.pending(session.username, session.id, now=now)

    def change_password(
        self, session: Session, current: str, new: str, *, end_others: bool, now: int, ip: str | None
    ) -> dict[str, Any]:
        """The user's own new password (ASVS 6.2.3: the current one and the new one), after a fresh
        ``change_security`` step-up. The new one is judged first, so a weak choice costs no guess; the
        current one is checked as a login's is (a wrong one is 403 ``wrong_password``, counted towards the
        lockout and recorded as ``password_change.password_failed``; a locked account is refused before it
        is looked at). Every login of the user still in progress ends: it passed the old password.
        ``end_others`` logs out every other session of the user (ASVS 7.4.3), as
        :meth:`end_other_sessions` does; this one lives on."""
        self._stepup.require(session, "change_security", now=now)
        self._users.passwords.check_new_password(session.username, new, field="new_password")
        try:
            verified = self._password.verify(
                session.username, current, now=now, ip=ip, door="password_change"
            )
        except InvalidCredentials:
            raise WrongPassword(field="current_password") from None
        logins = self._users.passwords.change_password(verified, current, new, now=now)
        ended = self.end_other_sessions(session, now=now, ip=ip) if end_others else []
        return {
            "state": "changed",
            "username": session.username,
            "sessions_ended": ended,
            "logins_ended": logins,
        }

    def ip_restrictions(self, session: Session, *, ip: str | None) -> dict[str, Any]:
        """The user's own allowlist, their account's (which theirs narrows) and the address asking: no
        step-up, as seeing them changes nothing."""
        name = session.username
        return {
            **self._ip_rules.user_allowlist(name),
            "account_ip_allowlist": self._ip_rules.account_allowlist_of(name),
            "your_address": ip,
        }

    def set_ip_restrictions(
        self, session: Session, entries: object, *, now: int, ip: str | None
    ) -> dict[str, Any]:
        """The user's own IP Restrictions ("enable IP Restrictions via the Client Portal"), after a fresh
        ``change_security`` step-up; an empty list turns them off. A list that leaves out the address asking
        is refused: every request of a session is checked against the list, so it would log the user out at
        once and keep them out (only an administrator could undo it). The phone is told."""
        self._stepup.require(session, "change_security", now=now)
        parsed = parse_allowlist(entries)
        if parsed and not admits(parsed, ip):
            raise InvalidRequest(
                f"ip_allowlist must include the address you are using now ({ip or 'unknown'}): "
                "without it you would be logged out, and could not log in again",
                field="ip_allowlist",
                your_address=ip,
            )
        self._ip_rules.set_user_allowlist(session.username, parsed, now=now, by_user=True)
        what = (
            "IP Restrictions on your account were turned off."
            if not parsed
            else ("IP Restrictions on your account were changed.")
        )
        self._notify(session.username, what, kind="ip_restrictions_changed", now=now)
        return self.ip_restrictions(session, ip=ip)

    def withdraw(
        self, session: Session, amount: int, currency: str, *, now: int, ip: str | None
    ) -> dict[str, Any]:
        """A withdrawal, which spends the session's ``withdrawal`` step-up: one step-up, one withdrawal (ASVS
        5.0 7.5.3: moving money asks a fresh factor each time, even within the session). Without a fresh one,
        401 ``reauth_required`` before the body is judged, as before every task; a body refused (400) spends
        nothing; of withdrawals racing on one step-up one is accepted, the others get 401."""
        self._stepup.require(session, "withdrawal", now=now)
        if isinstance(amount, bool) or not isinstance(amount, int) or not 1 <= amount <= MAX_AMOUNT:
            raise InvalidRequest(f"amount must be an integer from 1 to {MAX_AMOUNT}", field="amount")
        if not CURRENCY_RE.fullmatch(currency):
            raise InvalidRequest("currency must be a 3-letter ISO code like USD", field="currency")
        self._stepup.spend(session, "withdrawal", now=now)  # once the request is known good: one each
        request_id = f"wd-{secrets.token_hex(6)}"
        self._events.record(
            "withdrawal.requested",
            at=now,
            user=session.username,
            ip=ip,
            detail={"amount": amount, "currency": currency, "request_id": request_id},
        )
        return {
            "state": "accepted",
            "request_id": request_id,
            "amount": amount,
            "currency": currency,
            "note": "simulated: the emulator moves no money",
        }

    def sessions(self, session: Session, *, now: int) -> list[dict[str, Any]]:
        """The user's live sessions, this one marked: no step-up, as seeing them changes nothing."""
        return self._sessions.own(session, now=now)

    def end_session(self, session: Session, given: str, *, now: int, ip: str | None) -> list[str]:
        """End one other live session of the user, named by its id; its token is dead at once. 404
        ``unknown_session`` for an id that is no live session of this user's (another user's included); 400
        for the asking session itself, which logs out instead. The step-up is checked first: without one the
        id is never looked at."""
        self._stepup.require(session, "change_security", now=now)
        sid = self._sessions.own_id(session, given, now=now)
        if sid == session.id:
            raise InvalidRequest(
                "session_id is the session asking: end it with POST /api/v1/auth/logout", field="session_id"
            )
        if sid is None or not self._sessions.end(sid, now=now, reason=ENDED_BY_USER, ip=ip, by=session.id):
            raise UnknownSession()  # none, or one that ended between the lookup and now
        return [sid]

    def end_other_sessions(self, session: Session, *, now: int, ip: str | None) -> list[str]:
        """End every live session of the user but the asking one ("log out everywhere else"); the ids ended,
        none when there were no others (the one-session rules leave none)."""
        self._stepup.require(session, "change_security", now=now)
        others = [s["id"] for s in self._sessions.own(session, now=now) if not s["current"]]
        return [
            sid
            for sid in others
            if self._sessions.end(sid, now=now, reason=ENDED_BY_USER, ip=ip, by=session.id)
        ]
