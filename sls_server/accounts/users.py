"""Users: creation with the password policy, lookup, deletion, the password check, and a changed password."""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager, nullcontext
from typing import Any

from ..errors import Conflict, InvalidRequest, SlsError, together
from ..events import EventLog
from ..store import Store
from ..store.base import ScriptCall
from ..store.ids import short_id
from ..store.records import LoginView, UserRecord
from .errors import StandingChanged, UserExists, UserNotFound, WeakPassword
from .passwords import PasswordHasher, PasswordRejected, check_password_policy, same_password
from .user_deletion import LeaveApps, drop_device, turns_for_deletion

USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{2,63}$")
PHONE_RE = re.compile(r"^\+[1-9][0-9]{6,14}$")
#: Writes an administrator's new password tries before giving up on a hash that keeps changing under it.
SET_TRIES = 8
#: username -> a block holding the turns of the user's SMS and voice devices, which gives the step moving them
#: to a new number (``DeviceService.following_phone``).
MovePhone = Callable[[str], AbstractContextManager[Callable[[str], None]]]
#: (phone, now) -> the user's new number written, their devices moved, both numbers told: the answer.
PhoneChange = Callable[[str, int], dict[str, str | None]]


def new_epoch() -> str:
    """A user's epoch: logins and sessions remember the one they began under, and disabling (or deleting and
    re-creating) the user draws a new one, so everything begun before is dead on its next step. Random, not a
    counter, so a re-created user can never land on an old value."""
    return secrets.token_hex(8)


def canonical_username(username: str) -> str:
    """Usernames are case-insensitive, as at the broker; keys and events use the lower-case form."""
    name = username.strip().lower()
    if not USERNAME_RE.fullmatch(name):
        raise InvalidRequest(
            "username must be 3-64 characters: letters, digits, '.', '_' or '-', "
            "starting with a letter or digit",
            field="username",
        )
    return name


def checked_phone(phone: str) -> None:
    """400 naming ``phone`` unless it is a number in E.164 form."""
    if not PHONE_RE.fullmatch(phone):
        raise InvalidRequest("phone must be in E.164 form, like +15551234567", field="phone")


def weak_password(password: str, username: str, *, field: str = "password") -> WeakPassword | None:
    """The policy's 400 ``weak_password`` for ``password`` chosen by ``username`` (judged in its lower-case
    form, so a form can judge a password beside a username it refuses), or None if the policy allows it."""
    try:
        check_password_policy(password, username=username.strip().lower())
    except PasswordRejected as exc:
        return WeakPassword(exc.message, field=field, reason=exc.reason)
    return None


def new_user_refusals(username: object, password: object, phone: object = None) -> list[SlsError]:
    """What a new user's username, password and phone break, each field's refusal, in that order (a body's):
    the username's form, the password policy (judged against the username as typed, even one refused, and
    against none when there is no text to judge it with), the phone's E.164 form. A value that is no text
    is the shape's to refuse and judged here as absent."""
    found: list[SlsError] = []
    name = username if isinstance(username, str) else ""
    if isinstance(username, str):
        try:
            canonical_username(username)
        except InvalidRequest as exc:
            found.append(exc)
    weak = weak_password(password, name) if isinstance(password, str) else None
    if weak is not None:
        found.append(weak)
    if isinstance(phone, str) and not PHONE_RE.fullmatch(phone):
        found.append(InvalidRequest("phone must be in E.164 form, like +15551234567", field="phone"))
    return found


def public_user(record: UserRecord, devices: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "username": record.username,
        "phone": record.phone,
        "created_at": record.created_at,
        "disabled": record.disabled,
        "paper": record.paper,
        "devices": devices,
    }


class UserService:
    def __init__(
        self,
        store: Store,
        hasher: PasswordHasher,
        events: EventLog,
        notify: Callable[..., object] | None = None,
        phone_moved: MovePhone | None = None,
        leave_apps: LeaveApps | None = None,
    ) -> None:
        """``phone_moved(username)`` holds the turns of the user's SMS and voice devices while a new number
        is written, and gives the step moving them to it (``DeviceService.following_phone``). ``leave_apps``
        takes a user being deleted off the IB Key apps of the simulated phones (the user's side, which
        accounts cannot import), while their devices still say which phones; the apps' turns are held from
        before the deletion changes anything (``user_deletion.LeaveApps``)."""
        self._store = store
        self._hasher = hasher
        self._events = events
        self._notify = notify
        self._phone_moved = phone_moved
        self._leave_apps = leave_apps

    def create(
        self,
        username: str,
        password: str,
        *,
        phone: str | None,
        now: int,
        paper: bool = False,
        allowlist: Sequence[str] = (),
    ) -> UserRecord:
        """The new user, with the IP allowlist they are opened with (parsed: ``allowlists.parse_allowlist``)
        stored in the same step as their record, so they are never there unrestricted."""
        refused = together(new_user_refusals(username, password, phone))
        if refused is not None:  # every field at fault, as the admin API's 400 lists them
            raise refused
        name = canonical_username(username)
        if self._store.users.get(name):  # cheap early answer; create() below is the atomic check
            raise UserExists()
        record = UserRecord(
            username=name,
            password_hash=self._hasher.hash(password),
            created_at=now,
            phone=phone,
            epoch=new_epoch(),
            paper=paper,
        )
        if not self._store.users.create(record, allowlist):
            raise UserExists()
        self._events.record("user.created", at=now, user=name)
        if allowlist:
            detail = {"entries": len(allowlist)}
            self._events.record("ip.allowlist_changed", at=now, user=name, detail=detail)
        return record

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
        name = self.get(username).username
        self.check_new_password(name, password)
        fresh = self._hasher.hash(password)
        epoch = new_epoch()
        for _ in range(SET_TRIES):
            status, ended = self._store.users.change_password(
                name, self.get(name).password_hash, fresh, epoch, now=now, standing=standing
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
            said = {"admin": "reset by Client Services", "recovery": "reset"}.get(by or "", "changed")
            self._notify(name, f"The password on your account was {said}.", now=now)

    def names(self) -> list[str]:
        return self._store.users.usernames()

    def find(self, username: str) -> UserRecord | None:
        """The user, or None when no user has the (canonical) name."""
        return self._store.users.get(canonical_username(username))

    def get(self, username: str) -> UserRecord:
        record = self._store.users.get(canonical_username(username))
        if not record:
            raise UserNotFound()
        return record

    def change_phone(self, username: str, phone: str, *, now: int) -> dict[str, str | None]:
        """A new number is a new binding (NIST 800-63B-4 §3.1.3.3): the user's SMS and voice devices move to
        it (``phone_moved``), and both old and new number are told. Whoever calls it decided the change is
        allowed: a fresh step-up for the user (``auth.tasks``), or the admin API."""
        checked_phone(phone)
        with self.changing_phone(username) as change:
            return change(phone, now)

    @contextmanager
    def changing_phone(self, username: str) -> Iterator[PhoneChange]:
        """Hold the turns of the user's SMS and voice devices (``phone_moved``), then give the step that
        changes the number (:meth:`change_phone`'s answer). A caller that spends something to change it (a
        code: ``PhoneChanges.confirm``) spends it inside the block: a turn kept by another request is 429
        ``device_busy`` with nothing changed and nothing spent, never the number written and some devices
        left on the old one."""
        name = self.get(username).username
        with self._phone_moved(name) if self._phone_moved else nullcontext(None) as move:

            def change(phone: str, now: int) -> dict[str, str | None]:
                checked_phone(phone)
                old = self.get(name).phone
                self._store.users.set_fields(name, {"phone": phone})
                if move:
                    move(phone)
                self._events.record("user.phone_changed", at=now, user=name)
                if self._notify:
                    what = "The phone number on your account was changed."
                    if old:
                        self._notify(name, what, now=now, number=old)
                    self._notify(name, what, now=now, number=phone)
                return {"username": name, "phone": phone, "previous_phone": old}

            yield change

    def set_disabled(self, username: str, disabled: bool, *, now: int) -> dict[str, Any]:
        """Disabling ends, in one step, every session of the user and every login and step-up in progress
        (a new epoch); a disabled user cannot log in whatever the password. Enabling changes nothing else."""
        name = self.get(username).username
        ended = self._store.users.revoke(
            name, disabled=disabled, epoch=new_epoch() if disabled else None, now=now
        )
        if ended is None:
            raise UserNotFound()
        self._events.record("user.disabled" if disabled else "user.enabled", at=now, user=name)
        self._sessions_ended(name, ended, now=now, reason="killed")
        return {"username": name, "disabled": disabled, "sessions_ended": len(ended)}

    def delete(self, username: str, *, now: int) -> None:
        """The user, their devices (with their failure counts), sessions, lockout state and the logins a
        staged attacker left waiting on their approval (``UserRepo.delete``). Revoking first ends the
        sessions and kills the logins in progress in one step, so nothing begun under this user can finish
        while the rest is deleted. Failed attempts on the name after this count again, as for any
        unknown name. The user leaves every IB Key app on a phone that held them (``leave_apps``), a phone
        shared with other users included.

        All or nothing: the turn of every device the user holds (a card shared with them too) and of every
        IB Key app they are on is taken before anything changes (``user_deletion.turns_for_deletion``), so
        a deletion meeting one kept by another request is 429 ``device_busy`` with the user, their sessions,
        devices, lockout state and apps as they were. Sent again once the turn is free, it deletes all."""
        name = self.get(username).username
        with turns_for_deletion(self._store, name, self._leave_apps) as (device_ids, leave_apps):
            ended = (
                self._store.users.revoke(name, disabled=True, epoch=new_epoch(), now=now, tombstones=False)
                or []
            )
            leave_apps()
            for device_id in device_ids:
                drop_device(self._store, name, device_id)
            self._store.access.forget_user(name)
            self._store.users.delete(name)
            self._store.lockout.forget_user(name)  # after the user: a user created again starts unlocked
            self._store.logins.forget_user(name)
        self._sessions_ended(name, ended, now=now, reason="killed")
        self._events.record("user.deleted", at=now, user=name)

    def _sessions_ended(self, username: str, ended: list[str], *, now: int, reason: str) -> None:
        for sid in ended:
            self._events.record(
                f"session.{reason}", at=now, user=username, detail={"session_id": short_id(sid)}
            )

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
