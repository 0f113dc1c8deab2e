"""A user's password: the check at a login (in the same time for a user and none, a hash made under an older
profile hashed again), the user's own change, and a new one set without the current one (an administrator's
reset, the user's recovery). Part of ``UserService`` (``users.passwords``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from ..errors import Conflict, InvalidRequest
from ..event_details import NoticeKind
from ..events import EventLog
from ..store import Store
from ..store.base import ScriptCall
from ..store.records import LoginView, UserRecord
from .errors import StandingChanged, UserNotFound
from .notify import Notify
from .passwords import PasswordHasher, same_password
from .user_fields import canonical_username, new_epoch, weak_password

#: Writes an administrator's new password tries before giving up on a hash that keeps changing under it.
SET_TRIES = 8
#: What the notice of a new password says, and which notice it is, by who set it (``by``): Client Services,
#: the user's own reset (a recovery), else the user's own change.
NOTICES: dict[str, tuple[str, NoticeKind]] = {
    "admin": ("reset by Client Services", "password_reset_by_admin"),
    "recovery": ("reset", "password_reset"),
}


class UserPasswords:
    def __init__(
        self,
        store: Store,
        hasher: PasswordHasher,
        events: EventLog,
        notify: Notify | None,
        get: Callable[[str], UserRecord],
    ) -> None:
        """``get``: the user by name, 404 ``unknown_user`` when there is none (``UserService.get``)."""
        self._store = store
        self._hasher = hasher
        self._events = events
        self._notify = notify
        self._get = get

    def check_new_password(self, username: str, password: str, *, field: str = "password") -> None:
        """400 ``weak_password`` (naming ``field``, with the rule broken) unless the policy lets ``username``
        choose ``password``: the one judgement for a new user's and a changed password."""
        refused = weak_password(password, canonical_username(username), field=field)
        if refused is not None:
            raise refused

    def change_password(self, verified: UserRecord, current: str, new: str, *, now: int) -> int:
        """Store ``new`` over the hash ``current`` was just checked against (``verified``, as read then), by
        compare-and-set: a hash replaced meanwhile by another change wins, 409 ``conflict`` and nothing
        written. A hash replaced only by a rehash of the same password (:meth:`check_password` upgrading its
        profile) is still ``current``'s, so the write is tried once more over it. The same step ends every
        login of the user in progress, which passed the old password (a phisher's, waiting on a push), and
        draws the password a new epoch, so one racing it stores no step; how many logins ended. The user's
        phone is told (ASVS 6.3.7), as for a new number. The caller checked the step-up, the current password
        and the policy (:meth:`check_new_password`)."""
        if same_password(current, new):
            raise InvalidRequest("new_password must differ from the current password", field="new_password")
        name = verified.username
        fresh = self._hasher.hash(new)
        epoch = new_epoch()
        status, ended = self._store.users.change_password(name, verified.password_hash, fresh, epoch, now=now)
        if status != "changed":
            again = self._store.users.get(name)
            if again is None:
                raise UserNotFound()
            if self._hasher.verify(current, again.password_hash):
                status, ended = self._store.users.change_password(
                    name, again.password_hash, fresh, epoch, now=now
                )
            if status != "changed":
                raise Conflict("The password was changed by another request meanwhile; nothing was changed.")
        self._password_changed(name, ended, now=now)
        return ended

    def set_password(
        self,
        username: str,
        password: str,
        *,
        now: int,
        by: str = "admin",
        standing: tuple[str, str] | None = None,
    ) -> int:
        """A new password for the user without the current one: Client Services resetting a forgotten one
        (``by`` admin), or the user's own recovery (``by`` recovery, ``PasswordRecovery``, which passes the
        ``standing`` it found: the user's epoch and password epoch, so a recovery verified before the user
        was disabled, made again, or had the password reset raises ``StandingChanged`` instead of undoing
        that). The policy applies. It goes over whatever hash is there, by compare-and-set on the
        hash as read (read again when another write landed in between), with the same end of logins in
        progress and new epoch as the user's own change; the phone is told. How many logins ended. Sessions
        are the caller's to end (``PasswordResets``)."""
        name = self._get(username).username
        self.check_new_password(name, password)
        fresh = self._hasher.hash(password)
        epoch = new_epoch()
        for _ in range(SET_TRIES):
            status, ended = self._store.users.change_password(
                name, self._get(name).password_hash, fresh, epoch, now=now, standing=standing
            )
            if status == "stale":
                raise StandingChanged()
            if status == "changed":
                self._password_changed(name, ended, now=now, by=by)
                return ended
        raise Conflict(
            "The password kept changing under this write; nothing was changed."
        )  # pragma: no cover

    def _password_changed(self, name: str, logins_ended: int, *, now: int, by: str | None = None) -> None:
        detail: dict[str, Any] = {"logins_ended": logins_ended} if logins_ended else {}
        if by:
            detail["by"] = by
        self._events.record("user.password_changed", at=now, user=name, detail=detail or None)
        if self._notify:
            said, kind = NOTICES.get(by or "", ("changed", "password_changed"))
            self._notify(name, f"The password on your account was {said}.", kind=kind, now=now)

    def login_view(
        self, name: str | None, also: Sequence[ScriptCall] = ()
    ) -> tuple[LoginView | None, list[Any]]:
        """The user (by canonical name; None: no user can have it), their IP rules and devices, read with
        ``also``'s scripts in one round trip: (the view, their answers)."""
        if name is None:
            return None, self._store.scripts.each_of(also)
        return self._store.users.login_view(name, also)

    def check_password(
        self, username: str, password: str, *, now: int, view: LoginView | None = None
    ) -> UserRecord | None:
        """The user's record if the password is right; None otherwise, in the same time either way.
        ``view`` is the user as the caller read them moments ago (:meth:`login_view`), saving the read.

        A right password whose hash was made under another profile is hashed again under this one: an
        unknown user costs a dummy hash of the current profile, so a stored hash left cheaper would make
        real users answer faster (a timing oracle), and a costlier one slower.
        """
        if view is not None:
            record = view.user
        else:
            try:
                name: str | None = canonical_username(username)
            except InvalidRequest:
                name = None
            record = self._store.users.get(name) if name else None
        if record is None:
            self.spend_a_check(password)
            return None
        stored = record.password_hash
        if not self._hasher.verify(password, stored):
            return None
        if self._hasher.needs_rehash(stored):
            self._rehash(record.username, password, stored, now=now)
        return record

    def spend_a_check(self, password: str) -> None:
        """As long as :meth:`check_password` takes for an unknown user, judging nothing: an attempt refused
        without saying so (``SLS_IP_REFUSAL=silent``) costs what a wrong password costs."""
        self._hasher.dummy_verify(password)

    def _rehash(self, name: str, password: str, stored: str, *, now: int) -> None:
        """Write the new hash only over the one just verified: a password changed meanwhile wins."""
        if self._store.users.replace_field(name, "password_hash", stored, self._hasher.hash(password)):
            profile = self._hasher.profile.name
            self._events.record("user.password_rehashed", at=now, user=name, detail={"profile": profile})
