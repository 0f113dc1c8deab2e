"""Check a whole state document before anything is written, and turn it into typed records.

Each record is read as the store would write it (``reading``); then the references between records must
hold (a device's owner exists, an account's members do...). Any refusal is a 400 ``invalid_request``
naming the list, the entry's ``index`` and what is wrong; nothing has been written at that point.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal, get_args

from ..accounts.device_terms import ACTIVE
from ..accounts.phone_devices import PHONE_TYPES
from ..accounts.user_fields import canonical_username
from ..errors import InvalidRequest
from ..ipnets import parse_network
from ..secretbox import key_check
from ..shapes.devices import DeviceStatus
from ..shapes.phones import MAX_DELAY_S, ROAMING_LOSS_MAX
from ..shapes.state import KEY_CHECK_FORM_2, READABLE_VERSIONS, StateDocument
from ..store.records import AccountRecord, AppRecord, DeviceRecord, LockoutState, PhoneConditions, UserRecord
from .reading import (
    PHONE,
    accepts,
    known_addresses,
    lockout_buckets,
    own_password_hash,
    read_record,
    refuse,
    shaped,
    unique,
)

DEVICE_STATUSES: tuple[str, ...] = get_args(DeviceStatus)


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
        *first, last = (str(v) for v in READABLE_VERSIONS)
        readable = f"{', '.join(first)} and {last}" if first else last
        raise InvalidRequest(
            f"this server reads state documents of versions {readable}, not {document.version}",
            field="version",
        )
    form: Literal[1, 2] = 2 if document.version >= KEY_CHECK_FORM_2 else 1
    if not hmac.compare_digest(document.key_check, key_check(secret_key, form=form)):
        raise InvalidRequest(
            "the document's device secrets are sealed under another SLS_SECRET_KEY than this server's: "
            "import it into a server started with the key it was exported under (SLS_SECRET_KEY, or the "
            "secret.key a server that generated its own keeps in its data folder), on a fresh data folder "
            "or Redis (a Redis refuses a server with another key than the first it saw)",
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
        user = read_record("users", index, entry.record, UserRecord.from_hash)
        shaped("users", index, user, ("phone",))
        if not own_password_hash(user.password_hash):  # never echoed: it is a secret of sorts
            raise refuse("users", index, "password_hash is not an Argon2id hash as this server makes them")
        try:
            canonical = canonical_username(user.username) == user.username
        except InvalidRequest:
            canonical = False
        if not canonical:
            raise refuse("users", index, f"{user.username!r} is not a valid username")
        _check_allowlist("users", index, entry.allowlist)
        result.lockouts[user.username] = lockout_buckets(index, entry.lockout)
        result.known_ips[user.username] = known_addresses(index, entry.known_ips)
        result.users.append(user)
        result.user_devices[user.username] = list(entry.devices)
        if entry.allowlist:
            result.allowlists[user.username] = list(entry.allowlist)
        if entry.account:
            result.user_accounts[user.username] = entry.account
    unique("users", [user.username for user in result.users])


def _devices(document: StateDocument, result: Plan, check: Callable[[DeviceRecord], None]) -> None:
    users = set(result.user_devices)
    for index, raw in enumerate(document.devices):
        device = read_record("devices", index, raw, DeviceRecord.from_hash)
        missing = [name for name in device.users if name not in users]
        if missing:
            raise refuse("devices", index, f"names user {missing[0]!r}, who is not in the document")
        if device.status not in DEVICE_STATUSES:
            raise refuse("devices", index, f"status must be one of {', '.join(DEVICE_STATUSES)}")
        shaped("devices", index, device, ("number", "phone", "label", "serial", "handset"))
        try:
            check(device)
        except ValueError as exc:
            raise refuse("devices", index, f"not a {device.type} this server can use: {exc}") from None
        result.devices.append(device)
    unique("devices", [device.device_id for device in result.devices])
    first_on: dict[tuple[str, str], int] = {}  # enrolment's rule: one SMS or voice device per user and phone
    for index, device in enumerate(result.devices):
        if device.type in PHONE_TYPES and device.status == ACTIVE and device.number:
            first = first_on.setdefault((device.owner, device.number), index)
            if first != index:
                raise refuse(
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
            raise refuse("users", index, f"lists device {unknown[0]!r}, which is not in the document")
        foreign = [d for d in listed if user.username not in by_id[d].users]
        if foreign:  # a login would offer it, and its verify refuse it
            raise refuse(
                "users", index, f"lists device {foreign[0]!r}, whose owner or shared_with does not name them"
            )
        passcode = user.temporary_passcode
        if passcode is not None and (passcode not in listed or by_id[passcode].type != "temporary"):
            raise refuse(
                "users", index, f"temporary_passcode {passcode!r} is not a temporary passcode it lists"
            )
    for index, device in enumerate(result.devices):
        unlisted = [name for name in device.users if device.device_id not in result.user_devices[name]]
        if unlisted:  # the device would be theirs, and their login would not offer it
            raise refuse("devices", index, f"names user {unlisted[0]!r}, whose device list does not hold it")


def _check_allowlist(where: str, index: int, allowlist: Sequence[str]) -> None:
    """Every entry an IP range, as the allowlist routes require: one that is not would make every login the
    list judges fail."""
    for cidr in allowlist:
        try:
            parse_network(cidr)
        except (ValueError, TypeError):
            raise refuse(where, index, f"allowlist entry {cidr!r} is not an IP range") from None


def _accounts(document: StateDocument, result: Plan) -> None:
    users = set(result.user_devices)
    for index, entry in enumerate(document.accounts):
        account = read_record("accounts", index, entry.record, AccountRecord.from_hash)
        _check_allowlist("accounts", index, account.allowlist)  # each member's login judges it
        missing = [name for name in entry.members if name not in users]
        if missing:
            raise refuse("accounts", index, f"names member {missing[0]!r}, who is not in the document")
        # A user belongs to one account and names it; a member who does not would be shown under this
        # account's allowlist while their login never applies it.
        elsewhere = [name for name in entry.members if result.user_accounts.get(name) != account.account_id]
        if elsewhere:
            raise refuse(
                "accounts", index, f"names member {elsewhere[0]!r}, whose own entry names another account"
            )
        result.accounts.append((account, list(entry.members)))
    unique("accounts", [account.account_id for account, _ in result.accounts])
    members = {account.account_id: set(names) for account, names in result.accounts}
    for index, user in enumerate(result.users):
        account_id = result.user_accounts.get(user.username)
        if account_id is not None and account_id not in members:
            raise refuse("users", index, f"trades under account {account_id!r}, which is not in the document")
        if account_id is not None and user.username not in members[account_id]:
            raise refuse(
                "users", index, f"trades under account {account_id!r}, whose members do not name them"
            )


def _apps_and_phones(document: StateDocument, result: Plan, check: Callable[[AppRecord], None]) -> None:
    known = {device.device_id for device in result.devices}
    for index, raw in enumerate(document.ibkey_apps):
        app = read_record("ibkey_apps", index, raw, AppRecord.from_hash)
        shaped("ibkey_apps", index, app, ("number",))
        missing = [u.device_id for u in app.users.values() if u.device_id not in known]
        if missing:
            raise refuse("ibkey_apps", index, f"holds device {missing[0]!r}, which is not in the document")
        try:
            check(app)
        except ValueError as exc:
            raise refuse("ibkey_apps", index, f"not an app this server can use: {exc}") from None
        result.apps.append(app)
    unique("ibkey_apps", [app.app_id for app in result.apps])
    for index, entry in enumerate(document.phones):
        if entry.number != "attacker" and not accepts(PHONE, entry.number):
            raise refuse("phones", index, f"{entry.number!r} is not a phone number in E.164 form")
        conditions = read_record("phones", index, entry.conditions, PhoneConditions.from_hash)
        if (conditions.delivery_delay_s or 0) > MAX_DELAY_S:
            raise refuse("phones", index, f"delivery_delay_s must be at most {MAX_DELAY_S} seconds")
        every = conditions.roaming_loses_every or 0
        if not 0 <= every <= ROAMING_LOSS_MAX or (every and not conditions.roaming):
            raise refuse(
                "phones", index, f"roaming_loses_every must be 0 to {ROAMING_LOSS_MAX}, and needs roaming"
            )
        result.phones.append((entry.number, conditions))
    unique("phones", [number for number, _ in result.phones])
