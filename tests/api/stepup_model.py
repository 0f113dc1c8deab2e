"""Step-up ("verify your identity") in the login model, from the documents alone: authenticators.md's
Step-up, security.md's Lockout (a locked account starts no step-up, and its answer is refused) and device
limit, integration.md's token rotation. A session asks for a second factor again for a withdrawal; the
answer rotates the session's token (the old one is ``401 session_replaced`` from then on) and leaves a
``withdrawal`` verification, good for ``SLS_STEPUP_VALIDITY`` and spent by one withdrawal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from login_model import (
    CHALLENGE_TTL,
    IDLE_TIMEOUT,
    PUSH_COLLECT_GRACE,
    PUSH_LIMIT,
    PUSH_TTL,
    PUSH_WINDOW,
    Expect,
    Login,
    Model,
    Session,
)

#: docs/operations.md's default ``SLS_STEPUP_VALIDITY``.
STEPUP_VALIDITY = 300


@dataclass
class Step(Login):
    """A step-up waiting on its second factor, as a login's (a challenge, or an IB Key push): the session
    (by index) it was asked from."""

    session: int = -1


@dataclass
class StepUps:
    model: Model
    step: Step | None = None
    verified: dict[int, int] = field(default_factory=dict)
    """Each session's unspent ``withdrawal`` verification: until when it holds."""

    def begin(self, index: int, ip: str, push: bool = False) -> Expect:
        """``POST /api/v1/verify {"purpose": "withdrawal"}``: the session judged as any request with it
        (and kept alive), then the lock, the disabled device, then the prompt as a login's: ``push`` (an IB
        Key asked without ``mode``) while the push limit allows and the phone is home, else a challenge
        within the issue limit."""
        model = self.model
        used = model.use(index, ip)
        if used.status != 200:
            return used
        if model.locked():
            return model.lock_expect()
        if model.device_disabled():
            return Expect(423, "device_locked")
        reason = "requested" if model.ibkey else None
        if push:
            model.pushes = [t for t in model.pushes if t > model.now - PUSH_WINDOW]
            reason = "roaming" if model.roaming else "push_limited"
            if not model.roaming and len(model.pushes) < PUSH_LIMIT:
                model.pushes.append(model.now)
                self.step = Step(model.now, model.now + PUSH_TTL, mode="push", session=index)
                return Expect(200, fields={"state": "second_factor"})
        limited = model.issue()
        if limited:
            return limited
        self.step = Step(model.now, model.now + CHALLENGE_TTL, reason=reason, session=index)
        return Expect(200, fields={"state": "second_factor"})

    def answer(self, right: bool, ip: str) -> Expect:
        """``POST /api/v1/verify {"txn_id", "response"}`` with the token of the session that asked: as a
        login's verify (the lock, a replay, the expiry and the attempts, the device's limit), and a right
        one rotates the token and leaves the verification."""
        model, step = self.model, self.step
        assert step is not None
        used = model.use(step.session, ip)
        if used.status != 200:
            return used
        if model.locked():
            return model.lock_expect()
        if step.done:
            return Expect(409, "challenge_used")
        if step.attempts_left == 0 or model.now >= step.expires_at:
            return Expect(410, "challenge_expired")
        if step.revoked:  # its IB Key replaced while it waited: as a login's verify
            return Expect(403, "device_inactive")
        if model.device_disabled():
            return Expect(423, "device_locked")
        if not right:
            step.attempts_left -= 1
            model.device_failures += 1
            if model.device_disabled():
                return Expect(423, "device_locked")
            return Expect(401, "invalid_response", {"attempts_left": step.attempts_left})
        step.done = True
        model.device_failures = 0
        return self.rotate(step)

    def poll(self, ip: str) -> Expect:
        """``POST /api/v1/verify {"txn_id"}`` on a push step-up, with the token of the session that asked:
        the session first, then the lock, as at every step-up call (security.md: a push waiting, denied or
        expired is ``423`` while the account is locked, where a login's poll judges the lock only once
        approved); then where the push stands: once approved, the time (until 30 s past the push's expiry),
        then verified, the token rotated."""
        model, step = self.model, self.step
        assert step is not None and step.mode == "push"
        used = model.use(step.session, ip)
        if used.status != 200:
            return used
        if model.locked():
            return model.lock_expect()
        if step.push == "denied":
            return Expect(200, fields={"state": "denied"})
        if step.push in ("wrong_number", "lapsed", "device_revoked"):
            return Expect(200, fields={"state": "expired"})
        if step.push == "approved":
            if model.now >= step.expires_at + PUSH_COLLECT_GRACE:
                step.push = "lapsed"
                return Expect(200, fields={"state": "expired"})
            step.push = "collected"
            return self.rotate(step)
        if model.now >= step.expires_at:
            return Expect(200, fields={"state": "expired"})
        return Expect(200, fields={"state": "pending"})

    def rotate(self, step: Step) -> Expect:
        """A verified step-up: the asking session's token retired (``session_replaced`` from now on), the
        session living on under a new one (its lifetime unchanged, its idle time begun again), verified for
        a withdrawal for ``STEPUP_VALIDITY``."""
        model = self.model
        old = model.sessions[step.session]
        old.ended = Expect(401, "session_replaced")
        idle = min(model.now + IDLE_TIMEOUT, old.created_at + model.absolute_timeout)
        retired = [*old.retired, step.session]
        model.sessions.append(Session(created_at=old.created_at, idle_expires_at=idle, retired=retired))
        self.verified.pop(step.session, None)
        self.verified[len(model.sessions) - 1] = model.now + STEPUP_VALIDITY
        return Expect(200, fields={"state": "verified", "valid_until": model.now + STEPUP_VALIDITY})

    def withdraw(self, index: int, ip: str) -> Expect:
        """``POST /api/v1/withdrawals``: the session as any request, then a fresh ``withdrawal``
        verification, which it spends (one step-up, one withdrawal)."""
        used = self.model.use(index, ip)
        if used.status != 200:
            return used
        valid_until = self.verified.pop(index, None)
        if valid_until is None or self.model.now >= valid_until:
            return Expect(401, "reauth_required")
        return Expect(200, fields={"state": "accepted"})
