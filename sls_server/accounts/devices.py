"""Devices of a user: enrol, share, list, revoke, update. The type-specific work is the factor's; keeping
the SMS and voice devices on the user's phone is :mod:`.phone_following`'s."""

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
from .device_terms import ACTIVE, REVOKED, lapsed, new_device_id, public_device, shareable, without
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

    def share(self, username: str, device_id: str, *, now: int) -> dict[str, Any]:
        """One physical card serving several users (the broker lets users share a security device).

        The card is judged again as written (:meth:`update`'s change): one revoked since it was read is
        refused as a revoked one is, and a user it serves already (a racing share of them landed) is
        answered as a repeat is, with nothing written, recorded or sent. The card's turn is held through
        both writes, the card's and the user's list, as the user's taking off holds it (:meth:`revoke`):
        the two run one after the other, so the user is on the card and has it in their list, or neither;
        and through ``device.shared`` and the notice, so a deletion of the user lands after them."""
        if username in shareable(self.get(device_id)).users:
            return self.view(self.get(device_id))
        changed: list[bool] = []

        def joined(current: DeviceRecord) -> DeviceChanges:
            changed[:] = [username not in shareable(current).users]
            if not changed[0]:
                return {}
            # its users' slots marked first: a right answer of theirs that read the card as theirs alone (its
            # settling step judges their strikes only) has the card asked before it settles, so the new
            # user's wrong responses disabling it meanwhile hold (lua/lib/device_strikes.lua)
            self._store.lockout.mark_shared(device_id, current.users, current.version)
            return {"shared_with": (*current.shared_with, username)}

        with turn(self._store.devices, device_id):
            written = self.update_held(device_id, joined)
            if not changed[0]:
                return self.view(written)
            # their strikes on it start from the card's own count: any left from an earlier stint on it
            # (taken off while it was disabled by them, the admin's unlock then clearing its one user's)
            # refused their right answers as a disabled card's on a card enabled at no count. Forgotten
            # before the card joins their list, so no login of theirs answers on it with the old ones.
            self._store.lockout.strikes_forgotten(device_id, (username,))
            added, _ = self._store.users.add_device(username, device_id, joined_as=written.type)
            if added == "no_user":  # the user was deleted meanwhile
                self.update_held(device_id, lambda r: {"shared_with": without(r, username)})
                raise UserNotFound()
            # recorded and told still holding the turn: the card is in the user's list now, so their deletion
            # needs it and lands after (was: after the turn, a deletion landing first left the trail saying
            # the card was shared with a user deleted before, and the notice texted to their old number)
            self._events.record(
                "device.shared",
                at=now,
                user=username,
                factor="dscplus",
                device_id=device_id,
                detail={"owner": written.owner},
            )
            self._notify(
                username,
                "A shared security card was added to your account.",
                kind="shared_card_added",
                now=now,
            )
            return self.view(self.get(device_id))  # as the share left it: a deletion after it is not its own

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

    def revoke(self, username: str, device_id: str, *, now: int) -> dict[str, Any]:
        """Revoke at once (a correct response from it fails in the same second, even one being checked as
        the revoke lands: :meth:`stop_logins`); a user a card is merely shared with is taken off the card
        instead.

        Only the revoke that changes the device records ``device.revoked`` and texts the notice: the change
        is decided inside the compare-and-set (:meth:`update`), so of revokes racing exactly one finds the
        device active. The owner revoking a device revoked already is told the device as it is (200, the
        route is idempotent, as DELETE is) and nothing is written, recorded or sent; a sharer taken off the
        card already has no such device any more (404 ``unknown_device``), whichever racing revoke won. The
        taking off holds the card's turn through the write of the user's list, as a share does
        (:meth:`share`): a share racing it lands before or after both writes, never between. Either revoke
        records and tells holding the device's turn (:meth:`_revoke_told`)."""
        record = self.get(device_id)
        if username not in record.users:
            raise UnknownDevice()
        changed: list[bool] = []

        def revoked(current: DeviceRecord) -> DeviceChanges:
            changed[:] = [current.status != REVOKED]
            return {"status": REVOKED, "revoked_at": now} if changed[0] else {}

        def taken_off(current: DeviceRecord) -> DeviceChanges:
            changed[:] = [username in current.shared_with]
            return {"shared_with": without(current, username)} if changed[0] else {}

        with turn(self._store.devices, device_id):
            if record.owner == username:
                written = self.update_held(device_id, revoked)
                if not changed[0]:
                    return self.view(written)
                self.stop_logins(device_id, written.users, now=now)
                self._revoke_told(username, record, now=now)
            else:  # with the list's write: as a share holds it
                self.update_held(device_id, taken_off)
                if not changed[0]:
                    raise UnknownDevice()
                self.stop_logins(device_id, (username,), now=now)
                self._revoke_told(username, record, now=now)
                self._store.users.remove_device(username, device_id)
            return self.view(self.get(device_id))  # as the revoke left it: a deletion after it is not its own

    def _revoke_told(self, username: str, record: DeviceRecord, *, now: int) -> None:
        """``device.revoked`` and the user's notice, written holding the device's turn while it is still in
        the user's list: their deletion needs that turn, so it lands after both (was: written after the turn,
        a deletion landing first left the trail revoking a device of a user deleted before it, the notice
        texted to their old number). A sharer's list loses the card only after them, for the same reason."""
        self._events.record(
            "device.revoked", at=now, user=username, factor=record.type, device_id=record.device_id
        )
        name = self._factors.get(record.type).notice_name
        self._notify(username, f"Your {name} was removed from your account.", kind="device_revoked", now=now)

    def stop_logins(self, device_id: str, users: Sequence[str], *, now: int) -> None:
        """Stop the logins and step-ups of ``users`` in progress on a device that no longer serves them (it
        was just revoked or replaced: call this after that write). A verify reads the device in its first
        round trip and creates the session, on the user's slot, in a later one; the device's record is on a
        slot of its own, which the session's script cannot read on a Cluster. Marking the logins on each
        user's slot after the device's write closes that window (``LoginRepo.device_revoked``): a verify that
        read the device before the write meets the mark when it creates the session (403
        ``device_inactive``), and one that reads it after the write sees the device gone."""
        for user in users:
            self._store.logins.device_revoked(user, device_id, now=now)

    def update(
        self, device_id: str, change: Change, then: Callable[[DeviceRecord], None] | None = None
    ) -> DeviceRecord:
        """Apply ``change(record) -> fields`` holding the device's turn (``sls_server.turns``: a burst of
        card responses runs one after another), written with compare-and-set and read again on a write
        that took no turn; the device as written. 429 ``device_busy`` when other requests keep the turn (or
        the device keeps changing beside it). A change of no fields writes nothing (the device as read): a
        caller deciding from the device as it is that there is nothing to do (:meth:`revoke`) leaves it
        untouched. ``change`` must not update the device itself (the turn is not re-entrant).

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
