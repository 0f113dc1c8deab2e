"""The user's side of IB Key: the IBKR Mobile app on a simulated smartphone, as ``/sim/v1/ibkey`` drives it.

Model and ids. A phone's app is one record (``store.ibkey``: platform, the PIN hash or the biometric flag,
the notification setting, and per user the private keys sealed under ``ibkey-app:<app>:<user>``); the server
keeps one device record per user per phone (``factors.ibkey``). The app's id is the device id of the first
IB Key activated on it, so the id an admin got at enrolment is the phone's id for every /sim route; any of
its users' device ids is accepted too and resolves to the phone (``device.app_id``). Every push for any
user on the phone lands in that phone's inbox.

Flows (the first two in ``activation``). *Activate* (seed: activation; migration): username and password
(checked through the login lockout, so this is no side door for guessing), the SMS code, then the PIN
(Android) or biometrics (iOS); the app makes its keys, the server spends the code and keeps the public key
and the agreed OCRA key in one Lua step.
*Add User* (seed: "Add Another User"): on an active app, username and password -> a new server device record
and an SMS code to that user's phone -> activate on the same phone, which unlocks with its existing PIN or
biometrics. *One smartphone per user*: activating an IB Key replaces every other active IB Key of the user
at once (status ``replaced``), so the old phone's approvals and responses fail from that second; every turn
that takes is held before the code is spent, so a busy one leaves all as it was (``PhoneApps.holding``).
*Migrate* (``migration``): started on the new phone, confirmed by text or by the user's card; activating the
new IB Key replaces the old one as above.

The app record is changed holding the app's turn and written back with compare-and-set (``PhoneApps.mutate``,
or ``PhoneApps.mutate_held`` under turns held for several records); calls to the server happen outside the
compare-and-set, so a write tried again never repeats one.
"""

from __future__ import annotations

import logging
from typing import Any

from sls_devices import ibkey
from sls_devices.ibkey_state import Notification

from ...accounts.devices import DeviceService
from ...accounts.user_fields import canonical_username
from ...accounts.users import UserService
from ...auth import InvalidResponse, PasswordStep, SecondFactor
from ...errors import SlsError, StoreUnavailable
from ...events import EventLog
from ...factors.ibkey.factor import IbKeyFactor
from ...secretbox import SecretBox
from ...store import Store
from ...store.records import AppRecord, LoginTxn
from ..attacker_waits import AttackerWaits
from ..phones import PhoneService
from .activation import Activation
from .migration import Migration
from .offline import require_data
from .phone_storage import PhoneApps
from .settings import PhoneSettings

log = logging.getLogger(__name__)
REPLACED = "replaced"
#: How long one activation may hold its user's lease (``IbKeyRepo.hold_activation``), in real time, not on
#: the app clock (a lock between requests running now; why there): far longer than an activation takes
#: (a few round trips of at most the store's 2 s timeout each); it only matters if a worker dies holding it.
ACTIVATION_LEASE_MS = 30_000


class IbKeyAppService:
    def __init__(
        self,
        store: Store,
        box: SecretBox,
        factor: IbKeyFactor,
        *,
        devices: DeviceService,
        users: UserService,
        password: PasswordStep,
        phones: PhoneService,
        steps: SecondFactor,
        events: EventLog,
        attacker_waits: AttackerWaits | None = None,
    ) -> None:
        self._store = store
        self._devices = devices
        self._phones = phones
        #: A staged attack's logins waiting on a push: an approval lets the attacker in (``attacker_waits``).
        self._attacker_waits = attacker_waits
        self._repo = factor.repo
        self._apps = PhoneApps(store, factor.repo, box)
        self._users = users
        self._steps = steps
        self._events = events
        self.activation = Activation(store, factor, self._apps, devices, password, phones, events)
        """Activating IB Key on a phone, and Add User (``activation``)."""
        self.migration = Migration(password, devices, phones, events)
        """Moving IB Key to a new smartphone, started on the new phone (``migration``)."""
        self.settings = PhoneSettings(store, self._apps, devices, phones, events, self.status)
        """The app's notification switch and the iPhone's Touch ID / Face ID (``settings``)."""

    # --- using the app -------------------------------------------------------------------------------------

    def check_stored(self, record: AppRecord) -> None:
        """``ValueError`` unless a phone's app record would work here (a state import's check)."""
        self._apps.check_stored(record)

    def sealed_versions(self, record: AppRecord) -> list[str]:
        return self._apps.sealed_versions(record)

    def resealed(self, record: AppRecord) -> AppRecord | None:
        return self._apps.resealed(record)

    def status(self, ref: str) -> dict[str, Any]:
        app_id = self._apps.resolve(ref)
        app, pending = self._apps.load(app_id)
        st = app.state
        return {
            "app_id": app_id,
            "platform": st.platform,
            "unlock": app.unlocks_with,
            "notifications": st.notifications,
            "locked": st.locked,
            "pin_attempts_left": None if st.biometric else ibkey.PIN_ATTEMPTS - st.pin_failures,
            "users": [{"username": c.username, "device_id": c.device_id} for c in st.users.values()],
            "pending_users": [{"username": u, "device_id": d} for u, d in pending.items()],
        }

    def notifications(self, ref: str, *, now: int) -> list[dict[str, Any]]:
        """Pushes still answerable, newest first. Dropped: the ones past their time, and the ones whose login
        has moved past them (answered, switched to a challenge or another device, ended), as the real app
        checks with the server when it opens a notification: a stale one could only fail when tapped. One
        whose login is not stored yet stays (``SecondFactor.push_passed``)."""
        app_id = self._apps.resolve(ref)
        inbox = self._repo.inbox(app_id)
        stale = [n.id for n in inbox if n.expires_at <= now or self._steps.push_passed(n.txn_id, n.id)]
        self._repo.discard(app_id, *stale)
        live = sorted((n for n in inbox if n.id not in stale), key=lambda n: -n.sent_at)
        shown = ("id", "txn_id", "username", "device_id", "candidates", "purpose", "sent_at", "expires_at")
        return [{k: v for k, v in n.as_dict().items() if k in shown} for n in live]

    def answer(
        self,
        ref: str,
        notification_id: str,
        decision: str,
        *,
        match: str | None,
        unlock: dict[str, Any],
        now: int,
        ip: str | None,
    ) -> dict[str, Any]:
        """Approve (with the number picked) or deny; the signed answer goes to the login it belongs to. From
        a phone roaming (abroad, without data) the answer cannot be sent: 409 ``phone_offline``, nothing
        checked or changed (the push stays in the app, its login pending), as no push is sent to one."""
        app_id = self._apps.resolve(ref)
        note = self._apps.notification(app_id, notification_id)
        require_data(self._phones, self._apps.number(app_id))
        if decision == "approve":
            signed = self._apps.mutate(app_id, lambda a, _: a.approve(note, match or "", **unlock))
        else:
            signed = self._apps.mutate(app_id, lambda a, _: a.deny(note, **unlock))
        state = self._answered(app_id, note, signed, now=now, ip=ip)
        return {"state": state, "notification_id": notification_id, "txn_id": note.txn_id}

    def approve_by_itself(self, txn: LoginTxn, *, now: int) -> str | None:
        """A push just sent for ``txn`` (stored now), approved at once if its phone is set to approve pushes
        by itself (the phone condition ``approves_pushes``: a test hook for unattended scripts and for
        push-fatigue lessons), through the app's signature and the server's check of it, as a tap would be;
        'approved', or None when the phone is not so set (or the step is no push). The phone is the one
        roaming is judged at (``factors.ibkey``): the smartphone's number. An approval the server refuses
        (the app locked, the device revoked meanwhile, ...) leaves the push for a person and is logged; Redis
        failing is no refusal, and fails the request as anywhere else."""
        if txn.mode != "push" or txn.notification_id is None or txn.match is None:
            return None
        notification_id, match = txn.notification_id, txn.match
        try:
            device = self._devices.get(txn.device_id)
            number = device.handset or device.phone
            app_id = device.app_id
            if app_id is None or not number or not self._phones.conditions(number).approves_pushes:
                return None
            note = self._apps.notification(app_id, notification_id)
            signed = self._apps.mutate(app_id, lambda a, _: a.approve_by_itself(note, match))
            return self._answered(app_id, note, signed, now=now, ip=None, by_itself=True)
        except StoreUnavailable:
            raise
        except SlsError as exc:
            log.warning("the phone of %s did not approve the push by itself: %s", txn.username, exc.code)
            return None

    def _answered(
        self,
        app_id: str,
        note: Notification,
        signed: dict[str, str],
        *,
        now: int,
        ip: str | None,
        by_itself: bool = False,
    ) -> str:
        """The signed answer to the login it belongs to, the notification off the phone, and a staged
        attacker let in by an approval; an answer that ends a push bombing's login (an approval, a denial, a
        wrong number picked) counted on the server for the console and the CLI (``attacker_waits``)."""
        try:
            state = self._steps.answer_push(note.txn_id, signed, now=now, ip=ip, by_itself=by_itself)
        except InvalidResponse as exc:  # a wrong number picked (number matching) ends the login: counted
            if exc.extra.get("attempts_left") == 0 and self._attacker_waits is not None:
                self._attacker_waits.ended(note.username, note.txn_id, "wrong_number")
            raise
        self._repo.discard(app_id, note.id)
        if self._attacker_waits is not None:
            if state == "approved":
                self._attacker_waits.collect(note.username, note.txn_id, now=now)
            elif state == "denied":
                self._attacker_waits.ended(note.username, note.txn_id, "denied")
        return state

    def respond(
        self, ref: str, challenge: str, *, username: str | None, unlock: dict[str, Any]
    ) -> dict[str, str]:
        """Challenge/response, for when the phone cannot take a push (roaming, notifications off)."""
        app_id = self._apps.resolve(ref)
        name = canonical_username(username) if username else None
        return {
            "response": self._apps.mutate(app_id, lambda a, _: a.respond(challenge, username=name, **unlock))
        }
