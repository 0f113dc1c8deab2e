"""The IBKR Mobile app's storage on a simulated phone: one Redis record per phone, read by the simulator only.

It holds the platform, the PIN hash (sealed) or the biometric flag, the notification switch, the wrong-PIN
count, the users on the phone with their private keys sealed under ``ibkey-app:<app>:<user>`` (a Redis
dump shows no key), and the users being added (``pending``: username -> the server device waiting for
activation). :meth:`PhoneApps.mutate` runs the pure model (``sls_devices.ibkey``) and writes its state back,
holding the app's turn (``sls_server.turns``): requests at one phone run one after another, each PIN checked
once, and none can lose a wrong PIN. A user's deletion holds the turns of all their apps at once
(:meth:`PhoneApps.leaving`).

A change of several records (the notification switch: the app and each of its users' devices; Add User: the
app; an activation: the app and the user's older IB Keys it replaces) holds every turn it needs first
(:meth:`PhoneApps.holding`), then writes with :meth:`PhoneApps.mutate_held` and
``DeviceService.update_held``, which ask for none again. Taken one at a time as it went, a turn kept by
another request stopped the change half done (notifications off on the app and some devices still pushing;
an added user's device enrolled, its code texted, and the app not waiting for it; an activation's code
spent and an older IB Key left active); held first, one that stays taken refuses it with nothing changed.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from typing import TypeVar

from sls_devices import ibkey
from sls_devices.ibkey import AppState, Credential, IbKeyApp, Notification
from sls_devices.ocra import OcraError

from ...errors import Conflict, DeviceBusy, InvalidRequest, SlsError
from ...secretbox import SealError, SecretBox, sealed_as
from ...store import Store
from ...store.ibkey import IbKeyRepo
from ...store.records import AppRecord, AppUser, DeviceRecord
from ...turns import RETRY_AFTER_S, WRITE_TRIES, turn, turns
from ..errors import (
    AppBusy,
    AppLockedOut,
    IbKeysBusy,
    PasscodeRejected,
    PinRejected,
    UnknownApp,
    UnknownNotification,
)

T = TypeVar("T")


def refusal(exc: Exception) -> SlsError:
    """The app's refusal as the contract's error."""
    if isinstance(exc, ibkey.WrongPin):
        return PinRejected(pin_attempts_left=exc.attempts_left)
    if isinstance(exc, ibkey.WrongPasscode):
        return PasscodeRejected(passcode_attempts_left=exc.attempts_left)
    if isinstance(exc, ibkey.AppLocked):
        return AppLockedOut()
    if isinstance(exc, ibkey.InvalidChoice):
        return InvalidRequest(str(exc), field="match")
    if isinstance(exc, ibkey.UnknownUser):
        return InvalidRequest(str(exc), field="username")
    if isinstance(exc, OcraError):
        return InvalidRequest(str(exc), field="challenge")
    if isinstance(exc, ibkey.UnlockRefused):
        return InvalidRequest(str(exc), field=exc.expects)
    field = "passcode" if isinstance(exc, ibkey.InvalidPasscode) else "pin"
    return InvalidRequest(str(exc), field=field)


class PhoneApps:
    """Load, seal and write back the phones' app records; resolve the ids the /sim routes are given."""

    def __init__(self, store: Store, repo: IbKeyRepo, box: SecretBox) -> None:
        self._store = store
        self._repo = repo
        self._box = box

    def seal(self, app: IbKeyApp, pending: dict[str, str], *, number: str | None) -> AppRecord:
        """The app's state as stored: private keys and PIN hash sealed to this phone and user."""
        st = app.state
        users = {
            name: AppUser(
                c.device_id,
                self._box.seal(
                    json.dumps({"signing_key": c.signing_key.hex(), "ocra_key": c.ocra_key.hex()}).encode(),
                    context=f"ibkey-app:{st.app_id}:{name}",
                ),
            )
            for name, c in st.users.items()
        }
        pin = (
            self._box.seal(st.pin_hash.encode(), context=f"ibkey-app:{st.app_id}:pin")
            if st.pin_hash
            else None
        )
        return AppRecord(
            app_id=st.app_id,
            platform=st.platform,
            biometric=st.biometric,
            notifications=st.notifications,
            pin_failures=st.pin_failures,
            locked=st.locked,
            users=users,
            pending=dict(pending),
            pin_sealed=pin,
            number=number,
        )

    def open(self, record: AppRecord) -> tuple[IbKeyApp, dict[str, str]]:
        app_id = record.app_id
        users = {}
        for name, entry in record.users.items():
            keys = json.loads(self._box.open(entry.sealed, context=f"ibkey-app:{app_id}:{name}"))
            users[name] = Credential(
                name, entry.device_id, bytes.fromhex(keys["signing_key"]), bytes.fromhex(keys["ocra_key"])
            )
        pin_hash = None
        if record.pin_sealed:
            pin_hash = self._box.open(record.pin_sealed, context=f"ibkey-app:{app_id}:pin").decode()
        state = AppState(
            app_id,
            record.platform,
            pin_hash,
            record.biometric,
            record.notifications,
            record.pin_failures,
            record.locked,
            users,
        )
        return IbKeyApp(state), dict(record.pending)

    def sealed_versions(self, record: AppRecord) -> list[str]:
        """The version of each value the app keeps sealed (each user's keys, the PIN hash): the key it is
        under, read without opening it."""
        sealed = [user.sealed for user in record.users.values()]
        return [sealed_as(value) for value in (*sealed, record.pin_sealed) if value]

    def resealed(self, record: AppRecord) -> AppRecord | None:
        """The app as stored with every value sealed as the box seals now, at the version read (for a
        compare-and-set write); None when each one already is. ``SealError`` if one does not open."""
        if all(version == self._box.version for version in self.sealed_versions(record)):
            return None
        app, pending = self.open(record)
        return replace(self.seal(app, pending, number=record.number), version=record.version)

    def check_stored(self, record: AppRecord) -> None:
        """``ValueError`` unless the app as stored opens and works on this server: each user's sealed keys and
        the PIN hash open under its key, the keys have their lengths, the PIN hash is as the app makes it
        (its parameters are what each unlock costs). A state import asks it of every app first."""
        try:
            app, _ = self.open(record)
        except (SealError, KeyError, TypeError, ValueError):  # ValueError: bad JSON or hex inside
            raise ValueError("its sealed keys or PIN hash do not open under this server's key") from None
        state = app.state
        if state.platform not in ibkey.PLATFORMS:
            raise ValueError(f"platform must be one of {', '.join(ibkey.PLATFORMS)}")
        if state.pin_hash is not None and not ibkey.own_pin_hash(state.pin_hash):
            raise ValueError("its PIN hash is not one the app makes")
        for name, credential in state.users.items():
            if len(credential.signing_key) != ibkey.KEY_BYTES or len(credential.ocra_key) != ibkey.KEY_BYTES:
                raise ValueError(f"the keys it holds for {name!r} are not {ibkey.KEY_BYTES} bytes each")

    def number(self, app_id: str) -> str | None:
        record = self._repo.get_app(app_id)
        return record.number if record else None

    def load(self, app_id: str) -> tuple[IbKeyApp, dict[str, str]]:
        record = self._repo.get_app(app_id)
        if not record:
            raise UnknownApp()
        return self.open(record)

    def mutate(self, app_id: str, action: Callable[[IbKeyApp, dict[str, str]], T]) -> T:
        """Run ``action`` on the app and write its state back (a wrong PIN too), holding the app's turn; 429
        ``device_busy`` (``AppBusy``) when other requests keep it, or keep writing the app beside it."""
        with turn(self._repo, app_id, AppBusy):
            return self.mutate_held(app_id, action)

    def mutate_held(self, app_id: str, action: Callable[[IbKeyApp, dict[str, str]], T]) -> T:
        """:meth:`mutate`'s work, for a caller holding the app's turn already (:meth:`leaving`)."""
        for _ in range(WRITE_TRIES):
            record = self._repo.get_app(app_id)
            if not record:
                raise UnknownApp()
            app, pending = self.open(record)
            error: Exception | None = None
            try:
                result = action(app, pending)
            except (ibkey.IbKeyError, OcraError) as exc:
                error = exc
            sealed = self.seal(app, pending, number=record.number)
            outcome = self._repo.update_app(replace(sealed, version=record.version))
            if outcome == "ok":
                if error is not None:
                    raise refusal(error) from None
                return result
            if outcome == "missing":
                raise UnknownApp()
        raise AppBusy(retry_after=RETRY_AFTER_S)

    def device_ids(self, app_id: str) -> list[str]:
        """The server devices of the app's users, sorted, read without opening their keys (none: no app)."""
        record = self._repo.get_app(app_id)
        return sorted(user.device_id for user in record.users.values()) if record else []

    def users(self, app_id: str) -> list[str]:
        """The names of the app's users (its phone's owners), read without opening their keys."""
        record = self._repo.get_app(app_id)
        return sorted(record.users) if record else []

    @contextmanager
    def holding(self, device_ids: Iterable[str], app_ids: Iterable[str]) -> Iterator[None]:
        """Run the block holding the turn of each of ``device_ids`` and then of each app of ``app_ids`` (the
        order ``sls_server.turns`` sets, each kind sorted); 429 ``device_busy`` (``IbKeysBusy``) when one
        stays taken, the turns already taken given back and nothing done."""
        with ExitStack() as held:
            try:
                held.enter_context(turns(self._store.devices, device_ids))
                held.enter_context(turns(self._repo, app_ids))
            except DeviceBusy:
                raise IbKeysBusy(retry_after=RETRY_AFTER_S) from None
            yield

    @contextmanager
    def leaving(self, username: str, devices: Sequence[DeviceRecord]) -> Iterator[Callable[[], None]]:
        """Hold the turn of every app the user's IB Key ``devices`` name (``app_id``: read before those
        devices go) and give the step that takes the user being deleted off them, activated or still being
        added, with their pushes. Every turn is taken before the step can run (``turns.turns``): a deletion
        refused for an app kept busy has left each app as it was. The other users of a shared phone stay as
        they were; an app left without users, nor any being added, goes with its push inbox: no one could
        use it again (no device names it any more), and it stayed in Redis for good."""
        app_ids = sorted({d.app_id for d in devices if d.type == "ibkey" and d.app_id})
        with turns(self._repo, app_ids, AppBusy):
            yield lambda: self._leave_held(username, app_ids)

    def _leave_held(self, username: str, app_ids: Sequence[str]) -> None:
        def leave(app: IbKeyApp, pending: dict[str, str]) -> bool:
            app.remove_user(username)
            pending.pop(username, None)
            return not app.state.users and not pending

        for app_id in app_ids:
            try:
                emptied = self.mutate_held(app_id, leave)
            except UnknownApp:  # the phone's record is gone (a world imported without it): nothing to drop
                continue
            if emptied:  # under its turn, still held: nobody joins it between the write and this
                self._repo.delete_app(app_id)
                continue
            self._repo.discard(app_id, *(n.id for n in self._repo.inbox(app_id) if n.username == username))

    def app_id_of(self, ref: str) -> str | None:
        """The phone a /sim id names: an app id, or the device id of any user on it."""
        if self._repo.get_app(ref):
            return ref
        device = self._store.devices.get(ref)
        app_id = device.app_id if device and device.type == "ibkey" else None
        return app_id if app_id and self._repo.get_app(app_id) else None

    def resolve(self, ref: str) -> str:
        app_id = self.app_id_of(ref)
        if app_id is None:
            raise UnknownApp()
        return app_id

    def create(self, app: IbKeyApp, *, number: str | None) -> None:
        """A new phone's record; ``number`` is the smartphone's own (roaming is judged on it)."""
        if not self._repo.create_app(self.seal(app, {}, number=number)):
            raise Conflict("This phone was activated by another request at the same moment.")

    def notification(self, app_id: str, notification_id: str) -> Notification:
        found = self._repo.notification(app_id, notification_id)
        if not found:
            raise UnknownNotification()
        return Notification(
            id=found.id,
            txn_id=found.txn_id,
            username=found.username,
            device_id=found.device_id,
            nonce=found.nonce,
            candidates=found.candidates,
            expires_at=found.expires_at,
        )
