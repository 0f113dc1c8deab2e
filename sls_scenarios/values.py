"""Variables (``${name.path}``), paths into JSON answers, and the matchers expectations use.

One small language for all three, so a scenario author learns it once: a path is dotted
(``factor.challenge``), a number indexes a list (``factors.0.type``), ``*`` maps over a list
(``factors.*.type``). A variable is a path whose first segment names a variable (or its first segments, for a
setup user whose name has a dot: ``${al.ice.password}``). A string that is exactly
``${...}`` keeps the variable's type (an integer stays an integer, so ``advance_clock: ${retry_after}``
works); inside longer text it is spliced in.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable, Mapping
from typing import Any

from .literals import typed

#: ``${name.path}``: a name may hold a ``-`` and begin with a digit, as a setup user's may (``bob-smith``,
#: ``3com``), each also a variable; without them ``${bob-smith.password}`` was no reference, sent as text.
_VAR = re.compile(r"\$\{([A-Za-z0-9_][A-Za-z0-9_-]*(?:\.[A-Za-z0-9_*-]+)*)\}")
MISSING: Any = object()
#: The path of a whole answer, in ``capture`` and ``expect.json``: a plain-text one (the outbox hook's code)
#: has no field to name.
WHOLE = "$body"
_MISSING = MISSING  # the marker of a path that leads nowhere
MATCHER_OPS = frozenset(
    {
        "eq",
        "ne",
        "gt",
        "ge",
        "lt",
        "le",
        "between",
        "in",
        "not_in",
        "regex",
        "contains",
        "excludes",
        "len",
        "exists",
        "type",
    }
)
_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "object": dict,
    "array": list,
    "null": type(None),
}


#: A sign, then bare seconds or parts with units, largest first, each at most once (``1h30m``, ``13m30s``);
#: a whole number may carry a zero fraction (``15.0m``), as JSON Schema's ``integer`` allows.
_DURATION = re.compile(
    r"(?P<sign>[+-]?)(?:(?P<bare>[0-9]+)(?:\.0+)?"
    r"|(?:(?P<d>[0-9]+)(?:\.0+)?d)?(?:(?P<h>[0-9]+)(?:\.0+)?h)?(?:(?P<m>[0-9]+)(?:\.0+)?m)?(?:(?P<s>[0-9]+)(?:\.0+)?s)?)"
)
_UNIT_S = {"bare": 1, "d": 86400, "h": 3600, "m": 60, "s": 1}
DURATION_FORMS = "900, 15m, 1h30m or -1d"


def duration_seconds(text: str | float) -> int:
    """Seconds in a duration like ``900``, ``15m``, ``2h``, ``1h30m`` or ``-1d``; ``ValueError`` otherwise.

    One grammar for every way a person moves the clock: ``sls clock --advance`` and a scenario's
    ``advance_clock`` both read it here, so what one accepts the other does, and what
    ``POST /admin/v1/clock`` takes: a whole number of seconds, zero included, also when written with a
    zero fraction (``0.0``, ``60.0``, ``15.0m``), as JSON Schema's ``integer`` (the scenario schema's and the
    server's) has it.
    """
    if isinstance(text, bool):
        raise ValueError(f"{text!r} is not a duration like {DURATION_FORMS}")
    if isinstance(text, int):
        return text
    if isinstance(text, float):
        if not text.is_integer():
            raise ValueError(f"{text!r} is not a whole number of seconds, like {DURATION_FORMS}")
        return int(text)
    match = _DURATION.fullmatch(str(text).strip())
    parts = (
        {unit: int(count) for unit, count in match.groupdict().items() if unit != "sign" and count}
        if match
        else {}
    )
    if match is None or not parts:  # not even a number: "", "-", or units out of order ("30s1m")
        raise ValueError(f"{text!r} is not a duration like {DURATION_FORMS}")
    seconds = sum(count * _UNIT_S[unit] for unit, count in parts.items())
    return -seconds if match["sign"] == "-" else seconds


#: The server's clock stays within 2000-01-01 .. 2100-01-01 UTC (``POST /admin/v1/clock`` refuses the rest).
#: Declared by ``sls_server.shapes.clock_range``, which the scenarios may not import (they reach the server
#: over HTTP, like any client): mirrored here and held equal by ``tests/scenarios/test_scenario_format.py``;
#: ``sls clock`` passes the server's own.
CLOCK_MIN, CLOCK_MAX = 946684800, 4102444800


def parse_instant(value: object, lo: int = CLOCK_MIN, hi: int = CLOCK_MAX) -> int:
    """Unix seconds from an integer or an ISO 8601 text with a zone (``2030-01-01T09:00:00Z``), within the
    server clock's range ``lo .. hi``; ``ValueError`` saying what is wrong. Read when a file is validated and
    when its setup runs, so a clock the server would refuse is told at its line, not at setup; and by
    ``sls clock --set-at``, so a person and a scenario write an instant alike.

    A text without a zone is refused rather than read as UTC: ``09:00`` typed by a person in Zurich means
    08:00Z, and a clock silently an hour off fails a TOTP or a timeout check far from the cause."""
    from datetime import UTC, datetime

    if isinstance(value, int) and not isinstance(value, bool):
        at = value
    else:
        text = str(value).strip()
        if text.lstrip("-").isdigit():
            at = int(text)
        else:
            try:
                moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
            except ValueError:
                raise ValueError(f"{value!r} is neither Unix seconds nor an ISO 8601 instant") from None
            if moment.tzinfo is None:
                raise ValueError(f"{value!r} has no time zone: add Z for UTC")
            at = int(moment.timestamp())
    if not lo <= at <= hi:
        first, last = (datetime.fromtimestamp(bound, UTC).date() for bound in (lo, hi))
        raise ValueError(f"{value!r} is outside the server clock's range, {first} .. {last} UTC")
    return at


class UndefinedVariable(LookupError):
    """A ``${name}`` no earlier step defined; the message lists the ones that are."""


def lookup(data: Any, path: str) -> Any:
    """The value at ``path`` in ``data``, or ``_MISSING``; ``*`` maps over a list (missing items dropped)."""
    if path in ("", "."):
        return data
    head, _, rest = path.partition(".")
    if head == "*":
        if not isinstance(data, list):
            return _MISSING
        found = [lookup(item, rest) for item in data]
        return [item for item in found if item is not _MISSING]
    if isinstance(data, Mapping):
        value = data.get(head, _MISSING)
    elif isinstance(data, list) and head.lstrip("-").isdigit():
        index = int(head)
        value = data[index] if -len(data) <= index < len(data) else _MISSING
    else:
        value = _MISSING
    if value is _MISSING or not rest:
        return value
    return lookup(value, rest)


def get(data: Any, path: str, default: Any = None) -> Any:
    value = lookup(data, path)
    return default if value is _MISSING else value


def interpolate(value: Any, variables: Mapping[str, Any]) -> Any:
    """``value`` with every ``${...}`` replaced, recursively through lists and mappings."""
    if isinstance(value, str):
        whole = _VAR.fullmatch(value)
        if whole:
            return _resolve(whole.group(1), variables)
        return _VAR.sub(lambda m: _text(_resolve(m.group(1), variables)), value)
    if isinstance(value, list):
        return [interpolate(item, variables) for item in value]
    if isinstance(value, dict):
        return {key: interpolate(item, variables) for key, item in value.items()}
    return value


def is_reference(value: str) -> bool:
    """Whether ``value`` is one ``${variable}`` and nothing else (a number a step reads may be one)."""
    return _VAR.fullmatch(value.strip()) is not None


def references(value: Any) -> list[str]:
    """The references ``value`` holds (``bob-smith.password``), for the loader's check: which part is the
    variable's name is :func:`variable_of`'s to say."""
    if isinstance(value, str):
        return [match.group(1) for match in _VAR.finditer(value)]
    if isinstance(value, list):
        return [name for item in value for name in references(item)]
    if isinstance(value, dict):
        return [name for item in value.values() for name in references(item)]
    return []


def variable_of(path: str, names: Iterable[str]) -> tuple[str, str]:
    """A reference's variable name and the path into its value: the longest run of its first segments that
    names a variable (a setup user ``al.ice``: ``${al.ice.phone}`` is its phone), else its first segment."""
    known = set(names)
    segments = path.split(".")
    for end in range(len(segments), 1, -1):
        if ".".join(segments[:end]) in known:
            return ".".join(segments[:end]), ".".join(segments[end:])
    return segments[0], ".".join(segments[1:])


def _resolve(path: str, variables: Mapping[str, Any]) -> Any:
    name, rest = variable_of(path, variables)
    if name not in variables:
        known = ", ".join(sorted(variables)) or "none yet"
        raise UndefinedVariable(f"${{{path}}}: no variable {name!r} (defined: {known})")
    value = lookup(variables[name], rest) if rest else variables[name]
    if value is _MISSING:
        raise UndefinedVariable(f"${{{path}}}: {name!r} has no {rest!r}")
    return value


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None else str(value)


def is_matcher(expected: Any) -> bool:
    return isinstance(expected, dict) and bool(expected) and set(expected) <= MATCHER_OPS


def match(actual: Any, expected: Any) -> str | None:
    """``None`` when ``actual`` satisfies ``expected`` (a literal or a matcher); else why not, in words.

    ``actual`` may be the missing marker: only ``exists: false`` (or ``eq: null``-free checks) accept it.
    """
    if not is_matcher(expected):
        if actual is _MISSING:
            return f"is missing (expected {expected!r})"
        return (
            None
            if _equal(actual, expected)
            else f"is {actual!r}, expected {expected!r}{typed(actual, expected)}"
        )
    for op, operand in expected.items():
        problem = _check(op, actual, operand)
        if problem:
            return problem
    return None


def _equal(actual: Any, expected: Any) -> bool:
    if isinstance(expected, bool) or isinstance(actual, bool):
        return actual is expected
    if isinstance(expected, int | float) and isinstance(actual, str):
        return False  # "60" is not 60: the contract's types are part of what is checked
    return bool(actual == expected)


def _check(op: str, actual: Any, operand: Any) -> str | None:
    if op == "exists":
        present = actual is not _MISSING
        return None if present == bool(operand) else ("is missing" if operand else f"exists: {actual!r}")
    if actual is _MISSING:
        return f"is missing (expected {op} {operand!r})"
    shown = f"is {actual!r}"
    if op == "eq":
        return None if _equal(actual, operand) else f"{shown}, expected {operand!r}{typed(actual, operand)}"
    if op == "ne":
        return None if not _equal(actual, operand) else f"{shown}, expected anything else"
    if op in ("gt", "ge", "lt", "le", "between"):
        if not isinstance(actual, int | float) or isinstance(actual, bool):
            return f"{shown}, expected a number"
        if op == "between":
            low, high = operand
            ok = low <= actual <= high
        else:
            compare = {"gt": operator.gt, "ge": operator.ge, "lt": operator.lt, "le": operator.le}[op]
            ok = compare(actual, operand)
        words = {"gt": ">", "ge": ">=", "lt": "<", "le": "<=", "between": "within"}[op]
        return None if ok else f"{shown}, expected {words} {operand!r}"
    if op == "in":
        return None if any(_equal(actual, o) for o in operand) else f"{shown}, expected one of {operand!r}"
    if op == "not_in":
        return (
            None if not any(_equal(actual, o) for o in operand) else f"{shown}, expected none of {operand!r}"
        )
    if op == "regex":
        ok = isinstance(actual, str) and re.fullmatch(operand, actual) is not None
        return None if ok else f"{shown}, expected to match /{operand}/"
    if op == "contains":
        if isinstance(actual, str):
            return None if str(operand) in actual else f"{shown}, expected to contain {operand!r}"
        if isinstance(actual, list):
            ok = any(match(item, operand) is None for item in actual)
            return None if ok else f"{shown}, expected an item matching {operand!r}"
        if isinstance(actual, dict):
            return None if operand in actual else f"{shown}, expected a key {operand!r}"
        return f"{shown}, expected a string, list or object"
    if op == "excludes":
        if isinstance(actual, str):
            return None if str(operand) not in actual else f"{shown}, expected not to contain {operand!r}"
        if isinstance(actual, list):
            ok = all(match(item, operand) is not None for item in actual)
            return None if ok else f"{shown}, expected no item matching {operand!r}"
        if isinstance(actual, dict):
            return None if operand not in actual else f"{shown}, expected no key {operand!r}"
        return f"{shown}, expected a string, list or object"
    if op == "len":
        if not isinstance(actual, str | list | dict):
            return f"{shown}, has no length"
        problem = match(len(actual), operand)
        return None if problem is None else f"has length {len(actual)}, expected {operand!r}"
    if op == "type":
        ok = isinstance(actual, _TYPES[operand])
        ok = ok and not (operand in ("integer", "number") and isinstance(actual, bool))  # True is no number
        article = "an" if operand[0] in "aeiou" else "a"
        return None if ok else f"{shown}, expected {article} {operand}"
    raise ValueError(f"unknown matcher {op!r}")  # the schema admits none: a bug here, not in the scenario
