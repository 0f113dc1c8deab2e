"""Activating IB Key on the simulated phone, and Add User: the flows that put a user's keys on a phone
(``app`` describes them, with the seed's words).

Each is all or nothing where it writes several records: every turn it needs is held first
(``PhoneApps.holding``), so one kept by another request is 429 ``device_busy`` with nothing changed.

Same import rules as ``sls_server.sim``.
"""

from __future__ import annotations

import secrets
from typing import Any

from sls_devices import ibkey
from sls_devices.ibkey import IbKeyApp

from ...accounts.device_terms import ACTIVE
from ...accounts.devices import DeviceService
from ...auth import PasswordStep
from ...errors import UnknownDevice
from ...events import EventLog
from ...factors.ibkey.factor import IbKeyFactor
from ...store import Store
from ...store.records import UserRecord
from ..errors import ActivationInProgress, AlreadyActivated, UnknownApp
from ..phones import PhoneService
from .migration import activation_of
from .offline import require_data
from .phone_storage import PhoneApps, refusal

REPLACED = "replaced"
#: How long one activation may hold its user's lease (``IbKeyRepo.hold_activation``), in real time, not on
#: the app clock (a lock between requests running now; why there): far longer than an activation takes
#: (a few round trips of at most the store's 2 s timeout each); it only matters if a worker dies holding it.
ACTIVATION_LEASE_MS = 30_000


class Activation:
    def __init__(
        self,
        store: Store,
        factor: IbKeyFactor,
        apps: PhoneApps,
        devices: DeviceService,
        password: PasswordStep,
        phones: PhoneService,
        events: EventLog,
    ) -> None:
        self._store = store
        self._repo = factor.repo
        self._factor = factor
        self._apps = apps
        self._devices = devices
        self._password = password
        self._phones = phones
        self._events = events

    def _online(self, ref: str) -> None:
        """409 ``phone_offline`` when the phone ``ref`` names roams (``offline``), before the password or
        the code is looked at: an app already on the phone is judged at its own number, a new phone at the
        number its enrolled IB Key is pushed to (its ``handset``, else the number the code went to)."""
        app_id = self._apps.app_id_of(ref)
        if app_id is not None:
            require_data(self._phones, self._apps.number(app_id), "activate")
            return
        device = self._store.devices.get(ref)
        if device and device.type == "ibkey":
            require_data(self._phones, device.handset or device.phone, "activate")

    def _password_ok(self, username: str, password: str, *, now: int, ip: str | None) -> UserRecord:
        """The login's own password step, IP rules and lockout included: the app is no side door."""
        return self._password.verify(username, password, now=now, ip=ip, door="ibkey")

    def activate(
        self,
        ref: str,
        username: str,
        password: str,
        code: str,
        *,
        unlock: dict[str, Any],
        now: int,
        ip: str | None,
    ) -> dict[str, Any]:
        self._online(ref)
        name = self._password_ok(username, password, now=now, ip=ip).username
        app_id = self._apps.app_id_of(ref)
        new_phone = app_id is None
        number: str | None = None  # a new phone's own number: where its activation code went
        if app_id is None:  # a new phone: the enrolled device's id becomes the app's
            device = self._store.devices.get(ref)
            if not device or device.type != "ibkey" or device.owner != name or device.platform is None:
                raise UnknownApp("No IB Key of that user has that id.")
            app_id, device_id, platform, number = ref, ref, device.platform, device.phone
            try:
                app = IbKeyApp.install(app_id, platform, **unlock)
            except ibkey.IbKeyError as exc:
                raise refusal(exc) from None
        else:  # Add User, or activating again: unlock the way this phone does
            app, pending = self._apps.load(app_id)
            platform = app.state.platform
            known = app.state.users.get(name)
            device_id = pending.get(name) or (known.device_id if known else "")
            if not device_id:
                raise UnknownDevice("No activation is waiting for that user on this app: add the user first.")
        token = secrets.token_hex(8)
        if not self._repo.hold_activation(name, token, lease_ms=ACTIVATION_LEASE_MS):
            raise ActivationInProgress()
        try:
            others = [
                d.device_id
                for d in self._devices.active_of_user(name)
                if d.type == "ibkey" and d.device_id != device_id
            ]
            with self._apps.holding(others, [] if new_phone else [app_id]):
                if not new_phone:
                    self._apps.mutate_held(app_id, lambda a, _: a.unlock(**unlock))
                return self._activate_held(
                    name, code, app, app_id, device_id, new_phone, number, others, now=now, ip=ip
                )
        finally:
            self._repo.release_activation(name, token)

    def _activate_held(
        self,
        name: str,
        code: str,
        app: IbKeyApp,
        app_id: str,
        device_id: str,
        new_phone: bool,
        number: str | None,
        others: list[str],
        *,
        now: int,
        ip: str | None,
    ) -> dict[str, Any]:
        """Spend the code, keep the keys on the phone, replace the user's ``others`` (their other active IB
        Keys): under the user's activation lease and the turns of ``others`` and of the app, all taken before
        the PIN or the code is checked (:meth:`activate`), so one kept by another request is 429
        ``device_busy`` with the code unspent and every IB Key of the user as it was, never a new IB Key
        active beside an old one left active. No other activation of the user runs meanwhile (the lease),
        so none can become active between the read of ``others`` and these writes."""
        platform = app.state.platform
        started = IbKeyApp.begin_activation()
        server_public = self._factor.activation.activate(
            device_id,
            username=name,
            code=code,
            app_id=app_id,
            signing_public=started.signing_public,
            agreement_public=started.agreement_public,
            now=now,
            ip=ip,
        )

        def keep(a: IbKeyApp, pending: dict[str, str]) -> None:
            a.complete_activation(started, username=name, device_id=device_id, server_public=server_public)
            pending.pop(name, None)

        if new_phone:
            keep(app, {})
            self._apps.create(app, number=number)
        else:
            self._apps.mutate_held(app_id, keep)
        replaced = self._replace_held(name, device_id, others, now=now, ip=ip)
        self._events.record(
            "device.activated",
            at=now,
            user=name,
            ip=ip,
            factor="ibkey",
            device_id=device_id,
            detail={"app_id": app_id, "platform": platform, "replaced": replaced},
        )
        return {
            "status": ACTIVE,
            "username": name,
            "device_id": device_id,
            "app_id": app_id,
            "platform": platform,
            "replaced": replaced,
        }

    def _replace_held(
        self, username: str, keep: str, others: list[str], *, now: int, ip: str | None
    ) -> list[str]:
        """One smartphone per user: the older IB Keys stop now (a migration's old phone). Their turns are
        held (:meth:`_activate_held`): one revoked before they were taken is passed over."""
        replaced = []
        for device in self._store.devices.get_many(others):
            if device.status == ACTIVE:
                written = self._devices.update_held(
                    device.device_id,
                    lambda _: {"status": REPLACED, "replaced_at": now, "replaced_by": keep},
                )
                self._devices.sharing.stop_logins(device.device_id, written.users, now=now)
                self._events.record(
                    "device.replaced",
                    at=now,
                    user=username,
                    ip=ip,
                    factor="ibkey",
                    device_id=device.device_id,
                    detail={"replaced_by": keep},
                )
                replaced.append(device.device_id)
        return replaced

    def add_user(self, ref: str, username: str, password: str, *, now: int, ip: str | None) -> dict[str, Any]:
        """A new IB Key for the user, waiting on this phone for its activation. All or nothing: the app's
        turn is held first (``PhoneApps.holding``), so one kept by another request is 429 ``device_busy``
        with no device enrolled, no code texted or counted; the device carries its app and handset from its
        one create."""
        app_id = self._apps.resolve(ref)
        require_data(self._phones, self._apps.number(app_id), "add_user")
        user = self._password_ok(username, password, now=now, ip=ip)
        name = user.username
        with self._apps.holding([], [app_id]):
            app, _ = self._apps.load(app_id)
            known = app.state.users.get(name)
            device = self._store.devices.get(known.device_id) if known else None
            if device and device.status == ACTIVE:
                raise AlreadyActivated()
            if user.phone:
                self._phones.limit(name, user.phone, now=now, ip=ip)  # the user asked for a text: it costs
            handset = self._apps.number(app_id)  # the smartphone this user's pushes go to
            enrolled = self._devices.enrol(
                name,
                "ibkey",
                {"platform": app.state.platform},
                now=now,
                fields={"app_id": app_id, "handset": handset},
            )
            device_id = enrolled["device_id"]
            self._apps.mutate_held(app_id, lambda _, pending: pending.__setitem__(name, device_id))
        return {
            "status": enrolled["status"],
            "username": name,
            "device_id": device_id,
            "app_id": app_id,
            **activation_of(enrolled),
        }
