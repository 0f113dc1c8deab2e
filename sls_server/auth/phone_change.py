"""A user's own new phone number: texted a code first, changed only once the code comes back.

A new number is a new authenticator (NIST SP 800-63B-4 §3.1.3.3), and SMS and voice codes may go only to a
number shown to reach its holder (ASVS 5.0 6.6.1). So the change asked for with a fresh step-up texts a
6-digit code to the new number and changes nothing; the number becomes the account's when that code is
typed back, by the same session, within ``sms_code_ttl``. The code is kept only as an HMAC digest under a
pepper derived from the server's secret key, bound to the user, the session and the number; five wrong
codes kill it, and the count and the check are one Lua step (``phone_change_confirm.lua``), so racing
guesses are each counted. Asking again replaces the code but not the count: twenty wrong codes in a day,
whichever code, and none is judged until the day has passed. An administrator's change (``UserService``)
needs no code: the operator vouches for the number, as at the broker's Client Services.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any, Protocol

from sls_devices.phone import mask_number, number_check_text

from ..accounts.user_fields import PHONE_RE
from ..accounts.users import UserService
from ..errors import InvalidRequest
from ..events import EventLog
from ..factors.sms import new_code
from ..secretbox import pepper as derive_pepper
from ..store.keys import SEND_WINDOWS, SendScope
from ..store.phone_changes import PhoneChangeRepo
from .errors import ChallengeExpired, InvalidResponse, RateLimited

#: Wrong codes a new number's confirmation takes before the code dies (as for an IB Key activation code).
CONFIRM_ATTEMPTS = 5
#: Wrong codes at the user's new numbers, whichever code, in :data:`CONFIRM_WINDOW_S`, before no code is
#: judged (429): asking again must not give five fresh guesses (NIST SP 800-63B-4: a new code does not reset
#: the count). A right code forgets them.
CONFIRM_WINDOW_ATTEMPTS = 20
CONFIRM_WINDOW_S = 86_400
#: What the code's door is called in its texts' and events' ``purpose``.
PURPOSE = "phone_change"


class Texts(Protocol):
    """The simulated carrier (``sim.phones.PhoneService``), as the broker's side sees it: limits and sends,
    and the same work for a name that is sent nothing (``rehearse``). A protocol, so the login rules need
    not import the user's side of the world."""

    #: The number a decoy's text goes to (none a phone has), which its events mask as a user's are.
    decoy_number: str

    def limit(
        self,
        username: str,
        number: str,
        *,
        now: int,
        ip: str | None,
        windows: tuple[SendScope, SendScope] = SEND_WINDOWS,
        lane: str = "",
    ) -> None: ...

    def send_sms(
        self, number: str, text: str, *, now: int, user: str | None, ip: str | None, purpose: str
    ) -> Any: ...

    def rehearse(
        self, ref: str, text: str, *, now: int, ip: str | None, purpose: str, lane: str = ""
    ) -> Any: ...


def pepper_from(secret_key: bytes) -> bytes:
    """The digests' key: derived from the server's secret key, never stored in Redis."""
    return derive_pepper(secret_key, b"sls phone change code")


class PhoneChanges:
    def __init__(
        self,
        repo: PhoneChangeRepo,
        users: UserService,
        phones: Texts,
        events: EventLog,
        *,
        pepper: bytes,
        code_ttl: int,
    ) -> None:
        self._repo = repo
        self._users = users
        self._phones = phones
        self._events = events
        self._pepper = pepper
        self.code_ttl = code_ttl

    def request(
        self, username: str, session_id: str, phone: str, *, now: int, ip: str | None
    ) -> dict[str, Any]:
        """Text a code to ``phone`` (counted against the account's and the number's send limits first, as
        every code is) and keep its digest; the account keeps its number until :meth:`confirm`."""
        if not PHONE_RE.fullmatch(phone):
            raise InvalidRequest("phone must be in E.164 form, like +15551234567", field="phone")
        if self._users.get(username).phone == phone:
            raise InvalidRequest("phone is already this account's number", field="phone")
        self._phones.limit(username, phone, now=now, ip=ip)
        code = new_code()
        expires_at = now + self.code_ttl
        digest = self._digest(username, session_id, phone, code)
        self._repo.begin(
            username, session_id=session_id, phone=phone, digest=digest, expires_at=expires_at, now=now
        )
        text = number_check_text(code, valid_s=self.code_ttl)
        self._phones.send_sms(phone, text, now=now, user=username, ip=ip, purpose=PURPOSE)
        self._events.record(
            "user.phone_change_requested",
            at=now,
            user=username,
            ip=ip,
            detail={"to": mask_number(phone)},
        )
        return {
            "state": "code_sent",
            "sent_to": mask_number(phone),
            "expires_at": expires_at,
            "attempts_left": CONFIRM_ATTEMPTS,
        }

    def confirm(
        self, username: str, session_id: str, phone: str, code: str, *, now: int, ip: str | None
    ) -> dict[str, Any]:
        """Spend the code and change the number (both numbers are told, ``UserPhones.changing_phone``). A
        wrong code is 401 ``invalid_response`` with the tries left; a code past its time, killed by wrong
        tries, replaced, or asked for by another session is 410 ``challenge_expired``. The turns of the
        user's SMS and voice devices are taken before the code is judged: one kept busy is 429
        ``device_busy`` with the code neither spent nor counted."""
        digest = self._digest(username, session_id, phone, code)
        # the devices' turns, before the code is spent
        with self._users.phones.changing_phone(username) as change:
            status, left = self._repo.confirm(
                username,
                session_id=session_id,
                phone=phone,
                digest=digest,
                now=now,
                max_failures=CONFIRM_ATTEMPTS,
                window_failures=CONFIRM_WINDOW_ATTEMPTS,
                window=CONFIRM_WINDOW_S,
            )
            if status == "ok":
                return {"state": "changed", **change(phone, now)}
        if status == "limited":
            raise RateLimited(
                "Too many wrong codes for a new number: wait, or ask Client Services to change it.",
                retry_after=max(left, 1),
            )
        if status == "other_number":
            raise InvalidRequest(
                "the code was sent to another number; send this number alone first", field="phone"
            )
        if status in ("wrong", "expired"):
            reason = "wrong_code" if status == "wrong" else "expired"
            detail: dict[str, Any] = {"reason": reason, "to": mask_number(phone)}
            if status == "wrong":
                detail["attempts_left"] = left
            self._events.record(
                "user.phone_change_failed", at=now, user=username, ip=ip, result="failure", detail=detail
            )
        if status == "wrong":
            raise InvalidResponse(attempts_left=left)
        raise ChallengeExpired("No code for this number is waiting; ask for a new one.")

    def pending(self, username: str, session_id: str, *, now: int) -> dict[str, Any] | None:
        """The number this session is confirming, while its code lives (the account page's code form)."""
        found = self._repo.waiting(username)
        if found is None or found[1] <= now or found[2] != session_id:
            return None
        phone, expires_at, _ = found
        return {"phone": phone, "sent_to": mask_number(phone), "expires_at": expires_at}

    def waiting_number(self, username: str, *, now: int) -> str | None:
        """The new number a code went to and is waiting on, for the simulated phone: the person holds the new
        SIM too, so the phone page shows its texts beside the old number's."""
        found = self._repo.waiting(username)
        return found[0] if found is not None and found[1] > now else None

    def _digest(self, username: str, session_id: str, phone: str, code: str) -> str:
        bound = f"{username}:{session_id}:{phone}:{code}"
        return hmac.new(self._pepper, bound.encode(), hashlib.sha256).hexdigest()
