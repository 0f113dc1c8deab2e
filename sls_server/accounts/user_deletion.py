"""What a user's deletion holds while it works: the turn of each of their devices and IB Key apps, all taken
before anything changes (``UserService.delete``); and what it does after their record went, under a turn per
device (:func:`drop_left`), which a deletion cut short there leaves for another request to finish.

Taken one at a time as it went, a turn kept by another request (a card being keyed, an app approving)
stopped the deletion half done: the user disabled, some devices gone, the record still there. Held first,
a turn that stays taken refuses the deletion with nothing changed, and the work under them asks for none
again (a turn is not re-entrant: ``sls_server.turns``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import AbstractContextManager, ExitStack, contextmanager

from ..errors import DeviceBusy
from ..store import Store
from ..store.records import DeletionLeft, DeviceRecord
from ..turns import RETRY_AFTER_S, WRITE_TRIES, turn, turns
from .device_terms import without
from .errors import DeletionUnfinished, UserDevicesBusy

#: (username, their devices) -> a block holding the turns of the IB Key apps those devices name, which gives
#: the step taking the user off them (``sim.ibkey.phone_storage.PhoneApps.leaving``).
LeaveApps = Callable[[str, Sequence[DeviceRecord]], AbstractContextManager[Callable[[], None]]]


@contextmanager
def turns_for_deletion(
    store: Store, name: str, leave_apps: LeaveApps | None
) -> Iterator[tuple[list[str], Callable[[], None]]]:
    """Hold the turns a deletion of the user needs, devices first, then apps (the order ``turns`` sets),
    each kind by sorted id; give (their device ids, the step taking them off their IB Key apps). 429
    ``device_busy`` (``UserDevicesBusy``) when one stays taken, or when the user's devices keep changing
    while the turns are taken (a device enrolled or shared meanwhile would have no turn held)."""
    for _ in range(WRITE_TRIES):
        device_ids = store.users.device_ids(name)
        with ExitStack() as held:
            try:
                held.enter_context(turns(store.devices, device_ids))
                devices = store.devices.get_many(device_ids)
                leave = held.enter_context(leave_apps(name, devices)) if leave_apps else None
            except DeviceBusy:
                raise UserDevicesBusy(retry_after=RETRY_AFTER_S) from None
            if store.users.device_ids(name) == device_ids:
                yield device_ids, leave or (lambda: None)
                return
    raise UserDevicesBusy(retry_after=RETRY_AFTER_S)


def drop_device(store: Store, name: str, device_id: str) -> None:
    """Delete a device the user owns; a card merely shared with the user stays its owner's, and only loses
    the user, by compare-and-set on its version like every device write (``DeviceService.update``). The
    caller holds the device's turn (:func:`turns_for_deletion`)."""
    for _ in range(WRITE_TRIES):
        record = store.devices.get(device_id)
        if record is None or (record.owner != name and name not in record.shared_with):
            return  # gone, or no longer naming the user (a deletion finished again after it was cut short)
        if record.owner == name:
            store.devices.delete(device_id)
            return
        if (
            store.devices.update(device_id, record.version, {"shared_with": without(record, name)})
            != "conflict"
        ):
            return
    raise DeviceBusy(retry_after=RETRY_AFTER_S)


def drop_left(store: Store, name: str, left: DeletionLeft) -> bool:
    """Take the deleted user off the devices their deletion left naming them (``left.devices``: those
    that joined after :func:`turns_for_deletion` read their devices, a card shared or a device enrolled while
    the deletion worked, or, for a deletion cut short, what it had not reached), each under its own turn,
    taken now: the user's record is gone, so none can join again, and a card left naming the user would serve
    whoever is created next under the name. Only while this deletion (``left``'s own mark, by its id:
    ``UserRepo.deletion_is``) is unfinished, checked under each turn: once another request has finished it,
    a user may have been created again under the name and shared that card (a share takes the same turn), and
    taking the name off it would take it off them; and a mark found there then may be a later deletion's of
    the name, whose work is its own (not this request's to do, nor to answer 429 for). Checked before each
    turn too, so a turn kept by another request is waited on only for this deletion. False when another
    request finished the deletion meanwhile; 429 ``device_busy`` (``DeletionUnfinished``) when a turn stays
    taken, the rest left to finish."""
    try:
        for device_id in left.devices:
            if not store.users.deletion_is(name, left):
                return False
            with turn(store.devices, device_id):
                if not store.users.deletion_is(name, left):
                    return False
                drop_device(store, name, device_id)
    except DeviceBusy:
        raise DeletionUnfinished(retry_after=RETRY_AFTER_S) from None
    return True
