"""IB Key in Redis: the simulated phone's app record, its push inbox, and the server's activation step.

Three owners, three hash tags. ``{ibapp:<app>}`` is the phone's own storage (only the simulator reads it);
``{ibpush:<app>}`` is the push channel the server delivers notifications into, like a carrier's inbox;
the server's device records stay under ``{d:<device>}`` (see ``keys.device``).
"""

from __future__ import annotations

from . import keys, leases
from .base import Scripts, guarded, hash_reply, text
from .connection import Client
from .records import AppRecord, DeviceChanges, PushNotification
from .records.codec import changes_hash, pairs

#: Redis TTLs only reclaim memory; expiry is decided by the app clock against the stored instants.
RECLAIM_MARGIN_S = 3600


@guarded
class IbKeyRepo:
    def __init__(self, client: Client, scripts: Scripts) -> None:
        self._r = client
        self._scripts = scripts

    # --- the phone's app record (simulator side) ------------------------------------------------------

    def create_app(self, record: AppRecord) -> bool:
        """False if the app exists already; the check and the write are one step. Stored at version 0."""
        fields = {**record.to_hash(), "version": "0"}
        return bool(self._scripts("create_hash", [keys.ibkey_app(record.app_id)], pairs(fields)))

    def get_app(self, app_id: str) -> AppRecord | None:
        raw = hash_reply(self._r.hgetall(keys.ibkey_app(app_id)))
        return AppRecord.from_hash(raw) if raw else None

    def get_apps(self, app_ids: list[str]) -> list[AppRecord]:
        """The apps that exist, in one round trip (per master on a Cluster: ``Scripts.together``)."""
        if not app_ids:
            return []
        found, _ = self._scripts.together([("HGETALL", keys.ibkey_app(a)) for a in app_ids], [])
        return [AppRecord.from_hash(hash_reply(raw)) for raw in found if raw]

    def delete_app(self, app_id: str) -> None:
        """The app and its push inbox, gone (its last user deleted: ``PhoneApps.leaving``); two slots, so two
        commands: an inbox left by a cut between them expires by itself."""
        self._r.delete(keys.ibkey_app(app_id))
        self._r.delete(keys.ibkey_inbox(app_id))

    def delete_app_at(self, app_id: str, version: int) -> bool:
        """:meth:`delete_app` if nobody wrote the app since ``version`` was read (a user joined it meanwhile:
        kept, False); the record's check and delete are one step."""
        if not self._scripts("hash_drop_at_version", [keys.ibkey_app(app_id)], [str(version)]):
            return False
        self._r.delete(keys.ibkey_inbox(app_id))
        return True

    def take_turn(self, app_id: str, token: str, *, lease_ms: int) -> bool:
        """Take the turn to change the app (``keys.ibkey_app_turn``, a lease: ``leases``) for ``token``; False
        while another request holds it (``sls_server.turns``)."""
        return leases.take(self._r, keys.ibkey_app_turn(app_id), token, lease_ms=lease_ms)

    def end_turn(self, app_id: str, token: str) -> None:
        leases.give_back(self._scripts, keys.ibkey_app_turn(app_id), token)

    def update_app(self, record: AppRecord) -> str:
        """Write the app back if nobody wrote since ``record.version`` was read: 'ok', 'conflict' or
        'missing'. Every field but the version (the script bumps it)."""
        fields = {k: v for k, v in record.to_hash().items() if k != "version"}
        args = [str(record.version), *pairs(fields)]
        return str(self._scripts("update_hash_versioned", [keys.ibkey_app(record.app_id)], args))

    # --- the push channel -------------------------------------------------------------------------------

    def deliver(self, app_id: str, notification: PushNotification, *, now: int) -> None:
        """Into the phone's inbox, in place of any earlier push of the same login (``ibkey_deliver.lua``)."""
        lives = max(notification.expires_at - now, 0) + RECLAIM_MARGIN_S
        args: list[str | int] = [notification.id, notification.to_json(), notification.txn_id, lives]
        self._scripts("ibkey_deliver", [keys.ibkey_inbox(app_id)], args)

    def inbox(self, app_id: str) -> list[PushNotification]:
        return [PushNotification.from_json(text(raw)) for raw in self._r.hvals(keys.ibkey_inbox(app_id))]

    def notification(self, app_id: str, notification_id: str) -> PushNotification | None:
        raw = self._r.hget(keys.ibkey_inbox(app_id), notification_id)
        return PushNotification.from_json(text(raw)) if raw else None

    def discard(self, app_id: str, *notification_ids: str) -> None:
        if notification_ids:
            self._r.hdel(keys.ibkey_inbox(app_id), *notification_ids)

    # --- the server's activation step --------------------------------------------------------------------

    def hold_activation(self, username: str, token: str, *, lease_ms: int) -> bool:
        """Take the user's activation lease (``keys.user_ibkey_activation``) for ``token``; False while
        another activation of the user holds it. The lease is real time (Redis's own expiry), not the app's
        clock, on purpose (``leases`` says why; ``tests/api/test_timer_edges_activation.py``)."""
        return leases.take(self._r, keys.user_ibkey_activation(username), token, lease_ms=lease_ms)

    def release_activation(self, username: str, token: str) -> None:
        leases.give_back(self._scripts, keys.user_ibkey_activation(username), token)

    def activate(
        self, device_id: str, *, now: int, digest: str, max_failures: int, fields: DeviceChanges
    ) -> tuple[str, int]:
        """See ``ibkey_activate.lua``: (status, attempts left after a wrong code)."""
        status, left = self._scripts(
            "ibkey_activate",
            [keys.device(device_id)],
            [now, digest, max_failures, *pairs(changes_hash(fields))],
        )
        return str(status), int(left)
