"""Devices of a user: enrol, list, read, update (the compare-and-set write under the device's turn every
change goes through). Sharing a card and revoking are :mod:`.device_sharing`'s (``devices.sharing``); the
type-specific work is the factor's; keeping the SMS and voice devices on the user's phone is
:mod:`.phone_following`'s."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import Any

from ..errors import DeviceBusy, UnknownDevice
from ..events import EventLog
from ..factors import FactorRegistry
from ..store import Store
from ..store.records import DeviceChanges, DeviceRecord
from ..turns import LEASE_MS, RETRY_AFTER_S, WRITE_TRIES, turn, turn_of_new
from .device_sharing import DeviceSharing
from .device_terms import ACTIVE, lapsed, new_device_id, public_device
from .device_view import device_views, device_views_of
from .errors import ConsecutiveTemporaryPasscode, UserNotFound
from .notify import Notify, tell_nobody
from .phone_devices import PHONE_TYPES
from .phone_following import claim_phone, following_phone

#: What a compare-and-set write changes, given the device as it is now.
Change = Callable[[DeviceRecord], DeviceChanges]


class DeviceService:
    def __init__(
        self, store: Store, factors: FactorRegistry, events: EventLog, notify: Notify | None = None
    ) -> None:
        self._store = store
        self._factors = factors
        self._events = events
        self._notify = notify or tell_nobody
        self.sharing = DeviceSharing(store, factors, events, self._notify, self)
        """A card shared with another user, a device revoked, logins on it stopped (``device_sharing``)."""

    def enrol(
        self,
        username: str,
        type_: str,
        params: Mapping[str, Any],
        *,
        now: int,
        at_opening: bool = False,
        fields: DeviceChanges | None = None,
    ) -> dict[str, Any]:
        """Enrol and tell the user on their phone; ``at_opening`` (the SMS every new account with a phone
        gets, :mod:`.opening`) says so in the event's detail and texts no notice: nothing changed on an
        account the user already had. ``fields``: more of the record, written in its one create (an IB Key
        added to a phone: its app and handset), where a second write would need the new device's turn."""
        factor = self._factors.get(type_)
        device_id = new_device_id(type_)
        enrolment = factor.enrol(device_id, username, params, now=now)
        label = params.get("label") if isinstance(params.get("label"), str) else None
        record = DeviceRecord(
            device_id=device_id,
            type=type_,
            owner=username,
            status=ACTIVE,
            created_at=now,
            label=label or f"{type_} {enrolment.record.get('serial', device_id)}",
        )
        record = replace(replace(record, **enrolment.record), **(fields or {}))
        with turn_of_new(self._store.devices, device_id) as held:
            self._store.devices.create(record, turn=held, lease_ms=LEASE_MS)
            if type_ in PHONE_TYPES:
                claim_phone(self._store, self, username, record)
            self._join(username, record)
            self._enrolled_told(username, factor.notice_name, record, now=now, at_opening=at_opening)
        return {**public_device(record, strikes={}), **enrolment.once}  # a new id: nobody's strikes

    def _enrolled_told(
        self, username: str, notice_name: str, record: DeviceRecord, *, now: int, at_opening: bool
    ) -> None:
        """``device.enrolled`` and the user's notice, written holding the new device's turn (taken in its
        create: ``turns.turn_of_new``) while it is in the user's list: their deletion needs that turn, so it
        lands after both (was: no turn held, a deletion landing after the join left ``device.enrolled`` and
        the notice's ``sms.sent`` after ``user.deleted``)."""
        detail = {"at_opening": True} if at_opening else None
        self._events.record(
            "device.enrolled",
            at=now,
            user=username,
            factor=record.type,
            device_id=record.device_id,
            detail=detail,
        )
        if not at_opening:
            self._notify(
                username, f"A new {notice_name} was added to your account.", kind="device_added", now=now
            )

    def _join(self, username: str, record: DeviceRecord) -> None:
        """Add the new device to the user's set, or delete it and refuse: the user is gone (404, deleted while
        the enrolment worked), or it is a temporary passcode right after another (409, KB69: the broker
        restores a physical device instead), judged in the same step as the add."""
        added, followed = self._store.users.add_device(username, record.device_id, joined_as=record.type)
        if added == "added":
            return
        self._store.devices.delete(record.device_id)
        if added == "consecutive":
            raise ConsecutiveTemporaryPasscode(device_id=followed)
        raise UserNotFound()

    @contextmanager
    def following_phone(self, username: str) -> Iterator[Callable[[str], None]]:
        """The user's SMS and voice devices held for a change of their number, and the step moving them to it
        (``phone_following.following_phone``, where the rules are)."""
        with following_phone(self._store, self, username) as move:
            yield move

    def view(self, record: DeviceRecord) -> dict[str, Any]:
        """The admin's view of one device, with its users' strikes on it (``device_view``)."""
        return device_views(self._store, [record])[0]

    def get(self, device_id: str) -> DeviceRecord:
        record = self._store.devices.get(device_id)
        if not record:
            raise UnknownDevice()
        return record

    def of_user(
        self,
        username: str,
        device_ids: Sequence[str] | None = None,
        devices: Sequence[DeviceRecord] | None = None,
    ) -> list[DeviceRecord]:
        """The user's devices, oldest first; ``device_ids`` (or the ``devices`` themselves) if the caller read
        them with the user."""
        if devices is None:
            ids = list(device_ids) if device_ids is not None else self._store.users.device_ids(username)
            devices = self._store.devices.get_many(ids)
        return sorted(devices, key=lambda r: (r.created_at, r.device_id))

    def listed(self, username: str, *, now: int) -> list[dict[str, Any]]:
        """The admin's view of the user's devices, oldest first, a lapsed one shown as ``expired`` (and
        recorded so: :meth:`lapse_seen`)."""
        return self.listed_of([username], now=now)[0]

    def listed_of(self, usernames: Sequence[str], *, now: int) -> list[list[dict[str, Any]]]:
        """:meth:`listed` for each of ``usernames``, their strikes read together (one round trip for all:
        the console's users table lists every user on each redraw)."""
        groups = [self.of_user(username) for username in usernames]
        for device in (d for group in groups for d in group):
            self.lapse_seen(device, now=now)
        return device_views_of(self._store, groups, now=now)

    def lapse_seen(self, device: DeviceRecord, *, now: int) -> bool:
        """Has ``device`` lapsed at ``now`` (:func:`lapsed`)? A lapse found for the first time is recorded on
        the device (``lapsed_at``), so what a client is told now stands if the clock is moved back: a
        temporary passcode refused or listed as lapsed is never offered again. The write rides with the
        step's other writes (``write_behind``) where there is a block open."""
        if not lapsed(device, now):
            return False
        if device.lapsed_at is None:
            self._store.devices.record_lapse(device.device_id, now=now)
        return True

    def active_of_user(
        self,
        username: str,
        device_ids: Sequence[str] | None = None,
        devices: Sequence[DeviceRecord] | None = None,
    ) -> list[DeviceRecord]:
        return [r for r in self.of_user(username, device_ids, devices) if r.status == ACTIVE]

    def update(
        self, device_id: str, change: Change, then: Callable[[DeviceRecord], None] | None = None
    ) -> DeviceRecord:
        """Apply ``change(record) -> fields`` holding the device's turn (``sls_server.turns``: a burst of
        card responses runs one after another), written with compare-and-set and read again on a write
        that took no turn; the device as written. 429 ``device_busy`` when other requests keep the turn (or
        the device keeps changing beside it). A change of no fields writes nothing (the device as read): a
        caller deciding from the device as it is that there is nothing to do (``DeviceSharing.revoke``)
        leaves it untouched. ``change`` must not update the device itself (the turn is not re-entrant).

        ``then(written)``, still holding the turn: the change's event. A deletion of the device's owner needs
        the turn, so it lands after the event (was: recorded after the turn, a deletion landing first left
        the trail telling of a change to the card of a user deleted before it)."""
        with turn(self._store.devices, device_id):
            written = self.update_held(device_id, change)
            if then:
                then(written)
            return written

    def update_held(self, device_id: str, change: Change) -> DeviceRecord:
        """:meth:`update`'s work, for a caller holding the device's turn already (:meth:`following_phone`, an
        IB Key change of several records: ``sim.ibkey.app_turns``)."""
        for _ in range(WRITE_TRIES):
            record = self.get(device_id)
            fields = change(record)
            if not fields:
                return record
            outcome = self._store.devices.update(device_id, record.version, fields)
            if outcome == "ok":
                return replace(record, **fields, version=record.version + 1)
            if outcome == "missing":
                raise UnknownDevice()
        raise DeviceBusy(retry_after=RETRY_AFTER_S)
