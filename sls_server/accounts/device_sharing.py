"""Whom a device serves, changed: a card shared with another user, a device revoked (or a sharer taken off a
card), and the logins in progress on a device that no longer serves a user stopped. Part of ``DeviceService``
(``devices.sharing``), whose compare-and-set writes under the device's turn these changes go through."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..errors import UnknownDevice
from ..events import EventLog
from ..factors import FactorRegistry
from ..store import Store
from ..store.records import DeviceChanges, DeviceRecord
from ..turns import turn
from .device_terms import REVOKED, shareable, without
from .errors import UserNotFound
from .notify import Notify

if TYPE_CHECKING:  # the service makes this part of itself: a run-time import would be circular
    from .devices import DeviceService


class DeviceSharing:
    def __init__(
        self, store: Store, factors: FactorRegistry, events: EventLog, notify: Notify, devices: DeviceService
    ) -> None:
        """``devices``: the service this is part of, for a device read (404 ``unknown_device``), its admin
        view and its writes under the turn held here (``DeviceService.update_held``)."""
        self._store = store
        self._factors = factors
        self._events = events
        self._notify = notify
        self._devices = devices

    def share(self, username: str, device_id: str, *, now: int) -> dict[str, Any]:
        """One physical card serving several users (the broker lets users share a security device).

        The card is judged again as written (``DeviceService.update``'s change): one revoked since it was
        read is refused as a revoked one is, and a user it serves already (a racing share of them landed) is
        answered as a repeat is, with nothing written, recorded or sent. The card's turn is held through
        both writes, the card's and the user's list, as the user's taking off holds it (:meth:`revoke`):
        the two run one after the other, so the user is on the card and has it in their list, or neither;
        and through ``device.shared`` and the notice, so a deletion of the user lands after them."""
        if username in shareable(self._devices.get(device_id)).users:
            return self._devices.view(self._devices.get(device_id))
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
            written = self._devices.update_held(device_id, joined)
            if not changed[0]:
                return self._devices.view(written)
            # their strikes on it start from the card's own count: any left from an earlier stint on it
            # (taken off while it was disabled by them, the admin's unlock then clearing its one user's)
            # refused their right answers as a disabled card's on a card enabled at no count. Forgotten
            # before the card joins their list, so no login of theirs answers on it with the old ones.
            self._store.lockout.strikes_forgotten(device_id, (username,))
            added, _ = self._store.users.add_device(username, device_id, joined_as=written.type)
            if added == "no_user":  # the user was deleted meanwhile
                self._devices.update_held(device_id, lambda r: {"shared_with": without(r, username)})
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
            return self._devices.view(
                self._devices.get(device_id)
            )  # as the share left it: a deletion after it is not its own

    def revoke(self, username: str, device_id: str, *, now: int) -> dict[str, Any]:
        """Revoke at once (a correct response from it fails in the same second, even one being checked as
        the revoke lands: :meth:`stop_logins`); a user a card is merely shared with is taken off the card
        instead.

        Only the revoke that changes the device records ``device.revoked`` and texts the notice: the change is
        decided inside the compare-and-set (``DeviceService.update``), so of revokes racing exactly one finds
        the device active. The owner revoking a device revoked already is told the device as it is (200, the
        route is idempotent, as DELETE is) and nothing is written, recorded or sent; a sharer taken off the
        card already has no such device any more (404 ``unknown_device``), whichever racing revoke won. The
        taking off holds the card's turn through the write of the user's list, as a share does
        (:meth:`share`): a share racing it lands before or after both writes, never between. Either revoke
        records and tells holding the device's turn (:meth:`_revoke_told`)."""
        record = self._devices.get(device_id)
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
                written = self._devices.update_held(device_id, revoked)
                if not changed[0]:
                    return self._devices.view(written)
                self.stop_logins(device_id, written.users, now=now)
                self._revoke_told(username, record, now=now)
            else:  # with the list's write: as a share holds it
                self._devices.update_held(device_id, taken_off)
                if not changed[0]:
                    raise UnknownDevice()
                self.stop_logins(device_id, (username,), now=now)
                self._revoke_told(username, record, now=now)
                self._store.users.remove_device(username, device_id)
            return self._devices.view(
                self._devices.get(device_id)
            )  # as the revoke left it: a deletion after it is not its own

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
