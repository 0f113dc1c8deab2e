"""Secrets sealed under ``SLS_SECRET_KEY`` itself (``v1``), sealed again under the device secrets' own key.

Since ``v2`` (``secretbox.device_box``) nothing new is sealed under the secret key itself, but what was
sealed before stays ``v1`` until its device is enrolled again, and so the key itself still opens it. A
re-seal moves every such value to the version the server seals as now.

What holds sealed values that last: device records (a card's key and PIN hash, a TOTP secret, a temporary
passcode, the server's copy of an IB Key's OCRA key: ``Factor.sealed_field``), and the simulated phones'
IB Key apps (each user's private keys, the PIN hash). Not here: the code a login holds (an SMS or voice
code) is sealed for that login alone and ends with it, within minutes.

The walk visits every device and app key with ``SCAN`` (``store.inventory``: on a Cluster, every master),
so a device no user lists any more is re-sealed too. Each record is read, sealed again in Python (AES-GCM
is not in Lua) and written with compare-and-set at the version read: a record changed in between (a wrong
PIN counted, a device revoked) is read again, never overwritten with what was read before, and one deleted
meanwhile is passed over. Running it again does nothing more, so a walk cut short (Redis gone: a 503) is
finished by running it again. A state import re-seals what it writes the same way (:class:`Resealer`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Protocol

from ..errors import Conflict
from ..factors import FactorRegistry, sealed_to
from ..secretbox import SealError, SecretBox, sealed_as
from ..shapes.state import SealedSecrets, SecretsResealed
from ..store.records import AppRecord, DeviceChanges, DeviceRecord

if TYPE_CHECKING:
    from ..clock import Clock
    from ..events import EventLog
    from ..store import Store
    from ..wiring import Core

#: Writes a record may lose to others changing it before the walk gives up on it (a 409: run it again).
ATTEMPTS = 8


class AppSealing(Protocol):
    """The simulator's side: what an IB Key app keeps sealed, and the app sealed again."""

    def sealed_versions(self, record: AppRecord) -> list[str]: ...

    def resealed(self, record: AppRecord) -> AppRecord | None: ...


class Resealer:
    """Records in, records out: no Redis. Which values a record keeps sealed, and the changes that seal
    each one as the box seals now (None: each one already is)."""

    def __init__(self, box: SecretBox, factors: FactorRegistry, apps: AppSealing) -> None:
        self._box = box
        self._factors = factors
        self._apps = apps

    @property
    def version(self) -> str:
        return self._box.version

    def device_versions(self, record: DeviceRecord) -> list[str]:
        field = self._factors.sealed_field(record)
        value = getattr(record, field) if field else None
        return [sealed_as(value)] if value else []

    def device(self, record: DeviceRecord) -> DeviceChanges | None:
        """The sealed field's new value; ``SealError`` if it does not open (another key's, or a value moved
        from another record)."""
        field = self._factors.sealed_field(record)
        value = getattr(record, field) if field else None
        if field is None or not value:
            return None
        again = self._box.resealed(value, sealed_to(record.type, record.device_id))
        if again is None:
            return None
        return {"sealed": again} if field == "sealed" else {"ocra_sealed": again}

    def device_record(self, record: DeviceRecord) -> DeviceRecord:
        """``record`` with :meth:`device`'s changes made (itself when there are none)."""
        changes = self.device(record)
        return replace(record, **changes) if changes else record

    def app_versions(self, record: AppRecord) -> list[str]:
        return self._apps.sealed_versions(record)

    def app(self, record: AppRecord) -> AppRecord | None:
        """The app with every value sealed again, at the version read; ``SealError`` if one does not open."""
        return self._apps.resealed(record)


class SecretsAtRest:
    """Counts the sealed values by the key each is under, and re-seals those under an older one."""

    def __init__(self, store: Store, resealer: Resealer, events: EventLog, clock: Clock) -> None:
        self._store = store
        self._resealer = resealer
        self._events = events
        self._clock = clock

    @classmethod
    def of(cls, core: Core) -> SecretsAtRest:
        return cls(core.store, core.resealer, core.events, core.clock)

    def survey(self) -> SealedSecrets:
        """Every sealed value's version, read without opening any (a walk of the keyspace, no writes)."""
        devices: Counter[str] = Counter()
        apps: Counter[str] = Counter()
        for device_id in self._store.inventory.device_ids():
            device = self._store.devices.get(device_id)
            devices.update(self._resealer.device_versions(device) if device else [])
        for app_id in self._store.inventory.app_ids():
            app = self._store.ibkey.get_app(app_id)
            apps.update(self._resealer.app_versions(app) if app else [])
        return self._counts(devices, apps)

    def reseal(self) -> SecretsResealed:
        """Seal every value under an older key again, record by record; then what is stored now. A record
        whose values do not open here is left as it is and named in ``unopened``."""
        version = self._resealer.version
        walks = (
            ("devices", self._store.inventory.device_ids(), self._reseal_device),
            ("ibkey_apps", self._store.inventory.app_ids(), self._reseal_app),
        )
        counts: dict[str, Counter[str]] = {"devices": Counter(), "ibkey_apps": Counter()}
        moved = {"devices": 0, "ibkey_apps": 0}
        unopened: list[str] = []
        for kind, record_ids, attempt in walks:
            for record_id in record_ids:
                done = self._settle(record_id, attempt)
                if done.resealed:
                    moved[kind] += sum(v != version for v in done.before)
                    counts[kind].update([version] * len(done.before))
                else:
                    counts[kind].update(done.before)
                if not done.opened:
                    unopened.append(record_id)
        detail = {**moved, "unopened": len(unopened)}
        self._events.record("secrets.resealed", at=self._clock.now(), detail=detail)
        found = self._counts(counts["devices"], counts["ibkey_apps"])
        return {**found, "resealed": moved["devices"] + moved["ibkey_apps"], "unopened": unopened}

    def _settle(self, record_id: str, attempt: Callable[[str], Settled | None]) -> Settled:
        """Run one record's compare-and-set ``attempt`` until it is not beaten to the write."""
        for _ in range(ATTEMPTS):
            done = attempt(record_id)
            if done is not None:
                return done
        raise Conflict(f"{record_id} kept changing while its secrets were re-sealed; run the re-seal again")

    def _reseal_device(self, device_id: str) -> Settled | None:
        device = self._store.devices.get(device_id)
        if device is None:
            return Settled()
        before = tuple(self._resealer.device_versions(device))
        try:
            changes = self._resealer.device(device)
        except SealError:
            return Settled(before, opened=False)
        if changes is None:
            return Settled(before)
        return _outcome(self._store.devices.update(device_id, device.version, changes), before)

    def _reseal_app(self, app_id: str) -> Settled | None:
        app = self._store.ibkey.get_app(app_id)
        if app is None:
            return Settled()
        before = tuple(self._resealer.app_versions(app))
        try:
            again = self._resealer.app(app)
        except SealError:
            return Settled(before, opened=False)
        if again is None:
            return Settled(before)
        return _outcome(self._store.ibkey.update_app(again), before)

    def _counts(self, devices: Counter[str], apps: Counter[str]) -> SealedSecrets:
        version = self._resealer.version
        older = sum(n for v, n in (devices + apps).items() if v != version)
        return {
            "sealing_version": version,
            "devices": dict(devices),
            "ibkey_apps": dict(apps),
            "older": older,
        }


@dataclass(frozen=True)
class Settled:
    """One record after its turn: the versions its values named when read (none: it is gone, or keeps
    nothing sealed), whether they were sealed again, and whether they opened at all."""

    before: tuple[str, ...] = ()
    resealed: bool = False
    opened: bool = True


def _outcome(written: str, before: tuple[str, ...]) -> Settled | None:
    """A compare-and-set write's answer: done, the record gone meanwhile, or beaten to it (None: again)."""
    if written == "ok":
        return Settled(before, resealed=True)
    return Settled() if written == "missing" else None
