"""A reference model of the login policy, written from the documents alone (docs/security.md's Lockout,
Automatic logoff and IP restrictions, docs/authenticators.md's Challenges, docs/integration.md's readings of
the contract, /work/shared/design/api.md and the settings' defaults in docs/operations.md), never from the
code: ``test_login_model.py`` drives the real app with random steps and holds every answer to what this
model predicts, so a disagreement is either a bug in the app or a gap in the documents.

One user with one second factor at the default settings: a DSC+ card (no phone, so no notice is texted), SMS
(a new text or a voice callback asked for: :meth:`Model.switch`), or an IB Key (authenticators.md's IB Key: a
push with number matching, approved, denied, a wrong number picked or left to expire; past ``SLS_PUSH_LIMIT``,
from a roaming phone, or asked for, the app's Challenge/Response). ``ibkey_app_model`` holds the app's own
side (its PIN, an iPhone's passcode or Face ID, its lock, and ``replace_ibkey``: a new one activated),
``stepup_model`` a session's step-up for a withdrawal. Every prediction is an :class:`Expect`: the status, the
error code, and the numbers the answer must carry. Time is the app's clock in Unix seconds, read from the
admin API's answers; the model never reads it itself.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field

#: docs/operations.md's defaults, the ones the test runs with.
LOCKOUT_THRESHOLD = 5
LOCKOUT_WAIT_INCREMENT = 60
LOCKOUT_MAX_WAIT = 3600
CHALLENGE_TTL = 300
#: A login lapses at 3 x SLS_CHALLENGE_TTL from its start (security.md's shared-browser row, integration.md).
LOGIN_LIFETIME = 3 * CHALLENGE_TTL
VERIFY_ATTEMPTS = 3
DEVICE_FAILURE_LIMIT = 10
IP_THROTTLE_WINDOW = 300
#: docs/authenticators.md, Challenges: per card and per user, in a sliding window; and SMS and voice: texts
#: per account and per number (``SLS_SMS_SEND_LIMIT`` per ``SLS_SMS_SEND_WINDOW``).
CHALLENGE_ISSUE_LIMIT = 20
SMS_SEND_LIMIT = 5
ISSUE_WINDOW = 600
#: authenticators.md, IB Key: ``SLS_PUSH_LIMIT`` pushes per ``SLS_PUSH_WINDOW`` per account, each approvable
#: for ``SLS_PUSH_TTL``; security.md: an approval is collected until 30 s past its login's expiry.
PUSH_LIMIT = 3
PUSH_WINDOW = 600
PUSH_TTL = 120
PUSH_COLLECT_GRACE = 30
#: security.md: at most 5 switches or new codes per login, the next one ends it.
MAX_SWITCHES = 5
#: A lock's end when only the admin's unlock lifts it (security.md, ``SLS_LOCKOUT_PERMANENT_AFTER``).
PERMANENT = 2**62
IDLE_TIMEOUT = 900
ABSOLUTE_TIMEOUT = 86400


@dataclass(frozen=True)
class Expect:
    """What the app must answer: ``status``, ``error`` (None for a success), and ``fields`` the body must
    hold with these values (``retry_after``, ``attempts_left``)."""

    status: int
    error: str | None = None
    fields: dict[str, object] = field(default_factory=dict)


@dataclass
class Login:
    """A login past its password, waiting on the card's response."""

    started_at: int
    expires_at: int
    attempts_left: int = VERIFY_ATTEMPTS
    done: bool = False
    mode: str = "challenge"
    """``push`` (an IB Key's notification) or ``challenge`` (a card's, or the app's Challenge/Response)."""
    switches: int = 0
    """Switches and new codes asked for: ``MAX_SWITCHES`` at most (security.md)."""
    exhausted: bool = False
    """Ended by one switch too many: every later step of it is ``429 login_exhausted`` (integration.md)."""
    revoked: bool = False
    """Its IB Key replaced by a new activation while it waited (security.md): a response is ``403
    device_inactive``, the login left pending (a poll says so) to switch, which takes the new IB Key (a
    step-up cannot switch: it waits for its expiry). An approved push not yet collected ends instead
    (``push == "device_revoked"``)."""
    push: str = "pending"
    """A push's fate: ``pending``, ``approved``, ``denied``, ``wrong_number``, ``collected``, ``lapsed``
    (approved, but not collected in time), ``device_revoked`` (approved, not collected, its IB Key replaced),
    ``withdrawn`` (switched to Challenge/Response)."""
    reason: str | None = None
    """Why an IB Key login asks for Challenge/Response: ``push_limited``, ``roaming``, ``requested``."""


@dataclass
class Session:
    created_at: int
    idle_expires_at: int
    ended: Expect | None = None
    """Why it ended, as every later request with its token is told."""
    retired: list[int] = field(default_factory=list)
    """The sessions (by index) whose tokens its step-ups retired: a logout drops their markers too."""


@dataclass
class Model:
    now: int
    failures: int = 0
    locks: int = 0
    locked_until: int = 0
    allowlist: list[str] = field(default_factory=list)
    device_failures: int = 0
    login: Login | None = None
    sessions: list[Session] = field(default_factory=list)
    absolute_timeout: int = ABSOLUTE_TIMEOUT
    device_limit: int = DEVICE_FAILURE_LIMIT
    issue_limit: int = CHALLENGE_ISSUE_LIMIT
    """Prompts her one device may be given in ``ISSUE_WINDOW``: a card's challenges, or a phone's texts."""
    throttle_limit: int = 1_000_000
    """``SLS_IP_THROTTLE_LIMIT``: failed logins one address may make in ``IP_THROTTLE_WINDOW``."""
    lockout_threshold: int = LOCKOUT_THRESHOLD
    """``SLS_LOCKOUT_THRESHOLD``: wrong passwords in a row that lock the account."""
    permanent_after: int = 0
    """``SLS_LOCKOUT_PERMANENT_AFTER``: the lock (counted since a completed login or the admin's unlock)
    that lasts until the admin's unlock; 0, none does."""
    failed_from: dict[str, list[int]] = field(default_factory=dict)
    """Each address's failed logins, when."""
    challenges: list[int] = field(default_factory=list)
    """When each challenge was issued to the card, or code texted to the phone."""
    ibkey: bool = False
    """Her one factor is an IB Key: a login pushes while the push limit allows, else asks for a challenge."""
    pushes: list[int] = field(default_factory=list)
    """When each push was sent."""
    texts_lost: bool = False
    """Roaming with ``roaming_loses_every: 1``: every text is sent (and counted) but never arrives."""
    roaming: bool = False
    """Her phone is abroad without data (authenticators.md, *Without notifications*): an IB Key login sends
    no push (nor counts one) and asks for Challenge/Response; an answer to a push is ``409 phone_offline``."""

    # -- what the documents say, one rule each -------------------------------------------------------------

    def allowed(self, ip: str) -> bool:
        """An empty list means unrestricted (security.md, IP restrictions)."""
        address = ipaddress.ip_address(ip)
        return not self.allowlist or any(address in ipaddress.ip_network(n) for n in self.allowlist)

    def locked(self) -> bool:
        """``retry_after`` is the whole wait: a second earlier is still refused, exactly then gets through."""
        return self.now < self.locked_until

    def throttled(self, ip: str) -> Expect | None:
        """The address's sliding window: ``429 rate_limited`` with the wait until one failure leaves it."""
        window = [t for t in self.failed_from.get(ip, []) if t > self.now - IP_THROTTLE_WINDOW]
        self.failed_from[ip] = window
        if len(window) < self.throttle_limit:
            return None
        leaves = window[len(window) - self.throttle_limit] + IP_THROTTLE_WINDOW
        return Expect(429, "rate_limited", {"retry_after": leaves - self.now})

    def failed(self, ip: str, expect: Expect) -> Expect:
        """Count a failed login in the address's window, unless the window is full already."""
        if self.throttled(ip) is None:
            self.failed_from.setdefault(ip, []).append(self.now)
        return expect

    def lock_expect(self) -> Expect:
        """``retry_after`` the whole wait; absent when only the admin's unlock lifts the lock."""
        wait = None if self.locked_until == PERMANENT else self.locked_until - self.now
        return Expect(423, "account_locked", {"retry_after": wait})

    def expired(self, session: Session) -> Expect | None:
        """``401 session_expired`` naming the limit it met first (``ended_by``: ``idle`` or ``lifetime``)."""
        lifetime_ends = session.created_at + self.absolute_timeout
        if self.now < min(lifetime_ends, session.idle_expires_at):
            return None
        ended_by = "lifetime" if lifetime_ends <= session.idle_expires_at else "idle"
        return Expect(401, "session_expired", {"ended_by": ended_by})

    def issue(self) -> Expect | None:
        """A prompt to her one device (a challenge, or a text), within the issue limit's sliding window:
        ``429 rate_limited`` with the wait until the oldest leaves it, else counted."""
        self.challenges = [t for t in self.challenges if t > self.now - ISSUE_WINDOW]
        if len(self.challenges) >= self.issue_limit:
            leaves = self.challenges[len(self.challenges) - self.issue_limit] + ISSUE_WINDOW
            return Expect(429, "rate_limited", {"retry_after": leaves - self.now})
        self.challenges.append(self.now)
        return None

    def device_disabled(self) -> bool:
        return self.device_failures >= self.device_limit

    # -- the steps ----------------------------------------------------------------------------------------

    def gate(self, ip: str) -> Expect | None:
        """What a password meets before it is judged: the allowlist (never the password judged from outside,
        so no lock either), then the address's window, then the lock whatever the password."""
        if not self.allowed(ip):
            return self.failed(ip, Expect(403, "ip_restricted"))  # its own refusal, counted where it can be
        limited = self.throttled(ip)
        if limited:
            return limited  # every login from the address, a right password too
        if self.locked():
            return self.failed(ip, self.lock_expect())
        return None

    def password(self, right: bool, ip: str) -> Expect:
        """``POST /api/v1/auth/login``: :meth:`gate`, then the password, then the prompt."""
        refused = self.gate(ip)
        if refused:
            return refused
        if not right:
            self.failures += 1
            if self.failures >= self.lockout_threshold:
                self.failures = 0  # a lock resets the lockout's run
                self.locks += 1
                self.locked_until = self.now + min(LOCKOUT_WAIT_INCREMENT * self.locks, LOCKOUT_MAX_WAIT)
                if self.permanent_after and self.locks >= self.permanent_after:
                    self.locked_until = PERMANENT
            return self.failed(ip, Expect(401, "invalid_credentials"))
        if self.device_disabled():
            return Expect(423, "device_locked")  # her only factor: no login starts
        reason = None
        if self.ibkey:
            self.pushes = [t for t in self.pushes if t > self.now - PUSH_WINDOW]
            reason = "roaming" if self.roaming else "push_limited"
            if not self.roaming and len(self.pushes) < PUSH_LIMIT:
                self.pushes.append(self.now)
                self.login = Login(started_at=self.now, expires_at=self.now + PUSH_TTL, mode="push")
                return Expect(200)
        limited = self.issue()
        if limited:
            return limited
        self.login = Login(started_at=self.now, expires_at=self.now + CHALLENGE_TTL, reason=reason)
        return Expect(200)

    def verify(self, right: bool, ip: str) -> Expect:
        """``POST /api/v1/auth/login/<txn>/verify`` on the latest login, from the address that started it."""
        login = self.login
        assert login is not None
        if not self.allowed(ip):
            return Expect(403, "ip_restricted")  # the address before anything else, as at the password
        if self.locked():
            return self.lock_expect()  # whatever the response, to any login of the user's
        if login.done:
            return Expect(409, "challenge_used")  # a replayed response
        if login.exhausted:
            return Expect(429, "login_exhausted")  # ended by its switches
        if login.attempts_left == 0 or self.now >= min(login.expires_at, login.started_at + LOGIN_LIFETIME):
            return Expect(410, "challenge_expired")
        if login.revoked:  # judged after the login's end: the login left pending, to switch
            return Expect(403, "device_inactive")
        if self.device_disabled():
            return Expect(423, "device_locked")
        if not right:
            login.attempts_left -= 1
            self.device_failures += 1
            if self.device_disabled():
                return Expect(423, "device_locked")
            return Expect(401, "invalid_response", {"attempts_left": login.attempts_left})
        login.done = True
        self.start_session()
        return Expect(200)

    def start_session(self) -> None:
        """A completed login: the failures go, and the one session rule replaces the older ones."""
        self.failures = self.locks = 0  # a completed login forgets the failures and the locks before
        self.device_failures = 0
        for older in self.sessions:
            if older.ended is None:  # SLS_SESSION_CONCURRENCY=replace, but one past its limits ended first
                older.ended = self.expired(older) or Expect(401, "session_replaced")
        self.sessions.append(Session(created_at=self.now, idle_expires_at=self.now + IDLE_TIMEOUT))

    def answer_push(self, answer: str, login: Login | None = None) -> Expect:
        """The app's approve (``right`` or ``wrong`` number) or ``deny`` of the latest login's push (or a
        step-up's): judged on the push's expiry; a wrong number ends the login with no strike on the device,
        a deny ends it."""
        login = login or self.login
        assert login is not None and login.mode == "push" and login.push == "pending"
        if self.now >= login.expires_at:
            return Expect(410, "challenge_expired")
        if answer == "deny":
            login.push = "denied"
            return Expect(200, fields={"state": "denied"})
        if answer == "wrong":
            login.push = "wrong_number"
            return Expect(401, "invalid_response", {"attempts_left": 0})
        login.push = "approved"
        return Expect(200, fields={"state": "approved"})

    def switch(self, ip: str) -> Expect:
        """``POST …/factor`` on the latest login, from its address, in any state: IB Key's Challenge/Response
        (``{"type": "ibkey", "mode": "challenge"}``), or an SMS user's "Didn't receive a security code?"
        (``{"type": "sms"}`` texts a new code, ``{"type": "voice"}`` calls with one: authenticators.md's SMS
        and voice). The address and the lock first (security.md: a locked login "gets no new code", and the
        address is judged at every step); a denied push is ``401 push_denied`` for good (authenticators.md);
        one answered (a push approved, collected or not; a right code) is ``409 challenge_used``, as a
        replayed response to it; one ended by its switches stays ``429 login_exhausted``; one over (its
        attempts or its number spent, its push, challenge or code expired) is ``410 challenge_expired``; past
        its switches the next one ends it (``429 login_exhausted``); a disabled device gives no prompt. Else
        the push withdrawn, or a new challenge or code (the one before dead, the attempts left carried
        over), within the issue limit (texts and calls share the send limit; a refusal gives the switch
        back), no later than the login's lifetime."""
        login = self.login
        assert login is not None
        if not self.allowed(ip):
            return Expect(403, "ip_restricted")
        if self.locked():
            return self.lock_expect()
        if login.push == "denied":
            return Expect(401, "push_denied")
        if login.done or login.push in ("approved", "collected"):
            return Expect(409, "challenge_used")  # answered (approved, collected or not): as a replay
        if login.exhausted:
            return Expect(429, "login_exhausted")
        if login.push == "device_revoked":
            return Expect(403, "device_inactive")
        over = login.push in ("wrong_number", "lapsed") or login.attempts_left == 0
        if over or self.now >= min(login.expires_at, login.started_at + LOGIN_LIFETIME):
            return Expect(410, "challenge_expired")
        if login.switches >= MAX_SWITCHES:  # integration.md: "the next is 429 login_exhausted"
            login.exhausted = True
            return Expect(429, "login_exhausted")
        if self.device_disabled():
            return Expect(423, "device_locked")
        limited = self.issue()
        if limited:
            return limited
        login.switches += 1
        login.expires_at = min(self.now + CHALLENGE_TTL, login.started_at + LOGIN_LIFETIME)
        if self.ibkey:
            login.mode, login.reason, login.push = "challenge", "requested", "withdrawn"
            login.revoked = False  # security.md: a login whose device was revoked "may switch": the new one's
        return Expect(200)

    def poll(self, ip: str) -> Expect:
        """``GET /api/v1/auth/login/<txn>`` on the latest push login, from its address: the first poll after
        the approval collects the session (until 30 s past the login's expiry); the lock and the allowlist
        refuse that poll (security.md's Lockout), and leave one that only reads where the login stands."""
        login = self.login
        assert login is not None and login.mode == "push"
        if login.push == "collected":
            return Expect(200, fields={"state": "authenticated"})
        if login.push == "denied":
            return Expect(200, fields={"state": "denied"})
        if login.push == "wrong_number":
            return Expect(200, fields={"state": "expired", "reason": "too_many_wrong_responses"})
        if login.push == "device_revoked":  # approved, not collected, when the IB Key was replaced: ended
            return Expect(200, fields={"state": "expired", "reason": "device_revoked"})
        if login.push == "lapsed":
            return Expect(200, fields={"state": "expired"})
        if login.push == "approved":  # the address, the lock, then the time, as at a verify
            if not self.allowed(ip):
                return Expect(403, "ip_restricted")
            if self.locked():
                return self.lock_expect()
            if self.now >= login.expires_at + PUSH_COLLECT_GRACE:
                login.push = "lapsed"
                return Expect(200, fields={"state": "expired"})
            login.push = "collected"
            self.start_session()
            return Expect(200, fields={"state": "authenticated"})
        if self.now >= login.expires_at:
            return Expect(200, fields={"state": "expired"})
        return Expect(200, fields={"state": "pending"})

    def use(self, index: int, ip: str) -> Expect:
        """``GET /api/v1/session``: an ended session tells why every time; a live one is judged on its
        lifetime, then the address (one from outside the list ends it), and extends idle."""
        session = self.sessions[index]
        if session.ended is not None:
            return session.ended
        expired = self.expired(session)
        if expired:
            session.ended = expired
            return expired
        if not self.allowed(ip):
            session.ended = Expect(401, "session_revoked")
            return Expect(403, "ip_restricted")
        session.idle_expires_at = min(self.now + IDLE_TIMEOUT, session.created_at + self.absolute_timeout)
        return Expect(200)

    def logout(self, index: int, ip: str) -> Expect:
        """``POST /api/v1/auth/logout``: it leaves no tombstone, so later it is ``not_authenticated``, and
        the tokens its step-ups retired too (security.md: their markers go with it)."""
        answer = self.use(index, ip)
        session = self.sessions[index]
        if answer.status == 200 or answer.error == "ip_restricted":
            for ended in [
                index,
                *session.retired,
            ]:  # from outside the list too: ended as a logout, with a 403
                self.sessions[ended].ended = Expect(401, "not_authenticated")
        return answer

    def unlock(self) -> None:
        """``POST /admin/v1/users/<u>/unlock``: the lock, the run of failures and the locks before go (the
        next lock waits the first increment, security.md)."""
        self.failures = self.locks = 0
        self.locked_until = 0

    def unlock_device(self) -> None:
        """``POST /admin/v1/devices/<id>/unlock``: the card's run of wrong responses goes."""
        self.device_failures = 0

    def advance(self, now: int) -> None:
        self.now = now
