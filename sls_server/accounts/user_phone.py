"""A user's new phone number: a new binding (NIST 800-63B-4 §3.1.3.3) that moves the user's SMS and voice
devices with it, all or nothing under their turns. Part of ``UserService`` (``users.phones``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from ..events import EventLog
from ..store import Store
from ..store.phones import MOVED_AWAY_KEPT_S
from ..store.records import UserRecord
from .notify import Notify
from .user_fields import checked_phone

#: username -> a block holding the turns of the user's SMS and voice devices, which gives the step moving them
#: to a new number (``DeviceService.following_phone``).
MovePhone = Callable[[str], AbstractContextManager[Callable[[str], None]]]
#: (phone, now) -> the user's new number written, their devices moved, both numbers told: the answer.
PhoneChange = Callable[[str, int], dict[str, str | None]]


class UserPhones:
    def __init__(
        self,
        store: Store,
        events: EventLog,
        notify: Notify | None,
        phone_moved: MovePhone | None,
        get: Callable[[str], UserRecord],
    ) -> None:
        """``phone_moved(username)`` holds the turns of the user's SMS and voice devices while a new number
        is written, and gives the step moving them to it (``DeviceService.following_phone``); ``get``: the
        user by name, 404 ``unknown_user`` when there is none (``UserService.get``)."""
        self._store = store
        self._events = events
        self._notify = notify
        self._phone_moved = phone_moved
        self._get = get

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
        name = self._get(username).username
        with self._phone_moved(name) if self._phone_moved else nullcontext(None) as move:

            def change(phone: str, now: int) -> dict[str, str | None]:
                checked_phone(phone)
                old = self._get(name).phone
                self._store.users.set_fields(name, {"phone": phone})
                self._store.phones.add_owner(phone, name)  # the new number's events name her
                if move:
                    move(phone)
                self._events.record("user.phone_changed", at=now, user=name)
                if self._notify:
                    what = "The phone number on your account was changed."
                    if old:
                        self._notify(name, what, kind="phone_changed", now=now, number=old)
                    self._notify(name, what, kind="phone_changed", now=now, number=phone)
                if old and old != phone:  # nobody's now: kept a while for the notice, then reclaimed
                    self._store.phones.release(old, name, keep_s=MOVED_AWAY_KEPT_S)
                return {"username": name, "phone": phone, "previous_phone": old}

            yield change
