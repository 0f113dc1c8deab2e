"""Check a whole state document before anything is written, and turn it into typed records.

Every record is read back through its store record (``from_hash``), which refuses a missing or malformed
field, and written out again (``to_hash``): a record whose text differs (a field the store never writes, a
value in a form it never uses) is refused too, so what gets stored is exactly what the store itself would
write. Then the references between records must hold (a device's owner exists, an account's members do...).
A user's ``password_hash`` must be a PHC string exactly as ``accounts.passwords.PasswordHasher``
writes it (:func:`own_password_hash`): anything else (``hunter2``, a salt too short to verify) could never
match a password, and a cost no profile has could make each login attempt take the server's memory.
Every whole number must also be one the scripts can use: from 0 (an instant, a count, a version: a negative
failure count would be extra guesses) to :data:`MAX_STORED_INT` (Lua reads numbers as doubles, and ``HINCRBY``
on a value past 64 bits answers ``ERR``, a 500 at the next wrong response). Any refusal is a 400
``invalid_request`` naming the list, the entry's ``index`` and what is wrong; nothing has been written at
that point.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hmac
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from ipaddress import ip_address
from typing import Any, ClassVar, Protocol, TypeVar, get_args

from pydantic import TypeAdapter, ValidationError

from ..accounts.clientip import parse_network
from ..accounts.devices import ACTIVE, PHONE_TYPES
from ..accounts.passwords import HASH_PROFILES
from ..accounts.users import canonical_username
from ..errors import InvalidRequest
from ..secretbox import key_check
from ..shapes.common import Handset, Label, Phone
from ..shapes.devices import DeviceStatus, Serial
from ..shapes.phones import MAX_DELAY_S
from ..shapes.state import READABLE_VERSIONS, StateDocument
from ..store.lockout import BUCKETS
from ..store.records import (
    AccountRecord,
    AppRecord,
    CorruptRecord,
    DeviceRecord,
    LockoutState,
    PhoneConditions,
    UserRecord,
)
from ..store.records.codec import dataclass_fields

#: The largest whole number a record may hold: Lua's numbers are exact up to here.
MAX_STORED_INT = 2**53 - 1
#: The cost parameters the hasher writes, one set per ``SLS_HASH_PROFILE``: a hash made under any profile
#: verifies on a server of any other (the parameters travel with it), so all of them are taken.
_HASH_COSTS = frozenset(f"m={p.memory_kib},t={p.iterations},p={p.lanes}" for p in HASH_PROFILES.values())
#: What ``PasswordHasher.hash`` draws and derives: a 16-byte salt, a 32-byte hash (a test imports a real
#: hash of each profile, so these cannot drift from the hasher unnoticed).
_SALT_BYTES, _HASH_BYTES = 16, 32
DEVICE_STATUSES: tuple[str, ...] = get_args(DeviceStatus)
#: The admin and sim APIs' own rules for the text fields a record shares with a request or an answer
#: (``shapes.common``, ``shapes.devices``): a record may hold only what those routes would take or write.
_PHONE: TypeAdapter[str] = TypeAdapter(Phone)
_RULES: dict[str, TypeAdapter[str]] = {
    "phone": _PHONE,
    "number": _PHONE,
    "label": TypeAdapter(Label),
    "serial": TypeAdapter(Serial),
    "handset": TypeAdapter(Handset),
}


def _accepts(rule: TypeAdapter[str], value: str) -> bool:
    try:
        rule.validate_python(value, strict=True)
    except ValidationError:
        return False
    return True


def _shaped(where: str, index: int, record: object, names: tuple[str, ...]) -> None:
    """Refuse a field the API would refuse, by the API's own rule (:data:`_RULES`). The value is not
    echoed: it may be long or unprintable."""
    for name in names:
        value = getattr(record, name)
        if value is None:
            continue
        try:
            _RULES[name].validate_python(value, strict=True)
        except ValidationError as exc:
            reason = exc.errors()[0]["msg"]
            raise _refuse(where, index, f"{name} is not one the API accepts: {reason}") from None


def own_password_hash(encoded: str) -> bool:
    """Whether ``encoded`` is a PHC string exactly as this server's hasher writes it:
    ``$argon2id$v=19$m=<m>,t=<t>,p=<p>$<salt>$<hash>`` with a profile's costs, and salt and hash in the
    unpadded canonical base64 the verifier insists on (any other form it refuses, so the user could never
    log in)."""
    parts = encoded.split("$")
    return (
        len(parts) == 6
        and parts[:3] == ["", "argon2id", "v=19"]
        and parts[3] in _HASH_COSTS
        and _base64_of(parts[4], _SALT_BYTES)
        and _base64_of(parts[5], _HASH_BYTES)
    )


def _base64_of(text: str, size: int) -> bool:
    try:
        decoded = base64.b64decode(text + "=" * (-len(text) % 4), validate=True)
    except (binascii.Error, ValueError):  # ValueError: not ASCII
        return False
    return len(decoded) == size and base64.b64encode(decoded).rstrip(b"=") == text.encode()


class _Stored(Protocol):
    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]  # a dataclass: its fields can be listed

    def to_hash(self) -> dict[str, str]: ...


R = TypeVar("R", bound=_Stored)


@dataclass(frozen=True)
class RecordChecks:
    """What only the running server can tell of a record: that its sealed secrets open under its key, as what
    the record's kind seals, and that its settings are ones that kind works with (``FactorRegistry`` and the
    phones' apps say). Each raises ``ValueError`` with a reason that shows no secret."""

    device: Callable[[DeviceRecord], None]
    app: Callable[[AppRecord], None]


@dataclass
class Plan:
    """A checked document, as the records the store will be given."""

    users: list[UserRecord] = field(default_factory=list)
    user_devices: dict[str, list[str]] = field(default_factory=dict)
    allowlists: dict[str, list[str]] = field(default_factory=dict)
    user_accounts: dict[str, str] = field(default_factory=dict)
    lockouts: dict[str, dict[str, LockoutState]] = field(default_factory=dict)
    known_ips: dict[str, list[str]] = field(default_factory=dict)
    devices: list[DeviceRecord] = field(default_factory=list)
    accounts: list[tuple[AccountRecord, list[str]]] = field(default_factory=list)
    apps: list[AppRecord] = field(default_factory=list)
    phones: list[tuple[str, PhoneConditions]] = field(default_factory=list)
    clock_offset_s: int = 0
    #: The gateway's daily reset set at run time, as the store keeps it (``HH:MM`` or ``off``) and since when.
    daily_reset: tuple[str, int] | None = None


def _refuse(where: str, index: int, what: str) -> InvalidRequest:
    return InvalidRequest(f"{where}[{index}]: {what}", field=where, index=index)


def _record(
    where: str, index: int, raw: Mapping[str, str], read: Callable[[dict[str, str]], R], part: str = ""
) -> R:
    """``raw`` read as a record, or refused naming ``where``, ``index`` and (for a record inside an entry,
    such as a lockout bucket) ``part``."""
    try:
        record = read(dict(raw))
    except (CorruptRecord, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise _refuse(where, index, f"{part}not a record this server can read ({exc})") from None
    written = record.to_hash()
    for name in sorted(set(raw) | set(written)):
        if name not in raw:
            raise _refuse(where, index, f"{part}field {name!r} is missing")
        if name not in written:
            raise _refuse(where, index, f"{part}field {name!r} is not one this server stores")
        if raw[name] != written[name]:
            raise _refuse(where, index, f"{part}field {name!r} is not as this server stores it")
    for name, value in _numbers(record):
        if not 0 <= value <= MAX_STORED_INT:
            raise _refuse(
                where, index, f"{part}field {name!r} must be a whole number from 0 to {MAX_STORED_INT}"
            )
    return record


def _numbers(record: _Stored) -> list[tuple[str, int]]:
    """The record's whole-number fields (a flag is a ``bool``, not one of them)."""
    return [
        (name, value)
        for name, value in dataclass_fields(record).items()
        if isinstance(value, int) and not isinstance(value, bool)
    ]


def _unique(where: str, names: list[str]) -> None:
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise _refuse(where, index, f"{name!r} appears twice")
        seen.add(name)


def plan(
    document: StateDocument,
    *,
    secret_key: bytes,
    checks: RecordChecks,
    clock_bounds: tuple[int, int],
    system_now: int,
) -> Plan:
    """The document as records, or the first reason it cannot be imported (a 400 naming it)."""
    if document.version not in READABLE_VERSIONS:
        readable = " and ".join(str(v) for v in READABLE_VERSIONS)
        raise InvalidRequest(
            f"this server reads state documents of versions {readable}, not {document.version}",
            field="version",
        )
    if not hmac.compare_digest(document.key_check, key_check(secret_key)):
        raise InvalidRequest(
            "the document's device secrets are sealed under another SLS_SECRET_KEY than this server's: "
            "import it into a server started with the key it was exported under",
            field="key_check",
        )
    lo, hi = clock_bounds
    if not lo <= system_now + document.settings.clock_offset_s <= hi:
        raise InvalidRequest(
            "the clock offset puts the clock outside 2000-01-01 .. 2100-01-01", field="settings"
        )
    result = Plan(clock_offset_s=document.settings.clock_offset_s)
    daily_reset = document.settings.gateway_daily_reset
    if daily_reset is not None:
        result.daily_reset = (daily_reset.at or "off", daily_reset.since)
    _users(document, result)
    _devices(document, result, checks.device)
    _accounts(document, result)
    _apps_and_phones(document, result, checks.app)
    return result


def _users(document: StateDocument, result: Plan) -> None:
    for index, entry in enumerate(document.users):
        user = _record("users", index, entry.record, UserRecord.from_hash)
        _shaped("users", index, user, ("phone",))
        if not own_password_hash(user.password_hash):  # never echoed: it is a secret of sorts
            raise _refuse("users", index, "password_hash is not an Argon2id hash as this server makes them")
        try:
            canonical = canonical_username(user.username) == user.username
        except InvalidRequest:
            canonical = False
        if not canonical:
            raise _refuse("users", index, f"{user.username!r} is not a valid username")
        for cidr in entry.allowlist:
            try:
                parse_network(cidr)
            except ValueError:
                raise _refuse("users", index, f"allowlist entry {cidr!r} is not an IP range") from None
        result.lockouts[user.username] = _lockout(index, entry.lockout)
        result.known_ips[user.username] = _known_ips(index, entry.known_ips)
        result.users.append(user)
        result.user_devices[user.username] = list(entry.devices)
        if entry.allowlist:
            result.allowlists[user.username] = list(entry.allowlist)
        if entry.account:
            result.user_accounts[user.username] = entry.account
    _unique("users", [user.username for user in result.users])


def _lockout(index: int, buckets: Mapping[str, Mapping[str, str]]) -> dict[str, LockoutState]:
    """The user's lockout buckets, each one a bucket the login counts in, as the store writes it."""
    states = {}
    for bucket, raw in buckets.items():
        if bucket not in BUCKETS:
            raise _refuse("users", index, f"lockout bucket {bucket!r} is not one of {', '.join(BUCKETS)}")
        states[bucket] = _record("users", index, raw, LockoutState.from_hash, f"lockout bucket {bucket!r}: ")
    return states


def _known_ips(index: int, addresses: list[str]) -> list[str]:
    """The user's known addresses, each one an IP address written as the server writes one."""
    for address in addresses:
        try:
            canonical = str(ip_address(address)) == address
        except ValueError:
            canonical = False
        if not canonical:
            raise _refuse(
                "users", index, f"known_ips entry {address!r} is not an IP address in canonical form"
            )
    if len(set(addresses)) != len(addresses):
        raise _refuse("users", index, "known_ips holds an address twice")
    return sorted(addresses)


def _devices(document: StateDocument, result: Plan, check: Callable[[DeviceRecord], None]) -> None:
    users = set(result.user_devices)
    for index, raw in enumerate(document.devices):
        device = _record("devices", index, raw, DeviceRecord.from_hash)
        missing = [name for name in device.users if name not in users]
        if missing:
            raise _refuse("devices", index, f"names user {missing[0]!r}, who is not in the document")
        if device.status not in DEVICE_STATUSES:
            raise _refuse("devices", index, f"status must be one of {', '.join(DEVICE_STATUSES)}")
        _shaped("devices", index, device, ("number", "phone", "label", "serial", "handset"))
        try:
            check(device)
        except ValueError as exc:
            raise _refuse("devices", index, f"not a {device.type} this server can use: {exc}") from None
        result.devices.append(device)
    _unique("devices", [device.device_id for device in result.devices])
    first_on: dict[tuple[str, str], int] = {}  # enrolment's rule: one SMS or voice device per user and phone
    for index, device in enumerate(result.devices):
        if device.type in PHONE_TYPES and device.status == ACTIVE and device.number:
            first = first_on.setdefault((device.owner, device.number), index)
            if first != index:
                raise _refuse(
                    "devices",
                    index,
                    f"is a second SMS or voice device of {device.owner!r} on one phone (devices[{first}]), "
                    "which enrolment refuses (409 device_exists)",
                )
    by_id = {device.device_id: device for device in result.devices}
    for index, user in enumerate(result.users):
        listed = result.user_devices[user.username]
        unknown = [d for d in listed if d not in by_id]
        if unknown:
            raise _refuse("users", index, f"lists device {unknown[0]!r}, which is not in the document")
        foreign = [d for d in listed if user.username not in by_id[d].users]
        if foreign:  # a login would offer it, and its verify refuse it
            raise _refuse(
                "users", index, f"lists device {foreign[0]!r}, whose owner or shared_with does not name them"
            )
    for index, device in enumerate(result.devices):
        unlisted = [name for name in device.users if device.device_id not in result.user_devices[name]]
        if unlisted:  # the device would be theirs, and their login would not offer it
            raise _refuse("devices", index, f"names user {unlisted[0]!r}, whose device list does not hold it")


def _accounts(document: StateDocument, result: Plan) -> None:
    users = set(result.user_devices)
    for index, entry in enumerate(document.accounts):
        account = _record("accounts", index, entry.record, AccountRecord.from_hash)
        missing = [name for name in entry.members if name not in users]
        if missing:
            raise _refuse("accounts", index, f"names member {missing[0]!r}, who is not in the document")
        # A user belongs to one account and names it; a member who does not would be shown under this
        # account's allowlist while their login never applies it.
        elsewhere = [name for name in entry.members if result.user_accounts.get(name) != account.account_id]
        if elsewhere:
            raise _refuse(
                "accounts", index, f"names member {elsewhere[0]!r}, whose own entry names another account"
            )
        result.accounts.append((account, list(entry.members)))
    _unique("accounts", [account.account_id for account, _ in result.accounts])
    members = {account.account_id: set(names) for account, names in result.accounts}
    for index, user in enumerate(result.users):
        account_id = result.user_accounts.get(user.username)
        if account_id is not None and account_id not in members:
            raise _refuse(
                "users", index, f"trades under account {account_id!r}, which is not in the document"
            )
        if account_id is not None and user.username not in members[account_id]:
            raise _refuse(
                "users", index, f"trades under account {account_id!r}, whose members do not name them"
            )


def _apps_and_phones(document: StateDocument, result: Plan, check: Callable[[AppRecord], None]) -> None:
    known = {device.device_id for device in result.devices}
    for index, raw in enumerate(document.ibkey_apps):
        app = _record("ibkey_apps", index, raw, AppRecord.from_hash)
        _shaped("ibkey_apps", index, app, ("number",))
        missing = [u.device_id for u in app.users.values() if u.device_id not in known]
        if missing:
            raise _refuse("ibkey_apps", index, f"holds device {missing[0]!r}, which is not in the document")
        try:
            check(app)
        except ValueError as exc:
            raise _refuse("ibkey_apps", index, f"not an app this server can use: {exc}") from None
        result.apps.append(app)
    _unique("ibkey_apps", [app.app_id for app in result.apps])
    for index, entry in enumerate(document.phones):
        if entry.number != "attacker" and not _accepts(_PHONE, entry.number):
            raise _refuse("phones", index, f"{entry.number!r} is not a phone number in E.164 form")
        conditions = _record("phones", index, entry.conditions, PhoneConditions.from_hash)
        if (conditions.delivery_delay_s or 0) > MAX_DELAY_S:
            raise _refuse("phones", index, f"delivery_delay_s must be at most {MAX_DELAY_S} seconds")
        result.phones.append((entry.number, conditions))
    _unique("phones", [number for number, _ in result.phones])
