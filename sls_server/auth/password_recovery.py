"""A forgotten password ("Forgot your password?"): a code texted to the account's phone, then the user's
second factor on another authenticator, then a new password (ASVS 5.0 6.4.3: a reset never bypasses the
multi-factor authentication).

The phone alone never resets a password: a swapped SIM would then be the whole account (the SIM-swap
lesson). So after the code, the step opens on a device other than the phone's SMS and voice (IB Key, the
card, an authenticator app, a temporary passcode); a user with none is sent to Client Services
(``client_services_required``), who reset it by hand (``PasswordResets``). From outside the user's IP
Restrictions a recovery goes no further than the code (and every later step checks the address again), as a
login goes no further than the address. The new password is written only while the user stands as at the
code: not disabled, not deleted and made again, the password not changed or reset since.

Nobody learns from the answers whether the name is a user's (an open /metrics counts the texts: set
SLS_METRICS_TOKEN where outsiders reach it): any well-formed name gets the same answer and a token, a name no
user has (or a user without a phone) a decoy recovery where every code is wrong, counted the same; a text
refused by the send limits is simply not sent. Nor from their time (ASVS 5.0 6.3.8): a decoy does a user's
work, the same commands to Redis in the same round trips (``Texts.rehearse``), its own send limits included,
its events written where nobody reads them (``EventLog.record_decoy``), with nothing texted and nothing in
the trail. The client's token is kept only as its SHA-256
(``store.recoveries``), the code only as an HMAC digest under a pepper derived from the server's key
(``recovery_codes``). The second factor's step, and the address rule every step after the code keeps, are
``recovery_step``'s."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from sls_devices.phone import mask_number

from ..accounts.access import IpRestrictions
from ..accounts.clientip import client_block
from ..accounts.errors import StandingChanged
from ..accounts.user_fields import canonical_username
from ..accounts.users import UserService
from ..errors import SlsError
from ..events import EventLog
from ..factors.sms import new_code
from ..store.keys import RECOVERY_WINDOWS
from ..store.phones import PhoneRepo
from ..store.recoveries import RecoveryRepo
from .errors import (
    AccountDisabled,
    ChallengeExpired,
    InvalidResponse,
    RateLimited,
    ReauthRequired,
)
from .phone_change import Texts
from .prompts import Prompts
from .recovery_codes import CODE_ATTEMPTS, TOKEN_BYTES, RecoveryCodes, recovery_text, spent, token_digest
from .recovery_step import PURPOSE, RecoveryStep
from .second_factor import SecondFactor
from .sessions import SessionService


class PasswordRecovery:
    def __init__(
        self,
        repo: RecoveryRepo,
        users: UserService,
        phones: Texts,
        prompts: Prompts,
        steps: SecondFactor,
        sessions: SessionService,
        events: EventLog,
        ip_rules: IpRestrictions,
        windows: PhoneRepo,
        *,
        pepper: bytes,
        code_ttl: int,
        validity: int,
        ip_limit: int,
        ip_window: int,
        known: Callable[[str, str], bool],
    ) -> None:
        self._repo = repo
        self._users = users
        self._phones = phones
        self._sessions = sessions
        self._events = events
        self._windows = windows  # the send windows' store: codes tried at a name are counted there too
        self._codes = RecoveryCodes(pepper, windows, known)
        self._step = RecoveryStep(repo, prompts, steps, events, ip_rules)
        self.code_ttl = code_ttl
        self.validity = validity
        self._ip_limit = ip_limit
        self._ip_window = ip_window

    def start(self, username: str, *, now: int, ip: str | None) -> dict[str, Any]:
        """The same answer for every well-formed name, after the same work: a token, and a code texted if
        the name is a user's with a phone (and the send limits allow it). An address may start
        SLS_IP_THROTTLE_LIMIT of them per SLS_IP_THROTTLE_WINDOW, whatever the names: 429 ``rate_limited``
        beyond, which says nothing of any name, and keeps a flood of starts from filling the store with
        decoys."""
        name = canonical_username(username)
        block = client_block(ip) if ip else "unknown"
        wait = self._windows.hit(
            "recovery",
            block,
            now=now,
            window_s=self._ip_window,
            limit=self._ip_limit,
            member=secrets.token_hex(8),
        )
        if wait:
            raise RateLimited(
                "Too many password resets from this address; wait and try again.", retry_after=wait
            )
        token = secrets.token_urlsafe(TOKEN_BYTES)
        digest = token_digest(token)
        expires_at = now + self.code_ttl
        # which lane of the send windows the text counts in: a stranger's starts leave the user's own a text
        lane = self._codes.budget(name, ip)
        record = self._users.find_alike(name)
        # the decoy's keys are by the name's keyed digest: taken for every name, so both paths hash alike
        ref = self._codes.name_ref(name)
        code = new_code()
        code_digest = self._codes.digest(digest, code)
        text = recovery_text(code, valid_s=self.code_ttl)
        # The start goes in the trail once it happened (the recovery kept), saying what came of its text,
        # and ahead of the text or the send limit's refusal of it (``sms.rate_limited``), as a login's
        # challenge comes ahead of its text: every event of the block held to its end (``caused(every)``).
        # A start cut short (Redis lost mid-way: 503) is no start in the trail; a text it sent still is.
        # The decoy records at the same points, so the two paths send the same commands in the same order.
        fields = {"username": name, "digest": code_digest}
        if record is not None and record.phone:
            with self._events.caused(every=True) as cause:
                sent = "sent"
                try:
                    self._phones.limit(
                        name, record.phone, now=now, ip=ip, windows=RECOVERY_WINDOWS, lane=lane
                    )
                    self._phones.send_sms(record.phone, text, now=now, user=name, ip=ip, purpose=PURPOSE)
                except SlsError as exc:  # the send limits (``Texts.limit``), known here by their code
                    if exc.code != "rate_limited":
                        raise
                    # Told nothing: a refusal here would say the name is a user's (the limit has its event).
                    # And no code is kept: one never sent would be a target to guess at, five tries a
                    # recovery, with recoveries no longer limited by the texts they send.
                    fields["digest"], sent = "", "refused"
                self._repo.begin(digest, fields, expires_at=expires_at, now=now)
                told = {"to": mask_number(record.phone), "text": sent}
                cause.record("password_recovery.started", at=now, user=name, ip=ip, detail=told)
        else:  # a decoy, at the same cost: its code texted to nobody, its events where nobody reads them
            with self._events.caused(every=True) as cause:
                rehearsed = self._phones.rehearse(ref, text, now=now, ip=ip, purpose=PURPOSE, lane=lane)
                fields["digest"] = ""  # every code wrong
                self._repo.begin(digest, fields, expires_at=expires_at, now=now)
                told = {
                    "to": mask_number(self._phones.decoy_number),
                    "text": "sent" if rehearsed else "refused",
                }
                cause.record_decoy("password_recovery.started", at=now, ip=ip, detail=told)
        return {"state": "code_sent", "recovery_token": token, "expires_at": expires_at}

    def code(self, token: str, code: str, *, now: int, ip: str | None) -> dict[str, Any]:
        """Spend the code, then open the second factor on a device other than the phone; 401
        ``invalid_response`` with the tries left for a wrong one, 410 ``challenge_expired`` once none
        lives, 429 ``rate_limited`` once the name's tries from this address's budget are spent (the trail
        says which budget: anyone may repeat it, so one event per address and window)."""
        digest = token_digest(token)
        name = self._repo.get(digest).get("username")
        tried = self._codes.tried(name, ip, now=now)
        if tried.wait:
            self._events.record_flood(
                "password_recovery.refused",
                per="ip",
                at=now,
                user=self._user_of(name),
                ip=ip,
                result="rate_limited",
                detail={"budget": tried.budget, "retry_after": tried.wait},
            )
            raise spent(tried.wait)
        status, left = self._repo.check_code(
            digest, self._codes.digest(digest, code), now=now, max_failures=CODE_ATTEMPTS
        )
        self._codes.settle(tried, status)
        if status == "wrong":
            self._events.record(
                "password_recovery.code_failed",
                at=now,
                user=self._user_of(name),
                ip=ip,
                result="failure",
                detail={"attempts_left": left, "budget": tried.budget},
            )
            raise InvalidResponse(attempts_left=left)
        if status != "ok" or not name:
            raise ChallengeExpired("No recovery is waiting for a code: start again.")
        user = self._users.get(name)
        if user.disabled:
            self._repo.end(digest)
            raise AccountDisabled()
        self._step.require_address(digest, name, ip)  # told only now: the code shows the phone is in hand
        return self._step.open(digest, name, user, now=now, ip=ip)

    def challenge_mode(self, token: str, *, now: int, ip: str | None) -> dict[str, Any]:
        """The IB Key step's Challenge/Response mode (``RecoveryStep.challenge_mode``)."""
        return self._step.challenge_mode(token, now=now, ip=ip)

    def verify(self, token: str, response: str | None, *, now: int, ip: str | None) -> dict[str, Any]:
        """The second factor (``RecoveryStep.verify``): ``verified``, a new password may be set within
        ``validity`` seconds."""
        return self._step.verify(token, response, now=now, ip=ip, validity=self.validity)

    def set_password(self, token: str, password: str, *, now: int, ip: str | None) -> dict[str, Any]:
        """The new password, once verified: the policy applies; logins in progress and every session end;
        the phone is told. The recovery is spent by the first request that gets here with a password the
        policy accepts."""
        digest = token_digest(token)
        found = self._repo.get(digest)
        if found.get("stage") != "verified" or now >= int(found.get("expires_at", "0")):
            raise ReauthRequired(
                "Verify with your security device first (POST /api/v1/auth/recovery/verify).",
                purpose=PURPOSE,
            )
        name = found["username"]
        self._step.require_address(digest, name, ip)
        self._users.passwords.check_new_password(name, password, field="new_password")
        if not self._repo.end(digest):
            raise ChallengeExpired("This recovery was used already: start again.")
        standing = (found.get("epoch", ""), found.get("password_epoch", ""))
        try:
            logins = self._users.passwords.set_password(
                name, password, now=now, by="recovery", standing=standing
            )
        except StandingChanged:
            raise ChallengeExpired(
                "The account changed since this recovery began (disabled, or its password set anew): start "
                "again."
            ) from None
        ended = self._sessions.end_all(name, now=now, ended_by="password_recovery")
        return {"state": "changed", "username": name, "sessions_ended": len(ended), "logins_ended": logins}

    def _user_of(self, name: str | None) -> str | None:
        """The username an event may name: a user's (a decoy's name is whatever was typed: no event names
        it, as a login names no unknown name)."""
        return name if name and self._users.find(name) is not None else None
