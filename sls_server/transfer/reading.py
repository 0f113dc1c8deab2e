"""Read one record of a state document as the store would write it, or refuse it naming where it is.

Every record is read back through its store record (``from_hash``), which refuses a missing or malformed
field, and written out again (``to_hash``): a record whose text differs (a field the store never writes, a
value in a form it never uses) is refused too, so what gets stored is exactly what the store itself would
write. A user's ``password_hash`` must be a PHC string exactly as ``accounts.passwords.PasswordHasher``
writes it (:func:`own_password_hash`): anything else (``hunter2``, a salt too short to verify) could never
match a password, and a cost no profile has could make each login attempt take the server's memory.
Every whole number must also be one the scripts can use: from 0 (an instant, a count, a version: a negative
failure count would be extra guesses) to :data:`MAX_STORED_INT` (Lua reads numbers as doubles, and ``HINCRBY``
on a value past 64 bits answers ``ERR``, a 500 at the next wrong response). Any refusal is a 400
``invalid_request`` naming the list, the entry's ``index`` and what is wrong.
"""

from __future__ import annotations

import base64
import binascii
import dataclasses
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, Protocol, TypeVar

from pydantic import TypeAdapter, ValidationError

from ..accounts.passwords import HASH_PROFILES
from ..errors import InvalidRequest
from ..ipnets import normalise_ip
from ..shapes.common import Handset, Label, Phone
from ..shapes.devices import Serial
from ..store.lockout import BUCKETS
from ..store.records import CorruptRecord, LockoutState
from ..store.records.codec import dataclass_fields

#: The largest whole number a record may hold: Lua's numbers are exact up to here.
MAX_STORED_INT = 2**53 - 1
#: The cost parameters the hasher writes, one set per ``SLS_HASH_PROFILE``: a hash made under any profile
#: verifies on a server of any other (the parameters travel with it), so all of them are taken.
_HASH_COSTS = frozenset(f"m={p.memory_kib},t={p.iterations},p={p.lanes}" for p in HASH_PROFILES.values())
#: What ``PasswordHasher.hash`` draws and derives: a 16-byte salt, a 32-byte hash (a test imports a real
#: hash of each profile, so these cannot drift from the hasher unnoticed).
_SALT_BYTES, _HASH_BYTES = 16, 32
#: The admin and sim APIs' own rules for the text fields a record shares with a request or an answer
#: (``shapes.common``, ``shapes.devices``): a record may hold only what those routes would take or write.
PHONE: TypeAdapter[str] = TypeAdapter(Phone)
RULES: dict[str, TypeAdapter[str]] = {
    "phone": PHONE,
    "number": PHONE,
    "label": TypeAdapter(Label),
    "serial": TypeAdapter(Serial),
    "handset": TypeAdapter(Handset),
}


def accepts(rule: TypeAdapter[str], value: str) -> bool:
    try:
        rule.validate_python(value, strict=True)
    except ValidationError:
        return False
    return True


def shaped(where: str, index: int, record: object, names: tuple[str, ...]) -> None:
    """Refuse a field the API would refuse, by the API's own rule (:data:`RULES`). The value is not
    echoed: it may be long or unprintable."""
    for name in names:
        value = getattr(record, name)
        if value is None:
            continue
        try:
            RULES[name].validate_python(value, strict=True)
        except ValidationError as exc:
            reason = exc.errors()[0]["msg"]
            raise refuse(where, index, f"{name} is not one the API accepts: {reason}") from None


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


def refuse(where: str, index: int, what: str) -> InvalidRequest:
    return InvalidRequest(f"{where}[{index}]: {what}", field=where, index=index)


def read_record(
    where: str, index: int, raw: Mapping[str, str], read: Callable[[dict[str, str]], R], part: str = ""
) -> R:
    """``raw`` read as a record, or refused naming ``where``, ``index`` and (for a record inside an entry,
    such as a lockout bucket) ``part``."""
    try:
        record = read(dict(raw))
    except RecursionError:  # JSON text inside a field, nested past what a parser follows
        raise refuse(where, index, f"{part}not a record this server can read (nested too deep)") from None
    except (CorruptRecord, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise refuse(where, index, f"{part}not a record this server can read ({exc})") from None
    written = record.to_hash()
    for name in sorted(set(raw) | set(written)):
        if name not in raw:
            raise refuse(where, index, f"{part}field {name!r} is missing")
        if name not in written:
            raise refuse(where, index, f"{part}field {name!r} is not one this server stores")
        if raw[name] != written[name]:
            raise refuse(where, index, f"{part}field {name!r} is not as this server stores it")
    for name, value in _numbers(record):
        if not 0 <= value <= MAX_STORED_INT:
            raise refuse(
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


def unique(where: str, names: list[str]) -> None:
    seen: set[str] = set()
    for index, name in enumerate(names):
        if name in seen:
            raise refuse(where, index, f"{name!r} appears twice")
        seen.add(name)


def lockout_buckets(index: int, buckets: Mapping[str, Mapping[str, str]]) -> dict[str, LockoutState]:
    """The user's lockout buckets, each one a bucket the login counts in, as the store writes it."""
    states = {}
    for bucket, raw in buckets.items():
        if bucket not in BUCKETS:
            raise refuse("users", index, f"lockout bucket {bucket!r} is not one of {', '.join(BUCKETS)}")
        states[bucket] = read_record(
            "users", index, raw, LockoutState.from_hash, f"lockout bucket {bucket!r}: "
        )
    return states


def known_addresses(index: int, addresses: list[str]) -> list[str]:
    """The user's known addresses, each one an IP address written as the server writes one."""
    for address in addresses:
        try:
            canonical = normalise_ip(address) == address  # the reading the server writes them by
        except ValueError:
            canonical = False
        if not canonical:
            raise refuse(
                "users", index, f"known_ips entry {address!r} is not an IP address in canonical form"
            )
    if len(set(addresses)) != len(addresses):
        raise refuse("users", index, "known_ips holds an address twice")
    return sorted(addresses)
