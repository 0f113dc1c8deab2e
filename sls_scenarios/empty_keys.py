"""A key written at the column of the key above it, which was left empty: ``expect:`` and, on the next line
at the same column, ``status: 200``, meant under it. YAML reads both as keys of one mapping: ``expect``
holds nothing and ``status`` is unknown where it landed.

The schema's problem named only the keys of the mapping it landed in, and a close one as a typo
(``json:`` then ``state: second_factor`` was "did you mean 'statuses'?"); the writer is told instead
which key it belongs to and to indent it (``schema_check`` asks here first).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from .positions import Positions
from .schema import schema


def under_empty(
    mapping_schema: Mapping[str, Any],
    path: tuple[Any, ...],
    key: str,
    instance: dict[str, Any],
    positions: Positions,
) -> str:
    """The hint for ``key`` of ``instance`` (at ``path``) when an empty key above it, at its column, takes
    it; else ''."""
    _, column = positions.of((*path, key), key=True)
    above: list[str] = []
    for name, value in instance.items():
        if name == key:
            break
        if value is None:
            above.insert(0, name)  # the nearest first
    for name in above:
        line, at = positions.of((*path, name), key=True)
        if at == column and _takes(_property(mapping_schema, name), key):
            return f" (`{key}` is the {name}'s, left empty on line {line}: indent it under `{name}:`)"
    return ""


def _resolve(subschema: Any) -> Mapping[str, Any]:
    if not isinstance(subschema, Mapping):
        return {}
    ref = subschema.get("$ref", "")
    if isinstance(ref, str) and ref.startswith("#/$defs/"):
        found: Mapping[str, Any] = schema()["$defs"][ref[len("#/$defs/") :]]
        return found
    return subschema


def _property(mapping_schema: Mapping[str, Any], name: str) -> Mapping[str, Any]:
    """The schema of ``name`` in a mapping's schema, among its own properties or those of its ``allOf``
    parts (a step's ``expect`` is in the common keys every step takes)."""
    for part in (mapping_schema, *(_resolve(p) for p in mapping_schema.get("allOf", []))):
        properties = part.get("properties", {})
        if name in properties:
            return _resolve(properties[name])
    return {}


def _takes(subschema: Mapping[str, Any], key: str) -> bool:
    """Whether a mapping of this schema (or of one of its alternatives) takes ``key``: named among its
    properties, or any key its names allow (``json``'s paths)."""
    for option in (
        subschema,
        *(_resolve(o) for o in (*subschema.get("oneOf", []), *subschema.get("anyOf", []))),
    ):
        if key in option.get("properties", {}):
            return True
        if option.get("type") != "object" or option.get("additionalProperties", True) is False:
            continue
        pattern = _resolve(option.get("propertyNames")).get("pattern")
        if not isinstance(pattern, str) or re.search(pattern, key):
            return True
    return False
