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
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Generic, Literal, Protocol, TypeVar

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
#: Records read in one round trip (per master): as many as a ``SCAN`` batch.
BATCH = 1000
R = TypeVar("R", DeviceRecord, AppRecord)
T = TypeVar("T")


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


@dataclass(frozen=True)
class Settled:
    """One record after its turn: the versions its values named when read (none: it is gone, or keeps
    nothing sealed), whether they were sealed again, and whether they opened at all."""

    before: tuple[str, ...] = ()
    resealed: bool = False
    opened: bool = True


@dataclass(frozen=True)
class Kind(Generic[R]):
    """One kind of record that keeps sealed values, as the walk reads and writes it."""

    name: Literal["devices", "ibkey_apps"]
    ids: Callable[[], list[str]]
    read_many: Callable[[list[str]], list[R]]
    """The records of those ids that exist, in one round trip (per master)."""
    read_one: Callable[[str], R | None]
    id_of: Callable[[R], str]
    versions: Callable[[R], list[str]]
    write: Callable[[R], str | None]
    """Seal the record's old values again and write it with compare-and-set: 'ok', 'conflict' or
    'missing'; None when nothing needed it; ``SealError`` when a value does not open."""


class SecretsAtRest:
    """Counts the sealed values by the key each is under, and re-seals those under an older one."""

    def __init__(self, store: Store, resealer: Resealer, events: EventLog, clock: Clock) -> None:
        self._resealer = resealer
        self._events = events
        self._clock = clock
        self._kinds: tuple[Kind[DeviceRecord], Kind[AppRecord]] = (
            Kind(
                "devices",
                store.inventory.device_ids,
                store.devices.get_many,
                store.devices.get,
                lambda device: device.device_id,
                resealer.device_versions,
                lambda device: _written(
                    resealer.device(device),
                    lambda changes: store.devices.update(device.device_id, device.version, changes),
                ),
            ),
            Kind(
                "ibkey_apps",
                store.inventory.app_ids,
                store.ibkey.get_apps,
                store.ibkey.get_app,
                lambda app: app.app_id,
                resealer.app_versions,
                lambda app: _written(resealer.app(app), store.ibkey.update_app),
            ),
        )

    @classmethod
    def of(cls, core: Core) -> SecretsAtRest:
        return cls(core.store, core.resealer, core.events, core.clock)

    def survey(self) -> SealedSecrets:
        """Every sealed value's version, read without opening any (a walk of the keyspace, no writes)."""
        devices, apps = self._kinds
        return self._counts({"devices": _versions(devices), "ibkey_apps": _versions(apps)})

    def reseal(self) -> SecretsResealed:
        """Seal every value under an older key again, record by record; then what is stored now. A record
        whose values do not open here is left as it is and named in ``unopened``."""
        devices, apps = self._kinds
        walked = {"devices": self._reseal(devices), "ibkey_apps": self._reseal(apps)}
        moved = {name: done[1] for name, done in walked.items()}
        unopened = [record_id for done in walked.values() for record_id in done[2]]
        detail = {**moved, "unopened": len(unopened)}
        self._events.record("secrets.resealed", at=self._clock.now(), detail=detail)
        counts = {name: done[0] for name, done in walked.items()}
        return {**self._counts(counts), "resealed": sum(moved.values()), "unopened": unopened}

    def _reseal(self, kind: Kind[R]) -> tuple[Counter[str], int, list[str]]:
        """One kind's walk: the versions its values name now, how many moved, the records not opened."""
        version = self._resealer.version
        counts: Counter[str] = Counter()
        moved = 0
        unopened: list[str] = []
        for record in _batches(kind):
            done = self._settle(kind, record)
            if done.resealed:
                moved += sum(v != version for v in done.before)
                counts.update([version] * len(done.before))
            else:
                counts.update(done.before)
            if not done.opened:
                unopened.append(kind.id_of(record))
        return counts, moved, unopened

    def _settle(self, kind: Kind[R], record: R) -> Settled:
        """Write one record until the write is not beaten by another: a record changed since it was read
        is read again, never overwritten with what was read before."""
        found: R | None = record
        for _ in range(ATTEMPTS):
            if found is None:  # deleted meanwhile
                return Settled()
            before = tuple(kind.versions(found))
            try:
                written = kind.write(found)
            except SealError:
                return Settled(before, opened=False)
            if written is None:
                return Settled(before)
            if written == "ok":
                return Settled(before, resealed=True)
            if written == "missing":
                return Settled()
            found = kind.read_one(kind.id_of(record))
        raise Conflict(
            f"{kind.id_of(record)} kept changing while its secrets were re-sealed; run the re-seal again"
        )

    def _counts(self, counts: dict[str, Counter[str]]) -> SealedSecrets:
        version = self._resealer.version
        older = sum(n for each in counts.values() for v, n in each.items() if v != version)
        return {
            "sealing_version": version,
            "devices": dict(counts["devices"]),
            "ibkey_apps": dict(counts["ibkey_apps"]),
            "older": older,
        }


def _versions(kind: Kind[R]) -> Counter[str]:
    return Counter(version for record in _batches(kind) for version in kind.versions(record))


def _batches(kind: Kind[R]) -> Iterator[R]:
    """Every record of the kind, read :data:`BATCH` at a time."""
    ids = kind.ids()
    for start in range(0, len(ids), BATCH):
        yield from kind.read_many(ids[start : start + BATCH])


def _written(new: T | None, write: Callable[[T], str]) -> str | None:
    """``write``'s answer for what is to be written; None when there is nothing."""
    return None if new is None else write(new)
