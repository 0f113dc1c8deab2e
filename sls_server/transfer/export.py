"""The world as a state document (an export), and what is in one and why.

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
deletion cut short (``user_deletion``: the document is the world as the finished deletion leaves it, the
name off the cards that still hold it, ``_as_finished``; an import beside the world finishes it for each user
it writes, so the user written inherits none of it; a replacing one wipes it with the rest), codes in flight
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
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..secretbox import key_check
from ..shapes.state import STATE_FORMAT, STATE_VERSION, StateCounts
from ..store.records import AppRecord, DeviceRecord, PhoneConditions

if TYPE_CHECKING:
    from ..clock import ClockReading
    from ..store import Store


def world_document(
    store: Store, clock: ClockReading, *, secret_key: bytes, gateway_instance: str
) -> dict[str, Any]:
    """The world as a state document, as read at ``clock``."""
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
    devices = _as_finished(
        store.devices.get_many(sorted(device_ids)), {e["record"]["username"] for e in users}
    )
    # An id left in a user's list for a device gone (a card shared with them whose owner was deleted), or
    # that no longer names them (taken off it while we read), is left out: the document would name a device
    # it does not hold, or a holder the device does not name, and its import would refuse it.
    by_id = {device.device_id: device for device in devices}
    for entry in users:
        name = entry["record"]["username"]
        entry["devices"] = [d for d in entry["devices"] if d in by_id and name in by_id[d].users]
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
    return {
        "format": STATE_FORMAT,
        "version": STATE_VERSION,
        "exported_at": clock.now,
        "key_check": key_check(secret_key),
        "settings": {**_clock_settings(clock), **_gateway_settings(store, gateway_instance)},
        "users": users,
        "devices": [device.to_hash() for device in devices],
        "accounts": accounts,
        "ibkey_apps": [app.to_hash() for app in _apps(store, devices)],
        "phones": _phones(store, users, devices),
    }


def _as_finished(devices: list[DeviceRecord], names: set[str]) -> list[DeviceRecord]:
    """The devices as they stand once every unfinished deletion is finished: a name that is no user of the
    document (a user whose deletion took their record but has not yet taken them off every device: cut
    short, or still working, ``UserService.finish_deletion``) is left out of a card's ``shared_with``, and a
    device whose owner is no user goes, as the deletion deletes it. Written as they stand, the document
    named a user it does not hold, and its own import refused it (400 ``devices``).

    Left out, not finished here: an export is a read (``GET``, and the demo world kept by ``sls demo`` and
    the console), which must not write, wait on a device's turn or answer 429 ``device_busy`` for a
    deletion it did not start; a deletion still working is in the same state for a moment, and finishes on
    its own. The document is the world the finished deletion leaves, so importing it gives that world."""
    kept = [device for device in devices if device.owner in names]
    return [
        replace(device, shared_with=tuple(n for n in device.shared_with if n in names))
        if any(n not in names for n in device.shared_with)
        else device
        for device in kept
    ]


def counts_of(document: dict[str, Any]) -> StateCounts:
    """How many of each kind of record a document holds (``state.exported``, ``state.imported``)."""
    return {
        "users": len(document["users"]),
        "devices": len(document["devices"]),
        "accounts": len(document["accounts"]),
        "ibkey_apps": len(document["ibkey_apps"]),
        "phones": len(document["phones"]),
    }


def _clock_settings(clock: ClockReading) -> dict[str, int]:
    """The clock as a document keeps it: its offset, and where it stands if frozen (left out when running,
    so a running clock's document reads as before the field existed)."""
    if clock.frozen:
        return {"clock_offset_s": clock.offset_s, "clock_frozen_at": clock.now}
    return {"clock_offset_s": clock.offset_s}


def _gateway_settings(store: Store, gateway_instance: str) -> dict[str, Any]:
    """The daily reset set at run time (left out when none was: the configuration decides)."""
    value, since = store.gateway.daily_reset(gateway_instance)
    if value is None:
        return {}
    return {"gateway_daily_reset": {"at": None if value == "off" else value, "since": since}}


def _apps(store: Store, devices: list[DeviceRecord]) -> list[AppRecord]:
    """The simulated phones the IB Keys live on: each one's own, and the phone a user was added to.

    A user deleted since still has a key on a phone that serves others (a phone is not told of the
    deletion), for a device that went with the user; the document leaves that key out, as it names a
    device the document does not hold and the import would refuse the whole world for it."""
    held = {d.device_id for d in devices}
    app_ids = {app_id for d in devices if d.type == "ibkey" for app_id in (d.app_id, d.handset) if app_id}
    apps = [app for app in (store.ibkey.get_app(app_id) for app_id in sorted(app_ids)) if app]
    kept = [{name: u for name, u in app.users.items() if u.device_id in held} for app in apps]
    return [replace(app, users=users) for app, users in zip(apps, kept, strict=True)]


def _phones(store: Store, users: list[dict[str, Any]], devices: list[DeviceRecord]) -> list[dict[str, Any]]:
    """The conditions of every number the world names, where they are not the normal network."""
    numbers: set[str] = {str(u["record"]["phone"]) for u in users if u["record"].get("phone")}
    numbers |= {number for d in devices for number in (d.number, d.phone) if number}
    found = []
    for number in sorted(numbers):
        conditions = store.phones.conditions(number)
        if conditions != PhoneConditions():  # the normal network needs no record
            found.append({"number": number, "conditions": conditions.to_hash()})
    return found
