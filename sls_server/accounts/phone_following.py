"""A user's SMS and voice devices kept on the user's phone: one per number when enrolled, moved with the
number when it changes.

Both read and write the user's record beside the devices' (the user's phone device, their number), each
exact under racing requests in its own way (a claim by compare-and-set on the user's hash, a move under the
devices' turns), which is the phone's business rather than the device service's (``devices.DeviceService``,
which calls the claim when it enrols a phone device and hands out the move as ``following_phone``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING

from ..errors import DeviceBusy
from ..store import Store
from ..store.records import DeviceChanges, DeviceRecord
from ..turns import RETRY_AFTER_S, turns
from .device_terms import ACTIVE
from .errors import DeviceExists, PhoneDevicesBusy, UserNotFound
from .phone_devices import PHONE_TYPES, moved, phone_taken

if TYPE_CHECKING:
    from .devices import DeviceService


def claim_phone(store: Store, devices: DeviceService, username: str, record: DeviceRecord) -> None:
    """One active SMS or voice device per user and number, or the login would list the phone twice (two
    "SMS +1•••0170", and a voice callback from each): a second is refused (409 ``device_exists``) and
    its record, written but not yet the user's, deleted, before any notice. Exact under racing
    enrolments: each claims the user's phone device (``UserRepo.claim_phone_device``, a compare-and-set
    on the user's hash) over the holder it read and found stale (revoked, deleted, on another number);
    the loser re-reads and finds the winner. The user's own list is read too, for devices no claim
    names (a state import, records older than the claim)."""
    for _ in range(8):
        held = store.users.phone_device(username)
        holder = store.devices.get(held) if held and held != record.device_id else None
        candidates = [*devices.active_of_user(username), *([holder] if holder else [])]
        for other in candidates:
            if (
                other.device_id != record.device_id
                and other.status == ACTIVE
                and other.type in PHONE_TYPES
                and other.owner == username
                and other.number == record.number
            ):
                store.devices.delete(record.device_id)
                raise DeviceExists(phone_taken(other), device_id=other.device_id, type=other.type)
        if store.users.claim_phone_device(username, held, record.device_id):
            return
        if store.users.get(username) is None:  # deleted meanwhile: the claim can never land
            store.devices.delete(record.device_id)
            raise UserNotFound()
    raise RuntimeError(f"the phone device of {username} kept changing")  # pragma: no cover


@contextmanager
def following_phone(store: Store, devices: DeviceService, username: str) -> Iterator[Callable[[str], None]]:
    """Hold the turn of each SMS and voice device the user owns, then give the step that moves them to the
    user's new number (``user_phone.UserPhones.change_phone`` writes the number between). Every turn is
    taken before the number is written: one kept by another request is 429 ``device_busy``
    (``PhoneDevicesBusy``) with the number and the devices as they were, never the number changed and some
    devices left on the old one.

    The number written is the one on the user's record when the device is written, read inside the
    compare-and-set (after the device), not the new one given: two changes racing would otherwise each
    move the devices to their own number in whatever order the writes land, and the codes could go to a
    number the user has already changed away from. The last device write read the last number, so the
    devices end on it."""
    held = [d.device_id for d in devices.of_user(username) if d.type in PHONE_TYPES and d.owner == username]
    with ExitStack() as stack:
        try:
            stack.enter_context(turns(store.devices, held))
        except DeviceBusy:
            raise PhoneDevicesBusy(retry_after=RETRY_AFTER_S) from None
        yield lambda phone: _follow_held(devices, store, username, held, phone)


def _follow_held(
    devices: DeviceService, store: Store, username: str, held: Sequence[str], phone: str
) -> None:
    """Move the user's phone devices to their number, the ``held`` ones under the turns held for them; one
    enrolled since they were taken (on the old number) takes its own."""

    def move(record: DeviceRecord) -> DeviceChanges:
        return moved(record, _number_of(store, username, phone))

    for device in devices.of_user(username):
        if device.type in PHONE_TYPES and device.owner == username:
            if device.device_id in held:
                devices.update_held(device.device_id, move)
            else:
                devices.update(device.device_id, move)


def _number_of(store: Store, username: str, fallback: str) -> str:
    """The user's number as stored now; ``fallback`` (the new one) if the record has none any more."""
    user = store.users.get(username)
    return user.phone if user and user.phone else fallback
