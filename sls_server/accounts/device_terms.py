"""What a device record means, read the same by everyone: its statuses, a new id, whether it has lapsed, the
users it is shared with, whether it can be shared, and the administrator's view of it.

The login's second factor, the IB Key app, the state import and the admin views read devices without
changing them; these rules are theirs as much as the device service's (``devices.DeviceService``, which
enrols, revokes and updates devices), so they live apart from it.
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from ..errors import InvalidRequest
from ..store.records import DeviceRecord

ACTIVE = "active"
REVOKED = "revoked"


def new_device_id(type_: str) -> str:
    return f"{type_}-{secrets.token_hex(6)}"


def lapsed(device: DeviceRecord, now: int) -> bool:
    """A device with an end of validity (a temporary passcode) past it, or once found past it
    (``devices.DeviceService.lapse_seen``): a clock moved back does not bring it back."""
    return device.lapsed_at is not None or (device.expires_at is not None and device.expires_at <= now)


def public_device(
    record: DeviceRecord, *, strikes: Mapping[str, int], now: int | None = None
) -> dict[str, Any]:
    """The admin's view: a type's own fields only on devices of that type, never a secret. Given ``now``, a
    device past its validity (a temporary passcode) shows as ``expired``, whatever its record says.
    ``strikes``: its users' strikes on it, as ``store.lockout.LockoutRepo.strikes_held`` read them (on the
    users' slots, not the record's: ``device_view`` reads them with it)."""
    expired = now is not None and lapsed(record, now) and record.status == ACTIVE
    view: dict[str, Any] = {
        "device_id": record.device_id,
        "type": record.type,
        "label": record.label,
        "status": "expired" if expired else record.status,
        "created_at": record.created_at,
    }
    if record.serial is not None:
        view["serial"] = record.serial
    if record.suite is not None:
        view["suite"] = record.suite
    if record.locked is not None:
        view["locked"] = record.locked
    view["owner"] = record.owner
    if record.expires_at is not None:
        view["expires_at"] = record.expires_at
    if record.handset is not None:
        view["handset"] = record.handset
    view["shared_with"] = list(record.shared_with)
    view["factor_locked"] = record.factor_locked
    view["factor_failures"] = record.factor_failures
    view["strikes"] = [{"username": user, "count": count} for user, count in strikes.items()]
    return view


def without(device: DeviceRecord, username: str) -> tuple[str, ...]:
    """The users a device is shared with, ``username`` taken off."""
    return tuple(u for u in device.shared_with if u != username)


def shareable(device: DeviceRecord) -> DeviceRecord:
    """``device``, if it can be shared: an active DSC+ card (400 naming ``share_device_id`` if not). Judged
    on the card as read and again on the card as written (``DeviceSharing.share``)."""
    if device.type != "dscplus" or device.status != ACTIVE:
        raise InvalidRequest("only an active DSC+ card can be shared", field="share_device_id")
    return device
