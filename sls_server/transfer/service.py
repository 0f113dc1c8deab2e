"""Export the world as a state document, and import one: checked whole first (``plan``), then written.

What is in a document is "a prepared world": what an administrator, a trainer or a scenario set up and
expects to find again, which lasts until someone changes it. What is out is traffic through that world:
what a login, a code or a push leaves behind on its way, which ends on its own. Key by key (``store.keys``):

In (``users``): the user record (password hash as stored: Argon2id with its parameters, and its epoch; phone,
disabled flag and its epoch, paper, the device offered first), their device list, IP allowlist and account,
their lockout buckets (a timed lock, a lock only an admin lifts, and the failures and locks counted toward the
next: ``users[].lockout``) and the addresses they logged in from (which bucket a login counts in, and the
new-place notice: ``users[].known_ips``). In (``devices``): every device record, keys and PIN hashes sealed
under the server's key as stored, with its label, status, wrong-response count and lock, a card's PIN failures
and lock, an IB Key's activation (pending or done), a TOTP's last steps (an import writes a value sealed under
the secret key itself, by a server before ``v2``, sealed as this server seals: ``reseal``). In: accounts and
their members (a membership both sides hold: the member set and the user's link), the simulated phones'
IB Key apps (keys sealed; their PIN lock), the network conditions of every number the world names, and the
settings changed at run time (``settings``): the clock (its offset, or
the instant it stands at when frozen: ``clock_frozen_at``) and the gateway's daily reset
(``gateway_daily_reset``, this server's ``SLS_GATEWAY_INSTANCE``).

Out, as traffic: sessions and the gateway's session (and why its last one ended), password recoveries in
progress, logins in progress and the password attempts being checked (``lockout_inflight``), a user's
deletion cut short (``user_deletion``: an import beside the world finishes it for each user it writes, so the
user written inherits none of it; a replacing one wipes it with the rest), codes in flight
(inboxes and call logs, their send counters and the outbox cursor, IB Key push inboxes, an activation's lease:
an IB Key pending activation comes back pending without the text that carried its code, so enrol it again to
show an activation), the turn of a device or an IB Key app being changed (``sls_server.turns``), rate
windows (an address's attempts, challenge issuance, sends and pushes), the audit trail and metrics, the
challenges a card remembers (an imported card may, rarely, be given a challenge it was
given before the export), the readiness probe, and the secret key's check (the document carries its own:
``key_check``), and the sign-ins to the trainer console and the simulator pages (an operator's browsers, not
the world: a reset keeps them), and the demo world kept to go back to (``demo_world``: a state document
itself, which a reset keeps too). Out too: the conditions of a number no user or device has (they reach no
one),
lockout counts at a name that is no user's (guesses at it), the user's strikes on their devices (the wrong
responses counted on the user's slot before each device's own count: a device they do not name starts from
its own count, which the document carries, and an import leaves the user none), the user's
``phone_device`` claim (a guard among racing enrolments, which reads the user's device list when no claim
names a device), and the ``SLS_*``
settings (the server's configuration, not the world: a document brings its world into a server configured as
that server is). Records' compare-and-set versions start again at 0. Version 1 documents, written before the
lockouts, known addresses and daily reset were carried, import with none of them.
``tests/api/test_state_round_trip.py`` holds every key family of ``store.keys`` to this list.

An import that is refused changes nothing: the whole document is read into records and checked before the
first write. A Redis outage in the middle of the writes is the one way to leave part of a document written
(503 ``store_unavailable``); importing the same document again with ``replace`` puts it right.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..errors import Conflict
from ..secretbox import key_check
from ..shapes.clock import CLOCK_MAX, CLOCK_MIN
from ..shapes.state import STATE_FORMAT, STATE_VERSION, StateCounts, StateDocument
from ..store.records import AppRecord, DeviceRecord, PhoneConditions
from .plan import Plan, RecordChecks, plan
from .reseal import Resealer

if TYPE_CHECKING:
    from ..clock import Clock, ClockReading
    from ..events import EventLog
    from ..store import Store
    from ..wiring import Core


class StateTransfer:
    def __init__(
        self,
        store: Store,
        clock: Clock,
        events: EventLog,
        secret_key: bytes,
        checks: RecordChecks,
        resealer: Resealer,
        *,
        gateway_instance: str,
        finish_deletion: Callable[[str], object],
    ) -> None:
        """``finish_deletion(username)`` finishes a deletion of the name cut short
        (``UserService.finish_deletion``), before an import beside the world writes a user of that name."""
        self._finish_deletion = finish_deletion
        self._resealer = resealer
        self._gateway_instance = gateway_instance
        self._store = store
        self._clock = clock
        self._events = events
        self._key = secret_key
        self._checks = checks

    @classmethod
    def of(cls, core: Core) -> StateTransfer:
        settings = core.settings
        assert settings.secret_key is not None  # resolved before the core is built
        checks = RecordChecks(device=core.factors.check_stored, app=core.ibkey.check_stored)
        key, instance = settings.secret_key, settings.gateway_instance
        resealer = core.resealer

        def finish_deletion(username: str) -> bool:
            return core.users.finish_deletion(username, now=core.clock.now())

        return cls(
            core.store,
            core.clock,
            core.events,
            key,
            checks,
            resealer,
            gateway_instance=instance,
            finish_deletion=finish_deletion,
        )

    # --- export ------------------------------------------------------------------------------------------

    def export(self, *, demo_world: bool = False) -> dict[str, Any]:
        """The world as a state document, recorded as ``state.exported``. ``demo_world``: the document is to
        be kept as the demo world (``demo_world.DemoWorld.keep``), which calls :meth:`recorded` itself once
        it is kept."""
        document = self._document()
        if not demo_world:
            self.recorded(document)
        return document

    def recorded(self, document: dict[str, Any], *, demo_world: bool = False) -> None:
        """``state.exported`` with what the document holds; ``detail.demo_world`` when it was kept as the
        demo world: the console shows its "Back to the demo world" from that event on, without a reload."""
        detail: dict[str, Any] = dict(counts_of(document))
        if demo_world:
            detail["demo_world"] = True
        self._events.record("state.exported", at=document["exported_at"], detail=detail)

    def _document(self) -> dict[str, Any]:
        store, clock = self._store, self._clock.reading()
        now = clock.now
        users: list[dict[str, Any]] = []
        device_ids: set[str] = set()
        for name in store.users.usernames():
            user = store.users.get(name)
            if user is None:  # deleted while we read
                continue
            listed = store.users.device_ids(name)
            device_ids.update(listed)
            access = store.access.user_access(name)
            users.append(
                {
                    "record": user.to_hash(),
                    "devices": listed,
                    "allowlist": list(access.allowlist),
                    "account": access.account_id,
                    "lockout": {b: state.to_hash() for b, state in store.lockout.state(name).items()},
                    "known_ips": store.lockout.known_ips(name),
                }
            )
        devices = store.devices.get_many(sorted(device_ids))
        # An id left in a user's list for a device gone (a card shared with them whose owner was deleted)
        # names nothing: left out, or the document would name a device it does not hold.
        held = {device.device_id for device in devices}
        for entry in users:
            entry["devices"] = [d for d in entry["devices"] if d in held]
        # A membership is both sides, the account's member set and the user's link: one side alone (a change
        # cut short between its steps, a user deleted while we read) is left out, so an import takes it.
        found = store.access.accounts(store.inventory.account_ids())
        links = {entry["record"]["username"]: entry["account"] for entry in users}
        accounts: list[dict[str, Any]] = [
            {"record": record.to_hash(), "members": [m for m in members if links.get(m) == record.account_id]}
            for record, members in found
        ]
        members_of = {a["record"]["account_id"]: set(a["members"]) for a in accounts}
        for entry in users:
            if entry["record"]["username"] not in members_of.get(entry["account"], ()):
                entry["account"] = None
        document = {
            "format": STATE_FORMAT,
            "version": STATE_VERSION,
            "exported_at": now,
            "key_check": key_check(self._key),
            "settings": {**_clock_settings(clock), **self._gateway_settings()},
            "users": users,
            "devices": [device.to_hash() for device in devices],
            "accounts": accounts,
            "ibkey_apps": [app.to_hash() for app in self._apps(devices)],
            "phones": self._phones(users, devices),
        }
        return document

    def _gateway_settings(self) -> dict[str, Any]:
        """The daily reset set at run time (left out when none was: the configuration decides)."""
        value, since = self._store.gateway.daily_reset(self._gateway_instance)
        if value is None:
            return {}
        return {"gateway_daily_reset": {"at": None if value == "off" else value, "since": since}}

    def _apps(self, devices: list[DeviceRecord]) -> list[AppRecord]:
        """The simulated phones the IB Keys live on: each one's own, and the phone a user was added to.

        A user deleted since still has a key on a phone that serves others (a phone is not told of the
        deletion), for a device that went with the user; the document leaves that key out, as it names a
        device the document does not hold and the import would refuse the whole world for it."""
        held = {d.device_id for d in devices}
        app_ids = {app_id for d in devices if d.type == "ibkey" for app_id in (d.app_id, d.handset) if app_id}
        apps = [app for app in (self._store.ibkey.get_app(app_id) for app_id in sorted(app_ids)) if app]
        kept = [{name: u for name, u in app.users.items() if u.device_id in held} for app in apps]
        return [replace(app, users=users) for app, users in zip(apps, kept, strict=True)]

    def _phones(self, users: list[dict[str, Any]], devices: list[DeviceRecord]) -> list[dict[str, Any]]:
        """The conditions of every number the world names, where they are not the normal network."""
        numbers: set[str] = {str(u["record"]["phone"]) for u in users if u["record"].get("phone")}
        numbers |= {number for d in devices for number in (d.number, d.phone) if number}
        found = []
        for number in sorted(numbers):
            conditions = self._store.phones.conditions(number)
            if conditions != PhoneConditions():  # the normal network needs no record
                found.append({"number": number, "conditions": conditions.to_hash()})
        return found

    # --- import ------------------------------------------------------------------------------------------

    def import_(
        self,
        document: StateDocument,
        *,
        replace: bool,
        demo_world: bool = False,
        kept_at_ms: int | None = None,
    ) -> StateCounts:
        """Check everything, then (after wiping the world, with ``replace``) write it all. ``demo_world``: it
        is the kept demo world put back, which its ``state.imported`` says (``detail.demo_world``), so the
        feed reads "Back to the demo world", the button the trainer pressed, not a bare "State imported";
        ``kept_at_ms``, when that world was kept (``detail.kept_at_ms``)."""
        system_now = int(time.time())
        frozen_at = document.settings.clock_frozen_at
        if frozen_at is not None:  # a frozen clock's offset is where it stands from now (the shape bounds it)
            settings = document.settings.model_copy(update={"clock_offset_s": frozen_at - system_now})
            document = document.model_copy(update={"settings": settings})
        checked = plan(
            document,
            secret_key=self._key,
            checks=self._checks,
            clock_bounds=(CLOCK_MIN, CLOCK_MAX),
            system_now=system_now,
        )
        if not replace:
            self._refuse_clashes(checked)
            for user in checked.users:  # a user written over a deletion left half done would inherit it
                self._finish_deletion(user.username)
        if replace:
            self._store.reset()
        self._write(checked, replaced=replace, frozen_at=frozen_at)
        counts = counts_of(document.model_dump())
        detail: dict[str, Any] = {**counts, "replaced": replace}
        if demo_world:
            detail["demo_world"] = True
        if kept_at_ms is not None:
            detail["kept_at_ms"] = kept_at_ms
        self._events.record("state.imported", at=self._clock.now(), detail=detail)
        return counts

    def _refuse_clashes(self, checked: Plan) -> None:
        store = self._store
        clashes = [
            ("users", [i for i, user in enumerate(checked.users) if store.users.get(user.username)]),
            (
                "devices",
                [i for i, device in enumerate(checked.devices) if store.devices.get(device.device_id)],
            ),
            (
                "accounts",
                [i for i, (acc, _) in enumerate(checked.accounts) if store.access.account(acc.account_id)],
            ),
            ("ibkey_apps", [i for i, app in enumerate(checked.apps) if store.ibkey.get_app(app.app_id)]),
        ]
        for where, found in clashes:
            if found:
                raise Conflict(
                    f"{where}[{found[0]}] exists already on this server; "
                    "import with replace=true (sls state import --replace) to wipe the world first",
                    field=where,
                    index=found[0],
                )

    def _write(self, checked: Plan, *, replaced: bool, frozen_at: int | None) -> None:
        """Write the checked records; the world's settings (the clock, the gateway's daily reset) only over
        a world ``replaced``."""
        store = self._store
        for user in checked.users:
            store.users.create(user)
        for device in checked.devices:  # what was sealed under the key itself is sealed as now (``reseal``)
            store.devices.create(self._resealer.device_record(device))
        for username, device_ids in checked.user_devices.items():
            for device_id in device_ids:
                store.users.add_device(username, device_id)
        for username, entries in checked.allowlists.items():
            store.access.set_user_allowlist(username, entries)
        for account, members in checked.accounts:
            store.access.create_account(account)
            store.access.add_members(account.account_id, members)
        for username, account_id in checked.user_accounts.items():
            store.access.link_account(username, account_id)
        for username, buckets in checked.lockouts.items():
            known = checked.known_ips[username]
            if buckets or known or not replaced:  # not wiped first: what counted at the name before goes
                store.lockout.restore(username, buckets, known)
        for app in checked.apps:
            store.ibkey.create_app(self._resealer.app(app) or app)
        for number, conditions in checked.phones:
            store.phones.set_conditions(number, conditions)
        if replaced and frozen_at is not None:
            store.clock.set_at(frozen_at, system_now=int(time.time()), freeze=True)
        elif replaced:
            store.clock.set_offset(checked.clock_offset_s)
        if replaced and checked.daily_reset is not None:
            value, since = checked.daily_reset
            store.gateway.set_daily_reset(self._gateway_instance, value, since=since)


def _clock_settings(clock: ClockReading) -> dict[str, int]:
    """The clock as a document keeps it: its offset, and where it stands if frozen (left out when running,
    so a running clock's document reads as before the field existed)."""
    if clock.frozen:
        return {"clock_offset_s": clock.offset_s, "clock_frozen_at": clock.now}
    return {"clock_offset_s": clock.offset_s}


def counts_of(document: dict[str, Any]) -> StateCounts:
    return {
        "users": len(document["users"]),
        "devices": len(document["devices"]),
        "accounts": len(document["accounts"]),
        "ibkey_apps": len(document["ibkey_apps"]),
        "phones": len(document["phones"]),
    }
