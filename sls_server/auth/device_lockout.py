"""An authenticator disabled by wrong responses: counted per device, whichever login or step-up it answered,
and enabled again only by an administrator.

Apart from the account's lockout (``lockout.Lockout``), which counts wrong passwords per user and bucket: a
device's count is its own (``SLS_DEVICE_FAILURE_LIMIT``), held on the device's record in Redis.
"""

from __future__ import annotations

from dataclasses import replace
from typing import NamedTuple

from ..errors import UnknownDevice
from ..events import EventLog
from ..store.devices import DeviceRepo
from ..store.lockout import DeviceStrikes, LockoutRepo
from ..store.records import DeviceRecord
from ..turns import turn


class Unlocked(NamedTuple):
    """What an admin's unlock changed: ``enabled``, the device had a lock or a count to clear (and its users'
    strikes went with them); else ``strikes_cleared``, the users whose strikes on it stood with nothing on the
    device to match them (refused as if it were disabled) and went. ``device``: the device as the unlock left
    it (the answer's, read again after the turn it might name a device deleted since)."""

    enabled: bool
    strikes_cleared: tuple[str, ...]
    device: DeviceRecord


class DeviceLockout:
    def __init__(self, repo: LockoutRepo, devices: DeviceRepo, events: EventLog, limit: int) -> None:
        self._repo = repo
        self._devices = devices
        self._events = events
        self.limit = limit

    def failed(self, device: DeviceRecord, username: str, *, now: int, ip: str | None) -> bool:
        """Count ``username``'s wrong response against the device; True when the device is disabled: by this
        one, or by others that raced it since it was read (then it is not counted: the count stops at the
        limit, and a guess past it is refused as one after the lock is). Not counted from a user taken off
        the shared card since it was read: its one user left does not judge theirs."""
        failures, outcome = self._repo.device_failed(device.device_id, username, limit=self.limit)
        if outcome == "disabled":
            self._events.record(
                "device.locked",
                at=now,
                user=device.owner,
                ip=ip,
                factor=device.type,
                device_id=device.device_id,
                detail={"failures": failures},
            )
        return outcome in ("disabled", "locked")

    def strikes(self, device: DeviceRecord, cleared: int = 0) -> DeviceStrikes:
        """What the script settling an answer on the user's slot judges the device by there
        (``lua/lib/device_strikes.lua``): a wrong response racing a right one and disabling the device after
        the right one read it is seen in the same step that would settle the right one. A device read with
        one user is judged with its version as read: shared since, that step refuses ('device_shared') for
        the caller to ask it (:meth:`disabled_since_shared`)."""
        alone_at = device.version if len(device.users) == 1 else None
        return DeviceStrikes(self.limit, device.factor_failures, cleared, alone_at)

    def disabled_by_another_user(self, device: DeviceRecord) -> bool:
        """For a device that, as read, more than one user holds (a shared card): is it disabled now? Asked on
        the device's own slot (one round trip), after a right answer is judged and before it is settled: the
        strikes the settling step judges are the answering user's, and another user's wrong responses strike
        theirs, so a lock those took since the read would go unseen there. A lock after this question is
        linearised after the right answer. A device one user holds is not asked about (False, no round trip):
        every wrong response to it struck the strikes its settling step judges, unless it was shared since
        (then that step says so: :meth:`disabled_since_shared`)."""
        return len(device.users) > 1 and self.disabled_since_shared(device.device_id)

    def disabled_since_shared(self, device_id: str) -> bool:
        """The same question, for a device read with one user that the step settling the right answer found
        shared since (the share's mark, ``lua/lib/device_strikes.lua``: 'device_shared'): the new user's
        wrong responses struck their slot, not the answering user's. Asked only then, so a card that stays
        one user's pays no round trip for it."""
        return self._repo.device_disabled(device_id)

    def succeeded(self, device: DeviceRecord) -> int | None:
        """Clear the device's wrong responses (only if it had some, as read: no round trip otherwise); how
        many were cleared, or None when a wrong response racing this one disabled it since it was read (0
        when it is gone: the revoke's own mark refuses the answer, ``logins_device_revoked.lua``). Never its
        lock: only an administrator enables it again (:meth:`unlock`)."""
        if not device.factor_failures:
            return 0
        cleared = self._repo.device_success(device.device_id)
        if cleared and len(device.users) > 1:
            # a shared card's count holds every user's wrong responses: what it lost, each user's strikes on
            # it lose (they count again from the card's own count); the answering user's alone going, the
            # others' stayed, piled up over such rounds and refused a user's right answer on a card enabled
            # and at no count (423, with nothing for the admin's unlock to clear)
            self._repo.strikes_forgotten(device.device_id, device.users)
        return cleared

    def strikes_cleared(self, username: str, device: DeviceRecord, cleared: int) -> None:
        """A right answer settled before its device's count was cleared (a step-up's, an approval's): as many
        of the user's strikes on it go, with the step's other bookkeeping (no round trip of its own)."""
        if cleared:
            self._repo.strikes_cleared(username, device.device_id, cleared)

    def unlock(self, device_id: str, *, now: int) -> Unlocked:
        """Enable an authenticator disabled by wrong responses (and clear its count), with ``device.unlocked``
        in the trail when the device as read had either to clear. Its users' strikes on it go either way: a
        user refused as if it were disabled while it stands enabled at no count (strikes left above its count
        by a race, or by a step that struck and never reached the device's count) is let in again by the
        admin's unlock, the remedy a ``423 device_locked`` names; that is a change too, answered
        (``strikes_cleared``, whose strikes went) and recorded, so neither the answer nor the trail says
        nothing changed when someone was let in again.

        The device's turn (``sls_server.turns``) is held from the read of its users to the clearing of their
        strikes, as a share and a sharer's taking off hold it through their writes: read outside it, a user
        shared on the card between the read and the clearing kept strikes the unlock never cleared (above the
        card's count: refused as a disabled card's until another unlock), and a deletion of the card landing
        there left ``device.unlocked`` of a card that was gone. 429 ``device_busy`` when the turn stays
        taken, nothing cleared; 404 ``unknown_device`` when there is no such device."""
        with turn(self._devices, device_id):
            device = self._devices.get(device_id)
            if device is None:
                raise UnknownDevice()
            if not (device.factor_locked or device.factor_failures):
                struck = self._repo.strikes_dropped(device.device_id, device.users)
                if struck:
                    self._record(device, now, {"strikes_cleared": list(struck)})
                return Unlocked(False, struck, device)
            if not self._repo.device_reset(device.device_id, device.users):
                raise UnknownDevice()  # deleted by a writer that takes no turn: nothing to record
            self._record(device, now, None)
        return Unlocked(True, (), replace(device, factor_failures=0, factor_locked=False))

    def _record(self, device: DeviceRecord, now: int, detail: dict[str, object] | None) -> None:
        self._events.record(
            "device.unlocked",
            at=now,
            user=device.owner,
            factor=device.type,
            device_id=device.device_id,
            detail=detail,
        )
