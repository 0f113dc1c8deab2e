"""Settings of the simulated smartphone that change how IB Key works on it: the app's push notifications, and
the iPhone's Touch ID / Face ID. Without Touch ID / Face ID set up, IB Key on iOS asks for the iPhone's
passcode instead (the seed: "If Touch ID has not been activated, IB Key will prompt you to enter your
smartphone's passcode"); removing or setting them up asks for that passcode, as iOS does.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sls_devices.ibkey import IbKeyApp

from ...accounts.devices import DeviceService
from ...events import EventLog
from ...store import Store
from ...turns import RETRY_AFTER_S, WRITE_TRIES
from ..errors import IbKeysBusy
from ..phones import PhoneService
from .offline import require_data
from .phone_storage import PhoneApps


class PhoneSettings:
    def __init__(
        self,
        store: Store,
        apps: PhoneApps,
        devices: DeviceService,
        phones: PhoneService,
        events: EventLog,
        status: Callable[[str], dict[str, Any]],
    ) -> None:
        self._store = store
        self._apps = apps
        self._devices = devices
        self._phones = phones
        self._events = events
        self._status = status

    def notifications(self, ref: str, enabled: bool, *, now: int) -> dict[str, Any]:
        """The app's notification switch; the app registers it with the server for each of its users. All
        or nothing: the turn of each of its users' devices and of the app are held first
        (``PhoneApps.holding``), so one kept by another request is 429 ``device_busy`` with the app and every
        device as they were, never the app switched and some devices still pushing. The app's users are read
        again under its turn; one added or gone between (an activation, a deletion) reads the devices anew.
        A roaming phone cannot register it: 409 ``phone_offline``, nothing changed (``offline``)."""
        app_id = self._apps.resolve(ref)
        require_data(self._phones, self._apps.number(app_id), "notifications")

        def switch(a: IbKeyApp, _: dict[str, str]) -> None:
            a.state.notifications = enabled

        for _ in range(WRITE_TRIES):
            device_ids = self._apps.device_ids(app_id)
            with self._apps.holding(device_ids, [app_id]):
                if self._apps.device_ids(app_id) != device_ids:
                    continue
                self._apps.mutate_held(app_id, switch)
                for device in self._store.devices.get_many(device_ids):
                    if device.app_id == app_id:
                        self._devices.update_held(device.device_id, lambda _: {"push_enabled": enabled})
            self._changed(app_id, {"notifications": enabled}, now=now)
            return self._status(app_id)
        raise IbKeysBusy(retry_after=RETRY_AFTER_S)

    def biometrics(self, ref: str, enabled: bool, *, passcode: str, now: int) -> dict[str, Any]:
        """Touch ID / Face ID set up (``enabled``) or removed on the iPhone: nothing changes on the server,
        only what the app asks for. A wrong passcode is refused on the phone and counts, as at an unlock."""
        app_id = self._apps.resolve(ref)
        self._apps.mutate(app_id, lambda a, _: a.set_biometrics(enabled, passcode=passcode))
        self._changed(app_id, {"biometrics": enabled}, now=now)
        return self._status(app_id)

    def _changed(self, app_id: str, what: dict[str, bool], *, now: int) -> None:
        """One event per user on the phone, each naming them (the phone's users are its owners), so the
        trainer's feed and ``sls events --user`` tie the change to each; ``detail.users`` names them all."""
        users = self._apps.users(app_id)
        named: list[str | None] = list(users) or [None]
        for user in named:
            self._events.record(
                "ibkey.settings_changed",
                at=now,
                user=user,
                factor="ibkey",
                device_id=app_id,
                detail={"app_id": app_id, "users": users, **what},
            )
