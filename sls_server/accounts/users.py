"""Users: creation, lookup, disabling and deletion. A user's password (``user_passwords``) and phone number
(``user_phone``) are parts of the service of their own; what their fields must be is ``user_fields``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import together
from ..event_details import KilledBy, deletion_detail
from ..events import EventLog
from ..store import Store
from ..store.ids import short_id
from ..store.records import UserRecord
from .errors import UserExists, UserNotFound
from .notify import Notify
from .passwords import PasswordHasher
from .user_deletion import LeaveApps, drop_device, drop_left, turns_for_deletion
from .user_fields import canonical_username, new_epoch, new_user_refusals, version_of
from .user_passwords import UserPasswords
from .user_phone import MovePhone, UserPhones


class UserService:
    def __init__(
        self,
        store: Store,
        hasher: PasswordHasher,
        events: EventLog,
        notify: Notify | None = None,
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
        self._leave_apps = leave_apps
        self.passwords = UserPasswords(store, hasher, events, notify, self.get)
        """The password check, a changed password, a new one set (``user_passwords``)."""
        self.phones = UserPhones(store, events, notify, phone_moved, self.get)
        """A new phone number, with the user's SMS and voice devices (``user_phone``)."""

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
        stored in the same step as their record, so they are never there unrestricted. A deletion of the
        name cut short is finished first (``user.deleted`` before ``user.created``); the store refuses the
        name while one is unfinished (``user_create.lua``)."""
        refused = together(new_user_refusals(username, password, phone))
        if refused is not None:  # every field at fault, as the admin API's 400 lists them
            raise refused
        name = canonical_username(username)
        if self._store.users.get(name):  # cheap early answer; create() below is the atomic check
            raise UserExists()
        self.finish_deletion(name, now=now)  # one of the name cut short: the new user inherits nothing of it
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
        if phone:  # the phone's events name her (``PhoneService.owners``)
            self._store.phones.add_owner(phone, name)
        self._events.record("user.created", at=now, user=name)
        if allowlist:
            detail = {"entries": len(allowlist)}
            self._events.record("ip.allowlist_changed", at=now, user=name, detail=detail)
        return record

    def names(self) -> list[str]:
        return self._store.users.usernames()

    def listed(self, names: Sequence[str]) -> tuple[dict[str, str], dict[str, str | None]]:
        """The ``password_version`` (:func:`user_fields.password_version`) and the phone number of each user
        ``names`` names, read together (``UserRepo.listed``)."""
        found = self._store.users.listed(names)
        versions = {name: version_of(epoch) for name, (epoch, _) in found.items()}
        return versions, {name: phone for name, (_, phone) in found.items()}

    def find(self, username: str) -> UserRecord | None:
        """The user, or None when no user has the (canonical) name."""
        return self._store.users.get(canonical_username(username))

    def find_alike(self, username: str) -> UserRecord | None:
        """:meth:`find`, at the same cost whether a user has the name or not (``UserRepo.get_alike``)."""
        return self._store.users.get_alike(canonical_username(username))

    def get(self, username: str) -> UserRecord:
        record = self._store.users.get(canonical_username(username))
        if not record:
            raise UserNotFound()
        return record

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
        self._sessions_ended(name, [short_id(sid) for sid in ended], now=now, ended_by="user_disabled")
        return {"username": name, "disabled": disabled, "sessions_ended": len(ended)}

    def delete(self, username: str, *, now: int, import_taken_back: bool = False) -> None:
        """The user, their devices (with their failure counts), sessions, lockout state and the logins a
        staged attacker left waiting on their approval (``UserRepo.delete``). Revoking first ends the
        sessions and kills the logins in progress in one step, so nothing begun under this user can finish
        while the rest is deleted. Failed attempts on the name after this count again, as for any
        unknown name. The user leaves every IB Key app on a phone that held them (``leave_apps``), a phone
        shared with other users included; an app, and a number, left with nobody goes too.

        All or nothing: the turn of every device the user holds (a card shared with them too) and of every
        IB Key app they are on is taken before anything changes (``user_deletion.turns_for_deletion``), so
        a deletion meeting one kept by another request is 429 ``device_busy`` with the user, their sessions,
        devices, lockout state and apps as they were. Sent again once the turn is free, it deletes all.

        Finishable: the step deleting the record leaves what is left to do in its place, which the rest
        works through (:meth:`finish_deletion`). A deletion cut short after that step (the worker killed,
        Redis lost) is finished by this sent again for the name, answering as for a deletion; 404 only when
        there is neither a user nor a deletion to finish.

        ``import_taken_back``: a refused state import deleting again a user it wrote, which ``user.deleted``
        says (``event_details.deletion_detail``)."""
        name = canonical_username(username)
        record = self._store.users.get(name)
        if record is None:
            if self.finish_deletion(name, now=now):
                return
            raise UserNotFound()
        with turns_for_deletion(self._store, name, self._leave_apps) as (device_ids, leave_apps):
            ended = (
                self._store.users.revoke(name, disabled=True, epoch=new_epoch(), now=now, tombstones=False)
                or []
            )
            leave_apps()
            for device_id in device_ids:
                drop_device(self._store, name, device_id)
            self._store.access.forget_user(name)
            sessions = [short_id(sid) for sid in ended]
            self._store.users.delete(
                name, dropped=device_ids, ended=sessions, now=now, import_taken_back=import_taken_back
            )
        if record.phone:  # a number nobody has now takes its simulated phone along (``PhoneRepo.release``)
            self._store.phones.release(record.phone, name)
        self._finish(name, now=now, resumed=False, import_taken_back=import_taken_back)

    def finish_deletion(self, username: str, *, now: int) -> bool:
        """Finish a deletion of the name cut short after the user's record went (``UserRepo.deletion_left``):
        take the user off the devices still naming them, then record the ``session.killed`` of the sessions
        it ended and ``user.deleted`` (``detail.resumed``, ``detail.begun_at``: when the record went). False
        when there is none to finish. Two requests finishing it at once both do the work (each step is
        harmless done twice), and the events are written once (``EventLog.record_once``) before the mark is
        released (``UserRepo.end_deletion``), and so is their places' expiry: a worker killed anywhere
        before the release leaves the mark, and the request finishing it writes what is missing, nothing
        twice; once all are written the mark says so (``UserRepo.events_written``), so one finishing it
        after their places expired writes none. A device whose turn stays taken is 429 ``device_busy``, the
        deletion left to finish as it was."""
        return self._finish(canonical_username(username), now=now, resumed=True)

    def _finish(self, name: str, *, now: int, resumed: bool, import_taken_back: bool = False) -> bool:
        """The deletion's steps after the record's (:meth:`finish_deletion`); ``resumed``: by a request
        other than the one that deleted the record; ``import_taken_back``: see :meth:`delete`."""
        left = self._store.users.deletion_left(name)
        if left is None:
            return False
        if not drop_left(self._store, name, left):
            return True  # finished by another request meanwhile
        # The mark read again: gone, or a later deletion's, this one was finished by another request
        # meanwhile, its events written before its release.
        held = self._store.users.own_mark(name, left)
        if held is None:
            return True
        # Out of the index again, in case the cut came before the deletion's own removal; a request that
        # stalls here while another finishes and the name is made again leaves that user in it (``unindex``).
        if resumed:
            self._store.users.unindex(name)
        places = left.events_of(name)
        if not held.events_written:
            # The events before the mark's release, each once (``EventLog.record_once``): a worker killed
            # between the two leaves the mark, and whoever finishes the deletion then writes what is missing.
            for sid in left.sessions:
                detail = {"session_id": sid, "ended_by": "user_deleted"}
                self._events.record_once(
                    "session.killed", places=places, place=f"session:{sid}", at=now, user=name, detail=detail
                )
            taken_back = import_taken_back or left.import_taken_back  # the mark's: whoever finishes it
            how = deletion_detail(left.at if resumed else None, import_taken_back=taken_back)
            self._events.record_once(
                "user.deleted", places=places, place="deleted", at=now, user=name, detail=how or None
            )
            # Then said in the mark: the places expire with the trail, and a worker killed after this is
            # finished by a request that writes none of them again, however long after (the places gone).
            self._store.users.events_written(name, left)
        # Their places' expiry before the release (another slot: no one step does both), so a worker killed
        # anywhere leaves the mark, whose finisher sets it again, or places that expire: never places kept
        # for good (``EventLog.places_done``).
        self._events.places_done(places)
        self._store.users.end_deletion(name, left)
        return True

    def _sessions_ended(
        self, username: str, short_ids: Sequence[str], *, now: int, ended_by: KilledBy
    ) -> None:
        """Each session the user's revoke ended (by its short id: ``ids.short_id``), ``session.killed`` with
        why (``event_details.KilledBy``)."""
        for sid in short_ids:
            detail = {"session_id": sid, "ended_by": ended_by}
            self._events.record("session.killed", at=now, user=username, detail=detail)
