"""How a record's fields are written in a Redis hash: the encoding rules, in one place.

Redis holds strings, and the Lua scripts compare them, so the rules are fixed by what the scripts read:

* a flag is ``"1"`` or ``"0"`` (the scripts test ``== '1'``) and reads back as a ``bool``;
* an instant, a count or a version is a decimal integer and reads back as an ``int``;
* a list of names is comma-joined (names never hold a comma) and reads back as a tuple;
* an absent value is an absent hash field and reads back as ``None``, never as ``""`` or ``-1``.

A partial update cannot delete a field (the scripts that write one, compare-and-set among them, only
``HSET``), so a change that clears a field writes ``""``, which reads back as ``None`` too: in a record,
"not there" is always ``None``.

Records kept as JSON values (a text, a call, a push: :func:`json_record`, :func:`record_from_json`) keep
their fields in declaration order, a tuple as a list, an absent optional value as ``null``.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Record = TypeVar("_Record", bound="DataclassInstance")


def encode(value: object) -> str | None:
    """The stored form of one value, None for "no field". ``bool`` before ``int``: it is one."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return value
    if isinstance(value, tuple) and all(isinstance(item, str) for item in value):
        return ",".join(value)
    raise TypeError(f"a record field cannot hold {type(value).__name__}")


def to_hash(fields: Mapping[str, object]) -> dict[str, str]:
    """A whole record as hash fields: absent (None) values are left out, in one pass. A text or a plain
    integer, most fields, is written here as :func:`encode` writes it, without a call of it each."""
    found: dict[str, str] = {}
    for name, value in fields.items():
        kind = type(value)
        if kind is str:
            found[name] = value  # type: ignore[assignment]  # checked: a str
        elif kind is int:
            found[name] = str(value)
        elif value is not None and (text := encode(value)) is not None:
            found[name] = text
    return found


def changes_hash(changes: Mapping[str, object]) -> dict[str, str]:
    """A partial update as hash fields: a None is a field being cleared, written as ``""``."""
    return {name: encode(value) or "" for name, value in changes.items()}


def dataclass_fields(record: DataclassInstance, *, skip: tuple[str, ...] = ()) -> dict[str, object]:
    """A record's fields by name (for :func:`to_hash`), without those it encodes itself."""
    return {name: getattr(record, name) for name in _field_names(type(record)) if name not in skip}


@functools.cache
def _field_names(kind: type[DataclassInstance]) -> tuple[str, ...]:
    """A record class's field names, in order: ``dataclasses.fields`` walks them anew on every call."""
    return tuple(field.name for field in dataclasses.fields(kind))


def pairs(mapping: Mapping[str, str]) -> list[str]:
    """Flatten hash fields into the field/value argument list a Lua ``HSET`` takes."""
    return [item for kv in mapping.items() for item in kv]


def from_pairs(flat: Sequence[Any]) -> dict[str, str]:
    """The inverse of :func:`pairs`, for what a script returns (``HGETALL`` inside Lua). One iterator zipped
    with itself pairs the items without two sliced copies and a comprehension's frame (a session's fields,
    three times a flow); an odd count still fails (``strict``)."""
    items = map(str, flat)
    return dict(zip(items, items, strict=True))


#: How a JSON-kept record's field is read back, by its annotation (records use ``from __future__ import
#: annotations``, so the annotation is this text).
_FROM_JSON: dict[str, Callable[[Any], Any]] = {
    "str": str,
    "int": int,
    "int | None": lambda value: None if value is None else int(value),
    "str | None": lambda value: None if value is None else str(value),
    "tuple[str, ...]": lambda value: tuple(str(item) for item in value),
}


def json_record(record: DataclassInstance, *, renamed: Mapping[str, str] | None = None) -> dict[str, Any]:
    """A record kept as a JSON value, as the dict it is stored (and shown) as: its fields in declaration
    order, a tuple as a list; ``renamed`` maps a field to its JSON name (``sender``: ``from``)."""
    names = renamed or {}
    shown: dict[str, Any] = {}
    for field in dataclasses.fields(record):
        value = getattr(record, field.name)
        shown[names.get(field.name, field.name)] = list(value) if isinstance(value, tuple) else value
    return shown


def json_text(value: Mapping[str, Any]) -> str:
    """The compact JSON a record is stored as."""
    return json.dumps(value, separators=(",", ":"))


def record_from_json(kind: type[_Record], raw: str, *, renamed: Mapping[str, str] | None = None) -> _Record:
    """The inverse of :func:`json_record` on the stored text; a missing required field is a
    :class:`CorruptRecord`."""
    names = renamed or {}
    data = json.loads(raw)
    values: dict[str, Any] = {}
    for field in dataclasses.fields(kind):
        name = names.get(field.name, field.name)
        annotation = str(field.type)
        if name not in data and "None" not in annotation:
            raise CorruptRecord(f"a stored {kind.__name__} has no {name!r}")
        values[field.name] = _FROM_JSON[annotation](data.get(name))
    return kind(**values)


class CorruptRecord(ValueError):
    """A stored record lacks a field every record of its kind has, or holds one we never write: data not
    written by this code. A bug to look at (a 500), never a reason to guess."""


class Fields:
    """Read a stored hash by the rules above; each accessor names the type it returns."""

    def __init__(self, kind: str, raw: Mapping[str, str]) -> None:
        self._kind = kind
        self._raw = raw

    # Each accessor reads the hash itself (``self._raw.get(name)``, "" as absent) rather than through a
    # shared helper: a flow reads some 170 fields, and the call each cost more than the read.

    def text(self, name: str) -> str:
        value = self._raw.get(name)
        if not value:
            raise CorruptRecord(f"a stored {self._kind} has no {name!r}")
        return value

    def maybe_text(self, name: str) -> str | None:
        return self._raw.get(name) or None

    def integer(self, name: str) -> int:
        return self._int(name, self.text(name))

    def maybe_integer(self, name: str) -> int | None:
        value = self._raw.get(name)
        return self._int(name, value) if value else None

    def count(self, name: str) -> int:
        """A counter the scripts ``HINCRBY``: absent is zero, which is what Redis makes of it too."""
        value = self._raw.get(name)
        return self._int(name, value) if value else 0

    def flag(self, name: str) -> bool:
        """A flag whose absence means off (what the scripts' ``== '1'`` makes of it)."""
        return bool(self.maybe_flag(name))

    def maybe_flag(self, name: str) -> bool | None:
        value = self._raw.get(name)
        if not value:
            return None
        if value not in ("0", "1"):
            raise CorruptRecord(f"the {self._kind}'s {name!r} is not a flag")
        return value == "1"

    def names(self, name: str) -> tuple[str, ...]:
        return tuple(part for part in (self._raw.get(name) or "").split(",") if part)

    def prefixed(self, prefix: str) -> dict[str, int]:
        """Integer fields named ``<prefix><key>``, by key (a session's ``verified:<purpose>``)."""
        return {
            name.removeprefix(prefix): self._int(name, value)
            for name, value in self._raw.items()
            if name.startswith(prefix) and value
        }

    def _int(self, name: str, value: str) -> int:
        try:
            return int(value)
        except ValueError:
            raise CorruptRecord(f"the {self._kind}'s {name!r} is not an integer") from None
