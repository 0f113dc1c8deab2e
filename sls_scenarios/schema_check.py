"""A scenario document checked against the format's JSON Schema (``schema``), every problem told in the
format's words.

jsonschema's own messages name schema internals; here every problem names the file, line and column, the
place in the document (``positions.dotted``: ``step 4 login``, a step counted from 1 as reports count;
``setup.users[0]``, any other list's item by its index from 0, as the API's ``index``) and what was
expected, with the closest valid word for a typo (``spelling``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from . import meant
from .broker_acts import as_http
from .empty_keys import under_empty
from .positions import Positions, Problem
from .schema import common_keys, schema, step_types
from .spelling import closest, suggest


@functools.cache
def _validator() -> Draft202012Validator:
    return Draft202012Validator(schema())


def check(data: Any, positions: Positions, filename: str) -> list[Problem]:
    """Every problem of the document in one pass: the schema's, and the cross-checks' (``checks``) of every
    part the schema did not refuse, so a file fixed for the first never shows a second round."""
    said = [s for error in _validator().iter_errors(data) for s in _explain(error, positions)]
    meant = {(s.path[:-1], s.meant) for s in said if s.meant}  # `pasword`: "did you mean 'password'?"
    said = [s for s in said if not s.missing or not all((s.path, k) in meant for k in s.missing)]
    problems = [_at(positions, filename, s.path, s.message, key=s.key) for s in said]
    from .checks import cross_check

    refused = [s.path for s in said if s.refuses and not s.key]
    problems += cross_check(data, positions, filename, refused, [s.path for s in said if s.key])
    return sorted(_unique(problems), key=lambda p: (p.line, p.column))


def _unique(problems: Iterable[Problem]) -> list[Problem]:
    seen: set[tuple[int, int, str]] = set()
    kept = []
    for problem in problems:
        key = (problem.line, problem.column, problem.message)
        if key not in seen:
            seen.add(key)
            kept.append(problem)
    return kept


def _at(
    positions: Positions, filename: str, path: tuple[Any, ...], message: str, *, key: bool = False
) -> Problem:
    return Problem.at(filename, positions.of(path, key=key), path, message)


@dataclass(frozen=True)
class _Said:
    """A problem the schema found, at ``path``: a key's (``key``: told where the key is, and the key left out
    of what the cross-checks read), or a value's, which they do not read unless it ``refuses`` nothing (a
    mapping that lacks a key still holds values to check). An unknown key says which one it is likely
    ``meant`` for, and a missing one is not told again when it is (``missing``)."""

    path: tuple[Any, ...]
    message: str
    key: bool = False
    refuses: bool = True
    meant: str | None = None
    missing: tuple[str, ...] = ()


def _explain(error: ValidationError, positions: Positions) -> list[_Said]:
    path = tuple(error.absolute_path)
    instance, kind = error.instance, error.validator
    if kind == "anyOf" and _is_step_choice(error.schema):
        return [_Said(path, _unknown_step(instance))]
    if _mapping(error.schema).get("writeOnly"):
        return [_Said(path, _secret_refused(error))]
    if kind in ("additionalProperties", "unevaluatedProperties") and isinstance(instance, dict):
        if two := meant.two_step_types(error.schema, path, instance, positions):
            return [_Said(path, two)]
        allowed = _allowed_keys(_mapping(error.schema))
        refused = _names_refused(_mapping(error.schema), instance)  # said by their own `propertyNames` error
        extra = [k for k in instance if k not in allowed and k not in refused]
        if path == ("setup", "settings"):  # fifty names: the closest one, and where they are all listed
            said = "the server has no setting {0!r}{1}; `sls config` lists them"
        else:
            said = "unknown key {0!r}{1}; expected " + _list(allowed).replace("{", "{{").replace("}", "}}")
        under = {k: under_empty(_mapping(error.schema), path, k, instance, positions) for k in extra}
        told = [
            (k, said.format(k, "" if under[k] else suggest(_as_setting(path, k), allowed))) for k in extra
        ]
        return [
            _Said((*path, k), m + (under[k] or meant.unknown_key(path, k, instance, positions, allowed)),
                  key=True, meant=None if under[k] else closest(k, allowed))
            for k, m in told
        ]  # fmt: skip
    if kind == "not" and list(error.schema_path)[-2:] == ["propertyNames", "not"]:
        why = _mapping(error.schema).get("description", "")
        said = f"{instance} cannot be set from a scenario" + (f": {why[0].lower()}{why[1:]}" if why else "")
        return [_Said((*path, instance), said, key=True)]
    if kind in ("oneOf", "anyOf") and error.context:
        branch = _branch_for(error, instance)
        if branch:
            return [p for sub in branch for p in _explain(sub, positions)]
        shapes = _shapes(error.schema)
        hint = meant.unquoted(instance, shapes)
        if not hint and shapes.startswith("a string") and _is("number", instance):  # `Retry-After: 60`
            hint = meant.quote_it(positions, path, instance)
        return [_Said(path, f"expected {shapes}, got {_show(instance)}{hint}")]
    if kind == "required":
        named = _items(error.validator_value)
        missing = [k for k in named if isinstance(instance, dict) and k not in instance]
        if missing == ["expect"]:
            said = "this step needs an `expect`: say what must happen"
        else:
            said = f"missing {_list(missing)}"
        return [_Said(path, said, refuses=False, missing=tuple(missing))]
    if kind == "enum":
        options = [str(o) for o in _items(error.validator_value)]
        hint = (
            suggest(str(instance), options)
            or meant.dotted_path(path, instance)
            or meant.synonym(instance, options)
        )
        return [_Said(path, f"{_show(instance)} is not one of {_list(options)}{hint}")]
    if kind == "type":
        said = f"expected {_shapes(error.schema)}, got {_show(instance)}"
        written = positions.written.get(path)
        if written is not None and "string" in str(_mapping(error.schema).get("type")):
            # pin: 0123 said "got 83": YAML reads an unquoted 0123 as octal, +15550100001 as a number
            said = f"expected {_shapes(error.schema)}, got {written}" + meant.quote_it(
                positions, path, instance
            )
        elif _mapping(error.schema).get("type") == "array":  # `tags: qa`
            said += meant.as_list(path, instance)
        elif _mapping(error.schema).get("type") == "object":
            said += (
                meant.mapping_for(path, instance)
                or meant.listed(path, instance)
                or meant.step_without_colon(path, instance)
            )
        else:
            said += meant.unquoted(instance, _shapes(error.schema)) or meant.setting_unit(path, instance)
        return [_Said(path, said)]
    if kind == "pattern":
        described = _mapping(error.schema).get("description")
        shape = (
            f"it should be {described[0].lower()}{described[1:]}"
            if described
            else f"it should match /{error.validator_value}/"
        )
        if list(error.schema_path)[-2:] == ["propertyNames", "pattern"]:  # told at the key, as written
            return [
                _Said(
                    (*path, instance),
                    f"{_show(instance)} does not fit: {shape}"
                    + meant.key_read_as(positions, (*path, instance)),
                    key=True,
                )
            ]
        return [_Said(path, f"{_show(instance)} does not fit: {shape}")]
    if kind == "minLength" and isinstance(instance, str):
        described = _mapping(error.schema).get("description")
        hint = f" ({described})" if described else ""
        least = f"at least {error.validator_value} characters"
        return [_Said(path, f"{_show(instance)} is too short: {least}{hint}")]
    described = _mapping(error.schema).get("description")
    hint = f" ({described})" if described else ""
    return [_Said(path, f"{error.message}{hint}")]


def _as_setting(path: tuple[Any, ...], key: str) -> str:
    """A setting named as prose names it (``lockout_threshold``): as the server spells it, to suggest from."""
    if path != ("setup", "settings"):
        return key
    upper = key.upper().replace("-", "_")
    return upper if upper.startswith("SLS_") else f"SLS_{upper}"


def _names_refused(subschema: Mapping[str, Any], instance: dict[str, Any]) -> set[str]:
    """The keys of ``instance`` its schema's ``propertyNames`` refuses: each has its own error saying why,
    so the unknown-key error does not name it a second time."""
    names = subschema.get("propertyNames")
    if not isinstance(names, dict):
        return set()
    judge = Draft202012Validator(names)
    return {key for key in instance if not judge.is_valid(key)}


def _secret_refused(error: ValidationError) -> str:
    """What is wrong with a secret's value (a ``writeOnly`` one: a token), without the value: a problem is
    printed, and goes into reports and CI logs."""
    if error.validator == "minLength":
        need = f"at least {error.validator_value} characters"
    elif error.validator == "type":
        need = f"expected {_shapes(error.schema)}"
    else:
        need = f"it does not fit `{error.validator}`"
    return f"this secret is refused: {need} (its value is not shown)"


def _is_step_choice(subschema: Any) -> bool:
    choices = schema()["$defs"]["step"]["anyOf"]
    return subschema is choices or (isinstance(subschema, dict) and subschema.get("anyOf") == choices)


def _unknown_step(instance: Any) -> str:
    types = step_types()
    if not isinstance(instance, dict):
        return f"a step is a mapping with one step type ({_list(types)}), got {_show(instance)}"
    candidates = [k for k in instance if k not in common_keys()]
    if not candidates:
        return f"this step has no step type: add one of {_list(types)}"
    hints = [f"unknown step type {k!r}{as_http(k, instance[k]) or suggest(k, types)}" for k in candidates]
    if all("did you mean" not in h and "admin call" not in h for h in hints):
        hints.append(f"a step is one of {_list(types)}")
    return "; ".join(hints)


def _mapping(subschema: object) -> Mapping[str, Any]:
    """A schema as jsonschema hands it over (a mapping, a boolean schema, or unset), as a mapping: ``{}``
    when it has no keys to read."""
    return subschema if isinstance(subschema, Mapping) else {}


def _items(value: object) -> list[Any]:
    """A keyword's value (``required``'s names, ``enum``'s options) as a list; ``[]`` when it is none."""
    return list(value) if isinstance(value, list | tuple) else []


def _allowed_keys(subschema: Mapping[str, Any]) -> list[str]:
    allowed = list(subschema.get("properties", {}))
    for part in subschema.get("allOf", []):
        if part.get("$ref") == "#/$defs/common":
            allowed += [k for k in common_keys() if k not in allowed]
    return allowed


def _branch_for(error: ValidationError, instance: Any) -> list[ValidationError]:
    """The errors of the alternative meant for this instance's shape (a mapping for an object branch)."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(int(sub.schema_path[0]), []).append(sub)
    options = _mapping(error.schema).get(str(error.validator), [])
    for index, subs in branches.items():
        if index < len(options) and _accepts_type(_resolve(options[index]), instance):
            return subs
    return []


def _resolve(subschema: dict[str, Any]) -> dict[str, Any]:
    ref = subschema.get("$ref", "")
    if ref.startswith("#/$defs/"):
        found: dict[str, Any] = schema()["$defs"][ref[len("#/$defs/") :]]
        return found
    return subschema


def _accepts_type(subschema: dict[str, Any], instance: Any) -> bool:
    wanted = subschema.get("type")
    if wanted is None:
        return "enum" not in subschema or isinstance(instance, str)
    kinds = wanted if isinstance(wanted, list) else [wanted]
    return any(_is(kind, instance) for kind in kinds)


def _is(kind: str, value: Any) -> bool:
    return {
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "null": value is None,
    }.get(kind, False)


def _shapes(subschema: Any) -> str:
    if not isinstance(subschema, dict):
        return "something else"
    if "type" in subschema:
        kinds = subschema["type"] if isinstance(subschema["type"], list) else [subschema["type"]]
        return " or ".join(_article(k) for k in kinds)
    options = subschema.get("oneOf") or subschema.get("anyOf") or []
    shapes = []
    for option in options:
        option = _resolve(option)
        if "enum" in option:
            shapes.append("one of " + _list([str(v) for v in option["enum"]]))
        elif "type" in option:
            shapes.append(_shapes(option))
    return " or ".join(shapes) or "something else"


def _article(kind: str) -> str:
    return {
        "object": "a mapping",
        "array": "a list",
        "null": "nothing (an empty value)",
        "integer": "an integer",
    }.get(kind, f"a {kind}")


def _list(items: Iterable[str]) -> str:
    return ", ".join(f"`{i}`" for i in items)


def _show(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)
