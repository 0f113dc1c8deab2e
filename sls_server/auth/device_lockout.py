"""An authenticator disabled by wrong responses: counted per device, whichever login or step-up it answered,
and enabled again only by an administrator.

Apart from the account's lockout (``lockout.Lockout``), which counts wrong passwords per user and bucket: a
device's count is its own (``SLS_DEVICE_FAILURE_LIMIT``), held on the device's record in Redis.
"""

from __future__ import annotations

from ..events import EventLog
from ..store.lockout import LockoutRepo
from ..store.records import DeviceRecord


class DeviceLockout:
    def __init__(self, repo: LockoutRepo, events: EventLog, limit: int) -> None:
        self._repo = repo
        self._events = events
        self.limit = limit

    def failed(self, device: DeviceRecord, *, now: int, ip: str | None) -> bool:
        """Count a wrong response against the device; True when the device is disabled: by this one, or by
        others that raced it since it was read (then it is not counted: the count stops at the limit, and a
        guess past it is refused as one after the lock is)."""
        failures, outcome = self._repo.device_failed(device.device_id, limit=self.limit)
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

    def succeeded(self, device: DeviceRecord) -> None:
        """Clear the device's wrong responses (only if it had some, as read: no round trip otherwise). Never
        its lock: a wrong response racing this one may have disabled it since it was read, and only an
        administrator enables it again (:meth:`unlock`)."""
        if device.factor_failures:
            self._repo.device_success(device.device_id)

    def unlock(self, device: DeviceRecord, *, now: int) -> bool:
        """Enable an authenticator disabled by wrong responses (and clear its count); True, with
        ``device.unlocked`` in the trail, only when the device as read had either to clear."""
        if not (device.factor_locked or device.factor_failures):
            return False
        self._repo.device_reset(device.device_id)
        self._events.record(
            "device.unlocked",
            at=now,
            user=device.owner,
            factor=device.type,
            device_id=device.device_id,
        )
        return True
